"""Which pattern a history resembles. Plain Python, table-tested.

Thresholds are seed A's lay definitions (two or more failed transfers; two or
more confirmed losses). Guidelines differ, and the replies say so: this only
names a resemblance, never a diagnosis.
"""

from __future__ import annotations

from enum import Enum
from typing import Optional

RIF_FAILED_TRANSFERS = 2
RM_CONFIRMED_LOSSES = 2


class Pattern(str, Enum):
    RIF = "rif_pattern"
    RM = "rm_pattern"
    BOTH = "both_patterns"
    NEITHER = "neither_yet"
    UNCLEAR = "unclear"


def failed_transfers(transfers: Optional[int], positive_tests: Optional[int]) -> Optional[int]:
    """Transfers without a positive test; None when the answers leave it open."""
    if transfers is None:
        return None
    if transfers == 0:
        return 0
    if positive_tests is None:
        return None
    return max(transfers - positive_tests, 0)


def _resembles_rif(transfers: Optional[int], positive_tests: Optional[int]) -> Optional[bool]:
    if transfers is not None and transfers < RIF_FAILED_TRANSFERS:
        return False  # too few transfers, whatever the tests showed
    failed = failed_transfers(transfers, positive_tests)
    return None if failed is None else failed >= RIF_FAILED_TRANSFERS


def _resembles_rm(confirmed_losses: Optional[int]) -> Optional[bool]:
    return None if confirmed_losses is None else confirmed_losses >= RM_CONFIRMED_LOSSES


def assess_history(
    transfers: Optional[int],
    positive_tests: Optional[int],
    confirmed_losses: Optional[int],
) -> Pattern:
    """None means the user did not know (or skipped) that answer."""
    rif = _resembles_rif(transfers, positive_tests)
    rm = _resembles_rm(confirmed_losses)
    if rif is None or rm is None:
        return Pattern.UNCLEAR
    if rif and rm:
        return Pattern.BOTH
    if rif:
        return Pattern.RIF
    if rm:
        return Pattern.RM
    return Pattern.NEITHER
