"""기획안 and 인사말·축사·기념사 in the workspace: a typed or free brief → streamed draft → findings → DOCX.

The drafts are made by :func:`mokmin.workflows.plan.draft_plan` and :func:`mokmin.workflows.speech.draft_speech`
through the model queue, as ``mokmin draft plan`` / ``mokmin draft speech`` do. A draft held for review (bias or
discrimination findings) downloads only with an explicit "검토했습니다" (the CLI's ``--reviewed``); the exports
are written by :mod:`mokmin.workflows.plan_docx`, which records them in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

import yaml
from fastapi import Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from mokmin.errors import InputError
from mokmin.guard.audit import acting_as, capture_records
from mokmin.web.pages import render
from mokmin.web.routes.staff_press import DOCX_TYPE, RemovedOut
from mokmin.web.security import Caller, identify, router
from mokmin.web.streaming import stream_job
from mokmin.web.uploads import feedback_reference, finding_dict, keep_result, load_result

pages = router("staff")
api = router("staff", prefix="/api/v1", tags=["기획안·연설문"])
FORM_ORIGIN = "입력 양식"


# ---- requests ------------------------------------------------------------------------------------------------
class BudgetIn(BaseModel):
    total: str = Field("", max_length=100, description="총액 (예: 1억 2,000만 원)")
    source: str = Field("", max_length=200, description="재원 (예: 시비 100%)")
    items: list[str] = Field(default_factory=list, description="내역, 한 줄에 '항목: 금액'")


class PlanFields(BaseModel):
    """기획안 브리프의 항목 (mokmin draft plan 의 YAML 브리프와 같음)."""

    title: str = Field("", max_length=200, description="사업명")
    department: str = Field("", max_length=100, description="부서")
    background: list[str] = Field(default_factory=list, description="배경 (한 줄에 하나)")
    status: list[str] = Field(default_factory=list, description="현황")
    problems: list[str] = Field(default_factory=list, description="문제점")
    purpose: list[str] = Field(default_factory=list, description="목적")
    target: str = Field("", max_length=300, description="대상")
    period: str = Field("", max_length=200, description="기간")
    place: str = Field("", max_length=200, description="장소")
    budget: BudgetIn = Field(default_factory=BudgetIn, description="예산")
    actions: list[str] = Field(default_factory=list, description="추진 내용")
    schedule: list[str] = Field(default_factory=list, description="일정, 한 줄에 '시기: 내용'")
    effects: list[str] = Field(default_factory=list, description="기대 효과")
    plans: list[str] = Field(default_factory=list, description="향후 계획")


class PlanRequest(BaseModel):
    mode: Literal["fields", "free"] = Field("fields", description="fields: 항목별 입력, free: YAML·'항목: 값'·자유 서술")
    fields: PlanFields = Field(default_factory=PlanFields)
    free_text: str = Field("", max_length=20_000, description="자유 브리프 (YAML, '항목: 값' 줄, 자유 서술)")
    use_kb: bool = Field(True, description="지식베이스 문서에서 현황을 찾아 출처와 함께 인용")


class SpeechFields(BaseModel):
    """연설문 브리프의 항목 (mokmin draft speech 의 YAML 브리프와 같음)."""

    event: str = Field("", max_length=200, description="행사명")
    when: str = Field("", max_length=200, description="일시")
    where: str = Field("", max_length=200, description="장소")
    host: str = Field("", max_length=200, description="주최")
    speaker: str = Field("", max_length=100, description="연설자 (비우면 기관장)")
    audience: str = Field("", max_length=100, description="청중 (호칭)")
    guests: list[str] = Field(default_factory=list, description="귀빈")
    content: list[str] = Field(default_factory=list, description="행사 내용")
    thanks: list[str] = Field(default_factory=list, description="감사")
    wishes: list[str] = Field(default_factory=list, description="당부")


class SpeechRequest(BaseModel):
    kind: Literal["인사말", "축사", "기념사"] = Field("인사말", description="종류")
    mode: Literal["fields", "free"] = Field("fields", description="fields: 항목별 입력, free: YAML·'항목: 값' 줄")
    fields: SpeechFields = Field(default_factory=SpeechFields)
    free_text: str = Field("", max_length=20_000, description="YAML 또는 '항목: 값' 줄의 브리프")


# ---- responses -----------------------------------------------------------------------------------------------
class PlanLineOut(BaseModel):
    text: str
    kind: str = Field(description="fact(브리프), cited(문서 인용), proposal(모델 제안), form, placeholder(입력 필요)")
    level: int


class PlanSectionOut(BaseModel):
    title: str
    lines: list[PlanLineOut]


class SourceOut(BaseModel):
    n: int
    location: str
    name: str


class ProposalOut(BaseModel):
    section: str
    text: str


class DraftOut(BaseModel):
    id: str = Field(description="초안 ID (DOCX 내려받기에 씀)")
    text: str
    findings: list[dict[str, Any]]
    removed: list[RemovedOut]
    held_for_review: bool
    held: list[dict[str, Any]]
    backend: str
    prompt_id: str
    created: str
    timings: dict[str, float]
    download: str
    feedback: dict[str, Any]


class PlanResponse(DraftOut):
    title: str
    markdown: str
    sections: list[PlanSectionOut]
    sources: list[SourceOut]
    proposals: list[ProposalOut]


class SpeechResponse(DraftOut):
    kind: str
    title: str


# ---- briefs --------------------------------------------------------------------------------------------------
def _clean(items: list[str]) -> list[str]:
    return [i.strip() for i in items if i.strip()]


def _dump(data: dict[str, Any]) -> str:
    data = {k: v for k, v in data.items() if v not in ("", [], {}, None)}
    if not data:
        raise InputError("브리프가 비어 있습니다.", "항목을 채우거나 자유 브리프로 적어 주세요.")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def plan_yaml(f: PlanFields) -> str:
    """The typed fields as the CLI's YAML 기획안 brief (empty fields left out)."""
    budget = {"총액": f.budget.total.strip(), "재원": f.budget.source.strip(), "내역": _clean(f.budget.items)}
    return _dump({
        "사업명": f.title.strip(), "부서": f.department.strip(), "배경": _clean(f.background),
        "현황": _clean(f.status), "문제점": _clean(f.problems), "목적": _clean(f.purpose), "대상": f.target.strip(),
        "기간": f.period.strip(), "장소": f.place.strip(), "예산": {k: v for k, v in budget.items() if v},
        "추진 내용": _clean(f.actions), "일정": _clean(f.schedule), "기대 효과": _clean(f.effects),
        "향후 계획": _clean(f.plans),
    })


