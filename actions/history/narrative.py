"""Read a user's own account of their history into a structured ``History``.

Pure functions, no Rasa types, table-tested in tests/test_history_narrative.py.

How it works, in four small passes:

1. **Lex.** Lower-case, number words to digits (``answers._numbers_in``), then
   one ordered table of short regexes turns the text into tokens: counts
   ("3", "a", "both", "all", "a few", "3 or 4"), event heads (transfer, BFN,
   BFP, chemical, MMC, loss, ectopic, molar, live birth...), modifiers
   (fresh, frozen, failed, natural, early), weeks ("8w", "10+3", "at 8 and
   15 weeks"), scan evidence, links ("of them", "ended in"), separators and
   corrections. Noise that looks like counts (years, ages, "5 embryos",
   "beta 250", "5AA", "10dp5dt", "2ww") is swallowed first.
2. **Mentions.** Each head takes the count before it (through modifiers:
   "3 failed frozen transfers"), or after it ("BFN x2", "miscarried twice");
   a count with no head inherits the previous head ("2 MMCs, one at 8 weeks
   and one at 15") or, for a form answer, the question's head.
3. **Events.** Mentions become unit events: transfers; results of a transfer
   (negative, or a pregnancy); ends of a pregnancy (chemical, miscarriage,
   ectopic, molar, birth). An outcome attaches to the latest transfer(s)
   with room for it, a pregnancy end to the latest pregnancy with room for it.
4. **Count.** The History counts the events; vague counts are None and named
   in ``vague``; corrections ("actually 4 transfers", "3 not 2") and a
   ``previous`` History are merged field by field.

Decisions, stated once:

* Test results (BFN, BFP) imply a transfer only when the text is about IVF
  (IVF, ICSI, transfer, FET, embryo, clinic... and not only "starting IVF
  next month") or ``previous`` already has transfers. Without that, BFNs and
  BFPs are still counted but ``transfers_total`` stays None.
* Rounds, cycles, goes and attempts of IVF are not transfers:
  ``rounds_mentioned`` is set so the bot can ask "how many transfers was
  that?" ("3 FET cycles" are transfers).
* A miscarriage, MMC, "lost at 8 weeks" or a generic "loss" is a confirmed
  loss unless it was before a scan or at 4 weeks or less (then biochemical);
  at 24 weeks or more it is a stillbirth.
* "2 transfers and 2 miscarriages" keeps the two counts parallel (the losses
  may be natural); "2 transfers, both ended in miscarriage" or "2 transfers,
  one BFN and one MMC" links them. A loss links to IVF on its own only when
  its clause (or an opening "after IVF ...") says so.
* Derived zeros: when every transfer the user named has a known result, the
  missing side is 0 ("3 failed transfers": positive_tests 0); when every
  confirmed loss has a known timing, the other trimester is 0.
* Not the user's own history: nouns in questions ("is it normal to bleed
  after a transfer?"), fears ("scared of another miscarriage") and other
  people's stories ("my friend had 3 miscarriages"); restatements ("..., that's
  4 losses") do not count twice.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from actions.history.answers import (
    _UNKNOWN_PHRASES,
    AMBIGUOUS,
    MAX_COUNT,
    NEGATIVE,
    NO,
    NOT_A_NUMBER,
    SOME,
    TOO_LARGE,
    UNKNOWN,
    YES,
    _numbers_in,
    parse_count,
    parse_yes_no,
    whole_number,
)
from actions.history.form_logic import COUNT_SLOTS, YES_NO_SLOTS

# Problems of a form answer (keys; the words live in the domain content).
# NOT_A_NUMBER, NEGATIVE, TOO_LARGE and AMBIGUOUS are answers.py's keys.
POSITIVES_EXCEED_TRANSFERS = "positives_exceed_transfers"  # form_logic's key
NOT_YES_NO = "not_yes_no"  # form_logic's key
ROUNDS_NOT_TRANSFERS = "rounds_not_transfers"  # new: "3 rounds" to "how many transfers?"
NEEDS_CONTEXT = "needs_context"  # new: "all of them" before we know how many

ANSWER_SLOTS = COUNT_SLOTS + YES_NO_SLOTS


# ---------------------------------------------------------------------------
# The structure
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """What the user said about their history. Counts are None when not said
    (or vague: then the field's name is in ``vague``)."""

    transfers_total: Optional[int] = None
    transfers_fresh: Optional[int] = None
    transfers_frozen: Optional[int] = None
    rounds_mentioned: bool = False  # rounds/cycles/goes of IVF: ask how many transfers
    rounds: Optional[int] = None
    negative_tests: Optional[int] = None
    positive_tests: Optional[int] = None  # positive tests (not known to be natural)
    biochemical_losses: Optional[int] = None
    biochemical_after_transfer: Optional[int] = None
    biochemical_natural: Optional[int] = None
    confirmed_miscarriages: Optional[int] = None
    miscarriages_after_transfer: Optional[int] = None
    miscarriages_natural: Optional[int] = None
    loss_weeks: Tuple[int, ...] = ()
    first_trimester_losses: Optional[int] = None  # confirmed losses before 13 weeks
    second_trimester_losses: Optional[int] = None  # confirmed losses at 13-23 weeks
    stillbirths: Optional[int] = None  # 24 weeks or more
    natural_pregnancies: Optional[int] = None
    pregnancies_after_treatment: Optional[int] = None
    ectopic: Optional[int] = None
    molar: Optional[int] = None
    pul: Optional[int] = None  # pregnancy of unknown location
    live_births: Optional[int] = None
    embryos_good_quality: Optional[str] = None  # yes | no | some | unknown
    chromosome_tests_both: Optional[str] = None  # yes | no | some | unknown
    vague: Tuple[str, ...] = ()  # fields said vaguely ("a few"): ask back once
    corrections: Tuple[str, ...] = ()  # fields a later number corrected

    @property
    def is_empty(self) -> bool:
        return self == History()

    def said(self) -> Dict[str, Any]:
        """The fields that differ from an empty History."""
        empty = History()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(empty, f.name)}

    @property
    def losses_first_trimester(self) -> Optional[str]:
        """The form's yes/no/some answer about confirmed losses, if known."""
        first, second = self.first_trimester_losses or 0, (self.second_trimester_losses or 0) + (self.stillbirths or 0)
        if first and second:
            return SOME
        if first:
            return YES
        if second:
            return NO
        return None

    def to_slots(self) -> Dict[str, Any]:
        """The form slots this History answers (only those it knows)."""
        values = {
            "embryo_transfers": self.transfers_total,
            "positive_tests": self.positive_tests,
            "confirmed_losses": self.confirmed_miscarriages,
            "embryos_good_quality": self.embryos_good_quality,
            "losses_first_trimester": self.losses_first_trimester,
            "chromosome_tests_both": self.chromosome_tests_both,
        }
        return {slot: value for slot, value in values.items() if value is not None}


@dataclass(frozen=True)
class ParsedAnswer:
    """A form answer read with its question in mind: ``value`` to store (an
    int, or yes/no/some/unknown), the other ``facts`` it told us, ``vague``
    when it needs asking back once, and ``problem`` (a key) when unusable."""

    value: Union[int, str, None] = None
    facts: History = field(default_factory=History)
    vague: bool = False
    problem: Optional[str] = None

    @property
    def is_valid(self) -> bool:
        return self.value is not None and self.problem is None


# ---------------------------------------------------------------------------
# Pass 1: normalise and lex
# ---------------------------------------------------------------------------

MAX_TEXT = 4000
# Transfers and pregnancies one message can describe: far above any history
# (MAX_COUNT each), low enough that no text costs much.
MAX_UNITS = 4 * MAX_COUNT

_NUMBER_WORD = re.compile(
    r"\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine)\b)?"
    r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen)\b"
)
# "one" is a pronoun after these words ("the last one", "our little one").
_ONE_IS_PRONOUN = re.compile(
    r"\b(?:the|this|that|last|first|second|third|next|each|every|another|which|no|any|little|other|only|same|latest"
    r"|previous|fresh|frozen|good|bad|angel|precious|sweet|our|my|a|chemical|early|some|lost|every)\s+$"
)
_PRE_REPLACE: Sequence[Tuple[str, str]] = (
    (r"[\u2018\u2019\u02bc`´]", "'"),
    (r"[\u201c\u201d]", '"'),
    (r"\s[\u2013\u2014-]{1,2}\s|[\u2013\u2014]", " ; "),
    (r"\u00d7", "x"),
    (r"\bhalf a dozen\b", "6"),
    (r"\ba dozen\b", "12"),
    (r"\b(?:a )?couple(?: of)?\b", "2"),
    (r"\ba pair of\b", "2"),
    (r"\bonce\b", "1 times"),
    (r"\btwice\b", "2 times"),
    (r"\bthrice\b", "3 times"),
    # "lost 2 babies", "lost our little one", "lost the baby at 9 weeks"
    (
        r"\blost (\d+|both|two|three|four) (?:of )?(?:our |my )?(?:bab(?:y|ies)|pregnanc(?:y|ies)|little ones|angels|bubs|twins)\b",
        r"\1 losses",
    ),
    (r"\blost (?:our |the |my )?twins\b", "lost"),
    (r"\blost (\d+)\b(?! ?(?:weeks?|w\b|wks?|days?|years?|months?|kg|lbs?|stone|pounds|eggs?|embryos?))", r"\1 losses"),
    (r"\blost (both|all \d+|all)\b(?=\s*(?:at|in|around|before|after|by|between|,|\.|;|$|and|of them|\())", r"\1 lost"),
    (
        r"\blost (?:our|the|my|a|that|this|him|her|it|them|baby|bub)(?: (?:little one|baby|bub|pregnancy|angel|little boy|little girl|son|daughter|twins))?\b",
        "lost",
    ),
)


def _normalise(text: str) -> str:
    text = (text or "")[:MAX_TEXT].lower()
    for pattern, replacement in _PRE_REPLACE:
        text = re.sub(pattern, replacement, text)

    def digits(match: "re.Match[str]") -> str:
        word = match.group(0)
        if word == "one":
            before = text[max(0, match.start() - 24) : match.start()]
            after = text[match.end() : match.end() + 12]
            if _ONE_IS_PRONOUN.search(before) or re.match(r"\s+(?:of (?:us|you)|by one|another)\b", after):
                return word
        values = _numbers_in(word)
        return str(values[0]) if len(values) == 1 else word

    text = _NUMBER_WORD.sub(digits, text)
    return text


@dataclass
class _Tok:
    kind: str
    val: Any = None
    text: str = ""
    attrs: frozenset = frozenset()
    i: int = 0
    sent: int = 0
    clause: int = 0
    used: bool = False  # consumed as a count
    mod_of: Optional[int] = None  # index of the head this modifies


_PL = r"(?:'?s)?"
_WK = r"(?:weeks?|wks?|wk|w)"


def _weeks_of(s: str) -> List[int]:
    s = re.sub(r"\s*\+\s*\d+\s*(?:d(?:ays?)?)?", "", s)  # 10+3 -> 10
    s = re.sub(r"(\d+)\s*w(?:ks?|eeks?)?\s*\d\s*d(?:ays?)?", r"\1w", s)  # 10w3d -> 10w
    numbers = [whole_number(n) for n in re.findall(r"\d+", s)]
    if re.search(r"\d\s*(?:or|-|to|/)\s*\d", s):  # a range of weeks for one loss
        numbers = numbers[:1]
    return [n for n in numbers if 3 <= n <= 42]


def _range_trimester(s: str) -> Optional[int]:
    low, high = (whole_number(n) for n in re.findall(r"\d+", s)[:2])
    return 1 if high < 13 else 2 if 13 <= low < 24 else None


def _first_int(s: str) -> int:
    return whole_number(re.search(r"\d+", s).group())


_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
    "latest": -1,
    "most recent": -1,
}

