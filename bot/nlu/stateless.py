"""Base for our NLU components that learn nothing from training data."""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class StatelessComponent(GraphComponent):
    """Creates itself without config or storage and passes training data through."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "StatelessComponent":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def set_decision(
    message: Message, intent: str, extractor: str, entity: Optional[str] = None, value: Any = None
) -> None:
    """Set ``intent`` with full confidence and, given ``entity``, one entity
    for the whole message (replacing any earlier one of that name)."""
    decided = {"name": intent, "confidence": 1.0}
    message.set("intent", decided, add_to_output=True)
    message.set("intent_ranking", [decided], add_to_output=True)
    if entity is None:
        return
    found = {"entity": entity, "value": value, "start": 0, "end": 0, "confidence_entity": 1.0, "extractor": extractor}
    kept = [e for e in message.get("entities") or [] if e.get("entity") != entity]
    message.set("entities", kept + [found], add_to_output=True)
