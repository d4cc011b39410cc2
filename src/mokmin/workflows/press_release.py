"""Drafting a 보도자료: facts → official skeleton → model prose → fact-lock check → release."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mokmin.checks.factlock import check_factlock
from mokmin.checks.finding import Finding, Severity
from mokmin.checks.press_release import build_support, check_press_release
from mokmin.checks.press_style import BOILERPLATE, EFFECT
from mokmin.checks.support import Support, compact
from mokmin.guard.audit import audited
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.press.brief import Brief
from mokmin.press.document import PressRelease
from mokmin.press.facts import Fact, FactSheet, build_fact_sheet
from mokmin.press.skeleton import build_release, make_lead
from mokmin.profile import CityProfile
from mokmin.text.korean import split_sentences
from mokmin.workflows.prompts import prompt_id, render_messages
from mokmin.workflows.reviewable import Reviewable

MAX_BODY_SENTENCES = 4
_QUOTE_MARK = re.compile(r"[\"“”]")
_NEGATION = re.compile(r"않|못하|없었|아니")
_EXTRACT_LINE = re.compile(r"^\s*[-*]?\s*(참석|주요 내용|향후 계획)\s*[:：]\s*(.+?)\s*$")


@dataclass
class RemovedSentence:
    text: str
    reasons: list[str]




@dataclass
class Draft(Reviewable):
    """The result of a generating workflow: the text, its findings and how it was made."""

    text: str
    release: PressRelease
    findings: list[Finding]
    facts: list[Fact]
    removed: list[RemovedSentence]
    backend: str
    prompt_id: str
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    timings: dict[str, float] = field(default_factory=dict)


@audited("press_release")
def draft_press_release(
    brief: Brief,
    profile: CityProfile,
    backend: Backend,
    *,
    options: GenerationOptions | None = None,
    today: dt.date | None = None,
    on_token: Callable[[str], None] | None = None,
    use_model_extraction: bool = True,
) -> Draft:
    options = options or GenerationOptions(temperature=0.0, max_tokens=300)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sheet = build_fact_sheet(brief, profile, today)
    support = build_support(brief, profile)
    removed: list[RemovedSentence] = []
    if use_model_extraction and _rules_left_gaps(brief):
        t = time.perf_counter()
        removed += _extract_with_model(brief, sheet, support, backend)
        timings["extract_s"] = time.perf_counter() - t
    lead = make_lead(sheet)
    messages = render_messages(
        "press_body", organization=sheet.organization, facts=_prompt_facts(sheet), lead=lead,
        max_sentences=MAX_BODY_SENTENCES,
    )
    t = time.perf_counter()
    pieces = []
    for piece in backend.stream(messages, options):
        pieces.append(piece)
        if on_token:
            on_token(piece)
    timings["generate_s"] = time.perf_counter() - t
    body, dropped = _judge_body("".join(pieces), lead, support)
    removed += dropped
    release = build_release(sheet, profile, [" ".join(body)] if body else [], brief.distributed_at)
    text = release.to_text()
    t = time.perf_counter()
    findings = check_press_release(text, brief, profile, origin="ai")
    timings["check_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0
    return Draft(text, release, findings, sheet.facts, removed, backend.name, prompt_id("press_body"),
                 timings=timings)


def _prompt_facts(sheet: FactSheet) -> list[Fact]:
    skip = {"연도", "담당 부서", "책임자", "담당자", "연락처", "인용"}
    return [f for f in sheet.facts if f.label not in skip] or [Fact("내용", c, "브리프") for c in sheet.content]


def _judge_body(output: str, lead: str, support: Support) -> tuple[list[str], list[RemovedSentence]]:
    """Keep only model sentences the checkers accept; report the rest with reasons."""
    kept: list[str] = []
    removed: list[RemovedSentence] = []
    text = output.strip()
    if not text or compact(text) in ("없음", "없습니다"):
        return kept, removed
    lead_sentences = [lead[a:b] for a, b in split_sentences(lead)]
    for s, e in split_sentences(text):
        sentence = text[s:e].strip().lstrip("-*□ㅇ○ ").strip()
        if not sentence or compact(sentence) in ("없음",):
            continue
        reasons = _rejections(sentence, lead_sentences, kept, support)
        if reasons or len(kept) >= MAX_BODY_SENTENCES:
            removed.append(RemovedSentence(sentence, reasons or ["문장 수 한도 초과"]))
        else:
            kept.append(sentence)
    return kept, removed


def _rejections(sentence: str, lead_sentences: list[str], kept: list[str], support: Support) -> list[str]:
    reasons = []
    if not sentence.endswith(("다.", "다")):
        reasons.append("기사체 평서문이 아님")
    if _QUOTE_MARK.search(sentence):
        reasons.append("모델이 쓴 인용문 (인용은 브리프에서만 가져옴)")
    if any(p.search(sentence) for p in BOILERPLATE) or EFFECT.search(sentence):
        reasons.append("상투적 마무리·근거 없는 기대효과")
    for f in check_factlock(sentence, support):
        if f.severity is Severity.ERROR:
            reasons.append(f.message)
    for other in [*lead_sentences, *kept]:
        if difflib.SequenceMatcher(None, compact(sentence), compact(other)).ratio() >= 0.6:
            reasons.append("앞 문장과 같은 내용의 반복")
            break
    return list(dict.fromkeys(reasons))


def _rules_left_gaps(brief: Brief) -> bool:
    """Ask the model only when the rules could not read a free-text brief fully."""
    if brief.structured:
        return False
    sentences = split_sentences(brief.raw_text)
    return not (brief.where and (brief.event or brief.topic)) or len(sentences) > 3


def _extract_with_model(brief: Brief, sheet: FactSheet, support: Support, backend: Backend) -> list[RemovedSentence]:
    """Model second: ask for what rules could not find, keep only values the brief supports."""
    messages = render_messages("press_extract", brief=brief.raw_text)
    output = "".join(backend.stream(messages, GenerationOptions(temperature=0.0, max_tokens=120)))
    rejected = []
    for line in output.splitlines():
        m = _EXTRACT_LINE.match(line)
        if not m:
            continue
        label, value = m.group(1), m.group(2).strip().strip("'\"")
        if not value or compact(value) in ("없음", "없습니다") or len(value) > 200:
            continue
        # any unsupported word at all rejects the value; so does a negation the brief does not have
        reasons = [f.message for f in check_factlock(value, support)]
        if _NEGATION.search(value) and not _NEGATION.search(brief.raw_text):
            reasons.append("브리프에 없는 부정 표현")
        if reasons:
            rejected.append(RemovedSentence(f"[모델 추출] {label}: {value}", reasons))
            continue
        if label == "참석" and not sheet.attendees:
            sheet.attendees = value
            sheet.facts.append(Fact("참석", value, "모델(검증됨)"))
        elif label == "향후 계획" and value not in sheet.plans:
            sheet.plans.append(value)
            sheet.facts.append(Fact("향후 계획", value, "모델(검증됨)"))
        elif label == "주요 내용" and value not in sheet.content:
            sheet.facts.append(Fact("내용", value, "모델(검증됨)"))
    return rejected
