"""보도자료 in the workspace: a typed or free-text brief → streamed draft → findings, facts, DOCX.

The draft is made by :func:`mokmin.workflows.press_release.draft_press_release` through the model queue,
exactly as ``mokmin draft press-release`` does. A draft held for review (bias or discrimination findings)
is downloadable only with an explicit "검토했습니다" (the CLI's ``--reviewed``); the export is written by
:func:`mokmin.export.docx.write_press_release_docx`, which records it in the audit log.
"""

from __future__ import annotations

import json
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
from mokmin.press.brief import Brief, parse_free_text, parse_structured
from mokmin.press.document import ContactRow, PressRelease
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router
from mokmin.web.streaming import stream_job
from mokmin.web.uploads import feedback_reference, finding_dict, keep_result, load_result

pages = router("staff")
api = router("staff", prefix="/api/v1", tags=["보도자료"])
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class QuoteIn(BaseModel):
    speaker: str = Field("", max_length=100, description="발언자")
    text: str = Field("", max_length=2000, description="인용 내용")


class BriefFields(BaseModel):
    """구조화된 브리프의 항목 (README의 YAML 브리프와 같음)."""

    title: str = Field("", max_length=200, description="제목")
    when: str = Field("", max_length=200, description="일시")
    where: str = Field("", max_length=200, description="장소")
    host: str = Field("", max_length=200, description="주최·주재")
    attendees: str = Field("", max_length=500, description="참석")
    event: str = Field("", max_length=200, description="행사")
    content: list[str] = Field(default_factory=list, description="내용 (한 줄에 하나)")
    quotes: list[QuoteIn] = Field(default_factory=list, description="인용")
    plans: list[str] = Field(default_factory=list, description="향후 계획")
    department: str = Field("", max_length=100, description="담당 부서")
    officer: str = Field("", max_length=100, description="담당자")
    phone: str = Field("", max_length=50, description="연락처")


class PressRequest(BaseModel):
    mode: Literal["fields", "free"] = Field("fields", description="fields: 항목별 입력, free: 자유 서술")
    fields: BriefFields = Field(default_factory=BriefFields)
    free_text: str = Field("", max_length=20_000, description="자유 서술 브리프")
    model_extract: bool = Field(True, description="규칙으로 못 찾은 사실을 모델로 추출(검증 후 사용)")


class FactOut(BaseModel):
    label: str
    value: str
    origin: str


class RemovedOut(BaseModel):
    text: str
    reasons: list[str]


class PressResponse(BaseModel):
    id: str = Field(description="초안 ID (DOCX 내려받기에 씀)")
    text: str
    markdown: str
    findings: list[dict[str, Any]]
    facts: list[FactOut]
    removed: list[RemovedOut]
    held_for_review: bool
    held: list[dict[str, Any]]
    backend: str
    prompt_id: str
    created: str
    timings: dict[str, float]
    download: str
    feedback: dict[str, Any]


def brief_yaml(fields: BriefFields) -> str:
    """The typed fields as the README's YAML brief (empty fields left out)."""
    data: dict[str, Any] = {}
    for key, value in (("제목", fields.title), ("일시", fields.when), ("장소", fields.where),
                       ("주최·주재", fields.host), ("참석", fields.attendees), ("행사", fields.event)):
        if value.strip():
            data[key] = value.strip()
    for key, items in (("내용", fields.content), ("향후 계획", fields.plans)):
        items = [i.strip() for i in items if i.strip()]
        if items:
            data[key] = items
    quotes = [{"발언자": q.speaker.strip(), "내용": q.text.strip()} for q in fields.quotes if q.text.strip()]
    if quotes:
        data["인용"] = quotes
    contact = {k: v.strip() for k, v in (("부서", fields.department), ("담당자", fields.officer),
                                         ("연락처", fields.phone)) if v.strip()}
    if contact:
        data["담당"] = contact
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def parse_request(req: PressRequest) -> Brief:
    """The brief of a request (free text, or the typed fields read as the README's YAML brief)."""
    if req.mode == "free":
        brief = parse_free_text(req.free_text)
    else:
        text = brief_yaml(req.fields)
        if text.strip() in ("{}", ""):
            raise InputError("브리프가 비어 있습니다.", "일시·장소·행사·내용 등 항목을 채우거나 자유 서술로 적어 주세요.")
        brief = parse_structured(text, fmt="yaml", origin="입력 양식")
    return brief


def checked_brief(request: Request, req: PressRequest) -> Brief:
    """Parse and refuse a brief without a date before the model is asked (as the CLI does)."""
    from mokmin.press.facts import build_fact_sheet

    brief = parse_request(req)
    build_fact_sheet(brief, request.app.state.services.profile)
    return brief


