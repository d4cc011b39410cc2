"""Proofread a text: every checker over one normalised text, duplicates removed, a score, safe fixes.

``proofread(text, mode=…)`` runs 공문서 notation (official_style), spelling and spacing, public
language (hard words), discrimination and, for 보도자료, the sentence rules of press_style. Findings
index ``ProofreadResult.text`` — the input normalised to NFC with ``\\n`` line ends — and carry their
1-based line and column. ``apply_safe_fixes`` applies only fixes a checker marked safe, never two
that touch the same characters.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from mokmin.checks.discrimination import check_discrimination
from mokmin.checks.finding import Finding, Severity, sort_findings
from mokmin.checks.official_style import check_official_style
from mokmin.checks.press_style import check_press_sentences
from mokmin.checks.public_language import check_public_language
from mokmin.checks.score import ProofreadScore, score
from mokmin.checks.spelling import check_spelling, profile_words
from mokmin.errors import InputError
from mokmin.profile import CityProfile

Mode = Literal["general", "gongmun", "press"]
MODES: tuple[str, ...] = get_args(Mode)
MODE_LABELS = {"general": "일반 문서", "gongmun": "공문서(기안문·시행문)", "press": "보도자료"}
# When two checkers flag the same characters, the more specific area wins a tie in severity.
_SOURCE_PRIORITY = ("official_style", "spelling", "public_language", "discrimination", "press_style")


@dataclass
class ProofreadResult:
    text: str  # the normalised text every finding indexes
    mode: str
    findings: list[Finding]
    score: ProofreadScore
    locations: list[tuple[int, int]] = field(default_factory=list)  # (line, column), 1-based, per finding

    def located(self) -> Iterator[tuple[Finding, int, int]]:
        for finding, (line, column) in zip(self.findings, self.locations, strict=True):
            yield finding, line, column

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def safe_fixes(self) -> list[Finding]:
        return select_safe_fixes(self.text, self.findings)


def normalize_text(text: str) -> str:
    """NFC (HWP and macOS files can carry decomposed jamo) and ``\\n`` line ends."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def proofread(text: str, *, mode: Mode = "general", profile: CityProfile | None = None) -> ProofreadResult:
    if mode not in MODES:
        raise InputError(f"알 수 없는 교정 방식입니다: {mode}", f"{', '.join(MODES)} 중 하나를 고르세요.")
    text = normalize_text(text)
    findings: list[Finding] = []
    findings += check_official_style(text, mode=mode)
    if mode == "press":
        findings += check_press_sentences(text)
    findings += check_spelling(text, custom_words=profile_words(profile) if profile else ())
    findings += check_public_language(text, extra_terms=profile.public_language if profile else ())
    findings += check_discrimination(text)
    findings = deduplicate(findings)
    return ProofreadResult(
        text=text, mode=mode, findings=findings, score=score(text, findings), locations=locate(text, findings)
    )


def locate(text: str, findings: Sequence[Finding]) -> list[tuple[int, int]]:
    """1-based (line, column) of each finding's start, from one index of line starts."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    out = []
    for f in findings:
        line = bisect.bisect_right(starts, f.start)
        out.append((line, f.start - starts[line - 1] + 1))
    return out


def _rank(f: Finding) -> tuple:
    source = _SOURCE_PRIORITY.index(f.source) if f.source in _SOURCE_PRIORITY else len(_SOURCE_PRIORITY)
    return (f.severity.rank, not f.safe_fix, f.suggestion is None, source, f.rule_id)


def deduplicate(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per span (the most severe, then the one with a safe fix or a suggestion, then the
    more specific checker); a 참고(INFO) finding that overlaps a warning or error is dropped."""
    best: dict[tuple[int, int], Finding] = {}
    for f in findings:
        key = (f.start, f.end)
        if key not in best or _rank(f) < _rank(best[key]):
            best[key] = f
    kept = list(best.values())
    serious = [f for f in kept if f.severity is not Severity.INFO]
    kept = [f for f in kept if f.severity is not Severity.INFO or not any(_overlaps(f, s) for s in serious)]
    return sort_findings(kept)


def _overlaps(a: Finding, b: Finding) -> bool:
    if a.start == a.end or b.start == b.end:  # insertion points
        return a.start == b.start and a.end == b.end
    return a.start < b.end and b.start < a.end


def replacement(f: Finding) -> str | None:
    """What a safe fix puts in place of ``f.text`` (``extra['replacement']`` or the suggestion)."""
    value = f.extra.get("replacement", f.suggestion) if f.extra else f.suggestion
    return value if isinstance(value, str) else None


def select_safe_fixes(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """Safe fixes that still match ``text`` and touch different characters (the more severe wins),
    in text order."""
    chosen: list[Finding] = []
    candidates = [f for f in findings if f.safe_fix and replacement(f) is not None]
    for f in sorted(candidates, key=lambda f: (f.severity.rank, f.start, -(f.end - f.start))):
        if text[f.start : f.end] != f.text or replacement(f) == f.text:
            continue
        if any(_conflict(f, c) for c in chosen):
            continue
        chosen.append(f)
    return sorted(chosen, key=lambda f: (f.start, f.end))


def _conflict(a: Finding, b: Finding) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def apply_safe_fixes(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with every selected safe fix applied, right to left so earlier offsets stay valid."""
    for f in reversed(select_safe_fixes(text, findings)):
        text = text[: f.start] + (replacement(f) or "") + text[f.end :]
    return text
