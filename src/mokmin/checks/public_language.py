"""어려운 행정 용어·외래어·일본어 투 (공공언어 평가 목록) → 쉬운 말.

The list (``data/wordlists/publang_terms.jsonl``, see the README there) is the one the government's
public-language evaluation of press releases uses; a city adds its own terms in its profile
(``[[public_language]]``). Precision first: a listed word is flagged only as a whole word (or a
noun inside a compound that kiwi splits there), never inside an unrelated word (불출 ≠ 불출마,
허브 ≠ 허브티, 당해 연도 ≠ 피해를 당해). Text inside 「」/『』, URLs and a Latin gloss in
parentheses after the Korean word (``업무 협약(MOU)``) is left alone. Replacements are suggestions;
a fix is marked safe only when the list gives one alternative that fits wherever the word does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mokmin.checks.finding import Finding, Severity
from mokmin.text.korean import has_final_consonant, josa, tokenize

SOURCE = "public_language"
RULE_ID = "publang.term"
LIST_LABELS = {"admin100": "필수 개선 행정용어", "japanese50": "일본어 투 용어", "city": "기관 지정 순화 대상어"}

_NOUNS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
_PROTECTED = re.compile(r"「[^」\n]*」|『[^』\n]*』|https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+")
_GLOSS = re.compile(r"(?<=[가-힣])\s?\(([^()\n]{1,60})\)")
_JOSA = (
    "은|는|이|가|을|를|의|에|에서|에게|께|께서|한테|으로|로|으로서|로서|으로써|로써|과|와|도|만|까지|부터|"
    "이나|나|이든|든|이며|며|이고|고|이라|라|이란|란|처럼|보다|마다|뿐|밖에|조차|마저|이랑|랑|에는|에도|에서는|"
    "에서도|에게는|으로는|로는|으로도|로도|과는|와는|과의|와의|에의|에서의|으로의|로의|까지의|부터의|만의|들|"
    "이다|다|입니다|이에요|예요|이었다|였다|이었습니다|였습니다|인|일|임"
)
_PREDICATE = (
    "하[가-힣]{0,4}|한|할|함|해[가-힣]{0,3}|했[가-힣]{0,3}|"
    "되[가-힣]{0,4}|된|될|됨|돼[가-힣]{0,3}|됐[가-힣]{0,3}|시키[가-힣]{0,3}|시킨"
)
_REST_OK = re.compile(rf"(?:들)?(?:(?:{_JOSA}){{1,2}}|{_PREDICATE})?")
_HANGUL_RUN = re.compile(r"[가-힣]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


class PublangTerm(BaseModel):
    """One word to refine. ``forms``: surface forms (a space means an optional space; default: the
    term); ``patterns``: regular expressions (group ``t`` marks the flagged part, if any);
    ``match="noun"``: kiwi must read the span as a noun (for words with homographs, e.g. 당해)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    term: str = Field(min_length=1)
    refined: list[str] = Field(min_length=1)
    list_name: str = Field(default="city", alias="list")
    headword: str = ""
    raw: str = ""
    source: str = ""
    note: str = ""
    forms: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    match: Literal["text", "noun"] = "text"
    safe: bool = False

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"정규식이 올바르지 않습니다: {pattern} ({exc})") from exc
        return patterns


@dataclass(frozen=True)
class _Rule:
    term: PublangTerm
    regex: re.Pattern[str]
    is_ascii: bool


@dataclass
class _Hit:
    start: int
    end: int
    rule: _Rule
    refined: list[str]
    lists: list[str]
    safe: bool


@lru_cache(maxsize=1)
def load_terms() -> tuple[PublangTerm, ...]:
    """The bundled list (157 entries transcribed from the 150-word evaluation list)."""
    path = resources.files("mokmin") / "data" / "wordlists" / "publang_terms.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(PublangTerm.model_validate(json.loads(line)) for line in lines if line.strip())


def check_public_language(text: str, *, extra_terms: Iterable[PublangTerm] = ()) -> list[Finding]:
    """Listed hard words in ``text`` as warnings with the refined alternatives."""
    rules = _bundled_rules() + tuple(r for t in extra_terms for r in _rules_for(t))
    if not text.strip():
        return []
    protected = _protected_spans(text)
    hits: dict[tuple[int, int], _Hit] = {}
    for rule in rules:
        for match in rule.regex.finditer(text):
            start, end = match.span("t") if "t" in match.groupdict() else match.span()
            if start == end or _inside(protected, start, end):
                continue
            if _accept(text, match.start(), start, end, rule):
                term = rule.term
                _merge(hits, _Hit(start, end, rule, list(term.refined), [term.list_name], term.safe))
    return [_finding(text, hit) for hit in _non_overlapping(hits.values())]


# --- matching ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _bundled_rules() -> tuple[_Rule, ...]:
    return tuple(rule for term in load_terms() for rule in _rules_for(term))


def _rules_for(term: PublangTerm) -> list[_Rule]:
    rules: list[_Rule] = []
    for pattern in term.patterns:
        rules.append(_Rule(term, re.compile(pattern), is_ascii=False))
    forms = term.forms or ([] if term.patterns else [term.term])
    for form in sorted(set(forms), key=len, reverse=True):
        is_ascii = form.isascii()
        body = r"\s?".join(re.escape(part) for part in form.split())
        if is_ascii:
            body = rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])"
        rules.append(_Rule(term, re.compile(body), is_ascii))
    return rules