# (kind, pattern, value) in priority order; value may be a function of the
# matched text. Each pattern must end at a word boundary.
_RULES: List[Tuple[str, str, Any]] = [
    # --- noise that looks like counts or events -------------------------
    ("IGNORE", r"natural killer(?: cells?)?|nk(?: cells?)?|uterine nk", None),
    (
        "IGNORE",
        r"(?:recurrent|repeated) (?:implantation failures?|miscarriages?|pregnancy loss(?:es)?|losses)"
        r"|implantation failures?|rif|rpl|rm|(?:miscarriage|epu|loss|fertility) (?:clinic|testing|tests|investigations|panel|bloods|specialist|consultant|team|unit|association|nurse)"
        r"|early pregnancy (?:unit|clinic|assessment unit)",
        None,
    ),
    ("IGNORE", r"(?:pregnancy|preg|hpt|beta|hcg) tests?", None),
    ("IGNORE", r"\d+\s*(?:dpo|dpt|dp\s?\d?\s?d?t|dpiui|dp\d?dt|days? past(?: \w+){0,3} transfer)", None),
    ("IGNORE", r"(?:2|two) ?ww|tww|\d+ ?(?:week|wk) wait", None),
    ("IGNORE", r"(?:19|20)\d\d", "year"),
    (
        "IGNORE",
        r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}[/.-](?:19|20)\d\d|no ?one|anyone|someone|everyone|any ?one",
        None,
    ),
    (
        "IGNORE",
        r"(?:\d{1,2}(?:st|nd|rd|th)? (?:of )?)?(?:january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)(?: \d{1,2}(?:st|nd|rd|th)?)?",
        None,
    ),
    ("IGNORE", r"last (?:year|month|week|time|summer|spring|autumn|fall|winter|christmas|night)", None),
    ("IGNORE", r"[£$€]\s?\d[\d,.]*k?|\d+(?:\.\d+)?\s?%", None),
    (
        "IGNORE",
        r"(?:i'?m|i am|aged?|age|turned|turning|me|dh|husband|partner|he'?s|she'?s|we'?re|both|she|he)\s+(?:is\s+|was\s+|are\s+)?(?:1[89]|[2-5]\d)(?:\s*(?:yo|y/o|years? old|yrs? old|yrs?))?(?!\s*(?:weeks?|wks?|w\b|\+|transfers?|miscarr))",
        None,
    ),
    ("IGNORE", r"\d\d\s*(?:yo|y/o|years? old|yrs? old|f|m)", None),
    ("IGNORE", r"[1-6]\s?[abc][abc]|grade (?:[1-6]\s?)?[abc]{1,2}", None),  # embryo grades (read by _quality)
    (
        "IGNORE",
        r"\d+\s*(?:(?:more|good|top|top quality|day ?[3-7]|euploid|pgt(?:-?a)?(?: tested| normal)?|pgs normal|normal"
        r"|remaining|quality|aneuploid|mosaic|abnormal|decent|usable|poor|mature|fertilised|fertilized|frozen|fresh)\s+)*"
        r"(?:eggs?(?!\s+(?:collections?|retrievals?))|embryos|embryo(?!\s+transfer)|embies|blasts?|blastocysts?|frosties|snow ?bab(?:y|ies)|follicles?|day ?[3-7]s)",
        None,
    ),
    (
        "IGNORE",
        r"\d+(?:\.\d+)?\s*(?:years?|yrs?|months?|mths?|days?|hours?|hrs?|mins?|minutes?|am|pm|mg|iu|ml|miu|units?|cm|mm|kg|lbs?)",
        None,
    ),
    (
        "IGNORE",
        r"(?:for|after|within|every|over|past|took|waited|wait|another|nearly|almost|in)\s+\d+\s*(?:weeks?|wks?)(?!\s*(?:pregnant|gestation|along))",
        None,
    ),
    (
        "IGNORE",
        r"\d+\s*(?:weeks?|wks?|w)\s+(?:later|ago|apart|earlier|post|afterwards|of (?:bleeding|trying|waiting|spotting))",
        None,
    ),
    (
        "IGNORE",
        r"(?:beta|hcg|bhcg|amh|fsh|tsh|bmi|lh|e2|p4|progesterone|oestrogen|estrogen|vit(?:amin)? d)\s*(?:levels?|numbers?|results?)?\s*(?:of|was|were|is|at|=|:|went from|from|only)?\s*\d[\d,.]*"
        r"(?:\s*(?:to|then|and|->|,|/)\s*\d[\d,.]*)*(?=\W|$)",
        None,
    ),
    ("IGNORE", r"(?:day|cd|d)\s?\d+(?!\s*(?:fresh |frozen )?(?:transfers?|et\b))", None),
    (
        "IGNORE",
        r"(?:want|wanting|trying for|try for|hoping for|hope for|dream of|desperate for|longing for|chances? of|wish for|give (?:our|my) \w+ a)"
        r" (?:a |an |another |our |my )?(?:baby|child|children|kids?|sibling|family|son|daughter|rainbow(?: baby)?)",
        None,
    ),
    ("IGNORE", r"lost (?:hope|count|track|weight|faith|my (?:job|mum|mom|dad|father|mother|way|mind|nan|gran))", None),
    (
        "IGNORE",
        r"(?:tested|test|came back|come back|results?|bloods)\s+(?:all\s+)?(?:negative|neg|normal|positive|pos) for|negative for|positive for",
        None,
    ),
    (
        "IGNORE",
        r"(?:modified )?natural(?:\s+cycle)?(?=\s+(?:fet|frozen|transfer|et\b))|(?:natural|medicated|hrt|mock|menstrual|my|this|next|cycle) cycles?|cycle day",
        None,
    ),
    (
        "HYPO",
        r"(?:scared|afraid|terrified|worried|nervous|anxious|frightened|petrified|fear(?:ful)?|dreading|dread)(?: of| about| that)?|thinking (?:of|about)"
        r"|(?:risk|chances?|odds|likelihood) of|to (?:prevent|avoid|reduce)|what if|in case of|if i (?:have|get)|if (?:it|this) (?:fails|is)|preventing|avoid(?:ing)?",
        None,
    ),
    (
        "OTHER",
        r"(?:my|a|our|her|his) (?:friend|sister|mum|mom|mother|cousin|colleague|aunt|niece|neighbour|neighbor|sil|sister in law|best friend|bff|friend's)s?"
        r"|friends of mine|someone i know|people i know|others",
        None,
    ),
    (
        "FUTURE",
        r"(?:upcoming|planned|future|tomorrow'?s)\s+(?:fresh |frozen |embryo |ivf )?(?:transfers?|fets?|ets?|cycles?|rounds?|ivf)",
        None,
    ),
    # --- weeks, trimesters ---------------------------------------------
    ("TRI", r"between \d{1,2} and \d{1,2} (?:weeks|wks?|w)", lambda s: _range_trimester(s)),
    ("WEEKS", r"(?:weeks?|wks?|wk)\s*\d{1,2}(?:\s*\+\s*\d)?", _weeks_of),
    (
        "WEEKS",
        # At most 30 (MAX_COUNT) weeks in one list: with an unbounded `*` every digit
        # of a long "9,9,9,..." rescanned the rest of the run (quadratic, 130 ms for 2,000 chars).
        r"\d{1,2}(?:\s*\+\s*\d)?(?:\s*(?:,|and|&|or|-|to|/)\s*\d{1,2}(?:\s*\+\s*\d)?){0,29}\s*"
        + _WK
        + r"(?:\s*\+?\s*\d\s*d(?:ays?)?)?(?:\s+pregnant)?",
        _weeks_of,
    ),
    ("WEEKS", r"\d{1,2}\s*\+\s*[0-6](?:\s*d(?:ays?)?)?", _weeks_of),
    ("WEEKS", r"\d{1,2}w\d?d?", _weeks_of),
    ("WEEKS", r"\d{1,2}(?:st|nd|rd|th)\s+week", _weeks_of),
    (
        "WEEKS_MAYBE",
        r"(?:at|@|around|about|approx\.?|approximately|roughly)\s+\d{1,2}(?!\s*(?:weeks?|wks?|wk|w\b|w?\d|\+|(?:,|and|&|or|-|to)\s*\d{1,2}\s*(?:weeks?|wks?|w\b)|years?|yrs?|yo|months?|am|pm|%|:|\.\d|transfers?|times?|x\b|fets?|ivf))",
        lambda s: [_first_int(s)],
    ),
    (
        "TRI",
        r"(?:in (?:the|my) )?(?:1st|first|early)[\s-]*tri(?:mester)?s?|t1|(?:before|under|less than|by|within the first) (?:1[0-3]|[5-9]) (?:weeks?|wks?)",
        1,
    ),
    ("TRI", r"(?:in (?:the|my) )?(?:2nd|second|mid|middle|late)[\s-]*tri(?:mester)?s?|t2", 2),
    ("TRI", r"(?:in (?:the|my) )?(?:3rd|third)[\s-]*tri(?:mester)?s?|t3", 3),
    (
        "TRI",
        r"early(?=\s+(?:miscarr|loss|mc\b|m/c|mmc|mis|ones?\b|pregnancy loss|mcs))|early(?=\s*(?:[,.;!)]|$|and\b|around\b|at\b|both\b|too\b|\())",
        1,
    ),
    (
        "TRI",
        r"late(?=\s+(?:miscarr|loss|mc\b|m/c|mis|mcs))|(?:both |all )?(?:were |was )?(?:in the )?second trimester",
        2,
    ),
    # --- corrections --------------------------------------------------
    (
        "CORR",
        r"actually|correction|i mean(?:t)?|oops|scratch that|make (?:that|it)|my mistake|my bad|typo|no wait|i miscounted|miscounted"
        r"|should (?:have said|say|be|read)|edit:|let me correct|to correct|sorry,?(?=\s*(?:it was|it's|its|i meant|i mean|typo|that should|not\b|\d))"
        r"|wait,?(?=\s*(?:it was|no|actually|\d))",
        None,
    ),
    ("NOTVAL", r",?\s*not\s+\d+(?!\s*(?:weeks?|wks?|w\b|\d))", _first_int),
    # --- evidence of a confirmed pregnancy or loss ---------------------
    (
        "PRESCAN",
        r"before (?:we |i |they )?(?:even )?(?:had |got |could (?:have|get) |got to )?(?:a |any |the first |our first |my first |an |the )?(?:first |6 week |7 week |viability |dating |early )?(?:scan|ultrasound)"
        r"|no scan|never (?:got|made it) to (?:a |the )?(?:first )?scan|too early (?:for|to) (?:a )?scan|before (?:we|they) could (?:see|scan)|never saw (?:a|the|anything)",
        None,
    ),
    (
        "LOSSV",
        r"no (?:heart ?beat|hb|fhb|fetal pole|foetal pole|growth)|no (?:baby|embryo) (?:seen|visible|in the sac|on the scan|there)|(?:heart ?beat|hb|fhb)\s+(?:had\s+)?(?:stopped|gone|disappeared)"
        r"|(?:lost|no longer had) (?:the )?(?:heart ?beat|hb)|empty sac|blighted ovum|anembryonic(?: pregnancy)?|stopped growing"
        r"|(?:didn'?t|did not) make it|d\s?(?:&|and|n)\s?c|erpc|smm|mvp|mmm|medical management|surgical management|misoprostol|miso"
        r"|ended(?! (?:in|with|as|up))|passed away|had to (?:be )?(?:induced|deliver)|was taken away|no longer pregnant",
        None,
    ),
    (
        "EVID",
        r"(?:heart ?beats?|hb|fhb|fetal pole|foetal pole|yolk sac|gestational sac|sacs?|flicker|scans?|ultrasounds?)",
        None,
    ),
    (
        "CHEMWEAK",
        r"(?:af|a\.f\.|period|the witch|bleeding|bleed)\s+(?:came|arrived|showed(?: up)?|started|turned up|appeared|got me)|got (?:my )?(?:af|period)"
        r"|(?:it |they |levels |numbers )?(?:dropped|fell|went down|declined|started (?:dropping|falling)|didn'?t double|stopped rising)",
        None,
    ),
    # --- vague counts -------------------------------------------------
    ("VAGUE", r"\d+\s*(?:or|-|to|/)\s*\d+(?!\s*(?:weeks?|wks?|w\b|\+|\d))", None),
    ("VAGUE", r"\d+\s*\+(?!\s*\d)|(?:more than|over|at least|upwards of|in excess of|nearly|almost)\s+\d+", None),
    (
        "VAGUE",
        r"(?:loads|lots|tons|dozens|a lot|a load|a number|a bunch|a handful|quite a few|a few|several|multiple|numerous|countless|many|too many|so many|some|few|various|endless)(?: of)?",
        None,
    ),
    # --- counts ---------------------------------------------------------
    ("NUM", r"\d+\s*x(?=\s*[a-z])", _first_int),
    ("POSTNUM", r"x\s?\d+", _first_int),
    ("TIMES", r"\d+\s*times?", _first_int),
    ("ORD", r"\d+(?:st|nd|rd|th)|#\s?\d+|no\.\s?\d+|number \d+", _first_int),
    (
        "ORD",
        r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|latest|most recent",
        lambda s: _ORDINAL_WORDS[s],
    ),
    ("NUM", r"\d+", _first_int),
    ("SOFT", r"an?|another|one more|a single|single", 1),
    ("PRO", r"ones?", None),
    ("BOTH", r"both(?: of (?:them|those|these|which))?|the 2 of them", 2),
    (
        "ALL",
        r"all(?: of (?:them|those|these|which|my|our))?|every(?: one| single one| time| single time)?|each(?: one| time| of them)?|(?:the )?(?:rest|others|remaining ones|remaining)",
        None,
    ),
    (
        "NONE",
        r"none(?: of (?:them|those|these))?|zero|not (?:a single|one|any)|never(?: (?:had|got|get|been|seen|saw|achieved|made it to|even had))?(?: (?:a|an|any))?|no(?! luck)(?: more)?",
        0,
    ),
    # --- event heads ------------------------------------------------------
    (
        "P",
        r"(?:positive|pos)\s+(?:pregnancy\s+)?(?:tests?|results?|betas?|hcgs?|hpts?|frers?)|got (?:a |my )?(?:bfp|positive)",
        "test",
    ),
    (
        "NEG",
        r"(?:negative|neg)\s+(?:pregnancy\s+)?(?:tests?|results?|betas?|hcgs?|hpts?)|not pregnant|wasn'?t pregnant|no luck"
        r"|(?:didn'?t|did not|never|doesn'?t|failed to|didnt|hasn'?t|haven'?t|has not|have not) (?:work|worked|take|stick|stuck|implant)|no implantation|nothing (?:has |have |ever )?(?:worked|stuck)",
        "test",
    ),
    (
        "CHEM",
        r"(?:bio-?)?chemical(?:\s+pregnanc(?:y|ies)|s)?|biochems?|chemmies|chems?|cps?|cp'?s"
        r"|lines? (?:faded|disappeared|got (?:lighter|fainter)|went)|faded|(?:betas?|hcg|numbers|levels)'?s? (?:dropped|fell|went down|declined|were dropping|started dropping|didn'?t (?:double|rise)|were low|was low|low)",
        None,
    ),
    ("ECT", r"ectopics?(?:\s+pregnanc(?:y|ies))?|eptopics?|tubal pregnanc(?:y|ies)", None),
    (
        "MOLAR",
        r"molar(?:\s+pregnanc(?:y|ies)|s)?|(?:partial|complete)\s+(?:hydatidiform\s+)?moles?|hydatidiform moles?",
        None,
    ),
    ("PUL", r"puls?|pregnanc(?:y|ies) of unknown location", None),
    ("STILL", r"still ?births?|still ?born|born (?:sleeping|still|asleep)|sleeping (?:baby|son|daughter)", None),
    (
        "BIRTH",
        r"live ?births?|rainbow(?: bab(?:y|ies)| boy| girl| bub| son| daughter)?s?|(?:gave|giving) birth|was born|were born|born|delivered|healthy (?:baby|boy|girl)"
        r"|sons?|daughters?|little (?:boy|girl)s?|toddlers?|ds|dd|kids?|child(?:ren)?",
        None,
    ),
    ("MC", r"missed miscarriages?|missed abortions?|mmc" + _PL + r"|mmc'?d|silent miscarriages?", "mmc"),
    (
        "MC",
        r"miscarr\w*|mis+car+\w*|misscar\w*|miscari\w*|m/cs?|mc'?d|mc" + _PL + r"|sabs?|spontaneous abortions?",
        None,
    ),
    ("LOSS", r"(?:pregnancy |baby )?loss(?:es)?|lost|angel(?: bab(?:y|ies)| babe| baby)?s?", None),
    ("P", r"bfps?|bfp'?s|positives?|pos|successful|success|implanted", "modable"),
    (
        "P",
        r"(?:got|get|fell|became|become|getting|falling|been|was|were|am|i'?m|being|found out i was)\s+pregnant|pregnant|pregnanc(?:y|ies)|preg"
        r"|(?:it|that one|that|which|this one|this|fet|transfer|1) worked|worked",
        None,
    ),
    ("NEG", r"bfns?|bfn'?s|negatives?|neg", "testword"),
    ("NEG", r"fail(?:ed|s|ures?)?|unsuccessful", "modable"),
    ("T", r"(?:fet|transfer|et) cycles?|fets?|fet'?s|f\.e\.t\.?", "frozen"),
    (
        "T",
        r"(?:embryo )?transfers?|transferr?ed|transfere?s?|tranfers?|trasnfers?|tranfsers?|trnasfers?|transfr|tansfers?|trasfers?|transefers?"
        r"|transferring|ets?|[3-7]\s?dt|day\s?[3-7]\s+(?:fresh |frozen )?transfers?",
        None,
    ),
    ("IUI", r"iuis?", None),
    ("ROUND", r"ivfs|icsis|egg collections?|egg retrievals?|retrievals?", "plain"),
    ("ROUNDW", r"rounds?|cycles?|goes|attempts?|tries", None),
    ("IVF", r"ivf/icsi|icsi/ivf|ivf|icsi", None),
    ("FRESH", r"fresh", None),
    ("FROZEN", r"frozen|thawed|froze", None),
    (
        "NATURAL",
        r"natural(?:ly)?|spontaneous(?:ly)?|on (?:our|my) own|unassisted|without (?:any )?(?:ivf|icsi|treatment|help|assistance|medical help|intervention)"
        r"|no (?:ivf|treatment|help)|by ourselves|au naturel|surprise|unexpected(?:ly)?|before (?:ivf|icsi|treatment|we started(?: ivf| icsi| treatment)?|starting(?: ivf| treatment)?)"
        r"|(?:prior to|pre) (?:ivf|treatment)",
        None,
    ),
    (
        "FUTURE",
        r"(?:start(?:ing)?|begin(?:ning)?|about to|going to|planning(?: for| to)?|plan to|considering|thinking (?:about|of)|referred (?:for|to)"
        r"|waiting (?:for|to start)|will (?:be )?(?:starting|doing|trying|start|do|try)|move on to|moving (?:on )?to|looking into|next step(?: is)?"
        r"|booked in for|booked for|hoping to (?:start|do|try))\s+(?:(?:our|my|a|the|first|next|some)\s+){0,2}(?:ivf|icsi|treatment|transfer|fet|iui)s?",
        None,
    ),
    (
        "IVFCTX",
        r"embryos?|embies|blasts?|blastocysts?|pgt(?:-?a)?|pgs|egg collection|epu|clinic|frosties|stims?|otd|donor (?:eggs?|sperm)|pio|clexane|prednisolone|intralipids?|fertility treatment|treatment",
        None,
    ),
    # --- glue -------------------------------------------------------------
    ("EXCEPT", r"apart from|except(?: for)?|other than|save for|but for|bar", None),
    (
        "TOTAL",
        r"that'?s|thats|that is|which is|which makes|making|makes|a total of|total(?: of)?|in total|altogether|overall",
        None,
    ),
    (
        "LINK",
        r"of (?:them|those|which|these|the \d+)|ended (?:in|with|as)|result(?:ed|ing) in|turned (?:out )?(?:in)?to(?: be)?|turned out|became|which|that|but|including|incl\.?"
        r"|with|->|=>|=|were|was|is|are|being|been|gave (?:us|me)|brought (?:us|me)|led to|ending in|ended up (?:as|with|being)",
        None,
    ),
    (
        "SEP",
        r"and then|then|after that|afterwards|after which|since then|followed by|later|next|again|subsequently|after",
        None,
    ),
    ("AND", r"and|plus|&|\+|as well as|or", None),
    ("DEF", r"the|this|my|our|his|her|these|those", None),
    (
        "SKIPW",
        r"more|further|consecutive|separate|different|total|in total|of|previous|prior|past|other|back to back|successive|straight|medicated|hrt"
        r"|euploid|tested|normal|top|good|quality|grade|graded|single|double|confirmed|full|proper|clinical|known|heartbreaking|devastating"
        r"|horrible|awful|sad|painful|traumatic|failed|unsuccessful|previously|since|already|diagnosed|tragic|heartbreaking|horrendous|terrible"
        r"|also|unexplained|recurrent|repeated|repeat|successive|back-to-back|in a row|so far|to date",
        None,
    ),
    ("BOUND", r"[.!?;\n]+", None),
    ("COMMA", r",", None),
    ("COLON", r":", None),
    ("LPAREN", r"\(", None),
    ("RPAREN", r"\)", None),
]

