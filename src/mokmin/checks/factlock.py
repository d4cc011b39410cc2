"""Fact lock: every fact in a draft must trace to the brief or the city profile.

Checks dates, times, numbers, phone numbers, quotations, names with their titles, invented
terms (compound nouns the brief never mentions) and whole sentences whose content words are
mostly unsupported. Morphology comes from kiwipiepy (NNP, NNG, SL, SN …), not regex alone.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.support import PHONE_RE, Support, compact, generic_nouns
from mokmin.press.document import PLACEHOLDER_RE
from mokmin.text.dates import find_dates, find_times, weekday_of
from mokmin.text.korean import Token, split_sentences, tokenize

SOURCE = "factlock"
DOUBLE_QUOTED = re.compile(r"[\"“]([^\"“”\n]{2,600})[\"”]")
SINGLE_QUOTED = re.compile(r"[‘'「]([^‘’'」\n]{2,80})[’'」]")
TITLE_WORDS = frozenset(
    "시장 부시장 군수 부군수 구청장 도지사 지사 의장 부의장 국장 과장 팀장 소장 실장 주무관 위원장 대표 회장 "
    "장관 차관 교수 이사장 원장 센터장 본부장 청장 총장 사무관 주사".split()
)
PHRASE_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR", "XSN", "XPN", "SN", "NNB"})
CONTENT_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
PROPER_TAGS = frozenset({"NNP", "SL", "SH"})
QUOTE_SIMILARITY = 0.9


def check_factlock(text: str, support: Support, regions: Iterable[tuple[int, int]] | None = None) -> list[Finding]:
    """Findings for facts in ``text`` (within ``regions``) that ``support`` does not back."""
    findings: list[Finding] = []
    for start, end in regions or [(0, len(text))]:
        findings.extend(_check_region(text, start, end, support))
    return findings


def _check_region(text: str, start: int, end: int, support: Support) -> list[Finding]:
    seg = text[start:end]
    out: list[Finding] = []
    # spans already judged as a whole: visible placeholders, quotes, supported names
    covered: list[tuple[int, int]] = [(start + m.start(), start + m.end()) for m in PLACEHOLDER_RE.finditer(seg)]

    for m in DOUBLE_QUOTED.finditer(seg):
        s, e = start + m.start(), start + m.end()
        if _inside(s + 1, e - 1, covered):
            continue
        covered.append((s, e))
        if len(compact(m.group(1))) >= 4 and not _quote_supported(m.group(1), support):
            out.append(_f("factlock.quote", Severity.ERROR, s, e, text,
                          "브리프에 없는 인용문입니다. 발언은 브리프에 적힌 그대로만 쓸 수 있습니다.",
                          "인용문을 지우거나, 실제 발언을 브리프의 '인용' 항목에 넣으세요."))
    for m in SINGLE_QUOTED.finditer(seg):
        s, e = start + m.start(), start + m.end()
        if not _inside(s, e, covered) and support.has_phrase(m.group(1)):
            covered.append((s, e))

    def free(s: int, e: int) -> bool:
        return not _inside(s, e, covered)

    for d in find_dates(seg):
        s, e = start + d.start, start + d.end
        covered_date = (s, e)
        if not free(s, e):
            continue
        if d.year and d.month and d.day and d.weekday and weekday_of(d.year, d.month, d.day) != d.weekday:
            right = weekday_of(d.year, d.month, d.day)
            out.append(_f("factlock.weekday", Severity.ERROR, s, e, text,
                          f"요일이 날짜와 맞지 않습니다: {d.year}년 {d.month}월 {d.day}일은 {right}요일입니다.",
                          f"({right})"))
        elif not support.has_date(d):
            out.append(_f("factlock.date", Severity.ERROR, s, e, text,
                          f"브리프에 없는 날짜입니다: '{d.text}'.", "브리프의 날짜를 그대로 쓰거나 지우세요."))
        covered.append(covered_date)
    for t in find_times(seg):
        s, e = start + t.start, start + t.end
        if not free(s, e):
            continue
        covered.append((s, e))
        if not support.has_time(t):
            out.append(_f("factlock.time", Severity.ERROR, s, e, text,
                          f"브리프에 없는 시각입니다: '{t.text}'. 모델이 덧붙인 시간 정보일 수 있습니다.",
                          "브리프에 시각이 없으면 시각을 쓰지 마세요."))
    for m in PHONE_RE.finditer(seg):
        s, e = start + m.start(), start + m.end()
        if not free(s, e):
            continue
        covered.append((s, e))
        if re.sub(r"\D", "", m.group(0)) not in support.phones:
            out.append(_f("factlock.phone", Severity.ERROR, s, e, text,
                          f"브리프·기관 프로필에 없는 전화번호입니다: '{m.group(0)}'.",
                          "담당자 연락처는 브리프나 기관 프로필에서만 가져오세요."))

    tokens = [t for t in tokenize(seg)]
    tokens = [Token(t.form, t.tag, t.start + start, t.end + start) for t in tokens]
    for tok in tokens:
        if tok.tag == "SN" and free(tok.start, tok.end) and not support.has_number(tok.form):
            unit_end = tok.end
            nxt = _next(tokens, tok)
            if nxt and nxt.start == tok.end and nxt.tag in ("NNB", "NNG", "NR", "SW"):
                unit_end = nxt.end
            out.append(_f("factlock.number", Severity.ERROR, tok.start, unit_end, text,
                          f"브리프에 없는 수치입니다: '{text[tok.start:unit_end]}'.",
                          "수치는 브리프에 있는 값만 쓰세요."))
    out.extend(_check_phrases(text, tokens, support, free))
    out.extend(_check_sentences(text, start, end, tokens, support, free))
    return out


def _check_phrases(text, tokens, support, free) -> list[Finding]:
    out = []
    generic = generic_nouns()
    for run in _noun_runs(text, tokens):
        s, e = run[0].start, run[-1].end
        if not free(s, e) or support.has_phrase(text[s:e]):
            continue
        content = [t for t in run if _is_content(t, tokens, generic) and free(t.start, t.end)]
        unsupported = [t for t in content if not support.has_word(t.form)]
        # A name with a title: "오성환 시장" must appear together in the brief or profile.
        for i, t in enumerate(run[:-1]):
            nxt = run[i + 1]
            if t.tag == "NNP" and nxt.form in TITLE_WORDS and support.has_word(t.form):
                if not support.has_phrase(t.form + nxt.form):
                    out.append(_f("factlock.title", Severity.ERROR, t.start, nxt.end, text,
                                  f"브리프에 없는 직함입니다: '{text[t.start:nxt.end]}'.",
                                  "이름과 직함은 브리프·기관 프로필에 적힌 대로 쓰세요."))
        if not unsupported:
            continue
        proper = [t for t in unsupported if t.tag in PROPER_TAGS]
        if proper and len(proper) == len(unsupported):
            words = ", ".join(t.form for t in proper)
            out.append(_f("factlock.name", Severity.ERROR, s, e, text,
                          f"브리프·기관 프로필에 없는 이름(고유명사)입니다: {words}.",
                          "사람·기관·장소 이름은 브리프에 있는 것만 쓰세요."))
        elif len(unsupported) >= 2 or proper:
            words = " ".join(t.form for t in unsupported)
            out.append(_f("factlock.term", Severity.ERROR, s, e, text,
                          f"브리프에 없는 내용입니다: '{text[s:e]}' (근거 없는 말: {words}).",
                          "브리프에서 다루지 않은 사업·시스템·서비스를 지어내지 마세요. 삭제하거나 브리프에 추가하세요."))
    return out


def _check_sentences(text, start, end, tokens, support, free) -> list[Finding]:
    out = []
    generic = generic_nouns()
    for s, e in split_sentences(text[start:end]):
        s, e = s + start, e + start
        content = [t for t in tokens if s <= t.start and t.end <= e and free(t.start, t.end)
                   and _is_content(t, tokens, generic)]
        if not content:
            continue
        unsupported = [t for t in content if not support.has_word(t.form)]
        if not unsupported:
            continue
        ratio = len(unsupported) / len(content)
        words = ", ".join(dict.fromkeys(t.form for t in unsupported))
        if len(content) >= 2 and ratio >= 0.5 and len(unsupported) >= 2:
            out.append(_f("factlock.sentence", Severity.ERROR, s, e, text,
                          f"이 문장의 내용 대부분이 브리프에 근거가 없습니다 (근거 없는 말: {words}).",
                          "브리프의 사실로 다시 쓰거나 문장을 삭제하세요.", extra={"unsupported_ratio": round(ratio, 2)}))
        elif ratio >= 0.25 or len(unsupported) >= 2:
            out.append(_f("factlock.sentence", Severity.WARNING, s, e, text,
                          f"브리프에서 확인되지 않는 말이 있습니다: {words}.",
                          "브리프에 있는 사실인지 확인하세요.", extra={"unsupported_ratio": round(ratio, 2)}))
    return out


def _is_content(t: Token, tokens: list[Token], generic: frozenset[str]) -> bool:
    if t.tag not in CONTENT_TAGS or t.form in generic:
        return False
    if t.tag == "NNG" and len(t.form) == 1:
        return False
    nxt = _next(tokens, t)
    # verbal nouns used as predicates (논의하다, 개최되다) describe, they do not assert new things
    return not (t.tag == "NNG" and nxt is not None and nxt.start == t.end and nxt.tag in ("XSV", "XSA"))


def _noun_runs(text: str, tokens: list[Token]) -> list[list[Token]]:
    runs: list[list[Token]] = []
    current: list[Token] = []
    for t in tokens:
        if t.tag in PHRASE_TAGS:
            if current and (t.start - current[-1].end > 1 or text[current[-1].end : t.start] not in ("", " ", "·")):
                runs.append(current)
                current = []
            current.append(t)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [r for r in runs if any(t.tag in CONTENT_TAGS for t in r)]


def _quote_supported(quote: str, support: Support) -> bool:
    key = compact(quote)
    if key in support.compact_text:
        return True
    # allow small edits (spacing, a particle) against any stretch of the brief of the same length
    hay = support.compact_text
    n = len(key)
    if n == 0 or len(hay) < n * 0.8:
        return False
    matcher = difflib.SequenceMatcher(None, key, "", autojunk=False)
    step = max(1, n // 4)
    for i in range(0, max(1, len(hay) - n + 1), step):
        matcher.set_seq2(hay[i : i + n + n // 8])
        if matcher.ratio() >= QUOTE_SIMILARITY:
            return True
    return False


def _next(tokens: list[Token], tok: Token) -> Token | None:
    """The token after ``tok`` (tokens are in text order; identity, not equality, locates it)."""
    positions = _POSITIONS.get(id(tokens))
    if positions is None or positions[0] is not tokens:
        positions = (tokens, {id(t): i for i, t in enumerate(tokens)})
        _POSITIONS.clear()
        _POSITIONS[id(tokens)] = positions
    idx = positions[1][id(tok)]
    return tokens[idx + 1] if idx + 1 < len(tokens) else None


_POSITIONS: dict[int, tuple[list[Token], dict[int, int]]] = {}


def _inside(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= s and e <= b for a, b in spans)


def _f(rule, severity, s, e, text, message, suggestion=None, extra=None) -> Finding:
    return Finding(rule, severity, s, e, text[s:e], message, suggestion, SOURCE, False, extra or {})
