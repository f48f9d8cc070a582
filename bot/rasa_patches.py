"""Two fixes to Rasa 3.6 internals, applied by the Rasa server when it
loads our NLU components (bot/nlu/__init__.py).

**The circuit breaker counts one turn.** ``MessageProcessor.is_action_limit_reached``
counts the actions back to the last ``action_listen``. When a turn once
tripped the breaker, it ended without listening, so every later message
counted that turn's actions too and tripped it again at once: the
conversation was broken for good, crisis messages included. We count only
the actions since the latest user message (bot/policies/turn_guard.py).

**Speed.**
``RemoteAction._validate_action_result`` calls ``jsonschema.validate()`` on
every custom action call. That first checks the constant response schema
against the JSON Schema meta-schema, then validates: about 20 ms of CPU per
call on this machine, a quarter of the Rasa server's time under load
(profiled with py-spy, see bench/results/report.md). We validate against the
very same schema with a validator built once (about 0.6 ms); invalid
responses still raise the same ``ValidationError`` with Rasa's hint.

The patch was written against one Rasa release and replaces a private
method: on any other version it is not applied (a warning says so), since
the method it replaces may have changed.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict, Optional

logger = logging.getLogger(__name__)

WRITTEN_FOR_RASA = "3.6.21"
_applied = False


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every call
    return validator_class(schema)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def is_action_limit_reached(self: Any, tracker: Any, should_predict_another_action: bool) -> bool:
    from bot.policies.turn_guard import actions_this_turn

    return should_predict_another_action and len(actions_this_turn(tracker.events)) >= self.max_number_of_predictions


def apply(rasa_version: Optional[str] = None) -> bool:
    """Patch Rasa if it is the version the patch was written for; returns
    whether the patch is in place."""
    global _applied
    if _applied:
        return True
    if rasa_version is None:
        from rasa.version import __version__ as rasa_version
    if rasa_version != WRITTEN_FOR_RASA:
        logger.warning(
            "Rasa %s is not %s: our patches (circuit breaker, action-response validation) are not applied.",
            rasa_version,
            WRITTEN_FOR_RASA,
        )
        return False
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    MessageProcessor.is_action_limit_reached = is_action_limit_reached  # type: ignore[assignment]
    _applied = True
    return True
