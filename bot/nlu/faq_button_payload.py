"""Resolve FAQ button payloads (``/faq/<key>``) exactly.

Rasa parses ``/intent`` payloads, but not retrieval intents such as
``/faq/rif_vs_rm``: its RegexMessageHandler warns and leaves the text to the
classifiers. FAQ buttons must answer the topic they name, so this component
(placed after the classifiers) sets intent ``faq`` and the response-selector
prediction for a known key with full confidence. An unknown key gets
``nlu_fallback``: a button that names no topic is never guessed into one.
"""

from __future__ import annotations

import json
import re
import warnings
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.guard import guarded

RETRIEVAL_INTENT = "faq"
_PAYLOAD_PATTERN = re.compile(r"^\s*/faq/(?P<key>[a-z0-9_]+)\s*$")
_KEYS_FILE = "faq_keys.json"

# Rasa's own handler still sees these payloads first and warns that it cannot
# parse them; that is expected, since this component resolves them.
warnings.filterwarnings("ignore", message=r"Failed to parse arguments in line '/faq/", category=UserWarning)


def parse_faq_payload(text: Optional[str], known_keys: frozenset) -> Optional[str]:
    """Return the FAQ key named by a ``/faq/<key>`` payload, if it is known."""
    if not text:
        return None
    match = _PAYLOAD_PATTERN.match(text)
    if not match or match.group("key") not in known_keys:
        return None
    return match.group("key")


def faq_keys_from_responses(response_names: List[str]) -> List[str]:
    """Keys of the ``utter_faq/<key>`` responses."""
    prefix = f"utter_{RETRIEVAL_INTENT}/"
    return sorted(name[len(prefix) :] for name in response_names if name.startswith(prefix))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqButtonPayloadResolver(GraphComponent):
    """Sets intent and response selection for ``/faq/<key>`` button payloads."""

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        responses: Dict[Text, List[Dict[Text, Any]]],
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._responses = responses
        self._known_keys = frozenset(faq_keys_from_responses(list(responses)))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FaqButtonPayloadResolver":
        return cls(model_storage, resource, {})

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "FaqButtonPayloadResolver":
        try:
            with model_storage.read_from(resource) as directory:
                responses = json.loads((directory / _KEYS_FILE).read_text("utf-8"))
        except ValueError:  # not trained (e.g. an NLU-less model)
            responses = {}
        return cls(model_storage, resource, responses)

    def train(self, training_data: TrainingData) -> Resource:
        responses = {
            name: value
            for name, value in training_data.responses.items()
            if name.startswith(f"utter_{RETRIEVAL_INTENT}/")
        }
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _KEYS_FILE).write_text(json.dumps(responses), "utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get("text")
            key = parse_faq_payload(text, self._known_keys)
            if key is not None:
                self._set_faq_prediction(message, key)
            elif text and _PAYLOAD_PATTERN.match(text):
                fallback = {"name": "nlu_fallback", "confidence": 1.0}
                message.set("intent", fallback, add_to_output=True)
                message.set("intent_ranking", [fallback], add_to_output=True)
        return messages

    def _set_faq_prediction(self, message: Message, key: str) -> None:
        intent_response_key = f"{RETRIEVAL_INTENT}/{key}"
        utter_action = f"utter_{intent_response_key}"
        intent = {"name": RETRIEVAL_INTENT, "confidence": 1.0}
        message.set("intent", intent, add_to_output=True)
        message.set("intent_ranking", [intent], add_to_output=True)
        selector = message.get("response_selector") or {}
        selector.setdefault("all_retrieval_intents", [RETRIEVAL_INTENT])
        selector[RETRIEVAL_INTENT] = {
            "response": {
                "responses": self._responses.get(utter_action, []),
                "confidence": 1.0,
                "intent_response_key": intent_response_key,
                "utter_action": utter_action,
            },
            "ranking": [{"confidence": 1.0, "intent_response_key": intent_response_key}],
        }
        message.set("response_selector", selector, add_to_output=True)
