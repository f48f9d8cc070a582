"""The deploying clinic's own details (clinic.yml), checked once at start-up.

Every key is optional; with no file, or an empty one, the assistant behaves
as it does for everyone. Any key can be overridden by an environment
variable CLINIC_<KEY> (CLINIC_PHONE, CLINIC_EMAIL, ...; nested keys with a
double underscore: CLINIC_EARLY_PREGNANCY_UNIT__PHONE), so deployments can
keep contact details out of the repository. A malformed profile stops
`make run` with a message naming the key: `python -m bot.clinic --check`.

Plain functions and a frozen dataclass; table-tested in tests/test_clinic.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

PROFILE_FILE = Path(__file__).resolve().parents[1] / "clinic.yml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REGIONS = ("uk", "ireland", "us", "other")
_TEXT_KEYS = ("name", "phone", "email", "website", "timezone", "default_region", "chat_title")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s]+$")
_HOURS = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-(?:([01][0-9]|2[0-3]):([0-5][0-9])|(24):00)$")


class ClinicProfileError(ValueError):
    """A key of the clinic profile that cannot be used; the message names it."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"clinic.yml: `{key}` {problem}")
        self.key = key


@dataclass(frozen=True)
class Contact:
    name: Optional[str] = None
    phone: Optional[str] = None


@dataclass(frozen=True)
class ClinicProfile:
    name: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    website: Optional[str] = None
    timezone: str = "Europe/London"
    opening_hours: Dict[str, Optional[Tuple[dt.time, dt.time]]] = field(default_factory=dict)  # day -> (open, close)
    early_pregnancy_unit: Contact = Contact()
    default_region: Optional[str] = None
    chat_title: Optional[str] = None

    @property
    def is_empty(self) -> bool:
        return self == ClinicProfile()

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.email or self.website)


def _text(data: Mapping[str, Any], key: str) -> Optional[str]:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        raise ClinicProfileError(key, "must be a non-empty text")
    return str(value).strip()


def _hours(value: Any, key: str) -> Optional[Tuple[dt.time, dt.time]]:
    if value is None or str(value).strip().lower() == "closed":
        return None
    match = _HOURS.match(str(value).strip())
    if not match:
        raise ClinicProfileError(key, 'must look like "09:00-17:00" or "closed"')
    opens = dt.time(int(match.group(1)), int(match.group(2)))
    # "24:00" is the end of the day: open through 23:59:59, not shut at 23:59.
    closes = dt.time.max if match.group(5) else dt.time(int(match.group(3)), int(match.group(4)))
    if closes <= opens:
        raise ClinicProfileError(key, "must close after it opens")
    return opens, closes


def _overrides(env: Mapping[str, str]) -> Dict[str, Any]:
    """CLINIC_PHONE -> {"phone": ...}; CLINIC_EARLY_PREGNANCY_UNIT__PHONE -> nested."""
    data: Dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith("CLINIC_") or name == "CLINIC_PROFILE":
            continue
        path = name[len("CLINIC_") :].lower().split("__")
        target = data
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return data


