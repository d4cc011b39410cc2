"""Numbers, dates and times in Korean or English text, as comparable values.

``30만 원`` and ``300,000 won`` are the same value; ``2023. 3. 27.(월)`` and ``Monday, March 27, 2023`` the
same date; ``오후 3시`` and ``3 p.m.`` the same time. The translation checker compares these values between a
source sentence and its translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from mokmin.text.dates import find_dates, find_times

Lang = Literal["ko", "en"]

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
KO_UNITS = {"조": 10**12, "억": 10**8, "만": 10**4, "천": 10**3, "백": 10**2}
# one digit group with its Korean unit: 30만, 5천만, 3억, 1,200, 2.5 (groups after 억/조 are merged)
KO_GROUP = re.compile(rf"(?<![\d.,]){_NUM}(?:[천백]?[조억만]|[천백](?![가-힣]))?")
EN_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
EN_NUMBER = re.compile(rf"(?<![\d.,]){_NUM}(?:\s*(?:st|nd|rd|th)\b)?(?:\s+(thousand|million|billion|trillion)\b)?", re.IGNORECASE)

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
EN_WEEKDAYS = {"monday": "월", "tuesday": "화", "wednesday": "수", "thursday": "목", "friday": "금",
               "saturday": "토", "sunday": "일"}
_MONTH_RE = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|"
             r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_WD_PRE = r"(?:(?P<wd>Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_WD_POST = (r"(?:\s*\((?P<wd2>Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*\.?\)"
            r"|,\s+(?P<wd3>Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)?")
_ORD = r"(?:st|nd|rd|th)?"
EN_DATES = [
    # Monday, March 27, 2023 / March 27 / March 27th, 2023 (Mon.)
    re.compile(_WD_PRE + _MONTH_RE + rf"\s+(?P<d>\d{{1,2}}){_ORD}\b(?:,?\s+(?P<y>\d{{4}}))?" + _WD_POST),
    # 27 March 2023 / the 27th of March
    re.compile(_WD_PRE + rf"(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?" + _MONTH_RE + r"(?:,?\s+(?P<y>\d{4}))?"
               + _WD_POST),
    # March 2023
    re.compile(_MONTH_RE + r",?\s+(?P<y>\d{4})\b"),
    # (on) the 27th
    re.compile(_WD_PRE + r"\bthe\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b" + _WD_POST),
    # in March (May only with a date, it is also a verb)
    re.compile(r"\b(?i:in|of|since|until|from|by|during)\s+(?P<mon>January|February|March|April|June|July|August|"
               r"September|October|November|December)\b"),
]
EN_TIME = re.compile(
    r"(?<![\d:.])(?P<h>\d{1,2})(?::(?P<mi>\d{2}))?\s*(?P<ap>a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z])"
    r"|(?<![\d:.])(?P<h2>\d{1,2}):(?P<mi2>\d{2})(?!\d)"
    r"|\b(?P<word>noon|midday|midnight)\b",
    re.IGNORECASE,
)
# small numbers written as words are accepted for digits on the other side (never reported themselves)
EN_WORD_NUMBERS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])} | {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12, "first": 1, "second": 2,
    "third": 3, "single": 1, "once": 1, "twice": 2, "both": 2, "half": 0.5}
KO_WORD_NUMBERS = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6,
                   "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "첫": 1, "첫째": 1, "둘째": 2, "셋째": 3, "스무": 20,
                   "반": 0.5, "절반": 0.5, "양": 2}


@dataclass(frozen=True)
class DateValue:
    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None
    weekday: str | None  # Korean letter 월…일

    def parts(self) -> dict[str, int | str]:
        return {k: v for k, v in (("year", self.year), ("month", self.month), ("day", self.day),
                                  ("weekday", self.weekday)) if v is not None}


@dataclass(frozen=True)
class NumberValue:
    start: int
    end: int
    text: str
    value: float


@dataclass(frozen=True)
class TimeValue:
    start: int
    end: int
    text: str
    minutes: int


@dataclass
class Values:
    dates: list[DateValue]
    times: list[TimeValue]
    numbers: list[NumberValue]
    word_numbers: set[float]


def extract_values(text: str, lang: Lang) -> Values:
    """Every date, time and number of ``text``; digits inside a date or time are not numbers too."""
    dates = _korean_dates(text) if lang == "ko" else _english_dates(text)
    times = _korean_times(text) if lang == "ko" else _english_times(text)
    taken = [(d.start, d.end) for d in dates] + [(t.start, t.end) for t in times]
    numbers = []
    spans = _korean_number_spans(text) if lang == "ko" else [(m.start(), m.end()) for m in EN_NUMBER.finditer(text)]
    for start, end in spans:
        if any(s <= start < e for s, e in taken):
            continue
        raw = text[start:end]
        value = korean_number_value(raw) if lang == "ko" else english_number_value(raw)
        last = numbers[-1] if numbers else None
        if (lang == "en" and last and re.fullmatch(r"\s+(?:and\s+)?", text[last.end : start])
                and _scale(last.text) > value):  # 1 trillion 200 billion
            numbers[-1] = NumberValue(last.start, end, text[last.start : end], last.value + value)
            continue
        numbers.append(NumberValue(start, end, raw, value))
    # a date with a year only ("2023년") reads as the number 2023 on the other side
    for d in [d for d in dates if d.year and d.month is None and d.day is None]:
        dates.remove(d)
        numbers.append(NumberValue(d.start, d.end, d.text, float(d.year)))
    return Values(dates, times, sorted(numbers, key=lambda n: n.start), _word_numbers(text, lang))


def korean_number_value(raw: str) -> float:
    """'3억 5천만' → 350000000; '30만' → 300000; '1,200' → 1200."""
    total, current = 0.0, 0.0
    for m in re.finditer(rf"({_NUM})|([조억만천백])", raw):
        if m.group(1):
            current = float(m.group(1).replace(",", ""))
            continue
        unit = KO_UNITS[m.group(2)]
        if unit >= 10**4:  # 만, 억, 조 close a group: 5천만 = (5×천)×만
            total += (current or 1) * unit
            current = 0.0
        else:
            current = (current or 1) * unit
    return total + current


def _korean_number_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in KO_GROUP.finditer(text):
        if spans and text[spans[-1][1] - 1] in "조억" and text[spans[-1][1] : m.start()] in ("", " "):
            spans[-1] = (spans[-1][0], m.end())  # 3억 5천만
        else:
            spans.append((m.start(), m.end()))
    return spans


def _scale(raw: str) -> float:
    m = re.search(r"(thousand|million|billion|trillion)", raw, re.IGNORECASE)
    return float(EN_SCALE[m.group(1).lower()]) if m else 0.0


def english_number_value(raw: str) -> float:
    m = re.match(rf"({_NUM})", raw)
    value = float(m.group(1).replace(",", "")) if m else 0.0
    scale = re.search(r"(thousand|million|billion|trillion)", raw, re.IGNORECASE)
    return value * EN_SCALE[scale.group(1).lower()] if scale else value


def _korean_dates(text: str) -> list[DateValue]:
    return [DateValue(d.start, d.end, d.text, d.year, d.month, d.day, d.weekday) for d in find_dates(text)]


def _english_dates(text: str) -> list[DateValue]:
    found: list[DateValue] = []
    taken: list[tuple[int, int]] = []
    # numeric forms (2023. 3. 27., 2023-03-27) are read by the Korean patterns, which need 년/월/일 otherwise
    numeric = [d for d in find_dates(text) if not re.search(r"[년월일]", d.text)]
    for d in numeric:
        found.append(DateValue(d.start, d.end, d.text, d.year, d.month, d.day, d.weekday))
        taken.append((d.start, d.end))
    for pattern in EN_DATES:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            g = m.groupdict()
            month = _month(g.get("mon"))
            day = int(g["d"]) if g.get("d") else None
            if day is not None and not 1 <= day <= 31:
                continue
            wd = g.get("wd") or g.get("wd2") or g.get("wd3")
            weekday = _weekday(wd) if wd else None
            year = int(g["y"]) if g.get("y") else None
            found.append(DateValue(m.start(), m.end(), m.group(0), year, month, day, weekday))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def _month(name: str | None) -> int | None:
    if not name:
        return None
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBR.get(key) or MONTH_ABBR.get(key[:3])


def _weekday(prefix: str) -> str | None:
    prefix = prefix.lower()[:3]
    return next((ko for en, ko in EN_WEEKDAYS.items() if en.startswith(prefix)), None)


def _korean_times(text: str) -> list[TimeValue]:
    return [TimeValue(t.start, t.end, t.text, t.minutes) for t in find_times(text) if t.minutes is not None]


def _english_times(text: str) -> list[TimeValue]:
    out = []
    for m in EN_TIME.finditer(text):
        g = m.groupdict()
        if g.get("word"):
            minutes = 0 if g["word"].lower() == "midnight" else 12 * 60
        else:
            hour = int(g.get("h") or g.get("h2"))
            minute = int(g.get("mi") or g.get("mi2") or 0)
            if hour > 24 or minute > 59:
                continue
            ap = (g.get("ap") or "").lower()
            if ap.startswith("p") and hour < 12:
                hour += 12
            elif ap.startswith("a") and hour == 12:
                hour = 0
            minutes = hour * 60 + minute
        out.append(TimeValue(m.start(), m.end(), m.group(0), minutes))
    return out


def _word_numbers(text: str, lang: Lang) -> set[float]:
    if lang == "en":
        words = re.findall(r"[a-z]+", text.lower())
        return {float(EN_WORD_NUMBERS[w]) for w in words if w in EN_WORD_NUMBERS}
    found = set()
    for m in re.finditer(r"(?<![가-힣])(" + "|".join(sorted(KO_WORD_NUMBERS, key=len, reverse=True)) + r")(?=\s|$|[가-힣])",
                         text):
        found.add(float(KO_WORD_NUMBERS[m.group(1)]))
    return found