# Heads: which mention kind each lexer kind is.
_HEAD_KINDS = {
    "T",
    "ROUND",
    "ROUNDW",
    "IUI",
    "NEG",
    "P",
    "CHEM",
    "MC",
    "LOSS",
    "ECT",
    "MOLAR",
    "PUL",
    "STILL",
    "BIRTH",
    "PRO",
}
_CONTAINERS = {"T", "ROUND", "IUI"}
_ENDS = ("CHEM", "MC", "LOSS", "ECT", "MOLAR", "PUL", "STILL", "BIRTH")
_LOSS_ENDS = ("CHEM", "MC", "LOSS", "STILL", "ECT", "MOLAR", "PUL")
_COUNT_KINDS = {"NUM", "SOFT", "VAGUE", "ALL", "BOTH", "NONE"}


def _compile() -> "re.Pattern[str]":
    parts = []
    for index, (kind, pattern, _value) in enumerate(_RULES):
        tail = (
            ""
            if kind in ("BOUND", "COMMA", "COLON", "LPAREN", "RPAREN")
            or pattern.endswith(("=", "->", "=>", "&", "\\+"))
            else r"(?![a-z0-9])"
        )
        parts.append(f"(?P<r{index}>(?:{pattern}){tail})")
    parts.append(r"(?P<ws>\s+)|(?P<word>[a-z0-9']+)|(?P<other>.)")
    return re.compile("|".join(parts), re.S)


_MASTER = _compile()
_PLURAL_EXCEPTIONS = {"ds", "pos", "success", "was", "this", "miscarriages's"}


def _is_plural(text: str) -> bool:
    word = text.split()[-1].replace("'", "")
    if word in _PLURAL_EXCEPTIONS:
        return False
    return word in ("children", "kids") or (word.endswith("s") and not word.endswith(("ss", "us")))


_HAD = {"had", "have", "has", "welcomed", "delivered", "got", "holding", "hold"}
_BABY_ADJECTIVES = {"healthy", "beautiful", "little", "gorgeous", "perfect", "precious", "baby", "miracle"}


def _births(tokens: List[_Tok]) -> None:
    """ "we had a baby", "have our first baby": a birth (a bare "baby" is not)."""
    for index, tok in enumerate(tokens):
        if tok.kind != "WORD" or tok.text not in ("baby", "babies", "bub", "boy", "boys", "girl", "girls"):
            continue
        k = index - 1
        while k >= 0 and (tokens[k].kind in ("ORD", "SKIPW") or tokens[k].text in _BABY_ADJECTIVES):
            k -= 1
        had = k >= 1 and tokens[k].kind in ("SOFT", "NUM", "DEF") and tokens[k - 1].text in _HAD
        ours = (
            tok.text.startswith(("boy", "girl"))
            and k >= 0
            and (tokens[k].kind == "NUM" or tokens[k].text in ("my", "our"))
        )
        while k >= 0 and tokens[k].kind in ("IVF", "NATURAL"):
            k -= 1
        ours = ours or (tok.text in ("baby", "babies") and k >= 0 and tokens[k].kind == "NUM")  # "2 IVF babies"
        if had or ours:  # "we had a baby", "my 2 boys"
            tok.kind = "BIRTH"
            tok.attrs = frozenset({"plural"} if tok.text.endswith("s") else ())


def _lex(text: str) -> List[_Tok]:
    tokens: List[_Tok] = []
    for match in _MASTER.finditer(text):
        group = match.lastgroup
        if group == "ws":
            continue
        raw = match.group()
        if group in ("word", "other"):
            tokens.append(_Tok("WORD", text=raw))
            continue
        kind, _pattern, value = _RULES[int(group[1:])]
        val = value(raw) if callable(value) else value
        attrs = set()
        if kind in _HEAD_KINDS:
            if _is_plural(raw):
                attrs.add("plural")
            if isinstance(value, str):
                attrs.add(value)
        if kind == "SOFT":
            attrs.add("article" if raw in ("a", "an", "another") else "single")
            if raw in ("another", "one more"):
                attrs.add("another")
        if kind == "LOSS" and raw == "lost":
            attrs.add("lostverb")
        tokens.append(_Tok(kind, val, raw, frozenset(attrs)))
    _births(tokens)
    sent = clause = 0
    for index, token in enumerate(tokens):
        token.i = index
        if token.kind in ("BOUND", "CORR"):
            sent += 1
            clause += 1
        elif token.kind in ("COMMA", "SEP", "COLON", "LPAREN", "RPAREN") and token.text != "after":
            clause += 1
        token.sent, token.clause = sent, clause
    return tokens


# ---------------------------------------------------------------------------
# Pass 2: mentions
# ---------------------------------------------------------------------------


@dataclass
class _Mention:
    kind: str  # T ROUND IUI NEG P CHEM MC LOSS ECT MOLAR PUL STILL BIRTH
    count: str  # hard soft vague all both none plural
    n: Optional[int]
    start: int
    end: int
    sent: int
    clause: int
    attrs: set = field(default_factory=set)
    ordinal: Optional[int] = None
    weeks: List[int] = field(default_factory=list)
    tri: Optional[int] = None
    gap: set = field(default_factory=set)
    exclude: int = 0  # "all ... apart from one"


def _accepts(head: str, tok: _Tok) -> bool:
    kind = tok.kind
    if head == "PRO":  # "an early one", "a failed one", "the frozen one"
        return kind in ("FRESH", "FROZEN", "NEG", "P", "NATURAL", "TRI")
    if kind in ("FRESH", "FROZEN"):
        return head in ("T", "ROUND", "ROUNDW")
    if kind in ("NEG", "P") and "modable" in tok.attrs:
        return head in ("T", "ROUND", "ROUNDW", "IUI")
    if kind == "IVF":
        return head not in ("IUI",)
    if kind == "NATURAL":
        return head in ("P",) + _ENDS
    if kind == "TRI":
        return head in _ENDS
    return False


_MODABLE = {"FRESH", "FROZEN", "NEG", "P", "IVF", "NATURAL", "TRI"}
_WINDOW_SKIP = {"SKIPW", "IVFCTX", "DEF", "ORD"}


def _assign_modifiers(tokens: List[_Tok]) -> None:
    """A modifier ("failed", "frozen", "natural", "early") belongs to the head
    that follows it closely; else it stands alone. "one failed frozen": the
    frozen (an elliptical transfer) takes "failed"."""
    for index, tok in enumerate(tokens):
        if tok.kind not in _MODABLE or (tok.kind in ("NEG", "P") and "modable" not in tok.attrs):
            continue
        j = index + 1
        elliptical = None
        while j < len(tokens) and j <= index + 4:
            nxt = tokens[j]
            if nxt.kind in _HEAD_KINDS and not (
                nxt.kind in ("NEG", "P") and "modable" in nxt.attrs and _accepts_any_following(tokens, j)
            ):
                if _accepts(nxt.kind, tok):
                    tok.mod_of = j
                    elliptical = None
                break
            if nxt.kind in ("FRESH", "FROZEN"):
                elliptical = j
            if nxt.kind in _WINDOW_SKIP or nxt.kind in _MODABLE:
                j += 1
                continue
            break
        if tok.mod_of is None and elliptical is not None and tok.kind in ("NEG", "P") and _accepts("T", tok):
            tok.mod_of = elliptical


def _accepts_any_following(tokens: List[_Tok], index: int) -> bool:
    """Is the modable head at ``index`` itself a modifier of a later head?"""
    tok = tokens[index]
    j = index + 1
    while j < len(tokens) and j <= index + 4:
        nxt = tokens[j]
        if nxt.kind in _HEAD_KINDS:
            return _accepts(nxt.kind, tok)
        if nxt.kind in _WINDOW_SKIP or nxt.kind in _MODABLE:
            j += 1
            continue
        return False
    return False


def _count_of(tok: _Tok) -> Tuple[str, Optional[int]]:
    if tok.kind in ("NUM", "TIMES", "POSTNUM"):
        # More than anyone has had is "a lot": asked back, never counted out.
        return ("hard", tok.val) if tok.val <= MAX_COUNT else ("vague", None)
    if tok.kind == "SOFT":
        return "soft", 1
    if tok.kind == "VAGUE":
        return "vague", None
    if tok.kind == "ALL":
        return "all", None
    if tok.kind == "BOTH":
        return "both", 2
    if tok.kind == "NONE":
        return "none", 0
    raise ValueError(tok.kind)


