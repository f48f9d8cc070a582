"""The insights figures and redaction as tables: no database, no server.

Conversations are built from real Rasa events (bench/insights_load.py Script)
and read back as the dicts the tracker store keeps; the expected figures are
written out by hand."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from bench.insights_load import Script
from bot.insights.cli import PeriodError, choose_period
from bot.insights.figures import (
    ListedMessage,
    Period,
    last_days,
    period_of,
    period_totals,
    summarise,
    topic_rows,
    with_redacted_texts,
)
from bot.insights.redact import redact
from bot.insights.report import render_html

NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.timezone.utc).timestamp()
DAY = 24 * 60 * 60
MARCH = period_of(dt.date(2026, 3, 1), dt.date(2026, 3, 15), NOW)
IN_MARCH = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone.utc).timestamp()


def conversation(channel="socketio", start=IN_MARCH) -> Script:
    return Script("someone", start, channel)


def summary_of(script: Script, period: Period = MARCH):
    return summarise(script.dicts(), period)


# --- one conversation -------------------------------------------------------


def test_questions_answers_and_button_taps():
    script = conversation().greet().faq("rif_definition").faq("rif_causes", button=True).faq("rif_definition")
    summary = summary_of(script)
    assert summary.day == dt.date(2026, 3, 10) and summary.channel == "socketio"
    assert summary.topics == Counter({"rif_definition": 2, "rif_causes": 1})
    assert summary.user_messages == 2  # "/greet" and "/faq/rif_causes" are button payloads
    assert (summary.fallbacks, summary.listed, summary.safety) == (0, [], Counter())


def test_the_response_selector_guess_is_no_topic_unless_the_answer_was_given():
    # Every parse carries a guess (here faq/next_steps); only utter_faq or the
    # walk-through's answer action make it a topic asked.
    script = conversation().fallback("asdf qwer").turn("go on then", "affirm", "utter_ok")
    script.turn("what is pgt", "faq", "action_answer_in_walk_through", "history_form", faq_key="pgt")
    summary = summary_of(script)
    assert summary.topics == Counter({"pgt": 1})
    assert (summary.user_messages, summary.fallbacks) == (3, 1)
    assert summary.listed == [ListedMessage("fallback", summary.listed[0].timestamp, text="asdf qwer")]


def test_a_missing_channel_is_unknown():
    assert summary_of(conversation(channel=None).faq("pgt")).channel == "unknown"


@pytest.mark.parametrize(
    "turn, counted_fallback",
    [
        (("help me", "nlu_fallback", "utter_fallback", "utter_crisis_check"), 1),
        (("I can't go on", "crisis", "action_default_fallback", "utter_crisis_support"), 1),
        (("heavy bleeding", "urgent_symptoms", "utter_urgent_care"), 0),
    ],
    ids=["fallback-and-crisis-check", "default-fallback-and-crisis", "urgent-only"],
)
def test_a_message_that_got_a_safety_reply_is_counted_never_listed(turn, counted_fallback):
    text, intent, *actions = turn
    summary = summary_of(conversation().turn(text, intent, *actions))
    assert summary.fallbacks == counted_fallback
    assert summary.safety == Counter(a for a in actions if a.startswith(("utter_crisis", "utter_urgent")))
    assert summary.listed == []


def test_safety_replies_are_counted_per_kind():
    script = conversation().safety("utter_urgent_care").safety("utter_crisis_check").safety("utter_crisis_support")
    script.safety("utter_same_day_care").safety("utter_urgent_care")
    assert summary_of(script).safety == Counter(
        {"utter_urgent_care": 2, "utter_crisis_check": 1, "utter_crisis_support": 1, "utter_same_day_care": 1}
    )


def test_helpfulness_by_button_and_by_typed_words():
    script = conversation().faq("rm_causes").feedback(True)  # button naming rm_causes
    script.faq("pgt").feedback(False, typed="that didn't answer my question").comment("what about cost?")
    script.feedback(True, key="rm_causes")  # a button under the earlier answer
    summary = summary_of(script)
    assert summary.helpful == Counter({"rm_causes": 2}) and summary.not_helpful == Counter({"pgt": 1})
    [item] = summary.listed
    assert (item.kind, item.topic, item.question, item.text) == (
        "not_helpful",
        "pgt",
        "is embryo testing worth it",
        "what about cost?",
    )


def test_a_button_naming_an_older_answer_shows_no_question_and_a_skip_is_no_comment():
    script = conversation().faq("rm_tests").faq("pgt").feedback(False, key="rm_tests").skip()
    [item] = summary_of(script).listed
    assert (item.topic, item.question, item.text) == ("rm_tests", None, None)


def test_a_question_asked_by_button_shows_as_a_button():
    script = conversation().faq("pgt", button=True).feedback(False).comment("more on costs")
    [item] = summary_of(script).listed
    assert (item.topic, item.question, item.text) == ("pgt", None, "more on costs")


@pytest.mark.parametrize(
    "reply, intent, actions",
    [
        ("I can't go on", "crisis", ["utter_crisis_support"]),
        ("bleeding and pain", "urgent_symptoms", ["utter_urgent_care"]),
        ("spotting at 6 weeks", "early_pregnancy_concern", ["utter_same_day_care"]),
        ("what's the point", "crisis_check", ["utter_crisis_check"]),
        ("skip", "skip_question", ["utter_feedback_thanks"]),
        ("/skip_question", "skip_question", ["utter_feedback_thanks"]),
        ("no thanks", "deny", ["utter_feedback_thanks"]),
        ("everything feels pointless", "nlu_fallback", ["utter_feedback_thanks", "utter_crisis_check"]),
    ],
    ids=[
        "crisis",
        "urgent",
        "same-day",
        "crisis-check",
        "skip-typed",
        "skip-button",
        "no-in-words",
        "got-a-safety-reply",
    ],
)
def test_these_replies_to_what_was_missing_are_never_the_comment(reply, intent, actions):
    script = conversation().faq("pgt").feedback(False).turn(reply, intent, *actions)
    summary = summary_of(script)
    [item] = summary.listed
    assert item.text is None
    assert all(reply not in str(message) for message in summary.listed)


def test_the_comment_is_only_the_message_right_after_the_question():
    script = conversation().faq("pgt").feedback(False).faq("rm_tests").fallback("hmm what")
    summary = summary_of(script)
    # A question asked instead is the comment (the brief's rule: the next message),
    # and the fallback later is listed on its own.
    assert [(m.kind, m.text) for m in summary.listed] == [
        ("not_helpful", "which tests should we ask for after losses"),
        ("fallback", "hmm what"),
    ]


def test_the_comment_is_not_listed_twice_when_it_also_got_the_fallback():
    script = conversation().faq("pgt").feedback(False).turn("the price", "nlu_fallback", "utter_fallback")
    summary = summary_of(script)
    assert [(m.kind, m.text) for m in summary.listed] == [("not_helpful", "the price")]
    assert summary.fallbacks == 1


def test_typed_feedback_before_any_answer_has_no_topic():
    summary = summary_of(conversation().feedback(True, typed="that helped"))
    assert (summary.helpful, summary.feedback_without_topic) == (Counter(), 1)


def test_walk_through_starts_completions_and_outcomes():
    script = conversation().walk_through("rif_pattern").walk_through(None).walk_through("both_patterns")
    summary = summary_of(script)
    assert (summary.walk_starts, summary.walk_completions) == (3, 2)
    assert summary.outcomes == Counter({"rif_pattern": 1, "both_patterns": 1})


def test_carrying_on_after_a_safety_pause_is_not_a_new_start():
    script = conversation().walk_through(None).pause_and_resume("utter_urgent_care")
    summary = summary_of(script)
    assert (summary.walk_starts, summary.walk_completions) == (1, 0)
    assert summary.safety == Counter({"utter_urgent_care": 1})


def test_only_turns_in_the_period_count_but_earlier_answers_give_the_topic():
    before = dt.datetime(2026, 2, 20, 8, 0, tzinfo=dt.timezone.utc).timestamp()
    script = conversation(start=before).faq("rm_causes").fallback("old message")
    script.at(IN_MARCH).feedback(False, typed="not helpful").comment("more detail please").faq("pgt")
    summary = summary_of(script)
    assert summary.day == dt.date(2026, 3, 10)
    assert summary.topics == Counter({"pgt": 1}) and summary.not_helpful == Counter({"rm_causes": 1})
    assert summary.fallbacks == 0 and summary.user_messages == 3
    assert [(m.topic, m.question, m.text) for m in summary.listed] == [
        ("rm_causes", "what causes repeated miscarriages", "more detail please")
    ]


def test_a_conversation_with_no_message_in_the_period_is_none():
    before = dt.datetime(2026, 2, 20, 8, 0, tzinfo=dt.timezone.utc).timestamp()
    assert summary_of(conversation(start=before).faq("pgt")) is None
    assert summarise([], MARCH) is None


# --- totals -----------------------------------------------------------------


def test_totals_add_up_and_keep_only_the_newest_messages():
    first = conversation(channel="telegram").faq("pgt").feedback(True).fallback("one")
    second = conversation(channel="rest", start=IN_MARCH + 2 * DAY).faq("pgt").feedback(False).skip().fallback("two")
    second.fallback("three").safety("utter_crisis_check")
    # Its session starts just before midnight; its first message is on the 13th.
    third = Script("late", dt.datetime(2026, 3, 12, 23, 59, 58, tzinfo=dt.timezone.utc).timestamp(), "telegram")
    third.walk_through("rm_pattern")
    totals = period_totals([summary_of(s) for s in (first, second, third)] + [None], MARCH, limit=2)
    assert totals.conversations == 3
    assert totals.per_day == Counter({dt.date(2026, 3, 10): 1, dt.date(2026, 3, 12): 1, dt.date(2026, 3, 13): 1})
    assert summary_of(third).day == dt.date(2026, 3, 13)
    assert totals.channels == Counter({"telegram": 2, "rest": 1})
    # Typed: first 2 (question, "one"), second 4 (question, "two", "three", the
    # crisis words), third 6 (start, four answers, "yes that's right"); feedback was by button.
    assert (totals.user_messages, totals.fallbacks) == (12, 3)
    assert totals.fallback_rate == 3 / totals.user_messages
    assert totals.topics == Counter({"pgt": 2})
    assert topic_rows(totals) == [("pgt", 2, 1, 1, 0.5)]
    assert (totals.walk_starts, totals.walk_completions, totals.outcomes) == (1, 1, Counter({"rm_pattern": 1}))
    assert totals.listed_counts == Counter({"fallback": 3, "not_helpful": 1})
    assert [m.text for m in totals.listed["fallback"]] == ["three", "two"]  # newest first, limit 2
    assert totals.safety == Counter({"utter_crisis_check": 1})
    assert len(totals.per_day_series()) == 15 and totals.per_day_series()[9] == (dt.date(2026, 3, 10), 1)


def test_no_messages_means_no_rate():
    totals = period_totals([], MARCH)
    assert totals.fallback_rate is None and totals.helpfulness("pgt") is None and topic_rows(totals) == []


# --- period -----------------------------------------------------------------


def test_last_days_are_whole_utc_days_up_to_today():
    period = last_days(7, NOW)
    assert (period.first_day, period.last_day, period.capped) == (dt.date(2026, 3, 9), dt.date(2026, 3, 15), False)
    assert period.start == dt.datetime(2026, 3, 9, tzinfo=dt.timezone.utc).timestamp()
    assert period.end == dt.datetime(2026, 3, 16, tzinfo=dt.timezone.utc).timestamp()


def test_retention_caps_the_start():
    period = last_days(30, NOW, retention_days=10)
    assert period.capped and period.start == NOW - 10 * DAY and period.first_day == dt.date(2026, 3, 5)
    assert not period.contains(NOW - 10 * DAY - 1) and period.contains(NOW - 10 * DAY)


@pytest.mark.parametrize(
    "days, since, until, env, message",
    [
        ("0", None, None, {}, "days must be 1 to"),
        ("x", None, None, {}, "whole number"),
        ("7", "2026-03-01", None, {}, "either days or since/until"),
        (None, "2026-03-10", "2026-03-01", {}, "ends before it starts"),
        (None, "1 March", None, {}, "since must be a date"),
        (None, "2025-01-01", "2025-01-31", {"RETENTION_DAYS": "30"}, "older than the retention limit"),
        (None, None, None, {"RETENTION_DAYS": "soon"}, "RETENTION_DAYS must be a number"),
    ],
)
def test_bad_periods_are_refused_with_a_reason(days, since, until, env, message):
    with pytest.raises(PeriodError, match=message):
        choose_period(days, since, until, NOW, env)


def test_since_and_until_are_whole_days():
    period = choose_period(None, "2026-03-01", "2026-03-02", NOW, {"RETENTION_DAYS": "90"})
    assert period.days() == [dt.date(2026, 3, 1), dt.date(2026, 3, 2)] and not period.capped
    assert choose_period(None, None, None, NOW, {}).days()[0] == dt.date(2026, 2, 14)  # 30 days by default


# --- redaction ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my name is Sarah Jones and what is RIF", "my name is [name] and what is RIF"),
        ("my name's sarah, I had 3 losses", "my name's [name], I had [number] losses"),
        ("Hi, I'm Sarah. What is RM?", "Hi, I'm [name]. What is RM?"),
        ("I'm scared and I'm so tired", "I'm scared and I'm so tired"),
        ("email me at jo.bloggs+ivf@example.co.uk please", "email me at [email] please"),
        ("call 07700 900123 or +44 (0)20 7946 0958", "call [phone] or [phone]"),
        ("my NHS number is 943 476 5919", "my NHS number is [phone]"),
        (
            "I'm 38, AMH 1.2 on 12/03/2024, day 5 transfer",
            "I'm [number], AMH [number] on [number], day [number] transfer",
        ),
        ("three losses and two failed transfers", "[number] losses and [number] failed transfers"),
        ("which one is better", "which one is better"),
        ("Dr Patel said to wait", "Dr [name] said to wait"),
        ("dr. smith-jones and Mrs. Khan", "dr. [name] and Mrs. [name]"),
        (
            "the doctor said to wait, my doctor recommended aspirin",
            "the doctor said to wait, my doctor recommended aspirin",
        ),
        (
            "my husband Tom and my consultant Dr Ahmed disagree",
            "my husband [name] and my consultant Dr [name] disagree",
        ),
        ("my partner, Sam, is worried", "my partner, [name], is worried"),
        ("what does this mean? - Emma", "what does this mean? - [name]"),
        ("Thanks, Priya!", "Thanks, [name]!"),
        ("see https://clinic.example/a?b=1 or nhs.uk", "see [link] or [link]"),
        ("follow @sarah_ttc for updates", "follow [name] for updates"),
        ("what is RIF?", "what is RIF?"),
        ("a question from Olivia about day 3 embryos", "a question from [name] about day [number] embryos"),
        ("we went to Create Fertility in London", "we went to [name] in [name]"),
        ("is Clexane ok with Utrogestan in March", "is Clexane ok with Utrogestan in March"),
        ("What Is The Best Treatment For Rif", "What Is The Best Treatment For Rif"),
    ],
)
def test_redaction(text, expected):
    assert redact(text) == expected


def test_listed_texts_are_redacted_and_escaped_in_the_page():
    script = conversation().fallback("<script>alert(1)</script> my name is Sarah, call 07700900123")
    script.faq("pgt").feedback(False).comment("Dr Patel & <b>me</b>")
    totals = period_totals([summary_of(script)], MARCH)
    with pytest.raises(ValueError, match="redacted"):
        render_html(totals, dict.fromkeys(("per_day", "channels", "topics", "walk_through", "helpfulness"), "x.png"))
    html = render_html(
        with_redacted_texts(totals, redact),
        dict.fromkeys(("per_day", "channels", "topics", "walk_through", "helpfulness"), "x.png"),
    )
    assert "&lt;script&gt;alert([number])&lt;/script&gt; my name is [name], call [phone]" in html
    assert "Dr [name] &amp; &lt;b&gt;me&lt;/b&gt;" in html
    assert "<script" not in html and "Sarah" not in html and "Patel" not in html and "07700900123" not in html


def test_long_messages_are_cut_at_a_space_before_redaction():
    text = "my name is Sarah and " + "I wonder about it " * 300 + "mail me at sarah@example.com"
    shortened = redact(text)
    assert shortened.startswith("my name is [name] and I wonder") and shortened.endswith(" …")
    assert len(shortened) <= 1002 and "sarah@" not in shortened and "example" not in shortened
    assert redact("a." * 50_000) == "[a long message without spaces, not shown]"  # and quickly
