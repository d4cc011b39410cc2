"""What a brief (plus the city profile) supports: dates, times, numbers, quotes and words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from mokmin.text.dates import DateMention, TimeMention, find_dates, find_times
from mokmin.text.korean import NOUN_TAGS, nfc, tokenize

_NON_WORD = re.compile(r"[\s\W_]+", re.UNICODE)
NUMBER_RE = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?")
PHONE_RE = re.compile(r"(?<!\d)0\d{1,2}[-.)\s]\d{3,4}[-.\s]\d{4}(?!\d)")


def compact(text: str) -> str:
    """Letters and digits only, lower-cased: for substring support that ignores spacing and quotes."""
    return _NON_WORD.sub("", nfc(text)).lower()


@lru_cache(maxsize=1)
def generic_nouns() -> frozenset[str]:
    path = resources.files("mokmin") / "data" / "wordlists" / "press_generic_nouns.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return frozenset(words)


def canonical_number(raw: str) -> str:
    value = raw.replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value.lstrip("0") or "0"


@dataclass
class Support:
    """An index over the supporting text, built once and queried per draft fact."""

    text: str
    dates: list[DateMention] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    numbers: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    nouns: set[str] = field(default_factory=set)
    compact_text: str = ""

    @classmethod
    def build(cls, text: str) -> Support:
        text = nfc(text)
        dates = find_dates(text)
        years = [d.year for d in dates if d.year]
        if years:  # a brief that names the year once means it for its other dates too
            dates = dates + [
                DateMention(d.start, d.end, d.text, years[0], d.month, d.day, d.weekday)
                for d in dates
                if d.year is None
            ]
        numbers = {canonical_number(m.group(0)) for m in NUMBER_RE.finditer(text)}
        phones = {re.sub(r"\D", "", m.group(0)) for m in PHONE_RE.finditer(text)}
        nouns = {t.form.lower() for t in tokenize(text) if t.tag in NOUN_TAGS or t.tag == "NNB"}
        return cls(text, dates, find_times(text), numbers, phones, nouns, compact(text))

    def has_word(self, form: str) -> bool:
        form = form.lower()
        if form in self.nouns:
            return True
        return len(form) >= 2 and compact(form) in self.compact_text

    def has_phrase(self, phrase: str) -> bool:
        key = compact(phrase)
        return bool(key) and key in self.compact_text

    def has_date(self, d: DateMention) -> bool:
        return any(d.compatible(s) for s in self.dates)

    def has_time(self, t: TimeMention) -> bool:
        return any(t.compatible(s) for s in self.times)

    def has_number(self, raw: str) -> bool:
        return canonical_number(raw) in self.numbers
