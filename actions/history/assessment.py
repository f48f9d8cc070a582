"""Which pattern a history resembles, and what about it needs a word of its
own. Plain Python, table-tested in tests/test_history_assessment.py.

Thresholds are the lay rule of thumb of seed A (two or more failed transfers;
two or more pregnancy losses), which matches ESHRE 2022 on the miscarriage
side. How losses are counted follows the guidelines:

* A transfer fails when it does not give a positive pregnancy test (ESHRE
  RIF good practice 2023). A positive test lost before a scan (biochemical,
  "chemical") after a transfer is a positive test, so it counts once: as a
  pregnancy loss on the RM side (ESHRE 2022 counts non-visualised losses),
  never also as a failed transfer. Natural ones count on the RM side too.
  Some clinics count a chemical after a transfer as a failed transfer, so
  the reply says so (flag ``biochemical_losses``).
* A loss at 13 to 23 weeks (second trimester) is a pregnancy loss in the
  count. One such loss alone is not recurrent miscarriage (RCOG 2023: three
  or more first-trimester losses; ESHRE 2022: two or more losses), but it is
  a reason for specialist review, so it has its own pattern ``later_loss``.
  When the count reaches two losses the pattern is ``rm_pattern`` (or
  ``both_patterns``) with the flag ``second_trimester_loss``.
* One later loss and the RIF side met gives ``rif_and_later_loss``, not
  ``both_patterns``: the words of ``both_patterns`` say "like recurrent
  miscarriage", the very label one later loss must not get, and a separate
  value keeps both sets of words true without conditions in them.
* A loss at 24 weeks or later is a stillbirth: never counted as a
  miscarriage or a pregnancy loss, but named with support lines (flag
  ``stillbirth``).
* Ectopic and molar pregnancies are not miscarriages (ESHRE 2022, RCOG 2023):
  never counted, but named (flag ``ectopic_or_molar``).
* A side that is met stands even when the other side is unknown (flags
  ``rif_side_unknown`` / ``rm_side_unknown``); ``unclear`` only when no side
  is met, there is no later loss and an answer is missing.
* Failed transfers of embryos not graded good quality: embryo quality is
  usually looked at first (flag ``lower_grade_embryos``).

This names a resemblance, never a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional, Tuple

RIF_FAILED_TRANSFERS = 2
RM_LOSSES = 2
LATER_LOSSES = 1  # one loss at 13-23 weeks: reason enough for specialist review


class Pattern(str, Enum):
    RIF = "rif_pattern"
    RM = "rm_pattern"
    BOTH = "both_patterns"
    LATER_LOSS = "later_loss"  # one loss at 13-23 weeks, RM side not met
    RIF_AND_LATER_LOSS = "rif_and_later_loss"  # RIF side met, and one later loss
    NEITHER = "neither_yet"  # a stored value; the words never say "yet"
    UNCLEAR = "unclear"


class Flag(str, Enum):
    BIOCHEMICAL_LOSSES = "biochemical_losses"
    SECOND_TRIMESTER_LOSS = "second_trimester_loss"
    STILLBIRTH = "stillbirth"
    ECTOPIC_OR_MOLAR = "ectopic_or_molar"
    LOWER_GRADE_EMBRYOS = "lower_grade_embryos"
    RIF_SIDE_UNKNOWN = "rif_side_unknown"
    RM_SIDE_UNKNOWN = "rm_side_unknown"


@dataclass(frozen=True)
class HistoryFacts:
    """What the assessment needs. ``None`` means unknown (not sure, skipped or
    not asked); the detail counts default to 0 (not mentioned)."""

    transfers: Optional[int] = None
    positive_tests: Optional[int] = None  # after transfers, biochemical ones included
    confirmed_losses: Optional[int] = None  # seen on a scan or in tissue, before 24 weeks
    biochemical_after_transfer: int = 0
    biochemical_natural: int = 0
    biochemical_unlinked: int = 0  # not said whether after a transfer
    second_trimester_losses: int = 0  # of the confirmed losses, those at 13-23 weeks
    stillbirths: int = 0  # 24 weeks or later: never in confirmed_losses
    ectopic_or_molar: int = 0
    embryos_good_quality: Optional[str] = None  # yes | no | some | unknown


@dataclass(frozen=True)
class Assessment:
    pattern: Pattern
    flags: Tuple[Flag, ...] = ()

    @property
    def flag_values(self) -> Tuple[str, ...]:
        return tuple(flag.value for flag in self.flags)


def failed_transfers(facts: HistoryFacts) -> Optional[int]:
    """Transfers that did not give a positive pregnancy test (ESHRE RIF 2023).
    A positive lost before a scan is a positive test: it counts as a pregnancy
    loss, not as a failed transfer. None when the answers leave it open."""
    if facts.transfers is None:
        return None
    if facts.transfers == 0:
        return 0
    if facts.positive_tests is None:
        return None
    return max(facts.transfers - facts.positive_tests, 0)


def _biochemical(facts: HistoryFacts) -> int:
    return facts.biochemical_after_transfer + facts.biochemical_natural + facts.biochemical_unlinked


def pregnancy_losses(facts: HistoryFacts) -> Optional[int]:
    """Miscarriages (any week before 24) plus biochemical losses (ESHRE 2022);
    never stillbirths, ectopic or molar pregnancies. None when the confirmed
    losses are unknown and those known (biochemical, later) do not reach the
    threshold."""
    biochemical = _biochemical(facts)
    if facts.confirmed_losses is None:
        known = biochemical + facts.second_trimester_losses
        return known if known >= RM_LOSSES else None
    return max(facts.confirmed_losses, facts.second_trimester_losses) + biochemical


def _rif_side(facts: HistoryFacts) -> Optional[bool]:
    if facts.transfers is not None and facts.transfers < RIF_FAILED_TRANSFERS:
        return False  # too few transfers, whatever the tests showed
    failed = failed_transfers(facts)
    return None if failed is None else failed >= RIF_FAILED_TRANSFERS


def _rm_side(facts: HistoryFacts) -> Optional[bool]:
    """The counting rule only: two or more pregnancy losses."""
    losses = pregnancy_losses(facts)
    return None if losses is None else losses >= RM_LOSSES


def _pattern(rif: Optional[bool], rm: Optional[bool], later: bool) -> Pattern:
    if rif and rm:
        return Pattern.BOTH
    if rm:
        return Pattern.RM
    if rif and later:
        return Pattern.RIF_AND_LATER_LOSS
    if rif:
        return Pattern.RIF
    if later:
        return Pattern.LATER_LOSS
    if rif is None or rm is None:
        return Pattern.UNCLEAR
    return Pattern.NEITHER


def assess(facts: HistoryFacts) -> Assessment:
    rif, rm = _rif_side(facts), _rm_side(facts)
    later = facts.second_trimester_losses >= LATER_LOSSES
    pattern = _pattern(rif, rm, later)
    flags = []
    if _biochemical(facts):
        flags.append(Flag.BIOCHEMICAL_LOSSES)
    if later and pattern not in (Pattern.LATER_LOSS, Pattern.RIF_AND_LATER_LOSS):
        flags.append(Flag.SECOND_TRIMESTER_LOSS)  # those patterns' own words say it
    if facts.stillbirths:
        flags.append(Flag.STILLBIRTH)
    if facts.ectopic_or_molar:
        flags.append(Flag.ECTOPIC_OR_MOLAR)
    failed = failed_transfers(facts)
    if failed and facts.embryos_good_quality in ("no", "some"):
        flags.append(Flag.LOWER_GRADE_EMBRYOS)
    if (rm or later) and rif is None:
        flags.append(Flag.RIF_SIDE_UNKNOWN)
    if (rif or later) and rm is None:
        flags.append(Flag.RM_SIDE_UNKNOWN)
    return Assessment(pattern, tuple(flags))


def assess_history(transfers: Optional[int], positive_tests: Optional[int], confirmed_losses: Optional[int]) -> Pattern:
    """The pattern of the three form counts alone (no detail facts)."""
    return assess(HistoryFacts(transfers, positive_tests, confirmed_losses)).pattern