def draft_job(request: Request, caller: Caller, req: PressRequest, brief: Brief):
    """The queued job: draft (tokens to ``emit``), keep the release for download, return the JSON."""
    services = request.app.state.services

    def job(emit):
        from mokmin.llm.base import GenerationOptions
        from mokmin.workflows.press_release import draft_press_release

        settings = services.settings
        options = GenerationOptions(temperature=settings.temperature, max_tokens=min(settings.max_tokens, 400))
        with acting_as(caller.actor), capture_records() as records:
            draft = draft_press_release(brief, services.profile, services.backend(), options=options,
                                        on_token=emit, use_model_extraction=req.model_extract)
        held = draft.held_for_review
        kept = {"release": asdict(draft.release), "held": bool(held), "created": draft.created.isoformat()}
        draft_id = keep_result(services, caller, "press", json.dumps(kept, ensure_ascii=False))
        return {
            "id": draft_id,
            "text": draft.text,
            "markdown": draft.release.to_markdown(),
            "findings": [finding_dict(f) for f in draft.findings],
            "facts": [vars(f) for f in draft.facts],
            "removed": [vars(r) for r in draft.removed],
            "held_for_review": bool(held),
            "held": [finding_dict(f) for f in held],
            "backend": draft.backend,
            "prompt_id": draft.prompt_id,
            "created": draft.created.isoformat(),
            "timings": draft.timings,
            "download": f"/staff/press/{draft_id}/docx",
            "feedback": feedback_reference(services, caller, "press", records, question=brief.raw_text[:200]),
        }

    return job


def export_docx(request: Request, caller: Caller, draft_id: str, reviewed: bool) -> tuple[Path, str]:
    """Write the kept draft as DOCX (audited as the caller); refuse a held draft without ``reviewed``."""
    from mokmin.cli.common import unique_path
    from mokmin.export.docx import write_press_release_docx

    services = request.app.state.services
    kept = json.loads(load_result(services, caller, "press", draft_id))
    if kept["held"] and not reviewed:
        raise InputError(
            "검토 보류 중인 초안입니다: 편향·차별로 읽힐 수 있는 표현이 있습니다.",
            "표시된 표현을 확인한 뒤 '검토했습니다'를 선택하고 다시 내려받으세요.",
        )
    data = kept["release"]
    data["contacts"] = [ContactRow(**c) for c in data.get("contacts", [])]
    release = PressRelease(**data)
    folder = Path(services.settings.home) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = kept["created"][:19].replace("-", "").replace(":", "").replace("T", "-")
    profile = services.profile
    with acting_as(caller.actor):
        path = write_press_release_docx(release, unique_path(folder / f"보도자료-{stamp}.docx"),
                                        author=profile.organization.name, ai_generated=True,
                                        disclosure=profile.ai_disclosure)
    return path, f"보도자료-{stamp}.docx"


# ---- pages ---------------------------------------------------------------------------------------------------
@pages.get("/staff/press", include_in_schema=False)
def press_page(request: Request):
    return render(request, "staff_press.html")


@pages.post("/staff/api/press/draft", include_in_schema=False)
async def press_stream(request: Request, req: PressRequest, caller: Caller = Depends(identify)):
    brief = await run_in_threadpool(checked_brief, request, req)
    services = request.app.state.services
    return stream_job(services.queue, caller.client_id, draft_job(request, caller, req, brief), lambda r: r)


@pages.post("/staff/press/{draft_id}/docx", include_in_schema=False)
def press_download(request: Request, draft_id: str, reviewed: str = Form(""),
                   caller: Caller = Depends(identify)):
    path, name = export_docx(request, caller, draft_id, reviewed in ("1", "true", "on", "yes"))
    return FileResponse(path, media_type=DOCX_TYPE, filename=name)


# ---- REST ----------------------------------------------------------------------------------------------------
@api.post("/press-release", response_model=PressResponse, summary="보도자료 초안 작성")
def press_release(request: Request, req: PressRequest, caller: Caller = Depends(identify)) -> dict:
    """브리프로 보도자료 초안을 쓰고 검사합니다. `held_for_review`가 참이면 DOCX는 `reviewed=true`로만 받습니다."""
    brief = checked_brief(request, req)
    services = request.app.state.services
    result = services.queue.run(caller.client_id, draft_job(request, caller, req, brief))
    result["download"] = f"/api/v1/press-release/{result['id']}/docx"
    return result


@api.post("/press-release/{draft_id}/docx", summary="보도자료 초안 DOCX 내려받기",
          response_class=FileResponse, responses={200: {"content": {DOCX_TYPE: {}}}})
def press_release_docx(request: Request, draft_id: str, reviewed: bool = False,
                       caller: Caller = Depends(identify)):
    """검토 보류된 초안은 `reviewed=true`(편향·차별 경고를 검토했음)일 때만 내려받습니다."""
    path, name = export_docx(request, caller, draft_id, reviewed)
    return FileResponse(path, media_type=DOCX_TYPE, filename=name)


routers = [pages, api]
