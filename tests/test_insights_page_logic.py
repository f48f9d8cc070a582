"""The insights page's sign-in logic without a server: sessions and their
expiry and bound, the wrong-token counter, the token-in-the-address check,
the two tokens that must differ (tests/test_insights_page_e2e.py drives the
same code through the real Rasa server)."""

from __future__ import annotations

import pytest

from bot.channels.insights_page import (
    FailureCounter,
    Sessions,
    period_query,
    same_as_api_token,
    sign_in_form,
    token_in_query,
    token_matches,
    with_sign_out,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_lasts_its_lifetime_and_no_longer():
    clock = Clock()
    sessions = Sessions(lifetime=1800, clock=clock)
    session_id = sessions.start()
    assert len(session_id) >= 40 and sessions.valid(session_id)
    clock.now += 1799
    assert sessions.valid(session_id)
    clock.now += 1
    assert not sessions.valid(session_id) and len(sessions) == 0


def test_session_ids_are_random_and_unknown_ones_are_refused():
    sessions = Sessions()
    ids = {sessions.start() for _ in range(50)}
    assert len(ids) == 50
    for made_up in ("", None, "x", "a" * 43, "a" * 5000):
        assert not sessions.valid(made_up)


def test_signing_out_ends_one_session_only():
    sessions = Sessions()
    first, second = sessions.start(), sessions.start()
    sessions.end(first)
    sessions.end(None)
    sessions.end("never-issued")
    assert not sessions.valid(first) and sessions.valid(second)


def test_sessions_are_bounded_and_the_oldest_goes_first():
    clock = Clock()
    sessions = Sessions(limit=100, clock=clock)
    ids = []
    for _ in range(100):
        ids.append(sessions.start())
        clock.now += 1
    newest = sessions.start()
    assert len(sessions) == 100
    assert not sessions.valid(ids[0]) and all(sessions.valid(i) for i in ids[1:]) and sessions.valid(newest)
    # Expired sessions make room before any live one is dropped.
    clock.now += 1800 - 50
    sessions.start()
    assert len(sessions) < 100 and sessions.valid(newest)


def test_after_too_many_wrong_tokens_none_is_checked_until_the_window_moves_on():
    clock = Clock()
    failures = FailureCounter(limit=20, window=60, clock=clock)
    for _ in range(19):
        assert not failures.locked()
        failures.failed()
    clock.now += 30
    failures.failed()
    assert failures.locked()
    clock.now += 30  # the first 19 leave the window
    assert not failures.locked()
    for _ in range(19):
        failures.failed()
    assert failures.locked()


@pytest.mark.parametrize(
    "query, carries",
    [
        ("token=abc", True),
        ("token=", True),
        ("token", True),
        ("days=7&token=abc", True),
        ("TOKEN=abc", True),
        ("days=7&Token", True),
        ("", False),
        ("days=7", False),
        ("since=2026-01-01&until=2026-01-31", False),
        ("tokens=1", False),
    ],
)
def test_a_token_in_the_query_string_is_noticed_in_any_form(query, carries):
    assert token_in_query(query) is carries


@pytest.mark.parametrize(
    "env, same",
    [
        ({"INSIGHTS_TOKEN": "a", "RASA_AUTH_TOKEN": "a"}, True),
        ({"INSIGHTS_TOKEN": " a ", "RASA_AUTH_TOKEN": "a"}, True),
        ({"INSIGHTS_TOKEN": "a", "RASA_AUTH_TOKEN": "b"}, False),
        ({"INSIGHTS_TOKEN": "a"}, False),
        ({"INSIGHTS_TOKEN": "", "RASA_AUTH_TOKEN": ""}, False),
        ({}, False),
    ],
)
def test_the_insights_token_must_differ_from_the_api_token(env, same):
    assert same_as_api_token(env) is same


def test_tokens_compare_exactly():
    assert token_matches("s3cret-ü", "s3cret-ü")
    for presented in (None, "", "s3cret", "s3cret-u", "s3cret-ü ", "x" * 5000):
        assert not token_matches(presented, "s3cret-ü")
    assert not token_matches("", "")  # an unset token opens nothing


def test_only_the_period_is_carried_through_the_form():
    assert period_query({"days": "7", "token": "x", "next": "https://evil.example"}) == "?days=7"
    assert period_query({"since": ["2026-01-01"], "until": "2026-01-31"}) == "?since=2026-01-01&until=2026-01-31"
    assert period_query({"days": "9" * 100}) == "" and period_query({}) == ""


def test_the_form_has_one_password_field_and_escapes_what_it_shows():
    page = sign_in_form('<script>"</script>', '?days="><script>')
    assert "<script>" not in page
    assert page.count('type="password"') == 1 and '<form method="post" action="/insights/sign-in">' in page
    assert 'name="days" value="&quot;&gt;&lt;script&gt;"' in page


def test_the_report_gets_a_sign_out_button():
    page = with_sign_out("<html><body><main><h1>Assistant insights</h1></main></body></html>")
    assert '<main><form method="post" action="/insights/sign-out"' in page
