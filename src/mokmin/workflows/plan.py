"""Drafting a 사업 기획안: brief facts → cited 현황 from the knowledge base → model proposals → checks.

- The skeleton (배경, 목적, 추진 내용, 일정, 소요 예산, 기대 효과, 향후 계획) is built from the brief, verbatim;
  what the brief does not give stays a visible 【입력 필요: …】 gap.
- 현황과 문제점 are documents' own sentences with [n] citations (see :mod:`.plan_status`); without a knowledge
  base the section says so instead of inventing.
- The model writes only ideas for 추진 내용 and 기대 효과, each marked "(제안)", never with a figure.
- The whole text is then checked: fact lock on the brief-derived lines, citations on the cited lines,
  the budget's arithmetic, proofreading and the bias classifier (bias findings hold the draft for review).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mokmin.checks.citations import check_answer
from mokmin.checks.factlock import check_factlock
from mokmin.checks.finding import Finding, Severity, sort_findings
from mokmin.checks.support import Support
from mokmin.guard.audit import audited
from mokmin.knowledge.types import Audience, Passage
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.press.document import PLACEHOLDER_RE
from mokmin.profile import CityProfile
from mokmin.workflows.plan_brief import PlanBrief, budget_sum_problem
from mokmin.workflows.plan_document import PROPOSAL_MARK, PlanDocument, PlanSection, Span
from mokmin.workflows.plan_judge import RemovedLine, proposal_rejections
from mokmin.workflows.plan_status import Search, Statement, find_statements
from mokmin.workflows.prompts import prompt_id, render_messages
from mokmin.workflows.reviewable import Reviewable

MAX_ACTION_IDEAS = 3
MAX_EFFECT_IDEAS = 2
_IDEA_LINE = re.compile(r"^\s*(?:[-*•]\s*)?(?:\d+[.)]\s*)?\**(추진|효과)\**\s*[:：]\s*(.+?)\s*$")
SKELETON_WORDS = "사업 기간 대상 장소 사업비 재원 현황 문제점 출처"  # the skeleton's own labels
NO_KB = "지식베이스에 관련 문서가 없어 현황을 인용하지 못했습니다"


@dataclass
class PlanDraft(Reviewable):
    text: str
    document: PlanDocument
    findings: list[Finding]
    statements: list[Statement]
    passages: list[Passage]  # cited as [1]..[n]
    proposals: list[tuple[str, str]]  # (section, idea) kept from the model
    removed: list[RemovedLine]
    backend: str
    prompt_id: str
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    timings: dict[str, float] = field(default_factory=dict)

    def to_markdown(self) -> str:
        return self.document.to_markdown()


@audited("plan")
def draft_plan(
    brief: PlanBrief,
    profile: CityProfile,
    backend: Backend,
    *,
    search: Search | None = None,
    audience: Audience = "staff",
    options: GenerationOptions | None = None,
    on_token: Callable[[str], None] | None = None,
) -> PlanDraft:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    support = Support.build("\n".join((brief.support_text(), profile.support_text(), SKELETON_WORDS)))
    statements, passages, removed = [], [], []
    if search is not None:
        t = time.perf_counter()
        statements, passages, removed = find_statements(brief.search_query(), search, audience=audience)
        timings["search_s"] = time.perf_counter() - t
    messages = render_messages(
        "plan_ideas", organization=profile.organization.name, title=brief.title or "(사업명 없음)",
        purpose=brief.purpose, target=brief.target, background=brief.background[:3], actions=brief.actions,
        effects=brief.effects, n_actions=MAX_ACTION_IDEAS, n_effects=MAX_EFFECT_IDEAS,
    )
    t = time.perf_counter()
    pieces = []
    for piece in backend.stream(messages, options or GenerationOptions(temperature=0.0, max_tokens=200)):
        pieces.append(piece)
        if on_token:
            on_token(piece)
    timings["generate_s"] = time.perf_counter() - t
    ideas, dropped = judge_ideas("".join(pieces), brief, support)
    removed += dropped
    document = build_plan(brief, profile, statements, passages, ideas, kb_used=search is not None)
    text, spans = document.render()
    t = time.perf_counter()
    findings = check_plan(text, spans, brief, profile, passages, support)
    timings["check_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0
    return PlanDraft(text, document, findings, statements, passages, ideas, removed, backend.name,
                     prompt_id("plan_ideas"), timings=timings)


def judge_ideas(output: str, brief: PlanBrief, support: Support) -> tuple[list[tuple[str, str]], list[RemovedLine]]:
    """Model lines ``추진: …`` / ``효과: …`` kept only when they hold no figure or invented fact."""
    kept: list[tuple[str, str]] = []
    removed: list[RemovedLine] = []
    limits = {"추진": MAX_ACTION_IDEAS, "효과": MAX_EFFECT_IDEAS}
    existing = [*brief.actions, *brief.effects, *brief.purpose]
    for line in output.splitlines():
        if not line.strip():
            continue
        m = _IDEA_LINE.match(line)
        if not m:
            removed.append(RemovedLine(line.strip(), ["'추진:' 또는 '효과:'로 시작하는 제안 형식이 아님"]))
            continue
        kind, idea = m.group(1), m.group(2).strip().strip("'\"").rstrip(".")
        reasons = proposal_rejections(idea, support, existing + [i for _, i in kept])
        if not reasons and sum(1 for k, _ in kept if k == kind) >= limits[kind]:
            reasons = ["제안 수 한도 초과"]
        if reasons:
            removed.append(RemovedLine(f"[{kind} 제안] {idea}", reasons))
        else:
            kept.append((kind, idea))
    return kept, removed


def build_plan(brief: PlanBrief, profile: CityProfile, statements: list[Statement], passages: list[Passage],
               ideas: list[tuple[str, str]], *, kb_used: bool) -> PlanDocument:
    """The 기획안 skeleton: brief facts verbatim, cited statements, marked proposals, gaps where nothing is known."""
    doc = PlanDocument(brief.title, profile.organization.name, brief.department, disclosure=profile.ai_disclosure,
                       has_proposals=bool(ideas))
    doc.sections = [PlanSection(t) for t in ("배경", "현황과 문제점", "목적", "추진 내용", "일정", "소요 예산",
                                             "기대 효과", "향후 계획")]
    _items(doc.section("배경"), brief.background, "추진 배경")
    _status(doc.section("현황과 문제점"), brief, statements, passages, kb_used)
    _items(doc.section("목적"), brief.purpose, "사업 목적")
    actions = doc.section("추진 내용")
    overview = [("사업 기간", brief.period), ("대상", brief.target), ("장소", brief.place)]
    for label, value in overview:
        if value:
            actions.add(f"{label}: {value}", "fact")
    if not brief.period:
        actions.gap("사업 기간")
    _items(actions, brief.actions, "주요 추진 내용")
    for kind, idea in ideas:
        if kind == "추진":
            actions.add(f"{PROPOSAL_MARK} {idea}", "proposal")
    schedule = doc.section("일정")
    for when, what in brief.schedule:
        schedule.add(f"{when}: {what}" if when and what else when or what, "fact")
    if not brief.schedule:
        schedule.gap("추진 일정(시기별 내용)")
    budget = doc.section("소요 예산")
    lines = brief.budget.lines()
    for i, line in enumerate(lines):
        budget.add(line, "fact", 2 if brief.budget.total and i > 0 else 1)
    if not brief.budget.total:
        budget.gap("총사업비·재원")
    effects = doc.section("기대 효과")
    for item in brief.effects:
        effects.add(item, "fact")
    for kind, idea in ideas:
        if kind == "효과":
            effects.add(f"{PROPOSAL_MARK} {idea}", "proposal")
    if not effects.lines:
        effects.gap("기대 효과")
    _items(doc.section("향후 계획"), brief.plans, "향후 계획")
    return doc


def _items(section: PlanSection, items: list[str], gap: str) -> None:
    for item in items:
        section.add(item, "fact")
    if not items:
        section.gap(gap)


def _status(section: PlanSection, brief: PlanBrief, statements: list[Statement], passages: list[Passage],
            kb_used: bool) -> None:
    for label, given, problem in (("현황", brief.status, False), ("문제점", brief.problems, True)):
        cited = [s for s in statements if s.problem == problem]
        if not given and not cited:
            continue
        section.add(label, "form")
        for item in given:
            section.add(item, "fact", 2)
        for s in cited:
            section.add(s.cited(), "cited", 2)
    if passages:
        section.add("출처: " + "; ".join(f"[{n}] {p.location()}" for n, p in enumerate(passages, 1)), "form", 3)
    if not section.lines:
        why = NO_KB if kb_used else "지식베이스를 쓰지 않아 현황을 인용하지 않았습니다"
        section.gap(f"현황과 문제점 — {why}. 관련 문서를 'mokmin kb add'로 넣거나 브리프에 '현황'·'문제점'을 적으세요")


def check_plan(text: str, spans: list[Span], brief: PlanBrief, profile: CityProfile, passages: list[Passage],
               support: Support) -> list[Finding]:
    """All checks over the rendered 기획안, each on the lines it is meant for."""
    fact_regions = [(s.start, s.end) for s in spans if s.kind == "fact" and s.end > s.start]
    findings = check_factlock(text, support, fact_regions)
    for s in spans:
        if s.kind == "cited":
            for f in check_answer(text[s.start:s.end], passages):
                findings.append(Finding(f.rule_id, f.severity, f.start + s.start, f.end + s.start, f.text,
                                        f.message, f.suggestion, f.source, f.safe_fix, f.extra))
        elif s.kind == "placeholder":
            for m in PLACEHOLDER_RE.finditer(text, s.start, s.end):
                findings.append(Finding("plan.placeholder", Severity.WARNING, m.start(), m.end(), m.group(0),
                                        f"입력이 필요합니다: {m.group(1)}.", "브리프에 내용을 채우거나 직접 써 넣으세요.",
                                        "plan"))
    problem = budget_sum_problem(brief.budget)
    if problem:
        at = text.find(brief.budget.total)
        findings.append(Finding("plan.budget-sum", Severity.ERROR, max(at, 0), max(at, 0) + len(brief.budget.total),
                                brief.budget.total, problem, "총액과 내역 금액을 확인하세요.", "plan"))
    body = [(s.start, s.end) for s in spans if s.kind in ("fact", "cited", "proposal") and s.end > s.start]
    findings += writing_findings(text, body, profile)
    return sort_findings(_dedupe(findings))


def writing_findings(text: str, regions: list[tuple[int, int]], profile: CityProfile) -> list[Finding]:
    """Proofreading (general mode) and the bias classifier, inside ``regions``."""
    from mokmin.checks.bias import check_bias
    from mokmin.workflows.proofread import normalize_text, proofread

    if normalize_text(text) != text:
        return []
    findings = proofread(text, mode="general", profile=profile).findings + check_bias(text)
    return [f for f in findings if any(s <= f.start and f.end <= e for s, e in regions)]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.rule_id, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
