"""Translating Korean ↔ English sentence by sentence, with the city's glossary forced and every fact verified.

Glossary forcing: before the model sees a sentence, each glossary source term is replaced by its official
target term written inline (``당진시는`` → ``Dangjin City는``), which the model copies; afterwards the term is
restored to its official spelling. ``placeholder`` mode uses ⟦T1⟧ tokens instead (measured against inline in
``bench/bench_translate.py``). A sentence whose output lacks a forced term is retried once with the terms
named in the prompt; a term still missing is reported by :func:`mokmin.checks.translation.check_translation`.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from mokmin.checks.finding import Finding, Severity, sort_findings
from mokmin.checks.translation import (
    Direction,
    Term,
    check_translation,
    find_terms,
    foreign_script,
    glossary_terms,
    is_compound,
    term_pattern,
)
from mokmin.checks.translation_values import Lang
from mokmin.errors import InputError
from mokmin.guard.audit import audited
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.profile import CityProfile, GlossaryEntry
from mokmin.text.english import split_english_sentences
from mokmin.text.korean import josa, nfc, split_sentences
from mokmin.workflows.prompts import prompt_id, render_messages

MAX_TRANSLATE_CHARS = 5000  # about 8 minutes of generation on a 2-core CPU; split longer texts
GlossaryMode = Literal["inline", "placeholder", "off"]
_PLACEHOLDER = re.compile(r"⟦\s*T?\s*(\d+)\s*⟧")
_PREFIX = re.compile(r"^\s*(?:translation|english|korean|번역(?:문)?|한국어)\s*[:：]\s*", re.IGNORECASE)
_JOSA = re.compile(r"^(은|는|이|가|을|를|과|와|으로|로)(?![가-힣])")
_JOSA_PAIRS = {"은": "은/는", "는": "은/는", "이": "이/가", "가": "이/가", "을": "을/를", "를": "을/를",
               "과": "과/와", "와": "과/와", "으로": "으로/로", "로": "으로/로"}
_REPEAT = re.compile(r"(\S+(?:\s+\S+){0,3}?)(?:\s*\1){3,}")


@dataclass
class Translation:
    """A translated text with its sentence alignment and the verifier's findings (offsets into ``text``)."""

    text: str
    source: str
    direction: Direction
    alignment: list[tuple[str, str]]
    findings: list[Finding]
    backend: str
    prompt_id: str
    retries: int = 0
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


