"""What to say when someone asks for a person: the clinic's contact, open or
closed at this moment. Plain functions with an explicit clock; table-tested
in tests/test_clinic.py."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

from bot.clinic import ClinicProfile, hours_today, is_open, next_opening


def contact_lines(profile: ClinicProfile, now: dt.datetime, words: Dict[str, Any]) -> List[str]:
    """The lines about the clinic; empty when the profile has no contact."""
    if not profile.has_contact:
        return []
    name = profile.name or words["clinic_fallback_name"]
    open_now = is_open(profile, now)
    lines: List[str] = []
    if open_now:
        end = hours_today(profile, now)[1]
        closes = "24:00" if end == dt.time.max else end.strftime("%H:%M")
        key = "open_now" if profile.phone else "open_now_no_phone"
        lines.append(words[key].format(name=name, closes=closes, phone=profile.phone))
    elif open_now is False:
        day, opens = next_opening(profile, now) or ("", dt.time(0, 0))
        lines.append(words["closed_now"].format(name=name, day=day, opens=opens.strftime("%H:%M")))
    else:
        lines.append(words["no_hours"].format(name=name))
    if not open_now:
        for key in ("phone", "email", "website"):
            if getattr(profile, key):
                lines.append(words[key].format(**{key: getattr(profile, key)}))
    elif profile.email:
        lines.append(words["email"].format(email=profile.email))
    if open_now is False:
        unit = profile.early_pregnancy_unit
        if unit.phone:
            lines.append(
                " ".join(
                    words["urgent_when_closed"]
                    .format(unit=unit.name or "early pregnancy unit", unit_phone=unit.phone)
                    .split()
                )
            )
        else:
            lines.append(" ".join(words["urgent_when_closed_no_unit"].split()))
    return lines