def speech_yaml(f: SpeechFields) -> str:
    return _dump({
        "행사명": f.event.strip(), "일시": f.when.strip(), "장소": f.where.strip(), "주최": f.host.strip(),
        "연설자": f.speaker.strip(), "청중": f.audience.strip(), "귀빈": _clean(f.guests),
        "행사 내용": _clean(f.content), "감사": _clean(f.thanks), "당부": _clean(f.wishes),
    })


def _brief_of(req: PlanRequest | SpeechRequest, parse: Callable[..., Any], form_yaml: Callable[[], str],
              empty_hint: str):
    """Parse the free text, or the form's fields written as the CLI's YAML brief."""
    if req.mode == "free":
        if not req.free_text.strip():
            raise InputError("브리프가 비어 있습니다.", empty_hint)
        return parse(req.free_text, origin="자유 입력")
    return parse(form_yaml(), path=Path("brief.yaml"), origin=FORM_ORIGIN)


def plan_brief_of(req: PlanRequest):
    from mokmin.workflows.plan_brief import parse_plan_brief

    return _brief_of(req, parse_plan_brief, lambda: plan_yaml(req.fields), "사업명·목적·추진 내용 등을 적어 주세요.")


def speech_brief_of(req: SpeechRequest):
    from mokmin.workflows.speech import parse_speech_brief

    return _brief_of(req, parse_speech_brief, lambda: speech_yaml(req.fields), "예: 행사명: 제20회 시민의 날 기념식")


# ---- jobs ----------------------------------------------------------------------------------------------------
def _common(draft, draft_id: str, kind: str, feedback: dict[str, Any]) -> dict[str, Any]:
    held = draft.held_for_review
    return {
        "id": draft_id, "text": draft.text,
        "findings": [finding_dict(f) for f in draft.findings],
        "removed": [{"text": r.text, "reasons": list(r.reasons)} for r in draft.removed],
        "held_for_review": bool(held), "held": [finding_dict(f) for f in held],
        "backend": draft.backend, "prompt_id": draft.prompt_id, "created": draft.created.isoformat(),
        "timings": draft.timings, "download": f"/staff/{kind}/{draft_id}/docx", "feedback": feedback,
    }