def detect_direction(text: str) -> Direction:
    """ko2en when at least 30% of the letters are Hangul."""
    hangul = len(re.findall(r"[가-힣]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "ko2en" if hangul and hangul >= 0.3 * (hangul + latin) else "en2ko"


def validate_text(text: str, *, limit: int, what: str) -> str:
    """NFC text with ``\\n`` line ends, or a Korean InputError saying what to do."""
    text = nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise InputError(f"{what}할 글이 비어 있습니다.", "파일에 글을 넣거나 표준 입력으로 보내 주세요.")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise InputError(f"{what}할 입력이 텍스트가 아닙니다(이진 데이터).", "UTF-8 텍스트 파일을 지정하세요.")
    if len(text) > limit:
        raise InputError(
            f"{what}할 글이 너무 깁니다 ({len(text):,}자).",
            f"한 번에 {limit:,}자까지 처리합니다. 글을 나눠서 넣으세요.",
        )
    return text


def split_for(text: str, lang: Lang) -> list[tuple[int, int]]:
    return split_sentences(text) if lang == "ko" else split_english_sentences(text)


@audited("translate")
def translate(
    text: str,
    *,
    direction: Direction | Literal["auto"] = "auto",
    profile: CityProfile,
    backend: Backend,
    glossary: Sequence[GlossaryEntry] | None = None,
    glossary_mode: GlossaryMode = "inline",
    options: GenerationOptions | None = None,
    on_sentence: Callable[[int, int, str], None] | None = None,
) -> Translation:
    """Translate ``text``; ``glossary`` defaults to the profile's."""
    text = validate_text(text, limit=MAX_TRANSLATE_CHARS, what="번역")
    if direction == "auto":
        direction = detect_direction(text)
    if direction not in ("ko2en", "en2ko"):
        raise InputError(f"알 수 없는 번역 방향입니다: {direction}", "ko2en, en2ko, auto 중 하나를 쓰세요.")
    if direction == "ko2en" and not re.search(r"[가-힣]", text):
        raise InputError("한국어를 영어로 옮기라고 했지만 글에 한국어가 없습니다.", "영어 글은 --to ko로 옮기세요.")
    if direction == "en2ko" and not re.search(r"[A-Za-z]", text):
        raise InputError("영어를 한국어로 옮기라고 했지만 글에 영어가 없습니다.", "한국어 글은 --to en으로 옮기세요.")
    src_lang: Lang = "ko" if direction == "ko2en" else "en"
    tgt_lang: Lang = "en" if direction == "ko2en" else "ko"
    entries = list(profile.glossary if glossary is None else glossary)
    terms = glossary_terms(entries, direction) if glossary_mode != "off" else []
    name = f"translate_{direction}"
    t0 = time.perf_counter()
    spans = split_for(text, src_lang)
    pieces: list[str] = []
    alignment: list[tuple[str, str]] = []
    findings: list[Finding] = []
    cursor, retries = 0, 0
    out_len = 0
    generate_s = 0.0
    for i, (s, e) in enumerate(spans):
        sentence = text[s:e]
        gap = text[cursor:s]
        pieces.append(gap)
        out_len += len(gap)
        t = time.perf_counter()
        target, retried, looped = _translate_sentence(
            sentence, terms, name, src_lang, tgt_lang, glossary_mode, backend, options)
        generate_s += time.perf_counter() - t
        retries += retried
        if looped:
            findings.append(Finding("translation.loop", Severity.WARNING, out_len, out_len + len(target), target,
                                    "모델이 같은 말을 되풀이해 반복 부분을 잘라냈습니다. 빠진 내용이 없는지 확인하세요.",
                                    None, "translation", False, {"source_sentence": sentence}))
        for f in check_translation(sentence, target, direction=direction, glossary=entries, context=text):
            findings.append(_shift(f, out_len, sentence))
        pieces.append(target)
        out_len += len(target)
        alignment.append((sentence, target))
        cursor = e
        if on_sentence:
            on_sentence(i + 1, len(spans), target)
    pieces.append(text[cursor:])
    out = "".join(pieces)
    timings = {"generate_s": generate_s, "total_s": time.perf_counter() - t0, "sentences": float(len(spans))}
    return Translation(out, text, direction, alignment, sort_findings(findings), backend.name, prompt_id(name),
                       retries, timings=timings)


def _translate_sentence(sentence, terms, name, src_lang, tgt_lang, mode, backend, options) -> tuple[str, int, bool]:
    """(translation, retries, whether a loop was cut). One retry, naming the terms, when a forced term went
    missing or the output slipped into Chinese characters or kana; the better of the two is kept."""
    mentions = find_terms(sentence, terms, src_lang)
    used = list(dict.fromkeys(term for _, _, term in mentions))
    # an English term that is only the start of a longer name ("Dangjin City Hall") is left to the model
    prepared = protect(sentence, [m for m in mentions if not is_compound(sentence, m[1], src_lang)], mode, used)

    def attempt(retry: bool) -> tuple[str, bool]:
        raw = _ask(backend, name, prepared, [t.target for t in used] if retry else [], retry, tgt_lang, options,
                   len(sentence))
        return cut_loop(_drop_repeated_sentences(restore(raw, used, mode, tgt_lang), tgt_lang))

    def faults(text: str) -> int:
        return len(_missing(text, used, tgt_lang)) + 2 * foreign_script(text, sentence)

    target, looped = attempt(False)
    if not faults(target):
        return target, 0, looped
    retry, retry_looped = attempt(True)
    if faults(retry) < faults(target):
        return retry, 1, retry_looped
    return target, 1, looped


def protect(
    sentence: str, mentions: list[tuple[int, int, Term]], mode: GlossaryMode, order: list[Term] | None = None
) -> str:
    """The sentence with each glossary mention replaced by what the model should copy; placeholder ⟦Tn⟧ numbers
    follow ``order`` (default: the mentions' own order), the list :func:`restore` gets."""
    if mode == "off" or not mentions:
        return sentence
    order = order or list(dict.fromkeys(term for _, _, term in mentions))
    out, cursor = [], 0
    for s, e, term in mentions:
        out.append(sentence[cursor:s])
        out.append(term.target if mode == "inline" else f"⟦T{order.index(term) + 1}⟧")
        cursor = e
    out.append(sentence[cursor:])
    return "".join(out)


def restore(target: str, used: list[Term], mode: GlossaryMode, tgt_lang: Lang) -> str:
    """Official spellings back in the output; Korean particles re-chosen after a restored term."""
    if mode == "placeholder":
        def put(m: re.Match) -> str:
            n = int(m.group(1))
            return used[n - 1].target if 1 <= n <= len(used) else m.group(0)

        target = _PLACEHOLDER.sub(put, target)
    for term in used:  # "Dangjin city" → "Dangjin City"
        target = term_pattern(term.target, tgt_lang).sub(lambda _m, t=term.target: t, target)
    if tgt_lang == "ko":
        target = _fix_particles(target, used)
    return target


def _fix_particles(text: str, used: list[Term]) -> str:
    for term in used:
        out, cursor = [], 0
        for m in re.finditer(re.escape(term.target), text):
            out.append(text[cursor : m.end()])
            particle = _JOSA.match(text[m.end() :])
            if particle:
                fixed = josa(term.target, _JOSA_PAIRS[particle.group(1)])[len(term.target) :]
                out.append(fixed)
                cursor = m.end() + len(particle.group(1))
            else:
                cursor = m.end()
        out.append(text[cursor:])
        text = "".join(out)
    return text


def _drop_repeated_sentences(text: str, lang: Lang) -> str:
    """A sentence the model wrote twice is kept once."""
    spans = split_for(text, lang)
    if len(spans) < 2:
        return text
    seen, kept = set(), []
    for s, e in spans:
        key = re.sub(r"\W+", "", text[s:e]).lower()
        if key not in seen:
            seen.add(key)
            kept.append(text[s:e])
    return " ".join(kept) if len(kept) < len(spans) else text


def _missing(target: str, used: list[Term], tgt_lang: Lang) -> list[Term]:
    return [t for t in used if not term_pattern(t.target, tgt_lang).search(target)] + (
        [used[0]] if used and _PLACEHOLDER.search(target) else []
    )


def _ask(backend, name, sentence, required, retry, tgt_lang, options, n_chars) -> str:
    budget = 48 + (2 * n_chars if tgt_lang == "en" else n_chars)
    opts = options or GenerationOptions(temperature=0.0, max_tokens=min(512, budget), stop=["\n"])
    messages = render_messages(name, sentence=sentence, required=required, retry=retry)
    return clean_output("".join(backend.stream(messages, opts)), sentence)


def clean_output(output: str, source: str) -> str:
    """One line, no 'Translation:' label, no wrapping quotes the source did not have, no loop."""
    text = output.strip()
    text = text.splitlines()[0].strip() if text else ""
    text = _PREFIX.sub("", text)
    for open_, close in ('""', "“”", "''"):
        if len(text) > 2 and text[0] == open_ and text[-1] == close and not source.strip().startswith(open_):
            text = text[1:-1].strip()
    return text


def cut_loop(text: str) -> tuple[str, bool]:
    """Cut a degenerate repetition ("축축한 축축한 축축한 …") down to its first occurrence."""
    m = _REPEAT.search(text)
    if not m or len(m.group(0)) < 12:
        return text, False
    return (text[: m.start()] + m.group(1)).rstrip(), True


def _shift(f: Finding, offset: int, source_sentence: str) -> Finding:
    from dataclasses import replace

    extra = dict(f.extra)
    extra["source_sentence"] = source_sentence
    return replace(f, start=f.start + offset, end=f.end + offset, extra=extra)
