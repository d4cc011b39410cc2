"""A 100-point score in the manner of the government's press-release evaluation (문체부·국립국어원).

The evaluation weighs 용이성 (70 points: hard Sino-Korean words, replaceable foreign words and
Latin letters per 어절) and 정확성 (30 points: errors against the language norms per 어절). The
ministry does not publish how a rate becomes points, so Mokmin uses one documented formula:

    용이성 비율 = 어려운 말 수 / 어절 수 × 100            (public_language findings)
    정확성 비율 = 어문 규범 오류 수 / 어절 수 × 100        (spelling and official_style findings,
                                                          errors and warnings; 참고 is not counted)
    용이성 점수 = 70 × 0.5 ^ (용이성 비율 / 5)     — every 5 hard words per 100 어절 halve the points
    정확성 점수 = 30 × 0.5 ^ (정확성 비율 / 2.5)   — every 2.5 errors per 100 어절 halve the points
    총점 = 용이성 점수 + 정확성 점수

The curve never flattens, so fixing any counted finding raises the score. Press-style and
discrimination findings are reported beside the score, not in it (the evaluation scores them apart).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from mokmin.checks.finding import Finding, Severity

EASE_POINTS = 70.0
ACCURACY_POINTS = 30.0
EASE_HALF_RATE = 5.0  # hard words per 100 어절 that halve the 용이성 points
ACCURACY_HALF_RATE = 2.5  # errors per 100 어절 that halve the 정확성 points
EASE_SOURCES = frozenset({"public_language"})
ACCURACY_SOURCES = frozenset({"spelling", "official_style"})

_EOJEOL = re.compile(r"\S+")
_WORDLIKE = re.compile(r"[가-힣0-9A-Za-z\u4e00-\u9fff]")  # a lone jamo bullet (ㅇ) is no word


@dataclass(frozen=True)
class ProofreadScore:
    eojeol: int
    hard_words: int
    errors: int
    ease_rate: float  # hard words per 100 어절
    accuracy_rate: float  # errors per 100 어절
    ease: float  # of 70
    accuracy: float  # of 30

    @property
    def total(self) -> float:
        return self.ease + self.accuracy

    def to_dict(self) -> dict:
        data = {k: round(v, 2) if isinstance(v, float) else v for k, v in asdict(self).items()}
        data["total"] = round(self.total, 2)
        return data

    def summary(self) -> str:
        return (
            f"총점 {self.total:.1f}/100 (용이성 {self.ease:.1f}/70: 어려운 말 {self.hard_words}개, "
            f"100어절당 {self.ease_rate:.2f} · 정확성 {self.accuracy:.1f}/30: 어문 규범 오류 {self.errors}건, "
            f"100어절당 {self.accuracy_rate:.2f} · 어절 {self.eojeol:,}개)"
        )


def count_eojeol(text: str) -> int:
    """Space-separated words that hold a syllable, letter or digit (□, ㅇ, -, ※ alone are not 어절)."""
    return sum(1 for word in _EOJEOL.findall(text) if _WORDLIKE.search(word))


def is_hard_word(finding: Finding) -> bool:
    return finding.source in EASE_SOURCES


def is_norm_error(finding: Finding) -> bool:
    return finding.source in ACCURACY_SOURCES and finding.severity is not Severity.INFO


def score(text: str, findings: Iterable[Finding]) -> ProofreadScore:
    findings = list(findings)
    eojeol = count_eojeol(text)
    hard = sum(1 for f in findings if is_hard_word(f))
    errors = sum(1 for f in findings if is_norm_error(f))
    per = 100.0 / eojeol if eojeol else 0.0
    ease_rate, accuracy_rate = hard * per, errors * per
    return ProofreadScore(
        eojeol=eojeol,
        hard_words=hard,
        errors=errors,
        ease_rate=ease_rate,
        accuracy_rate=accuracy_rate,
        ease=EASE_POINTS * 0.5 ** (ease_rate / EASE_HALF_RATE),
        accuracy=ACCURACY_POINTS * 0.5 ** (accuracy_rate / ACCURACY_HALF_RATE),
    )
