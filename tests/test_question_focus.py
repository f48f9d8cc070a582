"""The question sentences of a story-then-question message weigh double."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.glossary import ORIGINAL_TEXT
from bot.nlu.question_focus import QuestionFocus, focus, is_question, sentences


@pytest.mark.parametrize(
    "text, questions",
    [
        ("Had 3 failed FETs with top blasts. Clinic says nothing is wrong. Is this RIF?", ["Is this RIF?"]),
        ("lost two at 8 and 10 wks. what tests should i ask for", ["what tests should i ask for"]),
        ("Two MMCs this year. Is it RM? and should DH get tested too", ["Is it RM?", "and should DH get tested too"]),
        ("We did PGT-A.\nAll euploid.\nWhy do they keep failing?", ["Why do they keep failing?"]),
        ("Beta was 12 then 3. So a chemical? My clinic never said.", ["So a chemical?"]),
    ],
)
def test_the_question_sentences_are_appended_once_more(text, questions):
    assert focus(text) == text + " . " + " ".join(questions)


@pytest.mark.parametrize(
    "text",
    [
        "what is RIF",  # one sentence
        "Is RIF the same as RM? What tests are there?",  # only questions: nothing to weigh against
        "We had 2 MMCs. I'm exhausted.",  # no question
        "",
    ],
)
def test_other_messages_are_left_alone(text):
    assert focus(text) == text


def test_a_focused_message_never_passes_the_input_limit():
    story = "word " * 390 + ". Is this RIF?"
    assert focus(story, max_chars=len(story) + 5) == story


def test_sentences_and_questions():
    assert sentences("one. two? three\nfour") == ["one.", "two?", "three", "four"]
    assert is_question("but could it be my thyroid") and is_question("- any ideas?") and not is_question("I'm tired.")


def test_component_appends_to_the_expanded_text_and_keeps_the_users_words():
    original = "3 BFNs after FET. Is it RIF?"
    message = Message(data={"text": original + " . negative pregnancy test", ORIGINAL_TEXT: original})
    training = Message(data={"text": "2 MMCs. what now?", "intent": "faq"})
    QuestionFocus().process([message])
    QuestionFocus().process_training_data(TrainingData([training]))
    assert message.get("text") == original + " . negative pregnancy test . Is it RIF?"
    assert message.get(ORIGINAL_TEXT) == original
    assert training.get("text") == "2 MMCs. what now? . what now?"
    payload = Message(data={"text": "/faq/rif_definition"})
    QuestionFocus().process([payload])
    assert payload.get("text") == "/faq/rif_definition"
