"""A history told with numbers and a "which am I?" question starts the walk-through.

"I've had 3 failed transfers, is that RIF?" and "two MMCs and a chemical,
where do I fit?" are the most central questions there are, and the
classifier alone sent them to an FAQ or the fallback. When the user's own
words hold a history with counts (parsed by the walk-through's own
``parse_history``) and ask which pattern it is, the intent becomes
``start_assessment``. A history with a different question ("3 failed FETs,
is the ERA worth it?") keeps its FAQ.
"""

from __future__ import annotations

import re
from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from actions.history.narrative import History, parse_history
from bot.nlu.glossary import ORIGINAL_TEXT
from bot.nlu.stateless import StatelessComponent

START_ASSESSMENT = "start_assessment"
# Intents a stated history with a "which am I" question may replace.
REPLACEABLE = {"faq", "nlu_fallback", "out_of_scope", "inform", "express_distress", START_ASSESSMENT}

_WHICH_AM_I = re.compile(
    r"\b(is (that|this|it|mine)( classed| classified| considered| counted)?( as)? (rif|rm|rpl|recurrent)"
    r"|(does|would|do) (that|this|it|i|we|my history) (count|mean|make|put|qualify|fit|sound)"
    r"|what am i|am i (rif|rm|rpl)|which (one|pattern|group|category|of (the|these) two|applies|fits)"
    r"|where do (i|we) (fit|stand|sit|belong)|do (i|we) (fit|count|qualify)"
    r"|(class(ed|ified)?|count(s|ed)?|considered|qualif(y|ies)|diagnosed) as (rif|rm|rpl|recurrent)"
    r"|put (me|us) in|(rif|rm|rpl) or (rif|rm|rpl)|which is (it|mine)|what (pattern|group) (is|am|do))",
    re.IGNORECASE,
)

# ...and the question is about the patterns themselves.
_PATTERN_WORDS = re.compile(
    r"\b(rif|rm|rpl|recurrent|implantation failure|pattern|group|box|bucket|category|which one|fit|what am i)\b",
    re.IGNORECASE,
)


def most_repeated(history: History) -> int:
    """The largest count of one kind of event: a pattern needs a repeat."""
    fields = (
        history.transfers_total,
        history.negative_tests,
        history.biochemical_losses,
        history.confirmed_miscarriages,
    )
    return max(value or 0 for value in fields)


def asks_which_pattern(text: Optional[str]) -> bool:
    """True for a stated history with a repeated event ("3 failed transfers",
    "two MMCs") plus a "which one am I" question."""
    if not text or text.startswith("/") or not _WHICH_AM_I.search(text) or not _PATTERN_WORDS.search(text):
        return False
    return most_repeated(parse_history(text)) >= 2


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class HistoryQuestionDetector(StatelessComponent):
    """Sets ``start_assessment`` for a history-with-numbers "which am I" question."""

    def __init__(self) -> None:
        parse_history("2 transfers")  # load spaCy with the model, not on a user's message

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get("intent") or {}).get("name")
            if intent not in REPLACEABLE:
                continue
            if asks_which_pattern(message.get(ORIGINAL_TEXT) or message.get("text")):
                decided = {"name": START_ASSESSMENT, "confidence": 1.0}
                ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != START_ASSESSMENT]
                message.set("intent", decided, add_to_output=True)
                message.set("intent_ranking", [decided, *ranking], add_to_output=True)
        return messages
