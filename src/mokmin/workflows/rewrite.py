"""Rewriting Korean text in plain language or a register, sentence by sentence, with every fact re-checked.

The model rewrites one sentence at a time. Each (original, rewritten) pair is then compared: numbers, dates and
times by value (:func:`mokmin.checks.translation.check_values`), names and titles by the fact lock
(:mod:`mokmin.checks.factlock`) against the original text plus the city profile, quoted speech verbatim. Every
changed fact is an error finding that carries the original sentence as its suggestion. The whole result is
then proofread (:func:`mokmin.workflows.proofread.proofread`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from mokmin.checks.factlock import DOUBLE_QUOTED, check_factlock
from mokmin.checks.finding import Finding, Severity, sort_findings
from mokmin.checks.support import Support, compact
from mokmin.checks.translation import Register, check_register, check_values
from mokmin.errors import InputError
from mokmin.guard.audit import audited
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.profile import CityProfile
from mokmin.text.korean import josa, split_sentences, tokenize
from mokmin.workflows.prompts import prompt_id, render_messages
from mokmin.workflows.translate import clean_output, cut_loop, validate_text

Style = Literal["plain", "formal", "press"]
STYLES: dict[str, str] = {"plain": "쉬운 우리말", "formal": "공문서 격식체", "press": "보도자료 기사체"}
MAX_REWRITE_CHARS = 3000  # about 5 minutes of generation on a 2-core CPU
# endings each style asks for (see checks.translation.check_register)
_REGISTER: dict[str, tuple[Register, ...]] = {
    "plain": ("hamnida",), "formal": ("hamnida", "da", "eum"), "press": ("da", "eum")}
_PROOFREAD_MODE = {"plain": "general", "formal": "general", "press": "press"}
# fact-lock rules that concern facts (the others judge content words, which a rewrite is meant to change)
_FACT_RULES = frozenset({"factlock.name", "factlock.title", "factlock.phone", "factlock.weekday"})


@dataclass
class Rewrite:
    text: str
    source: str
    style: Style
    alignment: list[tuple[str, str]]
    findings: list[Finding]
    backend: str
    prompt_id: str
    proofread: bool = False  # whether the proofreading checkers ran
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


@audited("rewrite")
def rewrite(
    text: str,
    *,
    style: Style = "plain",
    profile: CityProfile,
    backend: Backend,
    options: GenerationOptions | None = None,
    on_sentence: Callable[[int, int, str], None] | None = None,
) -> Rewrite:
    if style not in STYLES:
        raise InputError(f"알 수 없는 문체입니다: {style}", f"{', '.join(STYLES)} 중 하나를 고르세요.")
    text = validate_text(text, limit=MAX_REWRITE_CHARS, what="다듬기")
    if not any("가" <= ch <= "힣" for ch in text):
        raise InputError("한국어 글이 아닙니다.", "다듬기는 한국어 글에만 쓸 수 있습니다. 영어 글은 mokmin translate로 옮기세요.")
    t0 = time.perf_counter()
    support = Support.build(text + "\n" + profile.support_text())
    spans = split_sentences(text)
    pieces, alignment, findings = [], [], []
    cursor = out_len = 0
    generate_s = 0.0
    for i, (s, e) in enumerate(spans):
        sentence = text[s:e]
        gap = text[cursor:s]
        pieces.append(gap)
        out_len += len(gap)
        t = time.perf_counter()
        new, note = _rewrite_sentence(sentence, style, backend, options)
        generate_s += time.perf_counter() - t
        local = ([note] if note else []) + check_rewrite(sentence, new, support, context=text)
        findings += [replace(f, start=f.start + out_len, end=f.end + out_len) for f in local]
        pieces.append(new)
        out_len += len(new)
        alignment.append((sentence, new))
        cursor = e
        if on_sentence:
            on_sentence(i + 1, len(spans), new)
    pieces.append(text[cursor:])
    out = "".join(pieces)
    findings += check_register_for(out, style)
    t = time.perf_counter()
    extra, proofread_ran = _proofread(out, style, profile)
    timings = {"generate_s": generate_s, "proofread_s": time.perf_counter() - t,
               "total_s": time.perf_counter() - t0, "sentences": float(len(spans))}
    return Rewrite(out, text, style, alignment, sort_findings(findings + extra), backend.name, prompt_id("rewrite"),
                   proofread_ran, timings=timings)


def _rewrite_sentence(sentence: str, style: Style, backend: Backend, options) -> tuple[str, Finding | None]:
    """The model's sentence, or the original back (with a note) when the model gave nothing usable."""
    opts = options or GenerationOptions(temperature=0.0, max_tokens=min(400, 40 + 2 * len(sentence)))
    output = "".join(backend.stream(render_messages("rewrite", style=style, sentence=sentence), opts))
    lines = [ln.strip() for ln in output.strip().splitlines() if ln.strip()]
    new, looped = cut_loop(clean_output(" ".join(lines), sentence))
    if not new or looped:
        return sentence, Finding("rewrite.kept", Severity.INFO, 0, len(sentence), sentence,
                                 "모델이 이 문장을 제대로 고쳐 쓰지 못해 원문을 그대로 두었습니다.", None, "rewrite")
    return new, None


