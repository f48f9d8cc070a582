"""The clinic profile where answers point to the clinic (bot/conversation.py),
the region it fills in the forms (actions/clinic/profile.py) and the chat
page's title (bot/channels/webchat_page.py); the "was this helpful?" buttons
under an FAQ answer. Table tests: no server."""

from __future__ import annotations

import pytest

from actions.clinic.profile import region_without_asking
from actions.content import region_aliases_in_sentences
from actions.history.answers import region_named_in
from bot import clinic
from bot.channels import webchat_page
from bot.clinic import ClinicProfile, parse_profile
from bot.conversation import clinic_contact_lines, replies_to_send, with_clinic_contact
from tests.test_clinic import GOOD

PROFILE = parse_profile(GOOD)
ASK_CLINIC = "Your clinic can tell you which tests they offer."
ASK_UNIT = "If you're bleeding now, call your early pregnancy unit today."


@pytest.mark.parametrize(
    "profile, text, expected",
    [
        (
            PROFILE,
            ASK_CLINIC,
            [
                "To reach Example Fertility Clinic: call 020 7946 0000, e-mail "
                "nurses@example-clinic.org, see https://example-clinic.org."
            ],
        ),
        (PROFILE, ASK_UNIT, ["St Example's EPU: 020 7946 0999."]),
        (PROFILE, "Many people feel this way.", []),
        (PROFILE, "Call the clinic on 020 7946 0000.", []),  # the reply already gives it
        (parse_profile({"email": "a@b.org"}), ASK_CLINIC, ["To reach your clinic: e-mail a@b.org."]),
        (parse_profile({"name": "No contact clinic"}), ASK_CLINIC, []),
        (
            parse_profile({"early_pregnancy_unit": {"phone": "0161 555 0000"}}),
            ASK_UNIT,
            ["Your early pregnancy unit: 0161 555 0000."],
        ),
        (ClinicProfile(), ASK_CLINIC + " " + ASK_UNIT, []),
    ],
)
def test_contact_lines_for_a_reply(profile, text, expected):
    assert clinic_contact_lines(profile, text) == expected


def test_the_contact_goes_once_under_the_last_reply_that_points_to_the_clinic():
    replies = [{"text": ASK_CLINIC}, {"text": "More about tests."}, {"text": ASK_CLINIC, "buttons": [{"title": "x"}]}]
    sent = with_clinic_contact(replies, PROFILE)
    assert sent[0] == replies[0] and sent[1] == replies[1]
    assert sent[2]["text"].startswith(ASK_CLINIC + "\n\nTo reach Example Fertility Clinic: call 020 7946 0000")
    assert sent[2]["buttons"] == [{"title": "x"}]


def test_no_contact_twice_in_a_turn_that_already_gives_it():
    replies = [{"text": "The nurses at your fertility clinic can talk it through."}, {"text": "- phone: 020 7946 0000"}]
    assert with_clinic_contact(replies, PROFILE) == replies


def test_without_a_profile_the_replies_are_as_before():
    replies = [{"recipient_id": "u", "text": ASK_CLINIC}]
    assert replies_to_send(replies, "u", first_turn=False, profile=ClinicProfile()) == replies


def test_an_faq_answer_gets_sources_and_feedback_buttons_with_its_topic():
    reply = {"recipient_id": "u", "text": "RIF is...", "buttons": [{"title": "Related", "payload": "/faq/rif_causes"}]}
    sent = replies_to_send([reply], "u", first_turn=False, answered_topic="rif_definition", profile=ClinicProfile())
    assert [b["payload"] for b in sent[0]["buttons"]] == [
        "/faq/rif_causes",
        '/ask_sources{"faq_key":"rif_definition"}',
        '/feedback_helpful{"faq_key":"rif_definition"}',
        '/feedback_not_helpful{"faq_key":"rif_definition"}',
    ]
    assert [b["title"] for b in sent[0]["buttons"]][1:] == ["Sources", "This helped", "Not helpful"]


def test_no_feedback_buttons_without_an_faq_answer():
    reply = {"recipient_id": "u", "text": "Please call 999 now."}
    assert "buttons" not in replies_to_send([reply], "u", first_turn=False, profile=ClinicProfile())[0]


@pytest.mark.parametrize(
    "current, message, profile, expected",
    [
        (None, "where can i get support", PROFILE, "uk"),  # the clinic's region
        (None, "support groups? we're in dublin", PROFILE, "ireland"),  # the place they named wins
        (None, "support groups? we're in dublin", ClinicProfile(), "ireland"),
        (None, "my RE told us to wait", ClinicProfile(), None),  # "us" is a word here, not a country
        (None, "my RE told us to wait", PROFILE, "uk"),
        ("ireland", "we moved to London", PROFILE, None),  # the user's own answer stays
        ("unknown", "where can i get support", PROFILE, None),  # so does "not sure"
        (None, "where can i get support", ClinicProfile(), None),  # then the form asks
    ],
)
def test_the_region_a_form_need_not_ask(current, message, profile, expected):
    named = region_named_in(message, region_aliases_in_sentences())
    assert region_without_asking(current, named, profile) == expected


def test_the_chat_page_takes_the_clinic_title(tmp_path, monkeypatch):
    profile = tmp_path / "clinic.yml"
    profile.write_text('chat_title: "Example <Clinic> & chat"\n')
    monkeypatch.setenv("CLINIC_PROFILE", str(profile))
    webchat_page._page_with_title.cache_clear()
    clinic.current_profile.cache_clear()
    path = webchat_page.PAGE_FILES[""]
    page = webchat_page._page_with_title(path, (0, 0))
    assert "<title>Example &lt;Clinic&gt; &amp; chat</title>" in page
    assert "<h1>Example &lt;Clinic&gt; &amp; chat</h1>" in page
    assert 'data-title="Example &lt;Clinic&gt; &amp; chat"' in page
    monkeypatch.setenv("CLINIC_PROFILE", str(tmp_path / "none.yml"))
    webchat_page._page_with_title.cache_clear()
    clinic.current_profile.cache_clear()
    assert webchat_page._page_with_title(path, (0, 0)) == path.read_text(encoding="utf-8")
    webchat_page._page_with_title.cache_clear()
    clinic.current_profile.cache_clear()
    assert clinic.load_profile(tmp_path / "none.yml", env={}).is_empty
