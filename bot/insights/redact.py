"""Remove personal details from a message before operators see it.

Regular expressions first, on the raw text: e-mail addresses, links, phone
numbers, then any remaining number (ages, dates, cycle days, NHS numbers).
Then spaCy token patterns (an EntityRuler, no name list) for names where
people give them: "my name is X", "I'm X", "call me X", titles ("Dr X",
"mrs x"), "my husband/partner/consultant/... X", and signatures ("- Sarah",
"thanks, Sarah" at the end). Last, any other capitalised word inside a
sentence ("a question from Olivia", "at Hammersmith") unless it is one of
the domain's terms (the project's entity ruler: "Clexane", "Utrogestan"), a
title, a month or a weekday; a message typed In Title Case is left to the
patterns. Each is replaced by [email], [link], [phone], [number] or [name].
It errs on the side of removing: a lost word costs less than a name on an
operator's screen. A name typed in lower case with no cue ("from olivia")
is not found: there is no name list.

The pipeline is the project's spaCy pipeline (build/spacy/rif_rm_en, for its
tokenizer and domain terms) when it is built, else spaCy's blank English.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

PIPELINE_DIR = Path(__file__).resolve().parents[2] / "build" / "spacy" / "rif_rm_en"
LABEL = "PERSONAL_NAME"

# Each pattern starts only where a word starts (the look-behinds), so a long
# run of dots or letters cannot make it try every position.
EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
LINK = re.compile(
    r"\b(?:https?://|www\.)\S+"
    r"|(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|uk|ie|io|info|co|us|eu|de|fr)\b(?:/\S*)?",
    re.IGNORECASE,
)
HANDLE = re.compile(r"(?<![\w@])@\w{2,}")
# Nine or more digits with the separators people type in phone numbers
# (shorter runs are still removed, as numbers).
PHONE = re.compile(r"(?<![\w\d])(?:\+|00)?\(?\d(?:[\s().-]{0,2}\d){8,}(?![\w\d])")
# Any other word holding a digit: "34", "3rd", "12/03/2024", "day5", "£1,200".
NUMBER = re.compile(r"(?<![^\s;:!?()\[\]{}\"'])[^\s;:!?()\[\]{}\"']*\d[^\s;:!?()\[\]{}\"']*")
TRAILING_PUNCTUATION = ".,-/'"
# Longer messages are cut (at a space, so no half address is left) before
# redaction: operators need the gist, and it bounds the work per message.
MAX_CHARS = 1000
WORDS_FILE = Path(__file__).with_name("redaction_words.yml")
_WORDS = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
KEEP_NUMBER_WORDS = frozenset(_WORDS["keep_number_words"])
SHORT_TITLES: List[str] = _WORDS["short_titles"]
WORD_TITLES: List[str] = _WORDS["word_titles"]
NOT_A_NAME: List[str] = SHORT_TITLES + WORD_TITLES + _WORDS["not_a_name"]
PEOPLE: List[str] = _WORDS["people"]
SIGN_OFFS: List[str] = _WORDS["sign_offs"]
CALENDAR_WORDS = frozenset(_WORDS["calendar_words"])

_NAME = {"IS_ALPHA": True, "IS_STOP": False, "LOWER": {"NOT_IN": NOT_A_NAME}}
_CAPITALISED_NAME = {"IS_TITLE": True, "IS_STOP": False, "LOWER": {"NOT_IN": NOT_A_NAME}}


def _patterns() -> List[Dict[str, Any]]:
    """EntityRuler patterns; each id, "KEEP:AFTER", says how many tokens
    before and after the name are context to keep."""
    found: List[Dict[str, Any]] = []

    def add(keep: int, tokens: List[Dict[str, Any]], after: List[Dict[str, Any]] = ()) -> None:
        # The name, then maybe a second one, hyphenated or not: "Sarah Jones", "Smith-Jones".
        for tail in ([], [_CAPITALISED_NAME], [{"ORTH": "-"}, _NAME]):
            found.append({"label": LABEL, "id": f"{keep}:{len(after)}", "pattern": tokens + tail + list(after)})

    # my name is sarah / my name's Sarah Jones / name is Sarah / call me Jo
    add(3, [{"LOWER": "my"}, {"LOWER": "name"}, {"LOWER": {"IN": ["is", "'s", "’s"]}}, _NAME])
    add(2, [{"LOWER": "name"}, {"LOWER": {"IN": ["is", "'s", ":"]}}, _NAME])
    add(2, [{"LOWER": {"IN": ["call", "called"]}}, {"LOWER": "me"}, _NAME])
    add(3, [{"LOWER": "i"}, {"LOWER": "am"}, {"LOWER": "called"}, _NAME])
    # I'm Sarah / im Sarah / I am Sarah: only a capitalised word, so "I'm scared" stays
    add(2, [{"LOWER": "i"}, {"LOWER": {"IN": ["'m", "’m", "m", "am"]}}, _CAPITALISED_NAME])
    add(2, [{"LOWER": "this"}, {"LOWER": "is"}, _CAPITALISED_NAME])
    add(0, [_CAPITALISED_NAME], after=[{"LOWER": "here"}, {"IS_PUNCT": True}])  # "Sarah here, ..."
    # Dr Patel / dr. patel / Mrs. Smith / Nurse Amy
    add(1, [{"LOWER": {"IN": SHORT_TITLES}}, _NAME])
    add(2, [{"LOWER": {"IN": SHORT_TITLES}}, {"ORTH": "."}, _NAME])
    add(1, [{"LOWER": {"IN": WORD_TITLES}}, _CAPITALISED_NAME])
    # my husband Tom / my partner, Sam ("my consultant Dr X": the title rule)
    add(2, [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": PEOPLE}}, _CAPITALISED_NAME])
    add(3, [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": PEOPLE}}, {"ORTH": ","}, _CAPITALISED_NAME])
    return found


def _signature_patterns() -> List[List[Dict[str, Any]]]:
    """Sign-offs that only count at the very end of the message."""
    end = {"IS_PUNCT": True, "OP": "*"}
    return [
        [{"ORTH": {"IN": ["-", "–", "—", "~", "--"]}}, _CAPITALISED_NAME, end],
        [{"LOWER": {"IN": SIGN_OFFS}}, {"IS_PUNCT": True, "OP": "?"}, _CAPITALISED_NAME, end],
        [{"LOWER": "thank"}, {"LOWER": "you"}, {"IS_PUNCT": True, "OP": "?"}, _CAPITALISED_NAME, end],
    ]


class Redactor:
    """Callable: text -> the same text with personal details replaced."""

    def __init__(self) -> None:
        import spacy
        from spacy.matcher import Matcher

        if (PIPELINE_DIR / "config.cfg").exists():
            # Its tokenizer and its domain-term ruler (those words are not names).
            self.nlp = spacy.load(PIPELINE_DIR, exclude=["lemmatizer"])
        else:
            self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer", first=True)
        ruler = self.nlp.add_pipe("entity_ruler", name="personal_names", config={"overwrite_ents": True})
        ruler.add_patterns(_patterns())
        self.signatures = Matcher(self.nlp.vocab)
        self.signatures.add("SIGNATURE", _signature_patterns())

    def __call__(self, text: str) -> str:
        text = _shortened(text)
        text = EMAIL.sub("[email]", text)
        text = LINK.sub("[link]", text)
        text = HANDLE.sub("[name]", text)
        text = PHONE.sub("[phone]", text)
        text = NUMBER.sub(_number, text)
        return self._names(text)

    def _names(self, text: str) -> str:
        doc = self.nlp(text)
        spans: List[Tuple[int, int, str]] = []
        for ent in doc.ents:
            if ent.label_ == LABEL:
                keep, after = (int(n) for n in ent.ent_id_.split(":"))
                spans.append((ent.start + keep, ent.end - after, "[name]"))
        for _, start, end in self.signatures(doc):
            if all(token.is_punct for token in doc[end:]):
                names = [t.i for t in doc[start:end] if t.is_title and not t.is_stop]
                if names:
                    spans.append((names[-1], names[-1] + 1, "[name]"))
        spans += [(i, i + 1, "[name]") for i in _capitalised_inside_sentences(doc)]
        for token in doc:
            if token.like_num and token.lower_ not in KEEP_NUMBER_WORDS and not token.text.startswith("["):
                spans.append((token.i, token.i + 1, "[number]"))
        return _replace_tokens(doc, spans)


def _starts_a_sentence(token: Any) -> bool:
    if token.i == 0 or token.is_sent_start:
        return True
    before = token.doc[token.i - 1]
    return "\n" in before.text or "\n" in before.whitespace_ or before.text in ("-", "–", "—", '"', "“", "(")


def _capitalised_inside_sentences(doc: Any) -> List[int]:
    """Token indices of capitalised words inside sentences that are not domain
    terms, titles or calendar words: most likely names of people or places."""
    inside = [t for t in doc if t.is_alpha and not _starts_a_sentence(t)]
    # A Message Typed In Title Case says nothing about names.
    if sum(t.is_title for t in inside) * 2 > len(inside):
        return []
    capitalised = [
        t
        for t in inside
        if t.is_title
        and not t.is_stop
        and len(t) > 1
        and not t.ent_type_  # a domain term, or already taken by a name pattern
        and t.lower_ not in CALENDAR_WORDS
        and t.lower_.rstrip(".") not in SHORT_TITLES + WORD_TITLES
    ]
    return [t.i for t in capitalised]


def _shortened(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    kept = text[: MAX_CHARS + 1].rsplit(None, 1)[0] if " " in text[:MAX_CHARS] else ""
    return (kept[:MAX_CHARS] + " …") if kept else "[a long message without spaces, not shown]"


def _number(match: "re.Match[str]") -> str:
    word = match.group(0)
    if word.startswith("[") and word.endswith("]"):
        return word  # already a placeholder
    stripped = word.rstrip(TRAILING_PUNCTUATION)
    return "[number]" + word[len(stripped) :]


def _replace_tokens(doc: Any, spans: List[Tuple[int, int, str]]) -> str:
    """The text with each (start token, end token) span replaced; overlapping
    spans merge; the whitespace after each span is kept."""
    replacement: Dict[int, str] = {}
    for start, end, label in spans:
        for index in range(start, end):
            replacement.setdefault(index, label)
    out: List[str] = []
    previous = None
    for token in doc:
        label = replacement.get(token.i)
        if label is None:
            out.append(token.text_with_ws)
            previous = None
            continue
        if label != previous:
            out.append(label)
        elif out and out[-1] == " ":
            out.pop()
        out.append(token.whitespace_)
        previous = label
    return "".join(out)


@lru_cache(maxsize=1)
def redactor() -> Redactor:
    """One redactor per process (loading spaCy takes a moment)."""
    return Redactor()


def redact(text: str) -> str:
    return redactor()(text)
