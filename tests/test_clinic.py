"""The clinic profile (bot/clinic.py) and "can I talk to a person?"
(actions/clinic/): validation, hours with a fixed clock, and over REST with
the action server up and down."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import yaml

from actions.clinic.logic import contact_lines
from actions.content import load_content
from bot.clinic import ClinicProfile, ClinicProfileError, is_open, load_profile, next_opening, parse_profile
from tests.helpers.project import ROOT

GOOD = {
    "name": "Example Fertility Clinic",
    "phone": "020 7946 0000",
    "email": "nurses@example-clinic.org",
    "website": "https://example-clinic.org",
    "timezone": "Europe/London",
    "opening_hours": {"mon": "08:30-17:30", "tue": "08:30-17:30", "sat": "closed"},
    "early_pregnancy_unit": {"name": "St Example's EPU", "phone": "020 7946 0999"},
    "default_region": "uk",
    "chat_title": "Example chat",
}
MONDAY_NOON = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone.utc)  # a Monday, 12:00 in London
MONDAY_NIGHT = dt.datetime(2026, 11, 23, 21, 0, tzinfo=dt.timezone.utc)
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.timezone.utc)


def test_the_shipped_profile_is_empty_and_valid():
    assert load_profile(ROOT / "clinic.yml", env={}).is_empty


def test_a_good_profile():
    profile = parse_profile(GOOD)
    assert profile.name == "Example Fertility Clinic" and profile.has_contact
    assert profile.opening_hours["mon"] == (dt.time(8, 30), dt.time(17, 30)) and profile.opening_hours["sat"] is None


@pytest.mark.parametrize(
    "change,key",
    [
        ({"phone": "call us"}, "phone"),
        ({"email": "nurses at clinic"}, "email"),
        ({"website": "example-clinic.org"}, "website"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"default_region": "france"}, "default_region"),
        ({"opening_hours": {"mon": "9 till 5"}}, "opening_hours.mon"),
        ({"opening_hours": {"monday": "09:00-17:00"}}, "opening_hours.monday"),
        ({"opening_hours": {"mon": "17:00-09:00"}}, "opening_hours.mon"),
        ({"early_pregnancy_unit": {"phone": "ring the ward"}}, "early_pregnancy_unit.phone"),
        ({"name": ""}, "name"),
        ({"fax": "0123"}, "fax"),
    ],
)
def test_a_malformed_profile_names_the_key(change, key):
    with pytest.raises(ClinicProfileError) as error:
        parse_profile({**GOOD, **change})
    assert error.value.key == key and f"`{key}`" in str(error.value)


def test_environment_variables_override_the_file(tmp_path):
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(GOOD))
    env = {"CLINIC_PHONE": "01632 960000", "CLINIC_EARLY_PREGNANCY_UNIT__PHONE": "01632 960111"}
    profile = load_profile(path, env=env)
    assert profile.phone == "01632 960000" and profile.early_pregnancy_unit.phone == "01632 960111"
    assert profile.email == GOOD["email"]


def test_missing_file_means_no_profile(tmp_path):
    assert load_profile(tmp_path / "none.yml", env={}) == ClinicProfile()


def test_make_run_refuses_a_malformed_profile(tmp_path):
    path = tmp_path / "clinic.yml"
    path.write_text("phone: call us\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot.clinic", "--check"],
        cwd=ROOT,
        env={"CLINIC_PROFILE": str(path), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "`phone`" in result.stderr


def test_opening_hours_with_a_fixed_clock():
    profile = parse_profile(GOOD)
    assert is_open(profile, MONDAY_NOON) is True
    assert is_open(profile, MONDAY_NIGHT) is False
    assert next_opening(profile, MONDAY_NIGHT) == ("tomorrow", dt.time(8, 30))
    assert next_opening(profile, SATURDAY) == ("Monday", dt.time(8, 30))
    assert is_open(parse_profile({"phone": "020 7946 0000"}), MONDAY_NOON) is None


def test_open_until_24_00_means_open_through_the_last_minute_of_the_day():
    all_day = parse_profile({**GOOD, "opening_hours": {"mon": "00:00-24:00", "tue": "00:00-24:00"}})
    last_minute = dt.datetime(2026, 11, 23, 23, 59, 30, tzinfo=dt.timezone.utc)  # Monday 23:59:30 in London
    assert is_open(all_day, last_minute) is True
    assert is_open(all_day, last_minute + dt.timedelta(seconds=60)) is True  # Tuesday 00:00:30
    assert "open now until 24:00" in "\n".join(contact_lines(all_day, last_minute, load_content("clinic")))
    with pytest.raises(ClinicProfileError):
        parse_profile({**GOOD, "opening_hours": {"mon": "09:00-24:30"}})


def test_contact_text_inside_and_outside_hours():
    words = load_content("clinic")
    profile = parse_profile(GOOD)
    inside = "\n".join(contact_lines(profile, MONDAY_NOON, words))
    assert "open now until 17:30" in inside and "020 7946 0000" in inside and "emergency" not in inside
    outside = "\n".join(contact_lines(profile, MONDAY_NIGHT, words))
    assert "closed now" in outside and "tomorrow at 08:30" in outside
    assert "St Example's EPU on 020 7946 0999" in outside and "emergency number" in outside
    assert contact_lines(ClinicProfile(), MONDAY_NOON, words) == []


@pytest.mark.e2e
def test_talk_to_person_over_rest_with_the_action_server_up_and_down(tmp_path):
    from tests.helpers.servers import action_server, rasa_server, send_rest

    profile = tmp_path / "clinic.yml"
    always_open = {day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    profile.write_text(yaml.safe_dump({**GOOD, "opening_hours": always_open}))
    with action_server(env={"CLINIC_PROFILE": str(profile)}) as actions, rasa_server(actions) as base:
        text = "\n".join(r.get("text", "") for r in send_rest(base, "e2e-person", "can I speak to a nurse please"))
        assert "automated assistant" in text and "Example Fertility Clinic is open now" in text
        assert "020 7946 0000" in text and "Go through my history" not in text  # the button title is not text
    with rasa_server() as base:  # no action server: the general line still comes
        replies = send_rest(base, "e2e-person-down", "I want a real person")
        assert "automated assistant" in "\n".join(r.get("text", "") for r in replies)
