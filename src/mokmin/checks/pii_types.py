"""The kinds of personal data Mokmin finds, and the candidate every detector produces."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mokmin.checks.finding import Severity


@dataclass(frozen=True)
class PiiType:
    key: str  # rule id suffix: "pii.<key>"
    label: str  # Korean name shown to people
    placeholder: str  # mask_pii placeholder stem: [<placeholder>1]
    severity: Severity
    priority: int  # breaks ties when two detectors claim overlapping text (lower wins)


_TYPES = [
    PiiType("rrn", "주민등록번호", "주민번호", Severity.ERROR, 0),
    PiiType("arn", "외국인등록번호", "외국인번호", Severity.ERROR, 1),
    PiiType("card", "카드번호", "카드", Severity.ERROR, 2),
    PiiType("brn", "사업자등록번호", "사업자번호", Severity.ERROR, 3),
    PiiType("driver_license", "운전면허번호", "면허", Severity.ERROR, 4),
    PiiType("phone", "전화번호", "전화", Severity.ERROR, 5),
    PiiType("account", "계좌번호", "계좌", Severity.ERROR, 6),
    PiiType("passport", "여권번호", "여권", Severity.ERROR, 7),
    PiiType("email", "이메일 주소", "이메일", Severity.ERROR, 8),
    PiiType("ip", "IP 주소", "IP", Severity.ERROR, 9),
    PiiType("vehicle", "차량번호", "차량", Severity.ERROR, 10),
    PiiType("address", "주소", "주소", Severity.WARNING, 11),
    PiiType("name", "사람 이름", "이름", Severity.WARNING, 12),
]
PII_TYPES: dict[str, PiiType] = {t.key: t for t in _TYPES}
BY_PLACEHOLDER: dict[str, PiiType] = {t.placeholder: t for t in _TYPES}


@dataclass
class Candidate:
    """A stretch of the *normalised* text a detector believes is personal data."""

    type: str
    start: int
    end: int
    confidence: float
    check_digit: bool | None = None  # None: the type has no check digit
    notes: dict = field(default_factory=dict)

    @property
    def priority(self) -> int:
        return PII_TYPES[self.type].priority


# Separator between digit groups: a dash, dot, slash, underscore or middle dot with optional spaces,
# or spaces alone, optionally followed by a line break ("010-\n1234-5678"). All optional: contiguous too.
SEP = r"(?:[ \t]{0,2}[-./_·][ \t]{0,2}|[ \t]{1,2})?(?:\r?\n[ \t]*)?"
LEFT = r"(?<![\d])(?<!\d[-.])"  # not in the middle of a longer number
RIGHT = r"(?!\d)(?![-.]\d)"


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def is_grouped(matched: str) -> bool:
    """Whether the digits are written in groups (with separators) rather than as one run."""
    return bool(re.search(r"\d\D+\d", matched))


_SENTENCE_END = re.compile(r"[.!?。](?=\s)")


def near(text: str, start: int, end: int, pattern: re.Pattern, before: int = 30, after: int = 12) -> bool:
    """Whether ``pattern`` occurs in the same sentence within ``before`` characters ahead of text[start:end]
    (a label may sit on the line above, as in a table) or ``after`` characters behind it on the same line."""
    lo = max(0, start - before)
    for stop in _SENTENCE_END.finditer(text, lo, start):
        lo = stop.end()
    line_end = text.find("\n", end)
    hi = min(end + after, line_end if line_end >= 0 else len(text))
    return bool(pattern.search(text, lo, start) or pattern.search(text, end, hi))