def plan_job(request: Request, caller: Caller, req: PlanRequest, brief):
    services = request.app.state.services

    def job(emit):
        from mokmin.llm.base import GenerationOptions
        from mokmin.workflows.plan import draft_plan

        settings = services.settings
        options = GenerationOptions(temperature=settings.temperature, max_tokens=min(settings.max_tokens, 200))
        search = services.kb().search if req.use_kb else None
        with acting_as(caller.actor), capture_records() as records:
            draft = draft_plan(brief, services.profile, services.backend(), search=search,
                               audience=caller.audience, options=options, on_token=emit)
        kept = {"document": asdict(draft.document), "held": bool(draft.held_for_review),
                "created": draft.created.isoformat()}
        draft_id = keep_result(services, caller, "plan", json.dumps(kept, ensure_ascii=False))
        feedback = feedback_reference(services, caller, "plan", records, question=brief.raw_text[:200])
        return _common(draft, draft_id, "plan", feedback) | {
            "title": draft.document.heading(), "markdown": draft.to_markdown(),
            "sections": [asdict(s) for s in draft.document.sections],
            "sources": [{"n": n, "location": p.location(), "name": Path(p.source_path).name}
                        for n, p in enumerate(draft.passages, 1)],
            "proposals": [{"section": k, "text": t} for k, t in draft.proposals],
        }

    return job


def speech_job(request: Request, caller: Caller, req: SpeechRequest, brief):
    services = request.app.state.services

    def job(emit):
        from mokmin.llm.base import GenerationOptions
        from mokmin.workflows.speech import draft_speech

        settings = services.settings
        options = GenerationOptions(temperature=settings.temperature, max_tokens=min(settings.max_tokens, 220))
        with acting_as(caller.actor), capture_records() as records:
            draft = draft_speech(brief, services.profile, services.backend(), kind=req.kind, options=options,
                                 on_token=emit)
        kept = {"speech": asdict(draft.speech), "held": bool(draft.held_for_review),
                "created": draft.created.isoformat()}
        draft_id = keep_result(services, caller, "speech", json.dumps(kept, ensure_ascii=False))
        feedback = feedback_reference(services, caller, "speech", records, question=brief.raw_text[:200])
        return _common(draft, draft_id, "speech", feedback) | {"kind": draft.speech.kind,
                                                              "title": draft.speech.title}

    return job


# ---- DOCX ----------------------------------------------------------------------------------------------------
def _plan_document(data: dict):
    from mokmin.workflows.plan_document import PlanDocument, PlanLine, PlanSection

    sections = [PlanSection(s["title"], [PlanLine(**line) for line in s["lines"]]) for s in data.pop("sections")]
    return PlanDocument(**data, sections=sections)


def export_docx(request: Request, caller: Caller, kind: Literal["plan", "speech"], draft_id: str,
                reviewed: bool) -> tuple[Path, str]:
    """Write the kept draft as DOCX (audited as the caller); refuse a held draft without ``reviewed``."""
    from mokmin.cli.common import unique_path
    from mokmin.workflows.plan_docx import write_plan_docx, write_speech_docx
    from mokmin.workflows.speech import Speech

    services = request.app.state.services
    kept = json.loads(load_result(services, caller, kind, draft_id))
    if kept["held"] and not reviewed:
        raise InputError(
            "검토 보류 중인 초안입니다: 편향·차별로 읽힐 수 있는 표현이 있습니다.",
            "표시된 표현을 확인한 뒤 '검토했습니다'를 선택하고 다시 내려받으세요.",
        )
    folder = Path(services.settings.home) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = kept["created"][:19].replace("-", "").replace(":", "").replace("T", "-")
    name = f"{'기획안' if kind == 'plan' else '연설문'}-{stamp}.docx"
    author, disclosure = services.profile.organization.name, services.profile.ai_disclosure
    with acting_as(caller.actor):
        if kind == "plan":
            path = write_plan_docx(_plan_document(kept["document"]), unique_path(folder / name), author=author,
                                   disclosure=disclosure)
        else:
            data = kept["speech"]
            data["paragraphs"] = [tuple(p) for p in data["paragraphs"]]
            path = write_speech_docx(Speech(**data), unique_path(folder / name), author=author,
                                     disclosure=disclosure)
    return path, name


