"""The follow-up table as a pipeline component (after the classifiers): a
short message read with the topic answered last (``follow_up_context.py``):

* a new topic ("and for RM?" after Tests for RIF -> Tests for RM): intent
  ``faq`` with that topic, exactly as an FAQ button sets it;
* more on the same topic ("is it painful?", "tell me more"): intent
  ``ask_more`` with the topic as the ``faq_key`` entity, answered by the
  deeper variant of ``utter_more``.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.faq_button_payload import FaqButtonPayloadResolver
from bot.nlu.follow_up_context import FollowUp, context_of, lexicon, read_follow_up
from bot.nlu.glossary import ORIGINAL_TEXT
from bot.nlu.guard import guarded
from bot.nlu.stateless import set_decision

ASK_MORE = "ask_more"
# Intents a follow-up reading may replace ("tell me more" was read as distress;
# a distress reading is replaced only by a short request for more).
REPLACEABLE = {"faq", "nlu_fallback", "out_of_scope", "inform", "express_distress"}
MAX_WORDS_OVER_DISTRESS = 5


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FollowUpReader(FaqButtonPayloadResolver):
    """Reads short follow-ups with the previous topic (see module docstring);
    trained like the FAQ button resolver, whose answers it sets the same way."""

    @guarded
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get("intent") or {}
            context = context_of(message.get("metadata"))
            classified_more = intent.get("name") == ASK_MORE
            if classified_more:  # only this component says which topic
                self._drop_guess(message)
                intent = message.get("intent") or {}
            if context is None or (intent.get("name") not in REPLACEABLE and not classified_more):
                continue
            text = message.get(ORIGINAL_TEXT) or message.get("text") or ""
            terms = [
                str(e.get("value"))
                for e in message.get("entities") or []
                if e.get("extractor") == "SpacyEntityExtractor"
            ]
            reading = read_follow_up(text, context.topic, float(intent.get("confidence") or 0.0), terms)
            if reading is None and classified_more:
                # "go on" after an answer: the classifier read a request for
                # more, and the previous answer says on what.
                reading = FollowUp(context.topic, more=True)
            if reading is None or reading.topic not in self._known_keys:
                continue
            if (
                intent.get("name") == "express_distress"
                and not classified_more
                and not (
                    reading.more
                    and len(text.split()) <= MAX_WORDS_OVER_DISTRESS
                    and lexicon().aspects["more"].search(text)
                )
            ):
                continue
            if reading.more:
                self._set_ask_more(message, reading.topic)
            else:
                self._set_faq_prediction(message, reading.topic)
        return messages

    @staticmethod
    def _drop_guess(message: Message) -> None:
        rest = [r for r in message.get("intent_ranking") or [] if r.get("name") != ASK_MORE]
        message.set("intent", rest[0] if rest else {"name": "nlu_fallback", "confidence": 1.0}, add_to_output=True)
        message.set("intent_ranking", rest, add_to_output=True)

    @staticmethod
    def _set_ask_more(message: Message, topic: str) -> None:
        set_decision(message, ASK_MORE, "FollowUpReader", entity="faq_key", value=topic)
