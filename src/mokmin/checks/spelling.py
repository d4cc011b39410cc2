"""Spelling and spacing checks: matchum tables, kiwi morphology rules, guarded spacing, hunspell flags.

Precision first: a finding has ``safe_fix=True`` only when its rule was measured to leave correct text alone
(see ``bench/bench_proofread.py``). hunspell findings are never safe. Words on the custom word list (the
city-independent list in ``data/wordlists/custom_words.txt`` plus what the caller passes, typically
``profile_words(profile)``) are never touched by any rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from mokmin.checks.finding import Finding, sort_findings
from mokmin.checks.spelling_hunspell import unknown_word_findings
from mokmin.checks.spelling_kiwi import analyse
from mokmin.checks.spelling_matchum import matchum_findings
from mokmin.checks.spelling_morph import morphology_findings
from mokmin.checks.spelling_spacing import spacing_findings

if TYPE_CHECKING:  # the profile module imports checkers itself
    from mokmin.profile import CityProfile

__all__ = ["check_spelling", "base_custom_words", "profile_words"]


@lru_cache(maxsize=1)
def base_custom_words() -> tuple[str, ...]:
    """Words of Korean public administration that hunspell-ko does not know (package data)."""
    path = resources.files("mokmin") / "data" / "wordlists" / "custom_words.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return tuple(words)


def profile_words(profile: CityProfile) -> list[str]:
    """The city's own words: its custom word list, glossary terms, departments and organisation names."""
    org = profile.organization
    words = [*profile.custom_words, *(g.ko for g in profile.glossary), *(d.name for d in profile.departments)]
    words += [org.name, org.short_name, org.city_hall, org.head_name]
    return [w.strip() for w in words if w and w.strip()]


@lru_cache(maxsize=64)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))


def _protected_spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    pattern = _word_pattern(words)
    return [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []


def _priority(f: Finding) -> tuple:
    engine_rank = {"kiwi": 0, "matchum": 1, "hunspell": 3}.get(f.extra.get("engine", ""), 2)
    spacing = f.rule_id.startswith("spacing.")
    return (not f.safe_fix, f.severity.rank, spacing, engine_rank, f.start)


def _drop_overlaps(findings: list[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    for f in sorted(findings, key=_priority):
        if all(f.end <= k.start or k.end <= f.start for k in kept):
            kept.append(f)
    return kept


def check_spelling(text: str, *, custom_words: Iterable[str] = (), suggest_unknown: int = 0) -> list[Finding]:
    """Spelling and spacing findings over ``text``.

    ``custom_words``: extra words to leave alone (the base list is always used).
    ``suggest_unknown``: how many unknown words get hunspell suggestions (each may take up to ~1.5 s).
    """
    if not text.strip():
        return []
    words = tuple(dict.fromkeys((*base_custom_words(), *(w.strip() for w in custom_words if w.strip()))))
    protected = _protected_spans(text, words)
    analysis = analyse(text)
    findings = [
        *morphology_findings(text, analysis),
        *matchum_findings(text, analysis),
        *spacing_findings(text, analysis, protected),
        *unknown_word_findings(text, analysis, protected, suggest_limit=suggest_unknown),
    ]
    findings = [
        f for f in findings
        if f.extra.get("engine") == "hunspell"
        or not any(ps <= f.start and f.end <= pe for ps, pe in protected)
    ]
    return sort_findings(_drop_overlaps(findings))
