"""Table tests: what people type, parsed into form answers."""

from __future__ import annotations

import pytest

from actions.content import region_aliases
from actions.history.answers import (
    AMBIGUOUS,
    NEGATIVE,
    NOT_A_NUMBER,
    TOO_LARGE,
    UNKNOWN,
    parse_count,
    parse_region,
    parse_yes_no,
)


@pytest.mark.parametrize(
    "text,value",
    [
        ("3", 3),
        ("0", 0),
        ("30", 30),
        ("12 ", 12),
        ("I had 2", 2),
        ("about 4 transfers", 4),
        ("three", 3),
        ("Three", 3),
        ("twenty-one", 21),
        ("twenty one", 21),
        ("eleven", 11),
        ("twice", 2),
        ("once", 1),
        ("a couple", 2),
        ("couple of times", 2),
        ("none", 0),
        ("no", 0),
        ("never", 0),
        ("zero", 0),
        ("None, we conceived naturally", 0),
        ("nope", 0),
        ("8 😢", 8),
    ],
)
def test_counts_people_write(text, value):
    answer = parse_count(text)
    assert (answer.value, answer.unknown, answer.problem) == (value, False, None)


@pytest.mark.parametrize(
    "text", ["I don't know", "not sure", "Not sure", "no idea", "dunno", "can't remember", "unsure"]
)
def test_unknown_answers(text):
    answer = parse_count(text)
    assert answer.unknown and answer.value is None and answer.is_valid
    assert answer.slot_value == UNKNOWN


@pytest.mark.parametrize(
    "text,problem",
    [
        ("banana", NOT_A_NUMBER),
        ("", NOT_A_NUMBER),
        ("   ", NOT_A_NUMBER),
        (None, NOT_A_NUMBER),
        ("4.5", NOT_A_NUMBER),
        ("-2", NEGATIVE),
        ("minus one", NEGATIVE),
        ("a hundred", TOO_LARGE),
        ("31", TOO_LARGE),
        ("one hundred and five", TOO_LARGE),
        ("1000000", TOO_LARGE),
        ("a few", AMBIGUOUS),
        ("several", AMBIGUOUS),
        ("2 or 3", AMBIGUOUS),
        ("x" * 5000, NOT_A_NUMBER),
        ("трижды", NOT_A_NUMBER),
    ],
)
def test_bad_counts_say_what_is_wrong(text, problem):
    answer = parse_count(text)
    assert not answer.is_valid
    assert answer.problem == problem


@pytest.mark.parametrize(
    "text,allow_some,expected",
    [
        ("yes", False, "yes"),
        ("Yeah they were", False, "yes"),
        ("yep", False, "yes"),
        ("no", False, "no"),
        ("nope", False, "no"),
        ("not yet", False, "no"),
        ("not sure", False, UNKNOWN),
        ("I don't know", True, UNKNOWN),
        ("some of them", True, "some"),
        ("only one of us", True, "some"),
        ("mixed", True, "some"),
        ("maybe", True, None),
        ("", False, None),
        ("banana", False, None),
    ],
)
def test_yes_no_answers(text, allow_some, expected):
    assert parse_yes_no(text, allow_some=allow_some) == expected


@pytest.mark.parametrize(
    "text,region",
    [
        ("UK", "uk"),
        ("I'm in England", "uk"),
        ("we live in the USA", "us"),
        ("United States", "us"),
        ("Ireland", "ireland"),
        ("Canada", "other"),
        ("somewhere else", "other"),
        ("not sure", UNKNOWN),
        ("", None),
    ],
)
def test_regions(text, region):
    assert parse_region(text, region_aliases()) == region
