"""Judging what the model wrote for a 기획안 or a speech: keep a line only if it states no fact the brief lacks.

Ideas and ceremonial words may use words the brief does not (that is their job), but facts — numbers, dates,
times, phone numbers, names, titles, quotations, institutions — must come from the brief or the profile.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from mokmin.checks.factlock import PROPER_TAGS, check_factlock
from mokmin.checks.finding import Severity
from mokmin.checks.support import NUMBER_RE, Support, compact
from mokmin.text.dates import find_dates, find_times
from mokmin.text.korean import split_sentences, tokenize

# factlock rules that are about facts (not about unfamiliar ordinary words)
FACT_RULES = frozenset({"factlock.date", "factlock.weekday", "factlock.time", "factlock.phone", "factlock.number",
                        "factlock.quote", "factlock.name", "factlock.title"})
ORGANISATION = re.compile(r"(협회|재단|센터|위원회|연합회|협의회|조합|학교|대학|공사|공단|병원|회사|㈜|"
                          r"연구원|진흥원|교육청|사무소|단체|클럽|은행)$")
PAST_MARKERS = frozenset({"었", "았", "였", "ᆻ", "었었", "았었"})
QUOTE_MARK = re.compile(r"[\"“”]")
SIMILAR = 0.6


@dataclass
class RemovedLine:
    """A model line that was not used, and why (shown to the user)."""

    text: str
    reasons: list[str]


def fact_rejections(sentence: str, support: Support) -> list[str]:
    """Reasons the sentence states facts that ``support`` does not back (empty: no such fact)."""
    reasons = []
    for f in check_factlock(sentence, support):
        if f.severity is not Severity.ERROR:
            continue
        if f.rule_id in FACT_RULES:
            reasons.append(f.message)
        elif f.rule_id == "factlock.term":
            names = [t.form for t in tokenize(f.text) if t.tag in PROPER_TAGS and not support.has_word(t.form)]
            if names:
                reasons.append(f"브리프·기관 프로필에 없는 이름(고유명사)입니다: {', '.join(names)} ('{f.text}').")
            elif ORGANISATION.search(f.text.replace(" ", "")):
                reasons.append(f"브리프에 없는 기관·단체 이름입니다: '{f.text}'.")
    return list(dict.fromkeys(reasons))


def proposal_rejections(idea: str, support: Support, existing: list[str]) -> list[str]:
    """A model idea for 추진 내용/기대 효과: no figures at all, no invented facts, not stated as done, not a repeat."""
    reasons = []
    if NUMBER_RE.search(idea) or find_dates(idea) or find_times(idea):
        reasons.append("제안에 수치·날짜를 넣을 수 없습니다 (수치는 브리프에 있는 값만 씀)")
    reasons += [r for r in fact_rejections(idea, support) if "수치" not in r and "날짜" not in r]
    if QUOTE_MARK.search(idea):
        reasons.append("모델이 쓴 인용문")
    if is_past(idea):
        reasons.append("제안을 이미 일어난 사실처럼 씀")
    if len(idea) > 120:
        reasons.append("제안이 너무 김 (120자 이내)")
    if is_repeat(idea, existing):
        reasons.append("브리프나 앞 항목과 같은 내용의 반복")
    return list(dict.fromkeys(reasons))


def is_past(text: str) -> bool:
    """A past-tense ending (kiwi's 선어말어미 었/았/였): something stated as already done."""
    return any(t.tag == "EP" and t.form in PAST_MARKERS for t in tokenize(text))


def is_repeat(text: str, others: list[str]) -> bool:
    key = compact(text)
    return any(difflib.SequenceMatcher(None, key, compact(o)).ratio() >= SIMILAR for o in others if o)


def sentences_of(text: str) -> list[str]:
    """Model output as clean sentences (bullets and labels stripped)."""
    out = []
    for s, e in split_sentences(text):
        sentence = text[s:e].strip().lstrip("-*□ㅇ○•· ").strip()
        if sentence and compact(sentence) not in ("없음", "없습니다"):
            out.append(sentence)
    return out