def _mention_for_head(tokens: List[_Tok], j: int, kind: str, head: _Tok) -> Optional[_Mention]:
    attrs = set(head.attrs)
    ordinal: Optional[int] = None
    k = j - 1
    mods = [t for t in tokens if t.mod_of == j]
    while k >= 0 and k >= j - 6:
        tok = tokens[k]
        if tok.mod_of == j or tok.kind in ("SKIPW", "IVFCTX"):
            pass
        elif tok.kind == "DEF":
            attrs.add("definite")
        elif tok.kind == "ORD" and not tok.used:
            ordinal = ordinal if ordinal is not None else tok.val
            tok.used = True
        else:
            break
        k -= 1
    count, n = None, None
    start = k + 1
    if k >= 0 and tokens[k].kind in _COUNT_KINDS and not tokens[k].used:
        count, n = _count_of(tokens[k])
        tokens[k].used = True
        start = k
        if "another" in tokens[k].attrs:
            attrs.add("another")
        if "article" in tokens[k].attrs:
            attrs.add("article")
        if "definite" in attrs and count == "hard":
            attrs.add("definite_count")
        before = k - 1
        while before >= 0 and tokens[before].kind == "DEF":
            before -= 1
        if (
            ordinal is None
            and before >= 0
            and tokens[before].kind == "ORD"
            and not tokens[before].used
            and count == "hard"
        ):
            ordinal = tokens[before].val  # "the first 2 transfers"
            tokens[before].used = True
    end = j
    if count is None and j + 1 < len(tokens):
        nxt = tokens[j + 1]
        if nxt.kind in ("NATURAL", "IVF") and j + 2 < len(tokens) and tokens[j + 2].kind in ("TIMES", "POSTNUM"):
            j, nxt = j + 1, tokens[j + 2]
        if nxt.kind in ("TIMES", "POSTNUM"):
            count, n, end = "hard", nxt.val, j + 1
            nxt.used = True
        elif (
            nxt.kind in ("NUM", "ORD")
            and "plural" not in attrs
            and kind in _CONTAINERS | {"ROUNDW"}
            and 0 < nxt.val <= 20
            and ordinal is None
        ):
            ordinal, end = nxt.val, j + 1  # "transfer 2 was a chemical", "FET #3"
            nxt.used = True
        elif nxt.kind in ("COLON", "WORD") and (nxt.kind == "COLON" or nxt.text in ("-", "=")) and j + 2 < len(tokens):
            after = tokens[j + 2]
            if after.kind in ("NUM", "VAGUE", "NONE") and not after.used:
                count, n = _count_of(after)
                end = j + 2
                after.used = True
        elif (
            nxt.kind == "LPAREN"
            and j + 3 < len(tokens)
            and tokens[j + 2].kind == "NUM"
            and tokens[j + 3].kind == "RPAREN"
        ):
            count, n, end = "hard", tokens[j + 2].val, j + 3
            tokens[j + 2].used = True
    if count is None:
        count, n = ("plural", None) if "plural" in attrs else ("soft", 1)
        if "plural" not in attrs:
            attrs.add("implicit_one")
    for mod in mods:
        if mod.kind == "FRESH":
            attrs.add("fresh")
        elif mod.kind == "FROZEN":
            attrs.add("frozen")
        elif mod.kind == "NEG":
            attrs.add("neg")
        elif mod.kind == "P":
            attrs.add("pos")
        elif mod.kind == "IVF":
            attrs.add("ivf")
        elif mod.kind == "NATURAL":
            attrs.add("natural")
    tri = next((m.val for m in mods if m.kind == "TRI"), None)
    if kind == "ROUNDW":
        if count in ("soft",) and ordinal is None and "ivf" not in attrs and not _near_ivf(tokens, j):
            return None  # "my cycle", "a go": not a count of IVF rounds
        if "frozen" in attrs:
            kind = "T"
        else:
            kind = "ROUND"
    if count == "hard" and (
        (start > 0 and tokens[start - 1].kind == "TOTAL") or (end + 1 < len(tokens) and tokens[end + 1].kind == "TOTAL")
    ):
        attrs.add("summary")  # "that's 4 losses", "5 transfers in total"
    mention = _Mention(kind, count, n, start, end, head.sent, head.clause, attrs, ordinal, tri=tri)
    return mention


def _near_ivf(tokens: List[_Tok], j: int) -> bool:
    window = tokens[max(0, j - 2) : j + 3]
    return any(t.kind == "IVF" for t in window)


def _build_mentions(tokens: List[_Tok], default_kind: Optional[str]) -> List[_Mention]:
    _assign_modifiers(tokens)
    mentions: List[_Mention] = []
    by_head: Dict[int, _Mention] = {}
    for j, tok in enumerate(tokens):
        if tok.mod_of is not None:
            continue
        kind = None
        if tok.kind == "PRO":
            prev = tokens[j - 1] if j > 0 else None
            earlier = [m for m in mentions if m.end < j]
            if (
                not earlier
                or prev is None
                or prev.kind
                not in (
                    "SOFT",
                    "TRI",
                    "ORD",
                    "DEF",
                    "FRESH",
                    "FROZEN",
                    "NEG",
                    "P",
                    "NATURAL",
                    "NUM",
                    "ALL",
                    "VAGUE",
                    "SKIPW",
                    "BOTH",
                )
            ):
                continue
            kind = earlier[-1].kind
            if any(t.mod_of == j and t.kind in ("NEG", "P", "FRESH", "FROZEN") for t in tokens):
                kind = next((m.kind for m in reversed(earlier) if m.kind in _CONTAINERS), kind)  # "2 failed ones"
        elif tok.kind in _HEAD_KINDS:
            kind = tok.kind
        elif tok.kind in ("FRESH", "FROZEN"):
            kind = "T"
        elif tok.kind == "IVF":
            kind = "ROUND"
        if kind is None:
            continue
        if tok.kind in ("FRESH", "FROZEN", "IVF"):
            back = j - 1
            while back >= 0 and tokens[back].mod_of == j:
                back -= 1
            prev = tokens[back] if back >= 0 else None
            nxt = tokens[j + 1] if j + 1 < len(tokens) else None
            counted = prev is not None and prev.kind in ("NUM", "ALL", "BOTH", "VAGUE", "ORD") and not prev.used
            counted = counted or (nxt is not None and nxt.kind in ("TIMES", "POSTNUM"))
            if not counted:
                continue
        mention = _mention_for_head(tokens, j, kind, tok)
        if mention is None:
            continue
        if tok.kind == "PRO":
            mention.attrs = (mention.attrs - {"plural"}) | ({"plural"} if tok.text == "ones" else set()) | {"pronoun"}
            if tok.text == "ones" and mention.count == "soft":
                mention.count, mention.n = "plural", None
        if tok.kind == "FRESH":
            mention.attrs |= {"fresh", "elliptical"}
        elif tok.kind == "FROZEN":
            mention.attrs |= {"frozen", "elliptical"}
        if tok.kind == "IVF":
            mention.attrs.add("ivf")
        mentions.append(mention)
        by_head[j] = mention
    # Counts with no head of their own.
    have_default = any(m.kind == default_kind for m in mentions) if default_kind else True
    # The head mentions by start, looked up below for each count (a scan of all
    # mentions per count was quadratic); mentions added below start at their
    # own count, never at a later token.
    by_start: Dict[int, _Mention] = {}
    for mention in mentions:
        by_start.setdefault(mention.start, mention)
    for k, tok in enumerate(tokens):
        if tok.used or tok.kind not in _COUNT_KINDS | {"TIMES", "ORD"}:
            continue
        if tok.kind == "SOFT" and not default_kind and "another" not in tok.attrs:
            continue
        # "3 of them were chemicals", "both ended in miscarriage": the next head.
        j = k + 1
        target = None
        while j < len(tokens) and j <= k + 5:
            nxt = tokens[j]
            if j in by_head:
                target = by_head[j]
                break
            if j in by_start:
                target = by_start[j]
                break
            if nxt.kind in ("LINK", "SKIPW", "DEF", "IVFCTX", "SOFT") or (
                nxt.kind in _MODABLE and nxt.mod_of is not None
            ):
                j += 1
                continue
            break
        if tok.kind != "ORD" and target is not None and target.count in ("soft", "plural") and target.start > k:
            target.count, target.n = _count_of(tok) if tok.kind != "TIMES" else ("hard", tok.val)
            target.attrs.discard("implicit_one")
            target.attrs.add("linked")
            tok.used = True
            continue
        previous = [m for m in mentions if m.end < k]
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        before = tokens[k - 1] if k > 0 else None
        if tok.kind == "ORD":
            # "my second was a chemical", "the first at 8 weeks", "the latest at 11 weeks"
            if (
                nxt is not None
                and nxt.text in _WEEK_PREPOSITIONS
                and k + 2 < len(tokens)
                and tokens[k + 2].kind in ("WEEKS", "WEEKS_MAYBE")
            ):
                nxt = tokens[k + 2]
            if (
                previous
                and tok.val is not None
                and nxt is not None
                and nxt.kind in ("LINK", "WEEKS", "WEEKS_MAYBE", "COMMA", "COLON", "TRI", "LOSSV", "EVID")
            ):
                ordered = [m for m in previous if m.ordinal is not None]
                if ordered or nxt.kind in ("WEEKS", "WEEKS_MAYBE", "TRI"):
                    if nxt.kind in ("WEEKS", "WEEKS_MAYBE", "TRI"):
                        kind = _last_end_kind(previous) or previous[-1].kind
                    else:
                        kind = ordered[-1].kind
                    mentions.append(
                        _Mention(kind, "soft", 1, k, k, tok.sent, tok.clause, {"definite", "ellipsis"}, tok.val)
                    )
                    tok.used = True
            continue
        count, n = _count_of(tok) if tok.kind != "TIMES" else ("hard", tok.val)
        if (
            nxt is not None
            and nxt.text in _WEEK_PREPOSITIONS
            and k + 2 < len(tokens)
            and tokens[k + 2].kind in ("WEEKS", "TRI")
        ):
            nxt = tokens[k + 2]  # "one at 14 weeks"
        ends_clause = nxt is None or nxt.kind in (
            "WEEKS",
            "WEEKS_MAYBE",
            "TRI",
            "BOUND",
            "COMMA",
            "AND",
            "RPAREN",
            "LINK",
            "LOSSV",
            "EVID",
            "PRESCAN",
            "SEP",
        )
        same_sentence = [m for m in previous if m.sent == tok.sent]
        if nxt is not None and (
            nxt.kind == "NATURAL"
            or (
                nxt.text in ("after", "from", "via", "through", "with")
                and k + 2 < len(tokens)
                and tokens[k + 2].kind in ("IVF", "IVFCTX")
            )
        ):
            ends_clause = True  # "2 natural and 2 after IVF"
        if (
            (tok.kind in ("NUM", "TIMES") or "another" in tok.attrs)
            and same_sentence
            and ends_clause
            and (before is None or before.kind in ("COMMA", "AND", "COLON", "LPAREN", "LINK", "SEP"))
            and (n is None or n <= MAX_COUNT)
        ):
            last = same_sentence[-1]
            kind = last.kind
            if nxt is not None and nxt.kind in ("WEEKS", "WEEKS_MAYBE", "TRI"):
                kind = _last_end_kind(same_sentence) or kind
            mentions.append(
                _Mention(kind, count, n, k, k, tok.sent, tok.clause, {"ellipsis"} | ({"another"} & tok.attrs))
            )
            tok.used = True
            continue
        if default_kind and not have_default and tok.kind in ("NUM", "TIMES", "BOTH", "ALL", "VAGUE", "NONE", "SOFT"):
            mentions.append(_Mention(default_kind, count, n, k, k, tok.sent, tok.clause, {"default"}))
            tok.used = True
            have_default = True
    for k, tok in enumerate(tokens):
        if tok.kind != "SEP" or tok.text != "again":
            continue
        following = tokens[k + 1 : k + 4]
        previous = [m for m in mentions if m.end < k and m.sent == tok.sent]
        if not previous or previous[-1].kind not in _LOSS_ENDS or any(t.kind in _HEAD_KINDS for t in following):
            continue
        if any(t.kind in ("WEEKS", "WEEKS_MAYBE", "TRI") for t in following):  # "and again at 9 weeks"
            mentions.append(_Mention(previous[-1].kind, "soft", 1, k, k, tok.sent, tok.clause, {"ellipsis", "another"}))
    mentions.sort(key=lambda m: m.start)
    for index, mention in enumerate(mentions):
        if mention.count != "all":
            continue
        for later in mentions[index + 1 :]:
            if later.sent != mention.sent:
                break
            if any(t.kind == "EXCEPT" for t in tokens[mention.end + 1 : later.start]) and isinstance(later.n, int):
                mention.exclude += later.n  # "all negative apart from one chemical"
    return mentions


_WEEK_PREPOSITIONS = {"at", "around", "about", "in", "approx", "approximately", "roughly", "was", "were", "by", "@"}


def _last_end_kind(mentions: Sequence[_Mention]) -> Optional[str]:
    for mention in reversed(mentions):
        if mention.kind in _LOSS_ENDS:
            return mention.kind
    return None


# ---------------------------------------------------------------------------
# Pass 2b: weeks, trimesters, evidence, natural / IVF clauses, merging
# ---------------------------------------------------------------------------


def _nearest(mentions: List[_Mention], tok: _Tok, kinds: Sequence[str], scope: str) -> Optional[_Mention]:
    """The mention of ``kinds`` nearest to ``tok``: before it in the same
    clause, after it in the same clause, before it in the sentence, after it."""

    def same(m: _Mention) -> bool:
        return getattr(m, scope) == getattr(tok, scope)

    candidates = [m for m in mentions if m.kind in kinds]
    before_clause = [m for m in candidates if m.clause == tok.clause and m.start < tok.i]
    after_clause = [m for m in candidates if m.clause == tok.clause and m.start > tok.i]
    before_scope = [m for m in candidates if same(m) and m.start < tok.i]
    after_scope = [m for m in candidates if same(m) and m.start > tok.i]
    for group, last in ((before_clause, True), (after_clause, False), (before_scope, True), (after_scope, False)):
        if group:
            return group[-1] if last else group[0]
    return None