def check_rewrite(original: str, rewritten: str, support: Support, *, context: str | None = None) -> list[Finding]:
    """Every fact of ``original`` that ``rewritten`` changed, dropped or added (offsets into ``rewritten``)."""
    if compact(original) == compact(rewritten):
        return []
    out = [replace(f, rule_id=f.rule_id.replace("translation.", "rewrite."), source="rewrite")
           for f in check_values(original, rewritten, "ko", "ko", context=context, label="고친 글")]
    out += [f for f in check_factlock(rewritten, support) if f.rule_id in _FACT_RULES]
    out += _check_quotes(original, rewritten)
    out += _check_names(original, rewritten)
    hint = f"원문: {original}"
    return [replace(f, suggestion=f"{f.suggestion} ({hint})" if f.suggestion else hint) if f.severity is Severity.ERROR
            else f for f in out]


def check_register_for(text: str, style: Style) -> list[Finding]:
    return check_register(text, accept=_REGISTER[style])


def _check_quotes(original: str, rewritten: str) -> list[Finding]:
    """Quoted speech is kept word for word: none dropped, none changed, none added."""
    before = [compact(m.group(1)) for m in DOUBLE_QUOTED.finditer(original)]
    after = list(DOUBLE_QUOTED.finditer(rewritten))
    out = []
    for m in after:
        key = compact(m.group(1))
        if key in before:
            before.remove(key)
            continue
        out.append(_f("rewrite.quote", m.start(), m.end(), rewritten,
                      "인용문이 바뀌었거나 원문에 없는 인용문입니다. 따옴표 안의 말은 원문 그대로 두어야 합니다."))
    for key in before:
        out.append(_f("rewrite.quote", 0, len(rewritten), rewritten,
                      "원문의 인용문이 빠졌거나 따옴표 없이 바뀌었습니다. 따옴표 안의 말은 원문 그대로 두어야 합니다."))
    return out


def _check_names(original: str, rewritten: str) -> list[Finding]:
    """Proper nouns of the original (kiwi NNP, two letters or more) must survive the rewrite."""
    kept = compact(rewritten)
    names = dict.fromkeys(t.form for t in tokenize(original) if t.tag == "NNP" and len(t.form) >= 2)
    return [_f("rewrite.name", 0, len(rewritten), rewritten, f"원문의 이름(고유명사) {josa(repr_q(name), '이/가')} 빠졌거나 바뀌었습니다.")
            for name in names if compact(name) not in kept]


def repr_q(word: str) -> str:
    return f"'{word}'"


def _proofread(text: str, style: Style, profile: CityProfile) -> tuple[list[Finding], bool]:
    """Proofreading findings over ``text`` (its offsets match: the text is already NFC with \\n ends)."""
    try:
        from mokmin.workflows.proofread import proofread
    except ImportError:
        return [], False
    result = proofread(text, mode=_PROOFREAD_MODE[style], profile=profile)  # type: ignore[arg-type]
    if result.text != text:
        return [], False
    return list(result.findings), True


def _f(rule: str, s: int, e: int, text: str, message: str) -> Finding:
    return Finding(rule, Severity.ERROR, s, e, text[s:e], message, None, "rewrite")
