"""Which pattern a history resembles, and what about it needs a word of its
own. Plain Python, table-tested in tests/test_history_assessment.py.

Thresholds are the lay rule of thumb of seed A (two or more failed transfers;
two or more pregnancy losses), which matches ESHRE 2022 on the miscarriage
side. How losses are counted follows the guidelines:

* A positive test lost before a scan (biochemical, "chemical") after a
  transfer is a transfer without a clinical pregnancy (RIF side, ESHRE RIF
  2023) and a pregnancy loss (RM side: ESHRE 2022 counts non-visualised
  losses). Natural ones count on the RM side only. Guidelines differ, so the
  reply says so (flag ``biochemical_losses``).
* One or more second-trimester losses (13 to 23 weeks) is enough on the RM
  side: RCOG 2023 sees anyone with one such loss (flag ``second_trimester_loss``).
* Ectopic and molar pregnancies are not miscarriages (ESHRE 2022, RCOG 2023):
  never counted, but named (flag ``ectopic_or_molar``).
* A side that is met stands even when the other side is unknown (flags
  ``rif_side_unknown`` / ``rm_side_unknown``); ``unclear`` only when no side
  is met and an answer is missing.
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
SECOND_TRIMESTER_LOSSES = 1


class Pattern(str, Enum):
    RIF = "rif_pattern"
    RM = "rm_pattern"
    BOTH = "both_patterns"
    NEITHER = "neither_yet"  # a stored value; the words never say "yet"
    UNCLEAR = "unclear"


class Flag(str, Enum):
    BIOCHEMICAL_LOSSES = "biochemical_losses"
    SECOND_TRIMESTER_LOSS = "second_trimester_loss"
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
    confirmed_losses: Optional[int] = None  # seen on a scan or in tissue, any trimester
    biochemical_after_transfer: int = 0
    biochemical_natural: int = 0
    biochemical_unlinked: int = 0  # not said whether after a transfer
    second_trimester_losses: int = 0
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
    """Transfers that did not lead to a clinical pregnancy: negative tests and
    positives lost before a scan. None when the answers leave it open."""
    if facts.transfers is None:
        return None
    if facts.transfers == 0:
        return 0
    if facts.positive_tests is None:
        return None
    clinical = max(facts.positive_tests - facts.biochemical_after_transfer, 0)
    return max(facts.transfers - clinical, 0)


def pregnancy_losses(facts: HistoryFacts) -> Optional[int]:
    """Miscarriages plus biochemical losses (ESHRE 2022); never ectopic or
    molar pregnancies. None when the confirmed losses are unknown and the
    biochemical ones alone do not reach the threshold."""
    biochemical = facts.biochemical_after_transfer + facts.biochemical_natural + facts.biochemical_unlinked
    if facts.confirmed_losses is None:
        return biochemical if biochemical >= RM_LOSSES else None
    return facts.confirmed_losses + biochemical


def _rif_side(facts: HistoryFacts) -> Optional[bool]:
    if facts.transfers is not None and facts.transfers < RIF_FAILED_TRANSFERS:
        return False  # too few transfers, whatever the tests showed
    failed = failed_transfers(facts)
    return None if failed is None else failed >= RIF_FAILED_TRANSFERS


def _rm_side(facts: HistoryFacts) -> Optional[bool]:
    if facts.second_trimester_losses >= SECOND_TRIMESTER_LOSSES:
        return True
    losses = pregnancy_losses(facts)
    return None if losses is None else losses >= RM_LOSSES


def _pattern(rif: Optional[bool], rm: Optional[bool]) -> Pattern:
    if rif and rm:
        return Pattern.BOTH
    if rif:
        return Pattern.RIF
    if rm:
        return Pattern.RM
    if rif is None or rm is None:
        return Pattern.UNCLEAR
    return Pattern.NEITHER


def assess(facts: HistoryFacts) -> Assessment:
    rif, rm = _rif_side(facts), _rm_side(facts)
    flags = []
    biochemical = facts.biochemical_after_transfer + facts.biochemical_natural + facts.biochemical_unlinked
    if biochemical:
        flags.append(Flag.BIOCHEMICAL_LOSSES)
    if facts.second_trimester_losses:
        flags.append(Flag.SECOND_TRIMESTER_LOSS)
    if facts.ectopic_or_molar:
        flags.append(Flag.ECTOPIC_OR_MOLAR)
    failed = failed_transfers(facts)
    if failed and facts.embryos_good_quality in ("no", "some"):
        flags.append(Flag.LOWER_GRADE_EMBRYOS)
    if rm and rif is None:
        flags.append(Flag.RIF_SIDE_UNKNOWN)
    if rif and rm is None:
        flags.append(Flag.RM_SIDE_UNKNOWN)
    return Assessment(_pattern(rif, rm), tuple(flags))


def assess_history(transfers: Optional[int], positive_tests: Optional[int], confirmed_losses: Optional[int]) -> Pattern:
    """The pattern of the three form counts alone (no detail facts)."""
    return assess(HistoryFacts(transfers, positive_tests, confirmed_losses)).pattern
