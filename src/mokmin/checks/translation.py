"""Verifying a translation against its source: glossary terms, numbers, dates, times, register.

Works on one (source, target) pair at a time; finding offsets are into the target. Values are compared,
not spellings: ``30만 원`` ↔ ``300,000 won``, ``2023. 3. 27.`` ↔ ``March 27, 2023``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.translation_places import check_places
from mokmin.checks.translation_values import DateValue, Lang, NumberValue, Values, extract_values
from mokmin.profile import GlossaryEntry
from mokmin.text.korean import josa, split_sentences, tokenize

SOURCE = "translation"
Direction = Literal["ko2en", "en2ko"]
PLACEHOLDER_RE = re.compile(r"⟦\s*T?\s*\d*\s*⟧|⟦|⟧")
_HANGUL_RUN = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]+(?:\s+[가-힣ㄱ-ㅎㅏ-ㅣ]+)*")
FOREIGN_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]+")
_REPEAT = re.compile(r"(\S+(?:\s+\S+){0,3}?)(?:\s*\1){3,}")
_PART_NAMES = {"year": "연도", "month": "월", "day": "일", "weekday": "요일"}

# Sentence-final endings (kiwi EF forms) by register
BANMAL_ENDINGS = frozenset(["어", "아", "야", "지", "네", "냐", "니", "거든", "잖아", "구나", "군", "래", "는데", "ᆫ데", "자", "게", "걸"])
Register = Literal["hamnida", "da", "eum"]
_REGISTER_NAMES = {"hamnida": "'-습니다'체", "da": "'-다' 기사체", "eum": "'-음' 개조식"}


def register_of(ending: str) -> str | None:
    """hamnida (-습니다/-ㅂ니까/-십시오), da (-다), eum (-음), haeyo (-요), banmal, or None (other)."""
    if ending.endswith(("니다", "니까", "시오")):
        return "hamnida"
    if ending.endswith("다"):
        return "da"
    if ending in ("음", "ᆷ"):
        return "eum"
    if ending.endswith("요"):
        return "haeyo"
    if ending in BANMAL_ENDINGS:
        return "banmal"
    return None


@dataclass(frozen=True)
class Term:
    source: str
    target: str


def glossary_terms(glossary: Sequence[GlossaryEntry], direction: Direction) -> list[Term]:
    """Source → official target pairs, longest source first (당진시의회 before 당진시)."""
    pairs = [Term(g.ko, g.en) if direction == "ko2en" else Term(g.en, g.ko) for g in glossary if g.ko and g.en]
    return sorted(pairs, key=lambda t: -len(t.source))


def term_pattern(term: str, lang: Lang) -> re.Pattern[str]:
    """Spacing-tolerant; English also case-insensitive and on word boundaries."""
    body = r"\s*".join(re.escape(w) for w in term.split())
    if lang == "en":
        return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)
    return re.compile(body)


def find_terms(text: str, terms: Sequence[Term], lang: Lang) -> list[tuple[int, int, Term]]:
    """Non-overlapping glossary mentions in ``text`` (longer terms win)."""
    found: list[tuple[int, int, Term]] = []
    for term in terms:
        for m in term_pattern(term.source, lang).finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), term))
    return sorted(found, key=lambda x: x[0])


def check_translation(
    source: str,
    target: str,
    *,
    direction: Direction,
    glossary: Sequence[GlossaryEntry] = (),
    context: str | None = None,
) -> list[Finding]:
    """Findings over ``target`` for what it does not carry over from ``source``.

    ``context`` is the whole source document, used to complete partial dates ("27일" in a text about March).
    """
    src_lang: Lang = "ko" if direction == "ko2en" else "en"
    tgt_lang: Lang = "en" if direction == "ko2en" else "ko"
    if not target.strip():
        return [_f("translation.missing", Severity.ERROR, 0, 0, target,
                   "이 문장의 번역이 비어 있습니다.", "다시 번역하거나 직접 옮기세요.")]
    out = check_glossary(source, target, glossary_terms(glossary, direction), src_lang, tgt_lang)
    out += check_values(source, target, src_lang, tgt_lang, context=context)
    out += check_places(source, target, tgt_lang, known=[t.target for t in glossary_terms(glossary, direction)])
    out += _check_leftovers(source, target, tgt_lang)
    if tgt_lang == "ko":
        out += check_register(target)
    return out


def check_glossary(source: str, target: str, terms: Sequence[Term], src_lang: Lang, tgt_lang: Lang) -> list[Finding]:
    """Each glossary term of the source must appear as its official target term. In English, a term that is
    only the start of a longer name ("Dangjin City Hall" → 당진시청) may be translated with the whole name, so
    its absence is a warning there; everywhere else an error."""
    out = []
    seen: dict[Term, bool] = {}
    for _, end, term in find_terms(source, terms, src_lang):
        seen[term] = seen.get(term, True) and is_compound(source, end, src_lang)
    for term, compound in seen.items():
        if term_pattern(term.target, tgt_lang).search(target):
            continue
        out.append(_f("translation.glossary", Severity.WARNING if compound else Severity.ERROR, 0, len(target), target,
                      f"용어집 위반: {josa(_q(term.source), '은/는')} {josa(_q(term.target), '으로/로')} 옮겨야 하는데 "
                      "번역문에 없습니다.", f"{josa(_q(term.target), '으로/로')} 고치세요.",
                      extra={"source_term": term.source, "target_term": term.target}))
    return out


def is_compound(text: str, end: int, lang: Lang) -> bool:
    """Whether an English glossary mention ending at ``end`` is the start of a longer name (another capitalised
    word follows: "Dangjin City Hall"). Korean compounds (당진시장, 당진시민) are not: forcing the term into them
    keeps the name right (measured in bench/bench_translate.py)."""
    return lang == "en" and bool(re.match(r" ?[A-Z][a-z]", text[end:]))


def check_values(
    source: str, target: str, src_lang: Lang, tgt_lang: Lang, *, context: str | None = None, label: str = "번역문"
) -> list[Finding]:
    """Dates, times and numbers of ``source`` must reappear, with the same values, in ``target`` (called
    ``label`` in messages)."""
    src, tgt = extract_values(source, src_lang), extract_values(target, tgt_lang)
    fill = _date_context(extract_values(context or source, src_lang).dates)
    out: list[Finding] = []
    spare_tgt_numbers = list(tgt.numbers)
    used: set[int] = set()
    for s in src.dates:
        best = _best_date(s, tgt.dates, used, fill)
        if best is None:
            if _digits_carried(s, spare_tgt_numbers):
                continue
            conflicting = [i for i, t in enumerate(tgt.dates) if i not in used]
            if conflicting:
                i = conflicting[0]
                used.add(i)
                t = tgt.dates[i]
                out.append(_f("translation.date", Severity.ERROR, t.start, t.end, target,
                              f"날짜가 바뀌었습니다: 원문 '{s.text}' → {label} '{t.text}'.", f"원문 날짜 '{s.text}'에 맞추세요."))
            else:
                out.append(_f("translation.date-missing", Severity.ERROR, 0, len(target), target,
                              f"원문의 날짜 {josa(_q(s.text), '이/가')} {label}에 없습니다.", "날짜를 빠뜨리지 말고 옮기세요."))
            continue
        i, t = best
        used.add(i)
        added = [k for k, v in t.parts().items() if k not in s.parts() and fill.get(k) != v]
        if added:
            out.append(_f("translation.date", Severity.ERROR, t.start, t.end, target,
                          f"원문에 없는 {josa(', '.join(_PART_NAMES[k] for k in added), '이/가')} 날짜에 들어갔습니다: "
                          f"원문 '{s.text}' → {label} '{t.text}'.", f"원문 '{s.text}'에 있는 정보만 옮기세요."))
        lost = [k for k in s.parts() if k not in t.parts()]
        if lost:
            out.append(_f("translation.date-partial", Severity.WARNING if lost != ["weekday"] else Severity.INFO,
                          t.start, t.end, target,
                          f"날짜의 {josa(', '.join(_PART_NAMES[k] for k in lost), '이/가')} {label}에서 빠졌습니다: "
                          f"원문 '{s.text}' → {label} '{t.text}'.", None))
    for i, t in enumerate(tgt.dates):
        if i in used or _digits_carried(t, src.numbers) or any(_compatible(t, s, fill) for s in src.dates):
            continue
        out.append(_f("translation.date", Severity.ERROR, t.start, t.end, target,
                      f"원문에 없는 날짜입니다: '{t.text}'.", "원문에 있는 날짜만 옮기세요."))
    out += _check_times(src, tgt, target, spare_tgt_numbers, label)
    out += _check_numbers(src, tgt, target, spare_tgt_numbers, label)
    return out


def _check_times(src: Values, tgt: Values, target: str, spare: list[NumberValue], label: str) -> list[Finding]:
    out = []
    left = list(tgt.times)
    for s in src.times:
        match = next((t for t in left if t.minutes % 720 == s.minutes % 720), None)
        if match:
            left.remove(match)
            continue
        hour = (s.minutes // 60) % 12 or 12
        if any(n.value in (hour, s.minutes // 60) for n in spare):
            continue
        out.append(_f("translation.time", Severity.ERROR, 0, len(target), target,
                      f"원문의 시각 {josa(_q(s.text), '이/가')} {label}에 없거나 바뀌었습니다.", "시각을 원문대로 옮기세요."))
    for t in left:
        if not any(n.value in ((t.minutes // 60) % 12, t.minutes // 60) for n in src.numbers):
            out.append(_f("translation.time", Severity.ERROR, t.start, t.end, target,
                          f"원문에 없는 시각입니다: '{t.text}'.", "원문에 있는 시각만 옮기세요."))
    return out


def _check_numbers(src: Values, tgt: Values, target: str, spare: list[NumberValue], label: str) -> list[Finding]:
    tgt_left = [n for n in tgt.numbers if n in spare]
    src_left = []
    date_parts = {float(v) for d in src.dates + tgt.dates for v in d.parts().values() if isinstance(v, int)}
    for s in src.numbers:
        match = next((t for t in tgt_left if _same(t.value, s.value)), None)
        if match:
            tgt_left.remove(match)
        elif s.value != 1 and s.value not in tgt.word_numbers and s.value not in date_parts:
            src_left.append(s)
    tgt_left = [t for t in tgt_left if t.value != 1 and t.value not in src.word_numbers and t.value not in date_parts]
    out = []
    if len(src_left) == 1 and len(tgt_left) == 1:
        s, t = src_left[0], tgt_left[0]
        return [_f("translation.number", Severity.ERROR, t.start, t.end, target,
                   f"수치가 바뀌었습니다: 원문 '{s.text}'({_fmt(s.value)}) → {label} '{t.text}'({_fmt(t.value)}).",
                   f"{_fmt(s.value)}에 맞게 고치세요.")]
    for s in src_left:
        out.append(_f("translation.number-missing", Severity.ERROR, 0, len(target), target,
                      f"원문의 수치 {josa(_q(s.text) + f'({_fmt(s.value)})', '이/가')} {label}에 없습니다.", "수치를 원문대로 옮기세요."))
    for t in tgt_left:
        out.append(_f("translation.number", Severity.ERROR, t.start, t.end, target,
                      f"원문에 없는 수치입니다: '{t.text}'({_fmt(t.value)}).", "원문의 수치만 쓰세요."))
    return out


def check_register(text: str, *, accept: Sequence[Register] = ("hamnida", "da", "eum")) -> list[Finding]:
    """Korean sentences must end formally: 반말 is an error, 해요체 a warning, a formal ending that is not in
    ``accept`` (e.g. '-습니다' where a 보도자료 wants '-다') a warning. Wholly quoted sentences are skipped."""
    out = []
    for s, e in split_sentences(text):
        sentence = text[s:e]
        if sentence.rstrip(" .!?").endswith(("”", "\"", "’", "'", "」", "』")):
            continue
        rest_of_line = text[e:].split("\n", 1)[0]
        if not sentence.endswith((".", "!", "?", "…")) and rest_of_line.strip():
            continue  # kiwi split inside a sentence (a connective -아/-어 read as an ending)
        ending = _final_ending(sentence)
        if ending is None:
            continue
        form, a, b = ending
        span = (s + a, s + b)
        kind = register_of(form)
        if kind == "haeyo":
            out.append(_f("register.haeyo", Severity.WARNING, *span, text,
                          "해요체입니다. 공문서·보도자료는 합니다체나 '-다' 기사체로 씁니다.", "'-습니다' 또는 '-다'로 끝맺으세요."))
        elif kind == "banmal":
            out.append(_f("register.banmal", Severity.ERROR, *span, text,
                          f"반말 어미('{form}')로 끝납니다. 공공기관 글은 합니다체나 '-다' 기사체로 씁니다.",
                          "'-습니다' 또는 '-다'로 끝맺으세요."))
        elif kind is not None and kind not in accept:
            wanted = " 또는 ".join(_REGISTER_NAMES[k] for k in accept)
            out.append(_f("register.style", Severity.WARNING, *span, text,
                          f"요청한 문체와 다릅니다: {wanted}로 맞추세요.", None))
    return out


def _final_ending(sentence: str) -> tuple[str, int, int] | None:
    """The sentence-final ending (EF) with its span, when only punctuation follows it."""
    tokens = tokenize(sentence)
    for tok in reversed(tokens):
        if tok.tag.startswith("S") and tok.tag not in ("SL", "SH", "SN"):
            continue
        if tok.tag == "EF":
            start = tok.start
            while start > 0 and not sentence[start - 1].isspace():
                start -= 1
            return tok.form, start, tok.end
        return None
    return None


def _check_leftovers(source: str, target: str, tgt_lang: Lang) -> list[Finding]:
    out = []
    for m in PLACEHOLDER_RE.finditer(target):
        out.append(_f("translation.placeholder", Severity.ERROR, m.start(), m.end(), target,
                      "용어 자리표시가 번역문에 남았습니다.", "해당 용어를 용어집의 번역어로 바꾸세요."))
    m = _REPEAT.search(target)
    if m and len(m.group(0)) >= 12:
        out.append(_f("translation.repetition", Severity.ERROR, m.start(), m.end(), target,
                      "같은 말이 되풀이됩니다(모델의 반복 생성).", "이 부분을 지우고 다시 번역하세요."))
    if tgt_lang == "en":
        for m in _HANGUL_RUN.finditer(target):
            out.append(_f("translation.untranslated", Severity.WARNING, m.start(), m.end(), target,
                          f"번역되지 않은 한국어가 남았습니다: '{m.group(0)}'.", None))
    elif not re.search(r"[가-힣]", target) and len(re.findall(r"[A-Za-z]{2,}", target)) >= 3:
        out.append(_f("translation.untranslated", Severity.WARNING, 0, len(target), target,
                      "한국어로 번역되지 않았습니다.", None))
    for m in FOREIGN_SCRIPT.finditer(target):
        if m.group(0) in source:
            continue
        out.append(_f("translation.script", Severity.ERROR, m.start(), m.end(), target,
                      f"번역문에 원문에 없는 한자·일본 글자가 섞였습니다: '{m.group(0)}'.",
                      "한국어(한글)나 영어로만 쓰세요."))
    return out


def foreign_script(text: str, source: str = "") -> bool:
    """Whether ``text`` has Chinese characters or kana that ``source`` does not (a small model's slip)."""
    return any(m.group(0) not in source for m in FOREIGN_SCRIPT.finditer(text))


def _date_context(dates: list[DateValue]) -> dict[str, int]:
    """The year and month a document means when a date leaves them out."""
    fill: dict[str, int] = {}
    for key in ("year", "month"):
        values = {getattr(d, key) for d in dates if getattr(d, key) is not None}
        if len(values) == 1:
            fill[key] = values.pop()
    return fill


def _compatible(t: DateValue, s: DateValue, fill: dict[str, int]) -> bool:
    sp = s.parts()
    return all(sp.get(k, fill.get(k, v)) == v for k, v in t.parts().items())


def _best_date(s: DateValue, targets: list[DateValue], used: set[int], fill) -> tuple[int, DateValue] | None:
    sp = s.parts()
    candidates = [(i, t) for i, t in enumerate(targets) if i not in used
                  and all(sp[k] == v for k, v in t.parts().items() if k in sp)
                  and any(k in sp for k in t.parts())]
    if not candidates:
        return None
    return max(candidates, key=lambda it: (sum(k in sp for k in it[1].parts()), _compatible(it[1], s, fill)))


def _digits_carried(d: DateValue, numbers: list[NumberValue]) -> bool:
    """A date whose every number appears as a plain number on the other side (another way of writing it)."""
    nums = [float(v) for v in d.parts().values() if isinstance(v, int)]
    pool = [n.value for n in numbers]
    if not nums or not all(v in pool for v in nums):
        return False
    for v in nums:
        match = next(n for n in numbers if n.value == v)
        numbers.remove(match)
    return True


def _q(term: str) -> str:
    return f"'{term}'"


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _f(rule, severity, s, e, text, message, suggestion=None, extra=None) -> Finding:
    return Finding(rule, severity, s, e, text[s:e], message, suggestion, SOURCE, False, extra or {})