def _annotate(tokens: List[_Tok], mentions: List[_Mention], default_kind: Optional[str]) -> List[_Mention]:
    """Attach weeks, trimesters, scan evidence and natural/IVF clauses to the
    mentions; weak loss cues become loss mentions; drop what is not the
    user's own history (questions, fears, friends)."""
    for tok in tokens:
        if tok.kind == "LOSSV" and tok.mod_of is None:
            mentions.append(_Mention("MC", "soft", 1, tok.i, tok.i, tok.sent, tok.clause, {"weak", "evidence"}))
        elif tok.kind == "CHEMWEAK":
            mentions.append(_Mention("CHEM", "soft", 1, tok.i, tok.i, tok.sent, tok.clause, {"chemweak"}))
    mentions.sort(key=lambda m: m.start)
    for prev, mention in zip(mentions, mentions[1:], strict=False):
        between = tokens[prev.end + 1 : mention.start]
        if (
            prev.kind == "LOSS"
            and "lostverb" in prev.attrs
            and mention.kind == "BIRTH"
            and prev.sent == mention.sent
            and mention.count in ("soft", "hard")
            and all(
                t.kind in ("AND", "COMMA", "WEEKS", "WEEKS_MAYBE", "IGNORE", "SOFT", "DEF")
                or t.text in _WEEK_PREPOSITIONS
                for t in between
            )
        ):
            mention.kind = "LOSS"  # "lost our son at 21 weeks and a daughter at 23": "lost" governs both
    has_weeks = any(t.kind == "WEEKS" for t in tokens)
    for tok in tokens:
        if tok.kind == "WEEKS_MAYBE":
            prev = [m for m in mentions if m.start < tok.i and m.clause == tok.clause]
            if has_weeks or (prev and prev[-1].kind in ("MC", "LOSS", "STILL")):
                tok.kind = "WEEKS"
    for tok in tokens:
        if tok.kind == "WEEKS" and tok.val and not tok.text.endswith("pregnant"):
            target = _nearest(mentions, tok, ("MC", "LOSS", "STILL", "CHEM", "ECT", "MOLAR"), "sent")
            if target is None and default_kind in _ENDS:
                target = _Mention(default_kind, "plural", None, tok.i, tok.i, tok.sent, tok.clause, {"default"})
                mentions.append(target)
                mentions.sort(key=lambda m: m.start)
            if target is not None:
                target.weeks.extend(tok.val)
        elif tok.kind == "TRI" and tok.mod_of is None:
            target = _nearest(mentions, tok, ("MC", "LOSS", "STILL"), "sent")
            if target is None and default_kind in _ENDS:
                target = _Mention(default_kind, "plural", None, tok.i, tok.i, tok.sent, tok.clause, {"default"})
                mentions.append(target)
                mentions.sort(key=lambda m: m.start)
            if target is not None and target.tri is None:
                target.tri = tok.val
        elif tok.kind == "EVID":
            target = _nearest(mentions, tok, ("MC", "LOSS", "P"), "clause")
            if target is not None:
                target.attrs.add("evidence")
        elif tok.kind == "PRESCAN":
            target = _nearest(mentions, tok, ("MC", "LOSS", "CHEM"), "sent")
            if target is not None:
                target.attrs.add("prescan")
        elif tok.kind == "NATURAL" and tok.mod_of is None:
            right_before = _just_before(tokens, mentions, tok)
            if right_before is not None:
                right_before.attrs.add("natural")
                continue
            in_clause = [m for m in mentions if m.clause == tok.clause and m.kind in ("P",) + _ENDS]
            if not in_clause:
                target = _nearest(mentions, tok, ("P",) + _ENDS, "sent")
                in_clause = [target] if target else []
            for mention in in_clause:
                mention.attrs.add("natural")
        elif tok.kind in ("IVF", "IVFCTX") and tok.mod_of is None:
            right_before = _just_before(tokens, mentions, tok)
            opening = [t for t in tokens if t.sent == tok.sent][:3]
            for mention in mentions:
                if mention.kind not in ("P",) + _ENDS or (right_before is not None and mention is not right_before):
                    continue
                if mention.clause == tok.clause or (tok in opening and mention.sent == tok.sent):
                    mention.attrs.add("ivfclause")  # "2 after IVF"; "after IVF we had a chemical, then an MMC"
    for mention in mentions:
        if "plural" in mention.attrs and mention.count == "plural" and len(mention.weeks) > 1:
            mention.count, mention.n = "hard", len(mention.weeks)
        elif mention.count in ("plural", "soft") and "default" in mention.attrs and mention.weeks:
            mention.count, mention.n = "hard", len(mention.weeks)
    mentions = _merge_ends(tokens, mentions)
    questions = _question_clauses(tokens)
    mentions = [m for m in mentions if m.count == "hard" or m.clause not in questions]
    cues = _cues(tokens)
    mentions = [m for m in mentions if not _not_theirs(tokens, m, cues)]
    _gaps(tokens, mentions)
    return mentions


_FIRST_PERSON = {"i", "we", "i've", "we've", "i'm", "we're", "ive", "im", "me", "us", "i'd", "we'd"}


def _cues(tokens: List[_Tok]) -> List[int]:
    """Indices of the tokens that can decide _not_theirs: the others are
    skipped, so that a long sentence is not walked back token by token for
    each of its mentions (2,000 characters of "9," took 0.3 s)."""
    return [
        i
        for i, tok in enumerate(tokens)
        if tok.kind in ("HYPO", "OTHER")
        or tok.text in _FIRST_PERSON
        or (i + 1 < len(tokens) and tokens[i + 1].sent != tok.sent)
    ]


def _not_theirs(tokens: List[_Tok], mention: _Mention, cues: List[int]) -> bool:
    """A friend's history ("my sister had 3 miscarriages"), or a fear ("scared
    of another miscarriage") is not the user's: drop it."""
    start = mention.start
    # The token right before the mention (its sentence may differ), then the cues before that.
    before = range(start - 1, -1, -1)[:1]
    earlier = (cues[k] for k in range(bisect.bisect_left(cues, start - 1) - 1, -1, -1))
    for tok in (tokens[i] for i in itertools.chain(before, earlier)):
        if tok.sent != mention.sent or tok.text in _FIRST_PERSON:
            return False
        if tok.kind == "HYPO" and tok.clause == mention.clause and mention.count != "hard":
            return True
        if tok.kind == "OTHER":
            return True
    return False


_QUESTION_WORDS = {
    "what",
    "how",
    "why",
    "which",
    "who",
    "can",
    "could",
    "should",
    "does",
    "do",
    "is",
    "are",
    "would",
    "will",
    "whats",
    "what's",
    "hows",
}


def _question_clauses(tokens: List[_Tok]) -> set:
    """Clauses that ask ("can you tell me about support after a transfer?"):
    their nouns are not events, unless counted with a number."""
    questions = set()
    seen = set()
    for tok in tokens:
        if tok.clause in seen:
            continue
        seen.add(tok.clause)
        if tok.text in _QUESTION_WORDS:
            questions.add(tok.clause)
    return questions


def _just_before(tokens: List[_Tok], mentions: List[_Mention], tok: _Tok) -> Optional[_Mention]:
    """The mention that ends right before ``tok`` (through "after", "from",
    "via", "with"): "2 natural", "one after IVF"."""
    k = tok.i - 1
    while k >= 0 and tokens[k].text in ("after", "from", "via", "through", "with"):
        k -= 1
    return next((m for m in mentions if m.end == k and m.kind in ("P",) + _ENDS), None)


_COMPATIBLE = {
    ("LOSS", "MC"),
    ("LOSS", "CHEM"),
    ("LOSS", "STILL"),
    ("LOSS", "ECT"),
    ("LOSS", "MOLAR"),
    ("LOSS", "PUL"),
    ("LOSS", "LOSS"),
    ("MC", "MC"),
    ("MC", "STILL"),
    ("CHEM", "CHEM"),
    ("STILL", "STILL"),
    ("ECT", "ECT"),
    ("MOLAR", "MOLAR"),
}
_SPECIFIC = {"LOSS": 0, "MC": 1, "CHEM": 2, "STILL": 2, "ECT": 3, "MOLAR": 3, "PUL": 1}


def _merge_ends(tokens: List[_Tok], mentions: List[_Mention]) -> List[_Mention]:
    """Several words for one loss ("MMC at 9w, had a D&C", "chemical, lost at
    5 weeks") or one birth ("rainbow baby born 2022") become one mention."""
    merged: List[_Mention] = []
    for mention in mentions:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == "BIRTH"
            and mention.kind in ("BIRTH", "STILL")
            and mention.count == "soft"
            and "article" not in mention.attrs
            and prev.clause == mention.clause
        ):
            prev.kind = mention.kind  # "our son was stillborn"
            prev.weeks.extend(mention.weeks)
            prev.end = mention.end
            continue
        between = tokens[prev.end + 1 : mention.start] if prev is not None else []
        weak = prev is not None and ("weak" in mention.attrs or "weak" in prev.attrs)

        if (
            prev is not None
            and prev.kind in _LOSS_ENDS
            and mention.kind in _LOSS_ENDS
            and prev.sent == mention.sent
            and mention.count == "soft"
            and "chemweak" not in mention.attrs
            and not any(t.kind == "SEP" and not (weak and t.text == "after") for t in between)
            and (
                (prev.kind, mention.kind) in _COMPATIBLE
                or (mention.kind, prev.kind) in _COMPATIBLE
                or "weak" in mention.attrs
                or "weak" in prev.attrs
            )
            and ("weak" in mention.attrs or "weak" in prev.attrs or "article" not in mention.attrs)
            and (weak or prev.kind != mention.kind or not any(t.kind in ("COMMA", "AND") for t in between))
            and "ellipsis" not in mention.attrs
            and "pronoun" not in mention.attrs
            and mention.ordinal is None
            and not ("weak" in mention.attrs and prev.kind not in ("MC", "LOSS", "STILL"))
            and not ("weak" in prev.attrs and mention.kind not in ("MC", "LOSS", "STILL"))
            and "another" not in mention.attrs
        ):
            if _SPECIFIC.get(mention.kind, 0) > _SPECIFIC.get(prev.kind, 0) or (
                "weak" in prev.attrs and "weak" not in mention.attrs
            ):
                prev.kind = mention.kind
                if "weak" not in mention.attrs:
                    prev.attrs.discard("weak")
            prev.weeks.extend(mention.weeks)
            prev.tri = prev.tri or mention.tri
            prev.attrs |= mention.attrs & {"evidence", "prescan", "natural", "ivfclause", "mmc"}
            prev.end = mention.end
            continue
        merged.append(mention)
    return merged


def _gaps(tokens: List[_Tok], mentions: List[_Mention]) -> None:
    previous_end = -1
    depth = 0
    for mention in mentions:
        gap = set()
        for tok in tokens[previous_end + 1 : mention.start]:
            gap.add("w:" + tok.text)
            if tok.kind in ("LINK", "COLON"):
                gap.add("link")
            elif tok.kind == "LPAREN":
                depth += 1
            elif tok.kind == "RPAREN":
                depth = max(0, depth - 1)
            elif tok.kind == "SEP":
                gap.add("sep")
            elif tok.kind in ("BOUND", "CORR"):
                gap.add("bound")
            elif tok.kind in ("AND", "COMMA"):
                gap.add("and")
        if depth:
            gap |= {"paren", "link"}
        mention.gap = gap
        previous_end = max(previous_end, mention.end)


# ---------------------------------------------------------------------------
# Pass 3: events
# ---------------------------------------------------------------------------


@dataclass
class _End:
    kind: str
    weeks: Optional[int] = None
    tri: Optional[int] = None
    evidence: bool = False
    prescan: bool = False
    default: bool = False  # a loss group's placeholder, refined by later detail


@dataclass
class _Preg:
    origin: Optional[str] = None  # ivf | treatment | natural | None
    end: Optional[_End] = None
    transfer: Optional["_Transfer"] = None
    evidence: bool = False
    group: bool = False  # made from a count of losses ("3 losses")


@dataclass
class _Transfer:
    container: str = "T"  # T | ROUND | IUI
    kind: Optional[str] = None  # fresh | frozen
    outcome: Optional[str] = None  # neg | pos | roundfail
    preg: Optional[_Preg] = None
    implied: bool = False
    vague: bool = False


class _Scope:
    """The transfers (or pregnancies) a following outcome can attach to."""

    def __init__(self, units: list, unlimited: bool = False, group: bool = False, mention: Optional[_Mention] = None):
        self.units, self.unlimited, self.group, self.mention = units, unlimited, group, mention
        self.refining = False

    def free_transfers(self) -> List[_Transfer]:
        return [u for u in self.units if u.outcome is None]

    def free_pregs(self) -> List[_Preg]:
        if self.group:
            return [p for p in self.units if p.end is None or p.end.default]
        return [p for p in self.units if p.end is None]


_FIELD_OF = {
    "T": "transfers_total",
    "ROUND": "rounds",
    "IUI": None,
    "NEG": "negative_tests",
    "P": "positive_tests",
    "CHEM": "biochemical_losses",
    "MC": "confirmed_miscarriages",
    "LOSS": "confirmed_miscarriages",
    "ECT": "ectopic",
    "MOLAR": "molar",
    "PUL": "pul",
    "STILL": "stillbirths",
    "BIRTH": "live_births",
}


@dataclass
class _Options:
    ivf_context: bool = False
    natural_context: bool = False  # natural markers and no IVF at all
    count_implied_transfers: bool = True
    ends_imply_positive: bool = False  # form answers about positives / transfers