def _docx(request: Request, caller: Caller, kind: Literal["plan", "speech"], draft_id: str, reviewed: bool):
    path, name = export_docx(request, caller, kind, draft_id, reviewed)
    return FileResponse(path, media_type=DOCX_TYPE, filename=name)


def _checked(value: str) -> bool:
    return value in ("1", "true", "on", "yes")


# ---- pages ---------------------------------------------------------------------------------------------------
@pages.get("/staff/plan", include_in_schema=False)
def plan_page(request: Request):
    return render(request, "staff_plan.html", p="plan")


@pages.get("/staff/speech", include_in_schema=False)
def speech_page(request: Request):
    from mokmin.workflows.speech import KINDS

    return render(request, "staff_speech.html", kinds=KINDS, p="speech")


@pages.post("/staff/api/plan/draft", include_in_schema=False)
async def plan_stream(request: Request, req: PlanRequest, caller: Caller = Depends(identify)):
    brief = await run_in_threadpool(plan_brief_of, req)
    services = request.app.state.services
    return stream_job(services.queue, caller.client_id, plan_job(request, caller, req, brief), lambda r: r)


@pages.post("/staff/api/speech/draft", include_in_schema=False)
async def speech_stream(request: Request, req: SpeechRequest, caller: Caller = Depends(identify)):
    brief = await run_in_threadpool(speech_brief_of, req)
    services = request.app.state.services
    return stream_job(services.queue, caller.client_id, speech_job(request, caller, req, brief), lambda r: r)


@pages.post("/staff/plan/{draft_id}/docx", include_in_schema=False)
def plan_download(request: Request, draft_id: str, reviewed: str = Form(""), caller: Caller = Depends(identify)):
    return _docx(request, caller, "plan", draft_id, _checked(reviewed))


@pages.post("/staff/speech/{draft_id}/docx", include_in_schema=False)
def speech_download(request: Request, draft_id: str, reviewed: str = Form(""), caller: Caller = Depends(identify)):
    return _docx(request, caller, "speech", draft_id, _checked(reviewed))


# ---- REST ----------------------------------------------------------------------------------------------------
@api.post("/plan", response_model=PlanResponse, summary="사업 기획안 초안 작성")
def plan_rest(request: Request, req: PlanRequest, caller: Caller = Depends(identify)) -> dict:
    """브리프로 기획안 초안을 씁니다. 현황은 지식베이스 문서에서 출처와 함께 인용하고, 모델 제안은 "(제안)"으로
    표시하며, 수치는 브리프와 대조합니다. `held_for_review`가 참이면 DOCX는 `reviewed=true`로만 받습니다."""
    brief = plan_brief_of(req)
    result = request.app.state.services.queue.run(caller.client_id, plan_job(request, caller, req, brief))
    result["download"] = f"/api/v1/plan/{result['id']}/docx"
    return result


@api.post("/speech", response_model=SpeechResponse, summary="인사말·축사·기념사 초안 작성")
def speech_rest(request: Request, req: SpeechRequest, caller: Caller = Depends(identify)) -> dict:
    """브리프로 연설문 초안을 쓰고 행사명·날짜·숫자·이름을 브리프와 대조합니다."""
    brief = speech_brief_of(req)
    result = request.app.state.services.queue.run(caller.client_id, speech_job(request, caller, req, brief))
    result["download"] = f"/api/v1/speech/{result['id']}/docx"
    return result


_DOCX_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {DOCX_TYPE: {}}}}


@api.post("/plan/{draft_id}/docx", summary="기획안 DOCX 내려받기", response_class=FileResponse,
          responses=_DOCX_RESPONSES)
def plan_rest_docx(request: Request, draft_id: str, reviewed: bool = False, caller: Caller = Depends(identify)):
    """검토 보류된 초안은 `reviewed=true`(편향·차별 경고를 검토했음)일 때만 내려받습니다."""
    return _docx(request, caller, "plan", draft_id, reviewed)


@api.post("/speech/{draft_id}/docx", summary="연설문 DOCX 내려받기", response_class=FileResponse,
          responses=_DOCX_RESPONSES)
def speech_rest_docx(request: Request, draft_id: str, reviewed: bool = False, caller: Caller = Depends(identify)):
    """검토 보류된 초안은 `reviewed=true`(편향·차별 경고를 검토했음)일 때만 내려받습니다."""
    return _docx(request, caller, "speech", draft_id, reviewed)


routers = [pages, api]
