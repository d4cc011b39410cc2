"""Place names a translation brings in that its source does not have.

A small model swaps the city it was asked about for another one (당진시 → "Gwangju", "Daejeon City",
"Paju City"). Metropolitan cities and provinces the source never names are errors; any other place-like
name ("X City", "X-eup", "파주시") whose romanization matches no word of the source is a warning.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from mokmin.checks.finding import Finding, Severity
from mokmin.text.korean import tokenize
from mokmin.text.romanize import romanize

SOURCE = "translation"
REGIONS = {
    "서울": "Seoul", "부산": "Busan", "대구": "Daegu", "인천": "Incheon", "광주": "Gwangju", "대전": "Daejeon",
    "울산": "Ulsan", "세종": "Sejong", "경기": "Gyeonggi", "강원": "Gangwon", "충북": "Chungbuk",
    "충남": "Chungnam", "충청": "Chungcheong", "전북": "Jeonbuk", "전남": "Jeonnam", "전라": "Jeolla",
    "경북": "Gyeongbuk", "경남": "Gyeongnam", "경상": "Gyeongsang", "제주": "Jeju",
}
EN_PLACE = re.compile(
    r"\b(?P<a>[A-Z][a-z]+)\s+(?:City|County|Province)\b"
    r"|\b(?:City|County|Province)\s+of\s+(?P<b>[A-Z][a-z]+)\b"
    r"|\b(?P<c>[A-Z][a-z]+)-(?:si|gun|gu|eup|myeon|dong|ri|do)\b"
)
KO_PLACE_SUFFIX = ("시", "군", "구", "읍", "면", "도")
_NOT_NAMES = frozenset(["The", "This", "That", "These", "Those", "A", "An", "Our", "Their", "Its", "Each", "Every", "Any", "New", "Local", "Smart", "Special", "Metropolitan", "Provincial", "Capital", "Host", "Sister", "Partner", "Neighboring"])
MATCH_RATIO = 0.8


def check_places(source: str, target: str, tgt_lang: str, known: Iterable[str] = ()) -> list[Finding]:
    """Findings over ``target``; ``known`` are names the translation may use anyway (glossary targets)."""
    out: list[Finding] = []
    src_low = source.lower()
    known_low = " ".join(known).lower()
    flagged: list[tuple[int, int]] = []
    for ko, en in REGIONS.items():
        if ko in source or en.lower() in src_low or en.lower() in known_low:
            continue
        if tgt_lang == "en":
            spans = [(m.start(), m.end()) for m in re.finditer(rf"\b{en}\b", target)]
        else:
            spans = [(t.start, t.end) for t in tokenize(target)
                     if t.tag == "NNP" and t.form in (ko, ko + "시", ko + "도")]
        for s, e in spans:
            flagged.append((s, e))
            out.append(_f(Severity.ERROR, s, e, target,
                          f"원문에 없는 지역 이름입니다: '{target[s:e]}'. 모델이 다른 지역으로 바꿔 쓴 것일 수 있습니다."))
    for s, e in _place_names(target, tgt_lang):
        if any(a < e and s < b for a, b in flagged):
            continue
        name = target[s:e]
        if _known(name, source, tgt_lang, known_low):
            continue
        out.append(_f(Severity.WARNING, s, e, target,
                      f"원문에서 확인되지 않는 지명입니다: '{name}'. 원문의 지명을 옮긴 것인지 확인하세요."))
    return out


def _place_names(target: str, lang: str) -> list[tuple[int, int]]:
    """Spans of the name part of place-like names."""
    if lang == "en":
        spans = []
        for m in EN_PLACE.finditer(target):
            group = next(g for g in "abc" if m.group(g))
            if m.group(group) not in _NOT_NAMES:
                spans.append(m.span(group))
        return spans
    spans = []
    for tok in tokenize(target):
        if tok.tag == "NNP" and len(tok.form) >= 3 and tok.form.endswith(KO_PLACE_SUFFIX):
            spans.append((tok.start, tok.end - 1))
    return spans


def _known(name: str, source: str, tgt_lang: str, known_low: str) -> bool:
    if tgt_lang == "en":
        key = name.lower()
        if key in known_low or key in source.lower():
            return True
        hay = romanize(re.sub(r"[^가-힣]", "", source))
    else:
        if name in source or name in known_low:
            return True
        key = romanize(name)
        hay = re.sub(r"[^a-z]", "", (source + " " + known_low).lower())
    return _fuzzy_in(key, hay)


def _fuzzy_in(key: str, hay: str) -> bool:
    """Whether ``key`` is in ``hay`` allowing small spelling differences (romanization variants)."""
    if not key or key in hay:
        return bool(key)
    n = len(key)
    matcher = difflib.SequenceMatcher(None, key, "", autojunk=False)
    for size in (n - 1, n, n + 1):
        for i in range(max(1, len(hay) - size + 1)):
            if hay[i] != key[0]:  # romanization variants differ inside a name, not in its first sound
                continue
            matcher.set_seq2(hay[i : i + size])
            if matcher.ratio() >= MATCH_RATIO:
                return True
    return False


def _f(severity: Severity, s: int, e: int, text: str, message: str) -> Finding:
    return Finding("translation.place", severity, s, e, text[s:e], message, "원문의 기관·지역 이름으로 고치세요.", SOURCE)