class _Builder:
    def __init__(self, options: _Options):
        self.options = options
        self.transfers: List[_Transfer] = []
        self.pregs: List[_Preg] = []
        self.ends: List[_End] = []
        self.ordinals: List[int] = []
        self.vague: set = set()
        self.zero: set = set()
        self.t_scope: Optional[_Scope] = None
        self.p_scope: Optional[_Scope] = None
        self.last: Optional[_Mention] = None
        self.t_mention: Optional[_Mention] = None
        self.outcome_since_t = False
        self.pending: Optional[Tuple[List[_Transfer], _Mention]] = None
        self.pending_end: Optional[Tuple[List[_Preg], _Mention]] = None

    # -- helpers -----------------------------------------------------------
    def _resolve(self, mention: _Mention, free: Optional[int], unlimited: bool = False) -> Union[int, str]:
        if mention.count in ("hard", "soft", "none", "both"):
            return mention.n
        if mention.count in ("all", "plural"):
            if unlimited:
                return "vague"
            if free and free > mention.exclude:
                return free - mention.exclude
            return "vague" if mention.count == "plural" else "none"
        return "vague"

    def _room(self, n: int) -> int:
        """How many of ``n`` new units fit under MAX_UNITS (repetition cannot grow a history without end)."""
        return max(0, min(n, MAX_UNITS - len(self.transfers) - len(self.pregs)))

    def _new_transfers(self, n: int, container: str, kind: Optional[str], implied: bool = False) -> List[_Transfer]:
        units = [_Transfer(container=container, kind=kind, implied=implied) for _ in range(self._room(n))]
        self.transfers.extend(units)
        return units

    def _origin_for(self, mention: _Mention) -> Optional[str]:
        if "natural" in mention.attrs or self.options.natural_context:
            return "natural"
        return None

    def _new_end(self, mention: _Mention, index: int, default: bool = False) -> _End:
        weeks = (
            mention.weeks[index]
            if index < len(mention.weeks)
            else (mention.weeks[0] if len(mention.weeks) == 1 else None)
        )
        end = _End(
            kind=mention.kind,
            weeks=weeks,
            tri=mention.tri,
            evidence="evidence" in mention.attrs or "mmc" in mention.attrs,
            prescan="prescan" in mention.attrs,
            default=default,
        )
        self.ends.append(end)
        return end

    # -- mentions ----------------------------------------------------------
    def add(self, mention: _Mention) -> None:
        kind = mention.kind
        if "summary" in mention.attrs and isinstance(mention.n, int):
            said = self._already(kind)
            if said >= mention.n:
                return  # a restatement: "so 2 chemicals and an MMC, that's 3 losses"
            if said:
                mention.n -= said
        if kind in _CONTAINERS:
            self._container(mention)
        elif kind == "NEG":
            self._negative(mention)
        elif kind == "P":
            self._pregnancy(mention)
        else:
            self._end(mention)
        self.last = mention

    def _already(self, kind: str) -> int:
        """How many events of this kind the user has told us about so far."""
        if kind in _CONTAINERS:
            return sum(1 for t in self.transfers if t.container == kind and not t.implied)
        if kind == "NEG":
            return sum(1 for t in self.transfers if t.outcome == "neg")
        if kind == "P":
            return sum(1 for t in self.transfers if t.outcome == "pos")
        kinds = {"LOSS": _LOSS_ENDS, "MC": ("MC", "LOSS")}.get(kind, (kind,))
        return sum(1 for p in self.pregs if p.end is not None and p.end.kind in kinds)

    def _container(self, m: _Mention) -> None:
        if m.ordinal is not None and m.kind == "T":
            span = m.n if m.count == "hard" and isinstance(m.n, int) else 1
            self.ordinals.append(m.ordinal + span - 1 if m.ordinal > 0 else 0)
        counted = [t for t in self.transfers if t.container == m.kind and not t.implied]
        # "the first transfer", "my last FET": one we already know about.
        if (
            m.count in ("soft", "plural")
            and ("definite" in m.attrs or m.ordinal is not None)
            and counted
            and "another" not in m.attrs
        ):
            if m.ordinal is not None and 0 < m.ordinal <= len(counted):
                self._refer(m, [counted[m.ordinal - 1]])
                return
            if m.ordinal == -1 or (m.ordinal is None and m.count == "soft"):
                self._refer(m, [counted[-1]])
                return
            if m.ordinal is None and m.count == "plural":
                self._refer(m, counted)
                return
        if m.count == "hard" and "definite_count" in m.attrs and len(counted) == m.n:
            self._refer(m, counted)
            return
        # "3 transfers: 2 fresh, 1 frozen": detail about transfers already counted.
        scope = self.t_scope
        if (
            scope is not None
            and m.kind == "T"
            and ("fresh" in m.attrs or "frozen" in m.attrs)
            and self.last is not None
            and self.last.sent == m.sent
            and ("elliptical" in m.attrs or "paren" in m.gap or m.count in ("all", "both"))
            and "sep" not in m.gap
        ):
            plain = [u for u in scope.units if u.kind is None]
            n = len(plain) if m.count == "all" else m.n
            if isinstance(n, int) and 0 < n <= len(plain) and (m.count != "both" or len(plain) == 2):
                for unit in plain[:n]:
                    unit.kind = "fresh" if "fresh" in m.attrs else "frozen"
                return
        kind = "fresh" if "fresh" in m.attrs else "frozen" if "frozen" in m.attrs else None
        pending, self.pending = self.pending, None
        pending_end, self.pending_end = self.pending_end, None
        if (
            pending_end is not None
            and m.kind == "T"
            and m.count in ("hard", "soft")
            and pending_end[1].sent == m.sent
            and m.gap & {"w:after", "w:on", "w:from", "w:with", "w:in", "w:via", "w:through"}
            and len(pending_end[0]) == m.n
            and ("definite" not in m.attrs or not any(t.container == "T" and not t.implied for t in self.transfers))
        ):
            units = self._new_transfers(m.n, "T", kind)
            # Not strict: past MAX_UNITS there are fewer new transfers than pregnancies.
            for unit, preg in zip(units, pending_end[0], strict=False):
                unit.outcome, unit.preg, preg.transfer, preg.origin = "pos", preg, unit, "ivf"
            self.t_scope = _Scope(units, mention=m)
            self.t_mention = m
            self.outcome_since_t = True
            return
        if (
            pending is not None
            and m.kind == "T"
            and isinstance(m.n, int)
            and m.count in ("hard", "soft", "both")
            and pending[1].sent == m.sent
            and m.gap & {"w:after", "w:on", "w:from", "w:with", "w:in", "w:across", "w:over", "w:for"}
            and len(pending[0]) <= m.n
        ):
            units, outcome_mention = pending
            for unit in units:
                unit.implied, unit.kind = False, kind
            more = self._new_transfers(m.n - len(units), "T", kind)
            if "implicit_one" in outcome_mention.attrs and outcome_mention.kind == "NEG":
                for unit in more:
                    unit.outcome = "neg"
            self.t_scope = _Scope(units + more, mention=m)
            self.t_mention = m
            self.outcome_since_t = True
            return
        if m.count == "none":
            self.zero.add(_FIELD_OF[m.kind] or "")
            self.t_scope = None
            return
        if m.count in ("vague", "plural", "all"):
            self.vague.add(_FIELD_OF[m.kind] or "")
            if kind:
                self.vague.add(f"transfers_{kind}")
            unit = _Transfer(container=m.kind, kind=kind, vague=True)
            self.transfers.append(unit)
            self.t_scope = _Scope([unit], unlimited=True, mention=m)
            if "neg" in m.attrs:
                self.vague.add("negative_tests")
        else:
            units = self._new_transfers(m.n, m.kind, kind)
            coordinated = (
                self.t_scope is not None
                and not self.t_scope.unlimited
                and self.last is self.t_mention
                and not self.outcome_since_t
                and self.last is not None
                and self.last.sent == m.sent
                and not m.gap & {"sep", "bound", "link"}
                and self.t_scope.units
                and self.t_scope.units[0].container == m.kind
            )
            self.t_scope = _Scope((self.t_scope.units if coordinated else []) + units, mention=m)
            if "neg" in m.attrs:
                for unit in units:
                    unit.outcome = "neg" if m.kind == "T" else "roundfail"
            if "pos" in m.attrs:
                for unit in units:
                    self._pregnancy_on(unit, None)
        self.t_mention = m
        self.outcome_since_t = False
        self.p_scope = None

    def _refer(self, m: _Mention, units: List[_Transfer]) -> None:
        self.t_scope = _Scope(units, mention=m)
        self.t_mention = m
        self.outcome_since_t = True
        self.p_scope = None

    def _take_transfers(self, n: Union[int, str]) -> Optional[List[_Transfer]]:
        scope = self.t_scope
        if scope is None or not isinstance(n, int):
            return None
        if scope.unlimited:
            units = [
                _Transfer(container=scope.units[0].container, kind=scope.units[0].kind, vague=True)
                for _ in range(self._room(n))
            ]
            self.transfers.extend(units)
            return units
        free = scope.free_transfers()
        if len(free) < n:
            return None
        return free[:n]

    def _free_transfers(self) -> Tuple[int, bool]:
        if self.t_scope is None:
            return 0, False
        return len(self.t_scope.free_transfers()), self.t_scope.unlimited

    def _negative(self, m: _Mention) -> None:
        free, unlimited = self._free_transfers()
        n = self._resolve(m, free, unlimited)
        self.outcome_since_t = True
        self.p_scope = None
        if n == "none":
            return
        if n == 0:
            self.zero.add("negative_tests")
            return
        if n == "vague":
            self.vague.add("negative_tests")
            return
        if self.options.natural_context or "natural" in m.attrs:
            return
        if "sole" in m.attrs and "implicit_one" in m.attrs and self.t_scope is not None and self.last is self.t_mention:
            n = len(self.t_scope.free_transfers()) or n  # "2 FETs BFN"
        units = self._take_transfers(n)
        if units is None:
            units = self._new_transfers(n, "T", None, implied=True)
            self.pending = (units, m)
        for unit in units:
            unit.outcome = "neg" if unit.container == "T" or "testword" in m.attrs else "roundfail"

    def _pregnancy_on(self, unit: Optional[_Transfer], m: Optional[_Mention]) -> _Preg:
        origin = None
        if unit is not None:
            unit.outcome = "pos"
            origin = (
                "treatment"
                if unit.container == "IUI"
                else "ivf"
                if not unit.implied or self.options.ivf_context
                else None
            )
        preg = _Preg(origin=origin, transfer=unit, evidence=bool(m and "evidence" in m.attrs))
        if unit is not None:
            unit.preg = preg
        self.pregs.append(preg)
        return preg

    def _pregnancy(self, m: _Mention) -> None:
        if "definite" in m.attrs and m.count == "soft" and self.p_scope is not None and m.ordinal is None:
            return  # "the pregnancy ended at 8 weeks"
        natural = self._origin_for(m) == "natural"
        if natural:
            self.t_scope = None
        free, unlimited = self._free_transfers()
        n = self._resolve(m, free, unlimited)
        self.outcome_since_t = True
        if n == "none":
            return
        if n == 0:
            self.zero.add("natural_pregnancies" if natural else "positive_tests")
            self.p_scope = None
            return
        if n == "vague":
            self.vague.add("natural_pregnancies" if natural else "positive_tests")
            self.p_scope = None
            return
        pregs: List[_Preg] = []
        plain = not self.options.ivf_context and not ({"test", "modable"} & m.attrs)
        if natural or plain:  # "a natural pregnancy"; "I'm pregnant" with no IVF in sight
            pregs = [
                _Preg(origin="natural" if natural else None, evidence="evidence" in m.attrs)
                for _ in range(self._room(n))
            ]
            self.pregs.extend(pregs)
        else:
            units = self._take_transfers(n)
            if units is None:
                units = self._new_transfers(n, "T", None, implied=True)
                self.pending = (units, m)
            pregs = [self._pregnancy_on(unit, m) for unit in units]
        self.p_scope = _Scope(pregs)

    def _end(self, m: _Mention) -> None:
        kind = m.kind
        # "the miscarriage was at 8 weeks", "the second at 15 weeks"
        if ("definite" in m.attrs or m.ordinal is not None) and m.count == "soft" and "another" not in m.attrs:
            same = [
                e
                for e in self.ends
                if e.kind == kind
                or (kind in ("MC", "LOSS") and e.kind in ("MC", "LOSS"))
                or "ellipsis" in m.attrs
                and e.kind in _LOSS_ENDS
            ]
            target = None
            if m.ordinal is not None and 0 < m.ordinal <= len(same):
                target = same[m.ordinal - 1]
            elif m.ordinal == -1 and same:
                target = same[-1]
            elif m.ordinal is None and same and not m.weeks:
                return
            elif m.ordinal is None and same and same[-1].weeks is None:
                target = same[-1]
            elif m.ordinal is not None and m.ordinal > len(same) and kind in _LOSS_ENDS and m.ordinal <= MAX_COUNT:
                for _ in range(self._room(m.ordinal - len(same) - 1)):  # "my 2nd MMC": there was a first
                    preg = _Preg(origin=self._origin_for(m))
                    preg.end = _End(kind=kind)
                    self.ends.append(preg.end)
                    self.pregs.append(preg)
            if target is not None:
                if m.weeks and target.weeks is None:
                    target.weeks = m.weeks[0]
                target.tri = target.tri or m.tri
                target.evidence = target.evidence or "evidence" in m.attrs
                target.prescan = target.prescan or "prescan" in m.attrs
                if _SPECIFIC.get(kind, 0) > _SPECIFIC.get(target.kind, 0):
                    target.kind = kind
                return
        if "chemweak" in m.attrs:
            free = self.p_scope.free_pregs() if self.p_scope else []
            if not free:
                return
        scope = self.p_scope
        linked = "link" in m.gap or "ellipsis" in m.attrs or m.count in ("all", "both", "plural") or "linked" in m.attrs
        linked = linked or (scope is not None and scope.refining and "sep" not in m.gap and "bound" not in m.gap)
        # 1. a pregnancy we just heard about
        if scope is not None and (not scope.group or linked):
            free = scope.free_pregs()
            if scope.group and (m.weeks or m.tri):  # "2 early MCs and one in the 2nd trimester": a new one
                free = [p for p in free if p.end is None or (p.end.weeks is None and p.end.tri is None)]
            n = self._resolve(m, len(free))
            if isinstance(n, int) and 0 < n <= len(free):
                for index, preg in enumerate(free[:n]):
                    if preg.end is not None and preg.end in self.ends:
                        self.ends.remove(preg.end)
                    preg.end = self._new_end(m, index)
                    if preg.evidence:
                        preg.end.evidence = True
                    if "natural" in m.attrs and preg.origin is None:
                        preg.origin = "natural"
                    elif (
                        "ivfclause" in m.attrs
                        and preg.origin is None
                        and preg.transfer is None
                        and self.options.ivf_context
                        and self._room(1)  # past MAX_UNITS no transfer is implied (there is none to take)
                    ):
                        unit = self._new_transfers(1, "T", None, implied=True)[0]
                        unit.outcome, unit.preg, preg.transfer, preg.origin = "pos", preg, unit, "ivf"
                self.outcome_since_t = True
                scope.refining = scope.group
                return
        # 2. transfers with no known outcome yet
        free_t, unlimited = self._free_transfers()
        parallel = (
            m.count == "hard"
            and "link" not in m.gap
            and not self.outcome_since_t
            and "ellipsis" not in m.attrs
            and "listed" not in m.attrs
            and kind != "CHEM"
        )
        if (
            kind in _ENDS
            and "natural" not in m.attrs
            and not parallel
            and not self.options.natural_context
            and (free_t or unlimited)
        ):
            n = self._resolve(m, free_t, unlimited)
            units = self._take_transfers(n) if isinstance(n, int) and n > 0 else None
            if units is not None:
                pregs = []
                for index, unit in enumerate(units):
                    preg = self._pregnancy_on(unit, m)
                    preg.end = self._new_end(m, index)
                    pregs.append(preg)
                self.p_scope = _Scope(pregs)
                self.outcome_since_t = True
                return
        # 3. on its own
        n = self._resolve(m, 0)
        if n == "none":
            return
        if n == 0:
            self.zero.add(_FIELD_OF[kind])
            return
        if n == "vague":
            self.vague.add(_FIELD_OF[kind])
            return
        origin = self._origin_for(m)
        if origin is None and kind == "BIRTH" and {"ivfclause", "ivf"} & m.attrs:
            origin = "ivf"  # "DS born 2019 via IVF", "2 IVF babies"
        if "ivf" in m.attrs:
            m.attrs.add("ivfclause")
        implies_transfer = (
            origin is None
            and kind != "BIRTH"
            and (("ivfclause" in m.attrs and self.options.ivf_context) or self.options.ends_imply_positive)
        )
        pregs = []
        for index in range(self._room(n)):
            if not self._room(1):
                break  # an implied transfer and its pregnancy took two places each: MAX_UNITS reached
            if implies_transfer:
                unit = self._new_transfers(1, "T", None, implied=True)[0]
                preg = self._pregnancy_on(unit, m)
            else:
                preg = _Preg(origin=origin, evidence="evidence" in m.attrs)
                self.pregs.append(preg)
            preg.end = self._new_end(m, index, default=n > 1)
            preg.group = n > 1
            pregs.append(preg)
        self.p_scope = _Scope(pregs, group=n > 1 or m.count == "hard")
        if origin is None and not implies_transfer:
            self.pending_end = (pregs, m)
        self.t_scope = self.t_scope if not origin else None


