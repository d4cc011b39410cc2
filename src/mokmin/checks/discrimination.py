"""Discriminatory expressions (장애우, 결손가정, 살색 …) with the alternatives public guides recommend.

The word list is package data (``data/wordlists/discrimination_terms.jsonl``), one entry per expression with
its sources. Precision comes first: a match must line up with kiwi morpheme boundaries and consist of nominal
morphemes only, so '결과가 정상인 경우'(정상+이+ㄴ), '시장님'(시장+님) and '청소부터'(청소+부터) stay untouched.
Names inside 「」 (laws, titles) are never flagged. Findings are warnings and never safe fixes: several
alternatives are policy choices, and a replacement can change the particle that follows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from mokmin.checks.finding import Finding, Severity
from mokmin.text.korean import josa, tokenize

SOURCE = "discrimination"
RULE_ID = "discrimination.term"
MatchMode = Literal["morph", "word", "phrase"]

# Morpheme tags a nominal expression may consist of (nouns, noun affixes, roots, symbols between nouns).
NOMINAL_TAGS = frozenset({"NNG", "NNP", "NNB", "XPN", "XSN", "XR", "SP", "SN", "SL", "SH"})
# An adjacent morpheme with one of these tags right after the match means kiwi glued the match into
# something else ('간호원칙' → 간호원 + 칙/MAG): not the expression.
BAD_FOLLOWERS = frozenset({"MAG", "MAJ", "MM", "IC", "VV", "VA", "VX"})
QUOTED_NAME = re.compile(r"「[^」\n]*」|『[^』\n]*』")
HANGUL = re.compile(r"[가-힣]")


@dataclass(frozen=True)
class DiscriminationTerm:
    term: str
    forms: tuple[str, ...]
    alternatives: tuple[str, ...]
    category: str
    match: MatchMode
    source: str
    note: str = ""
    exceptions: tuple[str, ...] = ()


def _form_pattern(form: str) -> str:
    """A form's regex: a space in the form means 'with or without a space'."""
    return r"\s?".join(re.escape(part) for part in form.split(" "))


@lru_cache(maxsize=1)
def load_terms() -> tuple[DiscriminationTerm, ...]:
    """The packaged expression list."""
    path = resources.files("mokmin") / "data" / "wordlists" / "discrimination_terms.jsonl"
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            terms.append(
                DiscriminationTerm(
                    term=row["term"],
                    forms=tuple(row["forms"]),
                    alternatives=tuple(row["alternatives"]),
                    category=row["category"],
                    match=row.get("match", "morph"),
                    source=row["source"],
                    note=row.get("note", ""),
                    exceptions=tuple(row.get("exceptions", ())),
                )
            )
    return tuple(terms)


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, DiscriminationTerm]]:
    """One alternation over every form, longest first (벙어리장갑 before 벙어리)."""
    by_form: dict[str, DiscriminationTerm] = {}
    for term in load_terms():
        for form in term.forms:
            by_form[form] = term
    forms = sorted(by_form, key=len, reverse=True)
    pattern = re.compile("|".join(f"(?P<f{i}>{_form_pattern(f)})" for i, f in enumerate(forms)))
    return pattern, {f"f{i}": by_form[f] for i, f in enumerate(forms)}


def _aligned_nominal(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is whole nominal morphemes in its sentence-sized neighbourhood."""
    left = max(0, text.rfind("\n", 0, start) + 1)
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    tokens = tokenize(text[left:right])
    s, e = start - left, end - left
    inside = [t for t in tokens if t.end > s and t.start < e]
    if not inside or inside[0].start != s or max(t.end for t in inside) != e:
        return False
    if any(t.start < s or t.end > e or t.tag not in NOMINAL_TAGS for t in inside):
        return False
    follower = next((t for t in tokens if t.start == e), None)
    return follower is None or follower.tag not in BAD_FOLLOWERS


def _in_spans(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _is_exception(text: str, start: int, end: int, term: DiscriminationTerm) -> bool:
    for exc in term.exceptions:
        for m in re.finditer(_form_pattern(exc), text[max(0, start - len(exc)) : end + len(exc)]):
            base = max(0, start - len(exc))
            if base + m.start() <= start and end <= base + m.end():
                return True
    return False


def _accept(text: str, start: int, end: int, term: DiscriminationTerm) -> bool:
    if term.match == "phrase":
        return True
    if term.match == "word":
        return start == 0 or not HANGUL.match(text[start - 1])
    return _aligned_nominal(text, start, end)


def _finding(text: str, start: int, end: int, term: DiscriminationTerm) -> Finding:
    first = term.alternatives[0]
    others = ", ".join(f"'{a}'" for a in term.alternatives[1:])
    message = f"{josa(f'‘{term.term}’', '은/는')} 차별적이거나 비하하는 표현입니다. " + (
        f"{josa(f'‘{first}’', '으로/로')} 바꿔 쓰세요" + (f"(또는 {others})." if others else ".")
    )
    if term.note:
        message += f" {term.note}"
    return Finding(
        RULE_ID,
        Severity.WARNING,
        start,
        end,
        text[start:end],
        message,
        first,
        SOURCE,
        False,
        {"term": term.term, "alternatives": list(term.alternatives), "category": term.category,
         "basis": term.source},
    )


def check_discrimination(text: str) -> list[Finding]:
    """Warnings for discriminatory expressions in ``text``, each with the recommended alternatives."""
    pattern, terms = _matcher()
    protected = [m.span() for m in QUOTED_NAME.finditer(text)]
    out: list[Finding] = []
    for m in pattern.finditer(text):
        term = terms[m.lastgroup]
        start, end = m.span()
        if _in_spans(start, end, protected) or _is_exception(text, start, end, term):
            continue
        if _accept(text, start, end, term):
            out.append(_finding(text, start, end, term))
    return out