def _accept(text: str, match_start: int, start: int, end: int, rule: _Rule) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    s, e, m = start - line_start, end - line_start, match_start - line_start
    if not _left_ok(line, m, s, e, rule):
        return False
    if not _right_ok(line, e, rule):
        return False
    return rule.term.match != "noun" or _is_noun_span(line, s, e)


def _is_word_char(ch: str, is_ascii: bool) -> bool:
    return bool(_ASCII_WORD.match(ch)) if is_ascii else (ch.isalnum() or "\u3131" <= ch <= "\u318e")


def _left_ok(line: str, m: int, s: int, e: int, rule: _Rule) -> bool:
    if m == 0 or not _is_word_char(line[m - 1], rule.is_ascii):
        return True
    if m != s or e - s < 3:  # compounds only for words of three syllables or more (헤드쿼터 ≠ 쿼터)
        return False
    tokens = tokenize(line)
    before = [t for t in tokens if t.end <= s]
    return any(t.start == s for t in tokens) and bool(before) and before[-1].end == s and (
        before[-1].tag in ("NNG", "NNP") and len(before[-1].form) >= 2
    )


def _right_ok(line: str, e: int, rule: _Rule) -> bool:
    if e >= len(line) or not _is_word_char(line[e], rule.is_ascii):
        return True
    rest = _HANGUL_RUN.match(line, e)
    if rest is None:
        return False  # a digit or Latin letter glued to a Korean word
    word_end = rest.end()
    if word_end < len(line) and line[word_end].isalnum():
        return False
    if _REST_OK.fullmatch(rest.group()):
        return True
    tokens = tokenize(line)
    if not any(t.end == e for t in tokens):
        return False
    following = next((t for t in tokens if t.start >= e), None)
    if following is None or following.start != e:
        return False
    tag = following.tag
    return (
        tag.startswith(("J", "E", "XSV", "XSA"))
        or tag == "VCP"
        or (tag == "XSN" and following.form in ("들", "제"))
        or (tag in ("NNG", "NNP") and len(following.form) >= 2)
    )


def _is_noun_span(line: str, s: int, e: int) -> bool:
    covering = [t for t in tokenize(line) if t.start < e and t.end > s]
    return (
        bool(covering)
        and covering[0].start == s
        and covering[-1].end == e
        and all(t.tag in _NOUNS for t in covering)
    )


def _protected_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _PROTECTED.finditer(text)]
    for gloss in _GLOSS.finditer(text):
        inner = gloss.group(1)
        if not re.search(r"[가-힣]", inner):  # 업무 협약(MOU), 인공 지능(AI·IoT)
            spans.append(gloss.span(1))
    return spans


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _merge(hits: dict[tuple[int, int], _Hit], hit: _Hit) -> None:
    """The same word listed twice (익일, 불입): one finding with both lists' alternatives."""
    known = hits.get((hit.start, hit.end))
    if known is None:
        hits[(hit.start, hit.end)] = hit
        return
    known.refined += [r for r in hit.refined if r not in known.refined]
    known.lists += [name for name in hit.lists if name not in known.lists]
    known.safe = known.safe and hit.safe


def _non_overlapping(hits: Iterable[_Hit]) -> list[_Hit]:
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


# --- reporting ---------------------------------------------------------------------------------
def _ends_in_rieul(word: str) -> bool:
    last = word.rstrip()[-1:]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 == 8


def is_drop_in(old: str, new: str) -> bool:
    """Whether ``new`` can replace ``old`` without changing the particles after it (은/는, 을/를, 으로/로)."""
    if not new or any(ch in new for ch in "(){}[]·/…"):
        return False
    return has_final_consonant(old) == has_final_consonant(new) and _ends_in_rieul(old) == _ends_in_rieul(new)


def _finding(text: str, hit: _Hit) -> Finding:
    found = text[hit.start : hit.end]
    label = " · ".join(LIST_LABELS.get(name, name) for name in hit.lists)
    safe = hit.safe and len(hit.refined) == 1 and is_drop_in(found, hit.refined[0])
    if len(hit.refined) == 1:
        advice = f"‘{hit.refined[0]}’{josa(hit.refined[0], '으로/로')[len(hit.refined[0]):]} 바꾸어 쓰세요."
    else:
        advice = f"뜻에 맞게 다음 중 하나로 바꾸어 쓰세요: {', '.join(hit.refined)}."
    if hit.rule.is_ascii:
        advice += f" 꼭 써야 하면 우리말 뒤 괄호 안에 쓰세요(예: {hit.refined[0]}({found}))."
    term = hit.rule.term
    return Finding(
        rule_id=RULE_ID,
        severity=Severity.WARNING,
        start=hit.start,
        end=hit.end,
        text=found,
        message=f"‘{found}’{josa(found, '은/는')[len(found):]} 어려운 말입니다({label}). {advice}",
        suggestion=hit.refined[0] if safe else ", ".join(hit.refined),
        source=SOURCE,
        safe_fix=safe,
        extra={
            "term": term.term,
            "alternatives": list(hit.refined),
            "lists": list(hit.lists),
            "reference": term.source or label,
        },
    )