def _mark_sole_outcomes(mentions: List[_Mention]) -> None:
    """An outcome with no count is "sole" when no other outcome follows it in
    the sentence before the next transfer: "2 FETs BFN" means both. Ends are
    "listed" when test results sit beside them after a transfer ("2
    transfers, one chemical and one BFN"): then they are that transfer's
    outcomes, not a parallel count."""
    for index, mention in enumerate(mentions):
        if mention.kind in _CONTAINERS:
            following = []
            for later in mentions[index + 1 :]:
                if later.sent != mention.sent or later.kind in _CONTAINERS:
                    break
                following.append(later)
            if any(m.kind in ("NEG", "P") for m in following):
                for later in following:
                    later.attrs.add("listed")
    for index, mention in enumerate(mentions):
        if mention.kind not in ("NEG", "P") + _ENDS:
            continue
        sole = True
        for later in mentions[index + 1 :]:
            if later.sent != mention.sent or later.kind in _CONTAINERS:
                break
            if later.kind in ("NEG", "P") + _ENDS and "weak" not in later.attrs:
                sole = False
                break
        if sole:
            mention.attrs.add("sole")


def _classify(end: _End) -> str:
    """CHEM, MC (confirmed), STILL, ECT, MOLAR, PUL or BIRTH."""
    if end.kind in ("MC", "LOSS"):
        if end.prescan or (end.weeks is not None and end.weeks <= 4 and not end.evidence):
            return "CHEM"
        if end.weeks is not None and end.weeks >= 24:
            return "STILL"
        return "MC"
    return end.kind


def _count_history(builder: _Builder, options: _Options) -> Dict[str, Any]:
    values: Dict[str, Any] = {}
    counted = [
        t
        for t in builder.transfers
        if t.container == "T" and (not t.implied or (options.count_implied_transfers and options.ivf_context))
    ]
    vague_t = any(t.vague for t in counted)
    if counted or builder.ordinals:
        total = max(len(counted), max(builder.ordinals or [0]))
        values["transfers_total"] = total
        for kind in ("fresh", "frozen"):
            units = [t for t in counted if t.kind == kind]
            if units:
                values[f"transfers_{kind}"] = len(units)
    rounds = [t for t in builder.transfers if t.container == "ROUND"]
    if rounds:
        values["rounds_mentioned"] = True
        if not any(t.vague for t in rounds):
            values["rounds"] = len(rounds)
    tested = [t for t in builder.transfers if t.container in ("T", "ROUND")]
    accounted = (
        any(not t.implied for t in counted)
        and not vague_t
        and all(t.outcome for t in counted)
        and len(counted) >= max(builder.ordinals or [0])
    )
    negatives = sum(1 for t in tested if t.outcome == "neg")
    positives = sum(1 for t in tested if t.outcome == "pos")
    if negatives or accounted:
        values["negative_tests"] = negatives
    if positives or accounted:
        values["positive_tests"] = positives
    kinds: Dict[str, List[Tuple[_End, _Preg]]] = {}
    for preg in builder.pregs:
        if preg.end is not None:
            kinds.setdefault(_classify(preg.end), []).append((preg.end, preg))
    for kind, name in (
        ("CHEM", "biochemical_losses"),
        ("MC", "confirmed_miscarriages"),
        ("ECT", "ectopic"),
        ("MOLAR", "molar"),
        ("PUL", "pul"),
        ("STILL", "stillbirths"),
        ("BIRTH", "live_births"),
    ):
        if kinds.get(kind):
            values[name] = len(kinds[kind])
    for kind, prefix in (("CHEM", "biochemical"), ("MC", "miscarriages")):
        pairs = kinds.get(kind, [])
        after = sum(1 for _e, p in pairs if p.origin in ("ivf", "treatment"))
        natural = sum(1 for _e, p in pairs if p.origin == "natural")
        if after:
            values[f"{prefix}_after_transfer"] = after
        if natural:
            values[f"{prefix}_natural"] = natural
    confirmed = kinds.get("MC", [])
    weeks = tuple(e.weeks for e, _p in confirmed if e.weeks is not None)
    if weeks:
        values["loss_weeks"] = weeks
    first = sum(1 for e, _p in confirmed if (e.weeks is not None and e.weeks < 13) or (e.weeks is None and e.tri == 1))
    second = sum(
        1 for e, _p in confirmed if (e.weeks is not None and 13 <= e.weeks < 24) or (e.weeks is None and e.tri == 2)
    )
    if first:
        values["first_trimester_losses"] = first
    if second:
        values["second_trimester_losses"] = second
    if confirmed and first + second == len(confirmed):
        values["first_trimester_losses"], values["second_trimester_losses"] = first, second
    natural_p = sum(1 for p in builder.pregs if p.origin == "natural")
    treated_p = sum(1 for p in builder.pregs if p.origin in ("ivf", "treatment"))
    if natural_p:
        values["natural_pregnancies"] = natural_p
    if treated_p:
        values["pregnancies_after_treatment"] = treated_p
    for name in builder.zero:
        if name and name not in values:
            values[name] = 0
    return values


# ---------------------------------------------------------------------------
# Embryo quality and chromosome tests (yes / no / some / unknown)
# ---------------------------------------------------------------------------

_GOOD = re.compile(
    r"\b(?:top|good|great|high|excellent|best|perfect|amazing|beautiful|textbook|lovely|gorgeous)[\s-]+(?:quality|grades?|graded|grading|embryos?|blasts?|blastocysts?|embies)\b"
    r"|\b(?:quality|grades?|grading)\s+(?:was|were|is|are)\s+(?:all\s+)?(?:good|great|high|excellent|top)\b"
    r"|\b[4-6]\s?a[ab]\b|\b[4-6]\s?ba\b|\beuploid\b|\bpgt(?:-?a)?[\s-]*(?:tested|normal|screened)\b|\bpgs[\s-]*(?:tested|normal)\b"
    r"|\b(?:genetically|chromosomally)\s+normal\s+(?:embryos?|blasts?)\b|\btested normal\b|\btop\b|\bgood ones\b|\bgraded well\b"
)
_POOR = re.compile(
    r"\b(?:poor|low|lower|bad|average|fair|mediocre|not great|not good|not the best|not top|not brilliant|slow)[\s-]+(?:quality|grades?|graded|grading|embryos?|blasts?|blastocysts?|embies|growing)\b"
    r"|\b(?:quality|grades?|grading)\s+(?:was|were|is|are)\s+(?:all\s+)?(?:poor|low|bad|not great|not good|average)\b"
    r"|\b[1-6]\s?(?:cc|bc|cb)\b|\bgraded poorly\b|\bpoor\b"
)
_QUALITY_UNKNOWN = re.compile(
    r"(?:don'?t|didn'?t|never|do not|did not)\s+(?:\w+\s+){0,2}(?:know|told|tell|get|got|given|find out|say|said)\b[^.]{0,40}\b(?:grades?|grading|quality)"
    r"|no idea (?:about|of|on|what)[^.]{0,20}(?:grades?|grading|quality)|not sure (?:about |of |on |what )?(?:the )?(?:grades?|grading|quality)|grades? unknown|ungraded"
)
_QUALITY_MIXED = re.compile(
    r"\bmixed\b|\bsome (?:were|was) (?:good|top|great)|\bone (?:good|top)[^.]{0,20}one (?:poor|bad|low)|\bvaried\b"
)


def _statements(text: str) -> str:
    """The text without its questions ("what is a good embryo grade?")."""
    kept = []
    for sentence in re.findall(r"[^.!?;\n]+[.!?;\n]*", text):
        clauses = [c for c in re.split(r",", sentence) if c.split()[:1] and c.split()[0] not in _QUESTION_WORDS]
        if sentence.rstrip().endswith("?") and re.match(
            r"\s*(?:should|can|could|do|does|is|are|would|will|what|how|why|which)\b", sentence
        ):
            continue
        kept.append(",".join(clauses))
    return " . ".join(kept)


def _quality(text: str, answer: bool = False) -> Optional[str]:
    text = text if answer else _statements(text)
    if _QUALITY_UNKNOWN.search(text):
        return UNKNOWN
    mixed = bool(_QUALITY_MIXED.search(text))
    poor_text = _POOR.sub(" ", text)
    good = bool(_GOOD.search(poor_text))
    poor = bool(_POOR.search(text))
    if mixed or (good and poor):
        return SOME
    if good:
        return YES
    if poor:
        return NO
    return None


_KARYO = re.compile(
    r"karyo\w*|chromosom\w* (?:tests?|testing|analysis|checks?|bloods?|screen\w*|studies)|(?:tested|checked) (?:our|my|his|her|for) chromosomes"
    r"|chromosomes (?:tested|checked|were normal|came back)|balanced translocation|translocation"
)
_KARYO_UNKNOWN = re.compile(
    r"not sure (?:if|whether|about)|don'?t know (?:if|whether)|no idea (?:if|whether)|can'?t remember (?:if|whether)"
)
_KARYO_NO = re.compile(
    r"(?:haven'?t|have not|hasn'?t|has not|never|didn'?t|did not|weren'?t|were not|not been|no one|nobody|not yet|not had|neither)\b(?:\s+\w+){0,4}\s+(?:karyo|chromosom|tested|test)"
    r"|\bno (?:karyo|chromosom)|(?:karyo\w*|chromosome tests?) (?:not|never) (?:done|offered)|\b(?:booked|waiting for|pending|offered|refused)\b"
    r"|^(?:no|nope|nah|not yet|never|neither)\b"
)
_ONE_PARTNER = r"(?:husband|partner|dh|oh|wife|bf|gf|fiance|spouse|hubby|him|he|she)"
_KARYO_SOME = re.compile(
    r"\b(?:only|just) (?:me|i|mine|myself|my " + _ONE_PARTNER + r"|him|her|" + _ONE_PARTNER + r")\b|\bone of us\b"
    r"|\b(?:i|he|she) (?:had|did|got) (?:mine|his|hers|it)(?: done)? but\b|\bnot (?:my )?" + _ONE_PARTNER + r"\b"
    r"|\b(?:my )?" + _ONE_PARTNER + r" (?:hasn'?t|didn'?t|wasn'?t|never|won'?t|refused|isn'?t)|\bmine\b(?! and)"
)
_KARYO_BOTH = re.compile(
    r"\bboth\b|\bwe\b|\bus\b|\bour\b|me and (?:my )?"
    + _ONE_PARTNER
    + r"|(?:my )?"
    + _ONE_PARTNER
    + r" and (?:i|me)\b|\beach of us\b|\byes\b|\byep\b|\byeah\b"
)
_KARYO_SELF = re.compile(r"\b(?:i|i've|i'?m|my|me|mine)\b")
_KARYO_OTHER = re.compile(r"\b(?:my )?" + _ONE_PARTNER + r"\b")
_ANSWER_NO = re.compile(
    r"^(?:no|nope|nah|not yet|never|neither|none)\b|\b(?:haven'?t|hasn'?t|have not|has not|didn'?t|did not|not been|never)\b"
)
_SAID_YES = re.compile(r"\b(?:yes|yep|had|has|have|done|did|normal|tested|fine|clear)\b")
_SAID_NO = re.compile(r"\b(?:no|not|hasn'?t|haven'?t|didn'?t|refused|won'?t|never|nope)\b")


def _split_answer(sentence: str) -> bool:
    """ "me yes, him no": one partner tested and not the other."""
    said = set()
    for clause in re.split(r",|;|\bbut\b|\band\b", sentence):
        if not (_KARYO_SELF.search(clause) or _KARYO_OTHER.search(clause)):
            continue
        if _SAID_NO.search(clause):
            said.add(NO)
        elif _SAID_YES.search(clause):
            said.add(YES)
    return said == {YES, NO}


def _chromosomes(text: str, answer: bool = False) -> Optional[str]:
    """Have both partners had chromosome tests (karyotypes)? In a story only
    sentences about karyotypes count; an answer to the question is all about it."""
    sentences = [text] if answer else [s for s in re.split(r"[.!?;\n]+", _statements(text)) if _KARYO.search(s)]
    found = None
    for sentence in sentences:
        sentence = re.sub(r"\bmy (?=" + _ONE_PARTNER + r"\b)", "", sentence)  # "my husband" is him, not me
        if _KARYO_UNKNOWN.search(sentence):
            return UNKNOWN
        if _KARYO_SOME.search(sentence) or _split_answer(sentence):
            found = SOME
        elif _KARYO_NO.search(sentence) or (answer and _ANSWER_NO.search(sentence)):
            found = found or NO
        elif _KARYO_BOTH.search(sentence):
            found = found or YES
        elif bool(_KARYO_SELF.search(sentence)) != bool(_KARYO_OTHER.search(sentence)) and (
            not answer or _KARYO.search(sentence) or _SAID_YES.search(sentence)
        ):
            found = found or SOME  # "I had a karyotype"; "my husband has a balanced translocation"
    return found


# ---------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------

_ADDITIVE = re.compile(
    r"\b(?:another|one more|1 more|again|since then|since (?:my|our|the) last|more since|also had|as well)\b"
)


def _contexts(tokens: List[_Tok], previous: Optional[History]) -> Tuple[bool, bool]:
    ivf = any(t.kind in ("T", "IUI", "IVF", "IVFCTX") or (t.kind == "ROUND" and "plain" in t.attrs) for t in tokens)
    if previous is not None and (
        previous.transfers_total or previous.rounds_mentioned or previous.positive_tests is not None
    ):
        ivf = True
    natural = any(t.kind == "NATURAL" for t in tokens) and not ivf
    return ivf, natural


