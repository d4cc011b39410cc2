"""Dates and times in Korean text: 2023. 3. 27.(월), 3월 27일(월), 27일, 오후 3시, 15:20 …"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = "월화수목금토일"

_WD = r"(?:\s*\(\s*(?P<wd>[월화수목금토일])(?:요일)?\s*\)|\s+(?P<wd2>[월화수목금토일])요일)?"
DATE_PATTERNS = [
    # 2023. 3. 27.(월) — 공문서 form
    re.compile(r"(?P<y>\d{4})\s*\.\s*(?P<m>\d{1,2})\s*\.\s*(?P<d>\d{1,2})\s*\.?" + _WD),
    # 2023-03-27, 2023/3/27
    re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})" + _WD),
    # (2023년) 3월 27일(월)
    re.compile(r"(?:(?P<y>\d{4})\s*년\s*)?(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일" + _WD),
    # 27일(월) / 27일 월요일 / bare 27일 (day only, not a duration like "3일간")
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})\s*일(?![간째동])" + _WD),
    # 2023년 3월 / 3월 (month without day)
    re.compile(r"(?:(?P<y>\d{4})\s*년\s*)?(?<!\d)(?P<m>\d{1,2})\s*월(?!\s*\d{1,2}\s*일)(?![요])"),
    # 2023년 alone
    re.compile(r"(?P<y>\d{4})\s*년(?!\s*\d{1,2}\s*월)"),
]
TIME_RE = re.compile(
    r"(?P<ampm>오전|오후|새벽|아침|저녁|밤|정오|자정)"
    r"(?:\s*(?P<h>\d{1,2})\s*시(?:\s*(?P<mi>\d{1,2})\s*분|\s*(?P<half>반))?)?"
    r"|(?<![\d.])(?P<h2>\d{1,2})\s*:\s*(?P<mi2>\d{2})(?!\d)"
    r"|(?<![\d.])(?P<h3>\d{1,2})\s*시(?:\s*(?P<mi3>\d{1,2})\s*분|\s*(?P<half3>반))?(?![간대청장민설])"
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None
    weekday: str | None

    def compatible(self, other: DateMention) -> bool:
        """Every component given here agrees with ``other`` (which may be more complete)."""
        for mine, theirs in (
            (self.year, other.year),
            (self.month, other.month),
            (self.day, other.day),
            (self.weekday, other.weekday),
        ):
            if mine is not None and mine != theirs:
                return False
        return True


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    text: str
    period: str | None  # 오전/오후/…
    minutes: int | None  # minutes after midnight, when an hour is given

    def compatible(self, other: TimeMention) -> bool:
        if self.minutes is not None:
            return other.minutes == self.minutes
        return other.period == self.period or (
            other.minutes is not None and _period_of(other.minutes) == self.period
        )


def _period_of(minutes: int) -> str:
    return "오전" if minutes < 12 * 60 else "오후"


def find_dates(text: str) -> list[DateMention]:
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            g = m.groupdict()
            month, day = _int(g.get("m")), _int(g.get("d"))
            if month is not None and not 1 <= month <= 12:
                continue
            if day is not None and not 1 <= day <= 31:
                continue
            wd = g.get("wd") or g.get("wd2")
            found.append(DateMention(m.start(), m.end(), m.group(0), _int(g.get("y")), month, day, wd))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def find_times(text: str) -> list[TimeMention]:
    found = []
    for m in TIME_RE.finditer(text):
        g = m.groupdict()
        period = g.get("ampm")
        hour = _int(g.get("h") or g.get("h2") or g.get("h3"))
        minute = _int(g.get("mi") or g.get("mi2") or g.get("mi3")) or 0
        if g.get("half") or g.get("half3"):
            minute = 30
        minutes = None
        if hour is not None:
            if hour > 24 or minute > 59:
                continue
            if period in ("오후", "저녁", "밤") and hour < 12:
                hour += 12
            minutes = hour * 60 + minute
        elif period == "정오":
            minutes = 12 * 60
        elif period == "자정":
            minutes = 0
        found.append(TimeMention(m.start(), m.end(), m.group(0), period, minutes))
    return found


def weekday_of(year: int, month: int, day: int) -> str | None:
    try:
        return WEEKDAYS[dt.date(year, month, day).weekday()]
    except ValueError:
        return None


def infer_year(month: int, day: int, weekday: str | None, explicit_years: list[int], today: dt.date) -> int:
    """The year a brief means when it gives only month and day."""
    if explicit_years:
        return explicit_years[0]
    candidates = [today.year, today.year + 1, today.year - 1]
    if weekday:
        for year in candidates:
            if weekday_of(year, month, day) == weekday:
                return year
    return today.year


def official_date(d: dt.date, with_weekday: bool = True) -> str:
    """공문서 form: 2023. 3. 27.(월)"""
    text = f"{d.year}. {d.month}. {d.day}."
    return text + f"({WEEKDAYS[d.weekday()]})" if with_weekday else text


def article_date(d: dt.date) -> str:
    """기사체 form used in release bodies: 3월 27일(월)"""
    return f"{d.month}월 {d.day}일({WEEKDAYS[d.weekday()]})"


def _int(value: str | None) -> int | None:
    return int(value) if value else None
