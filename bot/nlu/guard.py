"""One failing component must not cost a reply: each of our components'
``process`` is wrapped so that an exception on a message is logged (its type
and where, never the user's words) and the message goes on through the rest
of the pipeline without that component's output."""

from __future__ import annotations

import functools
import logging
import traceback
from typing import Any, Callable, List

from rasa.shared.nlu.training_data.message import Message

logger = logging.getLogger(__name__)

Process = Callable[[Any, List[Message]], List[Message]]


def guarded(process: Process) -> Process:
    @functools.wraps(process)
    def wrapper(self: Any, messages: List[Message]) -> List[Message]:
        for message in messages:
            try:
                process(self, [message])
            except Exception as error:  # noqa: BLE001 - logged; the message goes on
                where = traceback.extract_tb(error.__traceback__)[-1]
                logger.error(
                    "%s failed on a message (%s at %s:%s); it goes on without this component.",
                    type(self).__name__,
                    type(error).__name__,
                    where.filename.rsplit("/", 1)[-1],
                    where.lineno,
                )
        return messages

    return wrapper
