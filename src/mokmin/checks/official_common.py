"""Shared pieces of the 공문서 표기 checker: modes, rule bases, line spans and the Finding helper."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from mokmin.checks.finding import Finding, Severity

SOURCE = "official_style"
Mode = Literal["general", "gongmun", "press"]
MODES: tuple[str, ...] = ("general", "gongmun", "press")

REGULATION = "「행정업무의 운영 및 혁신에 관한 규정」"
RULES = "「행정업무의 운영 및 혁신에 관한 규정 시행규칙」"
BASIS = {
    "date": f"{REGULATION} 제7조제5항(날짜 표기)",
    "time": f"{REGULATION} 제7조제5항(시각 표기: 24시각제, 쌍점)",
    "money": f"{RULES} 제2조제2항(금액 표기)",
    "items": f"{RULES} 제2조제1항(항목 구분)",
    "closing": f"{RULES} 제4조(붙임 표시와 '끝' 표시)",
    "colon": "한글 맞춤법 부록 「문장 부호」 쌍점(:) 규정",
    "tilde": "한글 맞춤법 부록 「문장 부호」 물결표(∼) 규정 및 행정업무운영 편람",
    "law": "한글 맞춤법 부록 「문장 부호」 홑낫표(「」) 규정(법률·규정 이름)",
    "prefix": "표준국어대사전: '제-'는 접두사이므로 뒷말에 붙여 씀",
    "foreign": "「국어기본법 시행령」 제11조(공문서의 한글 표기, 한자·외국 글자는 괄호 안에)",
    "spacing": "한글 맞춤법 제43항·제44항(단위 명사와 수의 띄어쓰기)",
}

HSPACE = " \u3000"  # spaces that count as indentation / 타


def make(
    rule: str,
    severity: Severity,
    start: int,
    end: int,
    text: str,
    message: str,
    basis: str,
    suggestion: str | None = None,
    *,
    safe: bool = False,
    **extra,
) -> Finding:
    """A Finding whose message ends with the rule's basis (근거)."""
    message = f"{message} (근거: {BASIS[basis]})"
    return Finding(f"official.{rule}", severity, start, end, text[start:end], message, suggestion, SOURCE,
                   safe, extra)


@dataclass(frozen=True)
class Line:
    """One line of the text without its line break: ``text[start:end]``."""

    start: int
    end: int
    body: str

    @property
    def indent(self) -> str:
        return self.body[: len(self.body) - len(self.body.lstrip(HSPACE + "\t"))]


def lines(text: str) -> Iterator[Line]:
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        yield Line(pos, pos + len(body), body)
        pos += len(raw)


def width(spaces: str) -> int:
    """Width in 타: a half-width space is 1, an ideographic space (U+3000) is 2."""
    return sum(2 if ch == "\u3000" else 1 for ch in spaces)


_PROTECTED = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans no rule may touch: URLs and e-mail addresses."""
    return [(m.start(), m.end()) for m in _PROTECTED.finditer(text)]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < max(end, start + 1) and start < e for s, e in spans)
