"""A failing component costs nothing but its own output (bot/nlu/guard.py)."""

from __future__ import annotations

import logging

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.guard import guarded


class Flaky:
    @guarded
    def process(self, messages):
        for message in messages:
            if "boom" in message.get("text"):
                raise ValueError(f"could not read {message.get('text')}")
            message.set("seen", True)
        return messages


def test_an_exception_is_logged_without_the_words_and_the_messages_go_on(caplog):
    messages = [Message(data={"text": "my secret boom story"}), Message(data={"text": "what is RIF"})]
    with caplog.at_level(logging.ERROR):
        returned = Flaky().process(messages)
    assert returned == messages
    assert messages[0].get("seen") is None and messages[1].get("seen") is True
    assert "Flaky failed on a message (ValueError" in caplog.text
    assert "secret" not in caplog.text and "boom" not in caplog.text


def test_every_component_of_ours_is_guarded():
    from bot.nlu import (
        confirmation,
        embedding_classifier,
        faq_button_payload,
        follow_up,
        glossary,
        history_question,
        input_guard,
        question_focus,
        safety_net,
        sentence_encoder,
        sentence_risk,
    )

    classes = [
        confirmation.ExplicitAnswerClassifier,
        embedding_classifier.EmbeddingClassifier,
        faq_button_payload.FaqButtonPayloadResolver,
        follow_up.FollowUpReader,
        glossary.GlossaryExpander,
        glossary.GlossaryTextRestorer,
        history_question.HistoryQuestionDetector,
        input_guard.LongInputTrimmer,
        input_guard.InputGuard,
        question_focus.QuestionFocus,
        safety_net.SafetyNet,
        sentence_encoder.SentenceEncoderFeaturizer,
        sentence_risk.SentenceRiskScorer,
    ]
    assert all(getattr(cls.process, "__wrapped__", None) is not None for cls in classes)