def _merge(base: Dict[str, Any], extra: Mapping[str, Any]) -> Dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def parse_profile(data: Any) -> ClinicProfile:
    """A ClinicProfile from the YAML data, or ClinicProfileError naming the key."""
    if data is None:
        return ClinicProfile()
    if not isinstance(data, Mapping):
        raise ClinicProfileError("(top level)", "must be a mapping of keys to values")
    known = set(_TEXT_KEYS) | {"opening_hours", "early_pregnancy_unit"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ClinicProfileError(unknown[0], f"is not a profile key (known: {', '.join(sorted(known))})")
    values = {key: _text(data, key) for key in _TEXT_KEYS}
    if values["phone"] and not _PHONE.match(values["phone"]):
        raise ClinicProfileError("phone", "must be a phone number (digits, spaces, +, -, brackets)")
    if values["email"] and not _EMAIL.match(values["email"]):
        raise ClinicProfileError("email", "must be an e-mail address")
    if values["website"] and not _URL.match(values["website"]):
        raise ClinicProfileError("website", "must start with http:// or https://")
    if values["default_region"] and values["default_region"] not in REGIONS:
        raise ClinicProfileError("default_region", f"must be one of {', '.join(REGIONS)}")
    timezone = values["timezone"] or ClinicProfile.timezone
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ClinicProfileError("timezone", f"is not a known time zone ({timezone!r}; e.g. Europe/London)") from None
    hours_data = data.get("opening_hours") or {}
    if not isinstance(hours_data, Mapping):
        raise ClinicProfileError("opening_hours", "must map days (mon ... sun) to hours")
    for day in hours_data:
        if day not in DAYS:
            raise ClinicProfileError(f"opening_hours.{day}", f"is not a day ({', '.join(DAYS)})")
    hours = {day: _hours(hours_data[day], f"opening_hours.{day}") for day in DAYS if day in hours_data}
    unit_data = data.get("early_pregnancy_unit") or {}
    if not isinstance(unit_data, Mapping):
        raise ClinicProfileError("early_pregnancy_unit", "must have `name` and/or `phone`")
    unit = Contact(_text(unit_data, "name"), _text(unit_data, "phone"))
    if unit.phone and not _PHONE.match(unit.phone):
        raise ClinicProfileError("early_pregnancy_unit.phone", "must be a phone number")
    values["timezone"] = timezone
    return ClinicProfile(**values, opening_hours=hours, early_pregnancy_unit=unit)


def load_profile(path: Optional[Path] = None, env: Optional[Mapping[str, str]] = None) -> ClinicProfile:
    """The profile in ``path`` (CLINIC_PROFILE, else clinic.yml), with
    CLINIC_* environment overrides."""
    env = os.environ if env is None else env
    path = Path(path or env.get("CLINIC_PROFILE") or PROFILE_FILE)
    data: Dict[str, Any] = {}
    if path.exists():
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise ClinicProfileError("(file)", f"is not valid YAML: {error}") from None
        if loaded is not None and not isinstance(loaded, Mapping):
            raise ClinicProfileError("(top level)", "must be a mapping of keys to values")
        data = dict(loaded or {})
    return parse_profile(_merge(data, _overrides(env)) or None)


def hours_today(profile: ClinicProfile, now: dt.datetime) -> Optional[Tuple[dt.time, dt.time]]:
    """(opens, closes) on the clinic's local day of ``now``; None if closed that day."""
    return profile.opening_hours.get(DAYS[now.astimezone(ZoneInfo(profile.timezone)).weekday()])


@lru_cache(maxsize=1)
def current_profile() -> ClinicProfile:
    """The profile this process serves with, read once (the Rasa server and
    the action server each read it; `make run` has checked it first)."""
    return load_profile()


def is_open(profile: ClinicProfile, now: dt.datetime) -> Optional[bool]:
    """Open at ``now`` (any time zone)? None when no hours are given."""
    if not profile.opening_hours:
        return None
    hours = hours_today(profile, now)
    local = now.astimezone(ZoneInfo(profile.timezone))
    return hours is not None and hours[0] <= local.time() < hours[1]


def next_opening(profile: ClinicProfile, now: dt.datetime) -> Optional[Tuple[str, dt.time]]:
    """(day name, time) the clinic next opens after ``now``; None without hours."""
    if not profile.opening_hours:
        return None
    local = now.astimezone(ZoneInfo(profile.timezone))
    for offset in range(0, 8):
        day = local.date() + dt.timedelta(days=offset)
        hours = profile.opening_hours.get(DAYS[day.weekday()])
        if hours and (offset > 0 or local.time() < hours[0]):
            label = "today" if offset == 0 else "tomorrow" if offset == 1 else f"{day:%A}"
            return label, hours[0]
    return None


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="Check the clinic profile (clinic.yml).")
    parser.add_argument("--check", action="store_true", help="exit 1 with a message naming the bad key")
    parser.parse_args(argv)
    try:
        profile = load_profile()
    except ClinicProfileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("clinic profile: " + ("none (general answers)" if profile.is_empty else profile.name or "set"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
