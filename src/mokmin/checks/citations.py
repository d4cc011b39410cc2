"""Checking a grounded answer: every [n] must exist and the cited passage must support its sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mokmin.checks.anchoring import QuestionAnchor
from mokmin.checks.finding import Finding, Severity
from mokmin.checks.support import NUMBER_RE, Support, canonical_number, generic_nouns
from mokmin.knowledge.types import Passage
from mokmin.text.korean import split_sentences, tokenize

SOURCE = "citations"
CITATION_RE = re.compile(r"\[(\d{1,2})\]")
CONTENT_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
SUPPORT_THRESHOLD = 0.6


def cited_numbers(sentence: str) -> list[int]:
    return [int(m.group(1)) for m in CITATION_RE.finditer(sentence)]


def check_answer(answer: str, passages: Sequence[Passage], question: str = "") -> list[Finding]:
    """Findings for citations that point nowhere, sentences without one, and unsupported sentences.

    With the ``question``, a supported sentence must also be anchored: its new facts must come from the part
    of a cited passage that speaks of the question (:mod:`mokmin.checks.anchoring`).
    """
    findings: list[Finding] = []
    supports = [Support.build(p.title + "\n" + p.heading + "\n" + p.text) for p in passages]
    anchor = QuestionAnchor.build(question, passages) if question else None
    generic = generic_nouns()
    for s, e in split_sentences(answer):
        sentence = answer[s:e]
        body = CITATION_RE.sub("", sentence).strip()
        if len(body) < 4:
            continue
        numbers = cited_numbers(sentence)
        bad = [n for n in numbers if not 1 <= n <= len(passages)]
        for m in CITATION_RE.finditer(sentence):
            if int(m.group(1)) in bad:
                findings.append(Finding("answer.bad-citation", Severity.ERROR, s + m.start(), s + m.end(),
                                        m.group(0), f"없는 자료 번호를 인용했습니다: {m.group(0)} (자료는 "
                                        f"{len(passages)}개).", "이 문장은 근거가 확인되지 않았습니다.", SOURCE))
        good = [n for n in numbers if 1 <= n <= len(passages)]
        if not good:
            if bad:
                continue
            nowhere = unsupported_terms(body, _merge(supports), generic) if supports else [body]
            if nowhere:
                findings.append(Finding("answer.unsupported", Severity.ERROR, s, e, sentence,
                                        f"어느 자료에서도 확인되지 않는 내용입니다: {', '.join(nowhere)}.",
                                        "이 문장은 쓰지 마세요. 원문 자료를 확인하세요.", SOURCE))
            else:
                findings.append(Finding("answer.uncited", Severity.WARNING, s, e, sentence,
                                        "출처 표시가 없는 문장입니다.", "자료에서 확인한 뒤 사용하세요.", SOURCE))
            continue
        union = _merge(supports[n - 1] for n in good)
        missing = unsupported_terms(body, union, generic)
        if missing:
            findings.append(Finding("answer.unsupported", Severity.ERROR if len(missing) >= 2 else Severity.WARNING,
                                    s, e, sentence,
                                    f"인용한 자료 {', '.join(f'[{n}]' for n in good)}에서 확인되지 않는 내용: "
                                    f"{', '.join(missing)}.", "원문 자료를 열어 확인하세요.", SOURCE))
        elif anchor is not None and not anchor.anchored(body, good):
            findings.append(Finding("answer.off-question", Severity.ERROR, s, e, sentence,
                                    f"인용한 자료 {', '.join(f'[{n}]' for n in good)}에 이 내용이 있지만, 질문과 관련된 "
                                    "부분이 아닙니다.", "원문 자료를 열어 확인하세요.", SOURCE))
    return findings


def _merge(supports) -> Support:
    merged = None
    for sup in supports:
        merged = sup if merged is None else Support.build(merged.text + "\n" + sup.text)
    return merged


def unsupported_terms(body: str, support: Support, generic: frozenset[str]) -> list[str]:
    """Numbers and content words of ``body`` that ``support`` lacks (empty when it is supported)."""
    missing = []
    for m in NUMBER_RE.finditer(body):
        if canonical_number(m.group(0)) not in support.numbers:
            missing.append(m.group(0))
    content = [t for t in tokenize(body) if t.tag in CONTENT_TAGS and t.form not in generic and len(t.form) > 1]
    unsupported = [t.form for t in content if not support.has_word(t.form)]
    proper = [t.form for t in content if t.tag in ("NNP", "SL", "SH") and not support.has_word(t.form)]
    if content and (len(unsupported) / len(content) > 1 - SUPPORT_THRESHOLD or proper):
        missing.extend(dict.fromkeys(unsupported))
    return missing


def attribute_citations(answer: str, passages: Sequence[Passage], question: str = "") -> tuple[str, int]:
    """Add [n] to sentences the model left uncited, when exactly that passage supports them.

    The mapping is computed deterministically from the passages, never taken on trust; sentences
    no passage supports stay uncited (and :func:`check_answer` flags them). With the ``question``, the
    passage that anchors the sentence best is chosen, and a short answer ("한성조약") is attributed when a
    passage anchors it; without, a sentence needs two shared content words or a number. Returns the new
    text and how many citations were added.
    """
    if not passages:
        return answer, 0
    supports = [Support.build(p.title + "\n" + p.heading + "\n" + p.text) for p in passages]
    anchor = QuestionAnchor.build(question, passages) if question else None
    generic = generic_nouns()
    out, last, added = [], 0, 0
    for s, e in split_sentences(answer):
        sentence = answer[s:e]
        out.append(answer[last:s])
        last = e
        body = CITATION_RE.sub("", sentence).strip()
        if cited_numbers(sentence) or len(body) < 2:
            out.append(sentence)
            continue
        fits = [n for n, sup in enumerate(supports, 1) if not unsupported_terms(body, sup, generic)]
        best = _attribution(body, fits, supports, anchor)
        if best is None:
            out.append(sentence)
            continue
        stripped = sentence.rstrip()
        tail = stripped[-1] if stripped[-1:] in ".?!" else ""
        core = stripped[:-1] if tail else stripped
        out.append(f"{core} [{best}]{tail}")
        added += 1
    out.append(answer[last:])
    return "".join(out), added


def _attribution(body: str, fits: list[int], supports: list[Support], anchor: QuestionAnchor | None) -> int | None:
    """The passage to cite for an uncited sentence that the passages ``fits`` support, or None."""
    if anchor is not None:
        ranked = anchor.ranked(body, fits)
        if ranked:
            return ranked[0]
        if any(anchor.score(body, n) is not None for n in fits):
            return None  # its facts are in a passage, but not where the question is talked about
    best = None
    for n in fits:
        overlap = sum(1 for t in tokenize(body) if t.tag in CONTENT_TAGS and supports[n - 1].has_word(t.form))
        if best is None or overlap > best[1]:
            best = (n, overlap)
    if best is None or (best[1] < 2 and not NUMBER_RE.search(body)):
        return None
    return best[0]


def repair_citations(answer: str, passages: Sequence[Passage], question: str = "") -> tuple[str, list[Finding]]:
    """Re-point a citation whose passage does not support its sentence to the one passage that does.

    Small models often cite the wrong number, or one that does not exist (the prompt's example says [2] when
    only [1] was shown). When the cited passages fail and another passage supports the whole sentence, the
    number is corrected and an info finding says so. With the
    ``question``, a cited passage that holds the facts away from what the question asks about also counts as
    failing, and the passage that anchors the sentence best is preferred.
    """
    if not passages:
        return answer, []
    supports = [Support.build(p.title + "\n" + p.heading + "\n" + p.text) for p in passages]
    anchor = QuestionAnchor.build(question, passages) if question else None
    generic = generic_nouns()
    out, notes, last = [], [], 0
    for s, e in split_sentences(answer):
        sentence = answer[s:e]
        out.append(answer[last:s])
        last = e
        numbers = cited_numbers(sentence)
        valid = [n for n in numbers if 1 <= n <= len(passages)]
        body = CITATION_RE.sub("", sentence).strip()
        supported = len(valid) == len(numbers) and bool(valid) and not unsupported_terms(
            body, _merge(supports[n - 1] for n in valid), generic)
        if not numbers or (supported and (anchor is None or anchor.anchored(body, valid))):
            out.append(sentence)
            continue
        fits = [n for n, sup in enumerate(supports, 1) if not unsupported_terms(body, sup, generic)]
        if anchor is not None:
            fits = anchor.ranked(body, fits)
        if not fits or (len(valid) == len(numbers) and set(fits[:1]) <= set(numbers)):
            out.append(sentence)
            continue
        fixed = CITATION_RE.sub(lambda m: f"[{fits[0]}]" if int(m.group(1)) in numbers else m.group(0), sentence)
        fixed = re.sub(r"(\[\d+\])(\s*\1)+", r"\1", fixed)
        out.append(fixed)
        start = sum(len(x) for x in out) - len(fixed)
        if len(valid) < len(numbers):
            why = "없는 자료 번호라"
        elif supported:
            why = "질문과 관련된 부분이 아닌 곳에만 있는 내용이라"
        else:
            why = "그 자료에는 없는 내용이라"
        notes.append(Finding("answer.citation-corrected", Severity.INFO, start, start + len(fixed), fixed,
                             f"모델이 {', '.join(f'[{n}]' for n in numbers)}을(를) 인용했지만 {why} "
                             f"내용이 있는 [{fits[0]}]로 고쳤습니다.", None, SOURCE))
    out.append(answer[last:])
    return "".join(out), notes