def _analyse(
    tokens: List[_Tok], options: _Options, default_kind: Optional[str] = None
) -> Tuple[Dict[str, Any], List[_Mention]]:
    mentions = _build_mentions(tokens, default_kind)
    mentions = _annotate(tokens, mentions, default_kind)
    _mark_sole_outcomes(mentions)
    builder = _Builder(options)
    for mention in mentions:
        builder.add(mention)
    values = _count_history(builder, options)
    for name in builder.vague:
        if name:
            values[name] = None
    values["vague"] = tuple(sorted(n for n in builder.vague if n))
    return values, mentions


def _history_from(values: Dict[str, Any]) -> History:
    known = {f.name for f in fields(History)}
    return History(**{k: v for k, v in values.items() if k in known and (v is not None or k == "vague")})


def _split_segments(tokens: List[_Tok]) -> List[Tuple[List[_Tok], Optional[int]]]:
    """Split at corrections. Each segment: its tokens and the value a
    "3 not 2" replaced (2), if any."""
    # "it was 3 not 2" with no marker: the clause is a correction.
    for index, tok in enumerate(tokens):
        if tok.kind == "NOTVAL" and not any(t.kind == "CORR" for t in tokens[:index] if t.sent == tok.sent):
            start = index
            while start > 0 and tokens[start - 1].kind not in ("BOUND", "COMMA", "CORR", "SEP"):
                start -= 1
            if start > 0:
                tokens.insert(start, _Tok("CORR", text="(not)", sent=tok.sent, clause=tok.clause))
                break
    segments: List[Tuple[List[_Tok], Optional[int]]] = []
    current: List[_Tok] = []
    for tok in tokens:
        if tok.kind == "CORR":
            if current:
                segments.append((current, None))
            current = []
            continue
        current.append(tok)
    if current:
        segments.append((current, None))
    result = []
    for segment, _ in segments:
        replaced = next((t.val for t in segment if t.kind == "NOTVAL"), None)
        cleaned = [t for t in segment if t.kind != "NOTVAL"]
        for index, tok in enumerate(cleaned):
            tok.i = index
        result.append((cleaned, replaced))
    return result


def _merge(base: History, new: History, additive: bool = False, correcting: bool = True) -> History:
    changes: Dict[str, Any] = {}
    vague = set(base.vague)
    corrections = list(base.corrections)
    for f in fields(History):
        name = f.name
        if name in ("vague", "corrections", "loss_weeks", "rounds_mentioned"):
            continue
        new_value = getattr(new, name)
        old_value = getattr(base, name)
        if name in new.vague:
            changes[name] = None
            vague.add(name)
            continue
        if new_value is None:
            continue
        if additive and isinstance(old_value, int) and isinstance(new_value, int):
            new_value = old_value + new_value
        elif correcting and old_value is not None and old_value != new_value and name not in corrections:
            corrections.append(name)
        changes[name] = new_value
        vague.discard(name)
    if new.loss_weeks:
        changes["loss_weeks"] = base.loss_weeks + new.loss_weeks if additive else new.loss_weeks
    if new.rounds_mentioned:
        changes["rounds_mentioned"] = True
    merged = replace(base, **changes, vague=tuple(sorted(vague)), corrections=tuple(corrections))
    # A corrected total makes an older fresh/frozen split wrong: drop what no longer adds up.
    total = merged.transfers_total
    if total is not None and merged.transfers_fresh is not None and merged.transfers_frozen is not None:
        if merged.transfers_fresh + merged.transfers_frozen != total:
            keep = {
                n: getattr(merged, n) for n in ("transfers_fresh", "transfers_frozen") if getattr(new, n) is not None
            }
            merged = replace(
                merged, transfers_fresh=keep.get("transfers_fresh"), transfers_frozen=keep.get("transfers_frozen")
            )
    return merged


_NOTVAL_ORDER = (
    "transfers_total",
    "negative_tests",
    "positive_tests",
    "confirmed_miscarriages",
    "biochemical_losses",
    "transfers_frozen",
    "transfers_fresh",
    "ectopic",
    "molar",
    "live_births",
    "rounds",
)


def _parse(
    text: str,
    previous: Optional[History],
    default_kind: Optional[str] = None,
    force_ivf: bool = False,
    count_implied_transfers: bool = True,
    ends_imply_positive: bool = False,
) -> History:
    normalised = _normalise(text)
    tokens = _lex(normalised)
    if any(t.kind == "FUTURE" for t in tokens):
        tokens = [t for t in tokens if t.kind != "FUTURE"]
    ivf, natural = _contexts(tokens, previous)
    options = _Options(
        ivf_context=ivf or force_ivf,
        natural_context=natural and not force_ivf,
        count_implied_transfers=count_implied_transfers,
        ends_imply_positive=ends_imply_positive,
    )
    segments = _split_segments(tokens)
    history = History()
    last_kind = default_kind
    corrected_any = False
    for index, (segment, replaced) in enumerate(segments):
        values, mentions = _analyse(segment, options, default_kind if index == 0 else last_kind)
        part = _history_from(values)
        if index == 0:
            history = part
        else:
            corrected_any = True
            if replaced is not None and not [m for m in mentions if "default" not in m.attrs]:
                # "sorry, 3 not 2": the field that was 2 becomes 3.
                number = next((t.val for t in segment if t.kind in ("NUM", "TIMES")), None)
                preferred = [_FIELD_OF.get(last_kind or "")] + list(_NOTVAL_ORDER)
                name = next((n for n in preferred if n and getattr(history, n) == replaced), None)
                if name and number is not None:
                    part = replace(History(), **{name: number})
            history = _merge(history, part)
        named = [m for m in mentions if "default" not in m.attrs]
        if named:
            last_kind = named[-1].kind
    history = replace(
        history, embryos_good_quality=_quality(normalised), chromosome_tests_both=_chromosomes(normalised)
    )
    if previous is not None:
        additive = bool(_ADDITIVE.search(normalised)) and not corrected_any
        history = _merge(previous, history, additive=additive)
    return _within_bounds(history)


def _within_bounds(history: History) -> History:
    """A count above MAX_COUNT (many statements added up) is "a lot": vague."""
    too_many = {
        f.name: None
        for f in fields(history)
        if isinstance(getattr(history, f.name), int)
        and not isinstance(getattr(history, f.name), bool)
        and getattr(history, f.name) > MAX_COUNT
    }
    if not too_many:
        return history
    vague = tuple(dict.fromkeys(history.vague + tuple(too_many)))
    return replace(history, **too_many, vague=vague)


def parse_history(text: str, previous: Optional[History] = None) -> History:
    """Read a user's account of their history. With ``previous``, a new or
    corrected fact overrides only the fields it names ("another chemical"
    adds to the previous count)."""
    return _parse(text, previous)


# ---------------------------------------------------------------------------
# One form answer
# ---------------------------------------------------------------------------

_SLOT_KIND = {"embryo_transfers": "T", "positive_tests": "P", "confirmed_losses": "LOSS"}
_SLOT_FIELD = {
    "embryo_transfers": "transfers_total",
    "positive_tests": "positive_tests",
    "confirmed_losses": "confirmed_miscarriages",
}
_ALL_OF_THEM = re.compile(
    r"^(?:yes,?\s*)?(?:all(?: of them| \d+)?|every (?:one|single one|time)|each (?:one|time)|all of my transfers|every transfer)[\s.!]*$"
)
_BOTH_ALONE = re.compile(r"^(?:yes,?\s*)?both(?: of them)?[\s.!]*$")


def parse_answer(slot: str, text: Optional[str], context: Optional[History] = None) -> ParsedAnswer:
    """Read one form answer; the question (``slot``) and what we know already
    (``context``) give it meaning: "all of them" to positive_tests means as
    many as the transfers."""
    if slot not in ANSWER_SLOTS:
        raise ValueError(f"not a history question: {slot}")
    raw = " ".join((text or "").split())
    cleaned = raw.lower().strip(" .!?")
    if not cleaned:
        return ParsedAnswer(problem=NOT_A_NUMBER if slot in COUNT_SLOTS else NOT_YES_NO)
    if (
        cleaned == UNKNOWN
        or _UNKNOWN_PHRASES.search(cleaned)
        and not re.search(r"\d|\b(?:one|two|three|both|all)\b", cleaned)
    ):
        return ParsedAnswer(value=UNKNOWN)
    if slot in COUNT_SLOTS:
        return _count_answer(slot, cleaned, context)
    return _choice_answer(slot, cleaned, context)


def _count_answer(slot: str, cleaned: str, context: Optional[History]) -> ParsedAnswer:
    context = context or History()
    simple = parse_count(cleaned)
    if simple.problem in (NEGATIVE, TOO_LARGE):
        return ParsedAnswer(problem=simple.problem)
    if slot == "embryo_transfers":
        facts = _parse(cleaned, None, default_kind="T", force_ivf=True)
    elif slot == "positive_tests":
        facts = _parse(
            cleaned, None, default_kind="P", force_ivf=True, count_implied_transfers=False, ends_imply_positive=True
        )
    else:
        facts = _parse(cleaned, None, default_kind="LOSS")
    name = _SLOT_FIELD[slot]
    value = getattr(facts, name)
    transfers = context.transfers_total
    if _ALL_OF_THEM.match(cleaned) or (value is None and name in facts.vague and re.match(r"^all\b", cleaned)):
        reference = {"positive_tests": transfers, "confirmed_losses": context.positive_tests, "embryo_transfers": None}[
            slot
        ]
        if reference is None:
            return ParsedAnswer(facts=facts, problem=NEEDS_CONTEXT)
        value = reference
        facts = replace(facts, **{name: value}, vague=tuple(v for v in facts.vague if v != name))
    elif name in facts.vague:
        return ParsedAnswer(facts=facts, vague=True, problem=AMBIGUOUS)
    elif slot == "embryo_transfers" and value is None and facts.rounds_mentioned:
        return ParsedAnswer(facts=facts, vague=True, problem=ROUNDS_NOT_TRANSFERS)
    if value is None and slot == "confirmed_losses" and _other_losses(facts):
        value = 0  # "just chemicals", "1 ectopic": none with a sac or heartbeat seen
    if value is None:
        if simple.problem is not None:
            return ParsedAnswer(facts=facts, vague=simple.problem == AMBIGUOUS, problem=simple.problem)
        value = simple.slot_value
    if (
        slot == "confirmed_losses"
        and facts.stillbirths
        and facts.confirmed_miscarriages is None
        and value == facts.stillbirths == simple.value
        and not _A_MISCARRIAGE.search(cleaned)
    ):
        value = 0  # "one stillbirth": the number counts the stillbirth, never a miscarriage
    if isinstance(value, int) and getattr(facts, name) is None:
        facts = replace(facts, **{name: value})
    if isinstance(value, int):
        if value > MAX_COUNT:
            return ParsedAnswer(facts=facts, problem=TOO_LARGE)
        if slot == "positive_tests" and transfers is not None and value > transfers:
            return ParsedAnswer(value=value, facts=facts, problem=POSITIVES_EXCEED_TRANSFERS)
    return ParsedAnswer(value=value, facts=facts)


_A_MISCARRIAGE = re.compile(r"\b(?:miscarr\w*|mmcs?|mcs?|mc's|loss(?:es)?|lost|erpc|d&c)\b")


def _other_losses(facts: History) -> bool:
    return (
        any(getattr(facts, n) for n in ("biochemical_losses", "ectopic", "molar", "pul"))
        or "biochemical_losses" in facts.vague
    )


_EARLY_ANSWER = re.compile(r"\b(?:early|first trimester|1st tri\w*|before 12 weeks|before 13 weeks|first 12 weeks)\b")
_PARTLY = re.compile(
    r"^(?:1|one|only one|just one) (?:was|of them)\b|\bmost(?:ly)?\b|\bsome (?:were|of them)\b|^some\b"
)
_LATE_ANSWER = re.compile(r"\b(?:late|second trimester|2nd tri\w*|after 12 weeks|after 13 weeks)\b")


def _choice_answer(slot: str, cleaned: str, context: Optional[History]) -> ParsedAnswer:
    normalised = _normalise(cleaned)
    if slot == "embryos_good_quality":
        facts = _parse(cleaned, None)
        value = _quality(normalised, answer=True)
        if value is None and re.match(
            r"^(?:not (?:great|good|brilliant|the best|top)|average|fair|so so|so-so|meh|okay ?ish|low)\b", normalised
        ):
            value = NO
        value = value or _yes_no(cleaned)
        facts = replace(facts, embryos_good_quality=value)
    elif slot == "chromosome_tests_both":
        facts = _parse(cleaned, None)
        value = _chromosomes(normalised, answer=True) or _yes_no(cleaned)
        facts = replace(facts, chromosome_tests_both=value)
    else:  # losses_first_trimester
        facts = _parse(cleaned, None, default_kind="LOSS")
        if facts.confirmed_miscarriages == 0:
            facts = replace(facts, confirmed_miscarriages=None)  # "no": not in the first trimester
        value = facts.losses_first_trimester
        if value is None:
            early, late = bool(_EARLY_ANSWER.search(normalised)), bool(_LATE_ANSWER.search(normalised))
            partly = bool(_PARTLY.search(normalised))
            value = SOME if (early and late) or partly else YES if early else NO if late else _yes_no(cleaned)
    if value is None:
        return ParsedAnswer(facts=facts, problem=NOT_YES_NO)
    return ParsedAnswer(value=value, facts=facts)


def _yes_no(cleaned: str) -> Optional[str]:
    return parse_yes_no(cleaned, allow_some=True)


# ---------------------------------------------------------------------------
# Keeping a History between turns (a slot holds it as JSON)
# ---------------------------------------------------------------------------


def merge_history(base: History, new: History) -> History:
    """``base`` with what ``new`` says on top (a form answer's facts)."""
    return _merge(base, new)


def history_to_dict(history: History) -> Dict[str, Any]:
    """The fields that were said, JSON-ready (tuples become lists)."""
    return {name: list(value) if isinstance(value, tuple) else value for name, value in history.said().items()}


def history_from_dict(data: Optional[Dict[str, Any]]) -> History:
    """A History from ``history_to_dict``'s output; unknown keys are ignored
    (a slot written by an older version)."""
    known = {f.name for f in fields(History)}
    values = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in (data or {}).items()
        if name in known
    }
    return History(**values)
