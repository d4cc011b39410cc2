"""민원: the citizen complaint form and the staff desk pages over :class:`mokmin.minwon.desk.MinwonDesk`.

Citizens get one form (``/minwon``) and a receipt number; the desk masks personal data before anything is
stored, and nothing else of the desk (lists, drafts, answers) is reachable without a staff sign-in. Staff see
the masked complaint, the recommended departments with reasons, similar past complaints with their official
answers and the status history; they assign a department, have the model draft a reply (through the model
queue), edit and approve it, and mark it sent — the desk refuses "sent" before "approved" and its Korean
message is shown as it is. Staff forms post and redirect back (no JavaScript needed); the same actions are REST
endpoints under ``/api/v1/minwon``.
"""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Literal

from fastapi import BackgroundTasks, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from mokmin.errors import InputError, MokminError
from mokmin.web.pages import render
from mokmin.web.ratelimit import SlidingWindow
from mokmin.web.security import Caller, client_address, identify, router
from mokmin.web.uploads import feedback_reference, safe_name

public = router("public", tags=["민원 접수"])
pages = router("staff")
api = router("staff", prefix="/api/v1/minwon", tags=["민원"])

IMPORT_TYPES = (".csv", ".xlsx")
SUBMITS_PER_WINDOW = 5  # complaints one citizen (cookie, and address) may file …
SUBMIT_WINDOW_S = 600.0  # … in ten minutes
StatusName = Literal["received", "drafted", "approved", "sent"]
DONE_MESSAGES = {  # ?done= after a staff form: fixed texts, never echoed from the URL
    "routed": "담당 부서를 다시 추천했습니다.", "assigned": "부서를 배정했습니다.",
    "drafted": "답변 초안을 만들었습니다. 검토하고 고친 뒤 승인하세요.", "approved": "답변을 승인했습니다.",
    "sent": "발송 처리했습니다.",
}


# ---- the desk, once per app ------------------------------------------------------------------------------------
def public_search(services):
    """The knowledge base's public search for grounding drafts; no passages while there is no knowledge base."""
    def search(query: str, k: int, audience: str = "public"):
        if not (Path(services.settings.home) / "kb" / "kb.sqlite3").is_file():
            return []
        return services.kb().search(query, k, "public")

    return search


def build_desk(services, *, embed: bool = True):
    from mokmin.minwon.desk import MinwonDesk

    return MinwonDesk(services.settings, services.profile, search=public_search(services), embed=embed)


def desk(services):
    found = services.__dict__.get("_minwon_desk")
    if found is None:
        found = services.__dict__.setdefault("_minwon_desk", build_desk(services))
    return found


def submit_limiter(services) -> SlidingWindow:
    found = services.__dict__.get("_minwon_limit")
    if found is None:
        found = services.__dict__.setdefault("_minwon_limit", SlidingWindow(SUBMITS_PER_WINDOW, SUBMIT_WINDOW_S))
    return found


# ---- models ------------------------------------------------------------------------------------------------
class SubmitIn(BaseModel):
    title: str = Field("", max_length=200, description="민원 제목")
    content: str = Field(min_length=1, max_length=1_000_000, description="민원 내용")


class ReceiptOut(BaseModel):
    receipt: int = Field(description="접수 번호")
    message: str
    pii_masked: list[str] = Field(description="가린 개인정보 종류 (값은 돌려주지 않음)")


class ComplaintOut(BaseModel):
    id: int
    title: str
    text: str = Field(description="개인정보를 가린 내용")
    channel: str
    status: StatusName
    status_ko: str
    department: str
    route: list[dict[str, Any]]
    draft: str
    draft_info: dict[str, Any]
    approved_reply: str
    received_at: str
    received_by: str
    pii: dict[str, int]
    external_id: str | None = None
    drafted_at: str | None = None
    drafted_by: str | None = None
    approved_at: str | None = None
    approved_by: str | None = None
    sent_at: str | None = None
    sent_by: str | None = None
    has_original: bool = False


class ListOut(BaseModel):
    status: StatusName | None
    items: list[ComplaintOut]


class EventOut(BaseModel):
    action: str
    actor: str
    at: str
    note: str = ""


class SimilarOut(BaseModel):
    id: int
    title: str
    text: str
    answer: str
    department: str
    score: float


class CandidateOut(BaseModel):
    department: str
    score: float
    reason: str
    matched_terms: list[str] = []


class DetailOut(BaseModel):
    complaint: ComplaintOut
    candidates: list[CandidateOut]
    similar: list[SimilarOut]
    history: list[EventOut]


class RouteOut(BaseModel):
    complaint_id: int
    department: str = Field(description="배정된 부서 (첫 후보)")
    candidates: list[CandidateOut]


class DraftOut(BaseModel):
    complaint_id: int
    status: StatusName
    text: str
    findings: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    disclosure: str
    feedback: dict[str, Any]


class AssignIn(BaseModel):
    department: str = Field(min_length=1, max_length=100)


class ApproveIn(BaseModel):
    text: str | None = Field(None, max_length=1_000_000, description="고친 답변 (없으면 저장된 초안)")


class SentIn(BaseModel):
    note: str = Field("", max_length=500, description="발송 메모 (예: 문자, 우편)")


class ImportOut(BaseModel):
    kind: Literal["past", "new"]
    added: int
    ids: list[int]
    skipped: list[dict[str, Any]]
    columns: dict[str, str]
    unused_columns: list[str]
    masked: int


# ---- shared work -------------------------------------------------------------------------------------------
def detail(services, complaint_id: int) -> dict[str, Any]:
    d = desk(services)
    c = d.get(complaint_id)
    try:
        similar = [s.to_dict() for s in d.similar(complaint_id, 3, with_answer=True)] if d.store.past_count() else []
    except MokminError:
        similar = []
    return {"complaint": c.to_dict(), "candidates": c.route, "similar": similar,
            "history": [vars(e) for e in d.history(complaint_id)]}


def route_now(services, caller: Caller, complaint_id: int) -> dict[str, Any]:
    candidates = desk(services).route(complaint_id, actor=caller.actor)
    return {"complaint_id": complaint_id, "department": candidates[0].department if candidates else "",
            "candidates": [x.to_dict() for x in candidates]}


def auto_route(services, complaint_id: int) -> None:
    """Recommend departments for a new complaint after the citizen has their receipt (best effort)."""
    d = desk(services)
    if d.profile.departments or d.store.past_count():
        try:
            d.route(complaint_id, actor="web:auto-route")
        except MokminError:
            pass  # staff can ask again from the complaint's page


def draft_now(services, caller: Caller, complaint_id: int) -> dict[str, Any]:
    """Draft a reply through the model queue (the job stores the draft itself)."""
    from mokmin.guard.audit import acting_as, capture_records

    d = desk(services)
    d.get(complaint_id)  # a wrong number is refused before queueing

    def job(_emit) -> dict[str, Any]:
        with acting_as(caller.actor), capture_records() as records:
            draft = d.draft(complaint_id, services.backend(), actor=caller.actor)
        c = d.get(complaint_id)
        info = draft.to_dict()
        return {"complaint_id": complaint_id, "status": c.status, "text": draft.text, "findings": info["findings"],
                "removed": info["removed"], "disclosure": draft.disclosure,
                "feedback": feedback_reference(services, caller, "minwon_reply", records, question=c.text)}

    return services.queue.run(caller.client_id, job)


def approve_now(services, caller: Caller, complaint_id: int, text: str | None) -> dict[str, Any]:
    return desk(services).approve(complaint_id, actor=caller.actor, text=text).to_dict()


def sent_now(services, caller: Caller, complaint_id: int, note: str = "") -> dict[str, Any]:
    return desk(services).mark_sent(complaint_id, actor=caller.actor, note=note).to_dict()


async def import_upload(services, caller: Caller, file: UploadFile, kind: str, mapping: str) -> dict[str, Any]:
    """Save the upload to a fresh temporary folder (size-limited, our own name) and import it."""
    from mokmin.minwon.importer import parse_mapping

    if kind not in ("auto", "past", "new"):
        raise InputError(f"가져오기 종류가 올바르지 않습니다: {kind}", "auto, past, new 중 하나를 고르세요.")
    name = safe_name(file.filename, IMPORT_TYPES)
    pairs = [p.strip() for p in mapping.replace("\n", ",").split(",") if p.strip()]
    limit_mb = services.settings.web.max_upload_mb
    with tempfile.TemporaryDirectory(prefix="mokmin-minwon-") as folder:
        target = Path(folder) / name
        size = 0
        with target.open("xb") as out:
            while piece := await file.read(1 << 20):
                size += len(piece)
                if size > limit_mb * 1024 * 1024:
                    raise InputError(f"파일이 너무 큽니다: {name} ({limit_mb}MB 초과)",
                                     f"{limit_mb}MB 이하로 나누어 올리세요.")
                out.write(piece)
        if size == 0:
            raise InputError(f"빈 파일입니다: {name}", "내용이 들어 있는 파일을 올리세요.")
        try:
            report = await run_in_threadpool(desk(services).import_file, target, mapping=parse_mapping(pairs),
                                             kind=kind, actor=caller.actor)
        except MokminError as exc:
            exc.message = exc.message.replace(str(target), name)
            raise
    return report.to_dict()


# ---- citizens ----------------------------------------------------------------------------------------------
@public.get("/minwon", include_in_schema=False)
def citizen_page(request: Request):
    services = request.app.state.services
    return render(request, "minwon_public.html", max_chars=services.settings.minwon.max_chars,
                  per_window=SUBMITS_PER_WINDOW, window_minutes=int(SUBMIT_WINDOW_S // 60))


@public.post("/api/public/minwon", response_model=ReceiptOut, summary="민원 접수 (시민)")
def citizen_submit(request: Request, body: SubmitIn, background: BackgroundTasks,
                   caller: Caller = Depends(identify)) -> dict:
    """민원을 접수하고 접수 번호를 돌려줍니다. 개인정보는 가려서 저장하며, 답변은 담당 공무원이 합니다."""
    services = request.app.state.services
    wait = submit_limiter(services).check([caller.client_id, "addr:" + client_address(request)])
    if wait is not None:
        raise HTTPException(429, f"민원 접수가 너무 잦습니다. {wait}초 뒤에 다시 접수하세요.",
                            headers={"Retry-After": str(wait)})
    content = unicodedata.normalize("NFC", body.content)
    c = desk(services).submit(content, title=body.title, channel="web", actor=caller.actor)
    background.add_task(auto_route, services, c.id)
    return {"receipt": c.id, "pii_masked": sorted(c.pii),
            "message": f"민원이 접수되었습니다 (접수 번호 {c.id}). 담당 공무원이 내용을 확인한 뒤 답변드립니다."}


# ---- staff pages (forms post and come back to the page) ------------------------------------------------------
@pages.get("/staff/minwon", include_in_schema=False)
def list_page(request: Request, status: str = ""):
    from mokmin.minwon.store import STATUS_KO

    chosen = status if status in STATUS_KO else None
    items = desk(request.app.state.services).list(chosen, limit=200)
    return render(request, "minwon_list.html", items=items, status=chosen or "", statuses=STATUS_KO, report=None)


@pages.post("/staff/minwon/import", include_in_schema=False)
async def import_page(request: Request, file: UploadFile = File(...), kind: str = Form("auto"),
                      mapping: str = Form(""), caller: Caller = Depends(identify)):
    from mokmin.minwon.store import STATUS_KO

    services = request.app.state.services
    report = await import_upload(services, caller, file, kind, mapping)
    items = await run_in_threadpool(desk(services).list, None, 200)
    return render(request, "minwon_list.html", items=items, status="", statuses=STATUS_KO, report=report)


@pages.get("/staff/minwon/{complaint_id}", include_in_schema=False)
def detail_page(request: Request, complaint_id: int, done: str = ""):
    services = request.app.state.services
    data = detail(services, complaint_id)
    return render(request, "minwon_detail.html", **data, done=DONE_MESSAGES.get(done, ""),
                  departments=[d.name for d in services.profile.departments])


def _back(complaint_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"/staff/minwon/{complaint_id}?done={done}", status_code=303)


@pages.post("/staff/minwon/{complaint_id}/route", include_in_schema=False)
def route_form(request: Request, complaint_id: int, caller: Caller = Depends(identify)):
    route_now(request.app.state.services, caller, complaint_id)
    return _back(complaint_id, "routed")


@pages.post("/staff/minwon/{complaint_id}/assign", include_in_schema=False)
def assign_form(request: Request, complaint_id: int, department: str = Form(""), caller: Caller = Depends(identify)):
    desk(request.app.state.services).assign(complaint_id, department, actor=caller.actor)
    return _back(complaint_id, "assigned")


@pages.post("/staff/minwon/{complaint_id}/draft", include_in_schema=False)
def draft_form(request: Request, complaint_id: int, caller: Caller = Depends(identify)):
    draft_now(request.app.state.services, caller, complaint_id)
    return _back(complaint_id, "drafted")


@pages.post("/staff/minwon/{complaint_id}/approve", include_in_schema=False)
def approve_form(request: Request, complaint_id: int, text: str = Form(""), caller: Caller = Depends(identify)):
    approve_now(request.app.state.services, caller, complaint_id, text if text.strip() else None)
    return _back(complaint_id, "approved")


@pages.post("/staff/minwon/{complaint_id}/sent", include_in_schema=False)
def sent_form(request: Request, complaint_id: int, note: str = Form(""), caller: Caller = Depends(identify)):
    sent_now(request.app.state.services, caller, complaint_id, note.strip()[:500])
    return _back(complaint_id, "sent")


# ---- REST --------------------------------------------------------------------------------------------------
@api.get("", response_model=ListOut, summary="민원 목록")
def list_rest(request: Request, status: StatusName | None = None, limit: int = Query(50, ge=1, le=500)) -> dict:
    """접수된 민원을 최근 것부터 돌려줍니다 (`status`로 처리 상태를 거를 수 있음)."""
    items = desk(request.app.state.services).list(status, limit)
    return {"status": status, "items": [c.to_dict() for c in items]}


@api.post("/import", response_model=ImportOut, summary="민원 파일 가져오기")
async def import_rest(request: Request, file: UploadFile = File(...), kind: str = Form("auto"),
                      mapping: str = Form("", description="열 지정, 예: text=민원요지, department=처리과"),
                      caller: Caller = Depends(identify)) -> dict:
    """CSV·XLSX를 과거 민원(부서·답변) 또는 새 민원으로 가져옵니다. 개인정보는 가려서 저장합니다."""
    return await import_upload(request.app.state.services, caller, file, kind, mapping)


@api.get("/{complaint_id}", response_model=DetailOut, summary="민원 상세")
def get_rest(request: Request, complaint_id: int) -> dict:
    """가린 내용, 추천 부서와 근거, 답변이 있는 비슷한 과거 민원, 처리 이력."""
    return detail(request.app.state.services, complaint_id)


@api.post("/{complaint_id}/route", response_model=RouteOut, summary="담당 부서 추천")
def route_rest(request: Request, complaint_id: int, caller: Caller = Depends(identify)) -> dict:
    """부서 후보 세 곳을 근거와 함께 돌려주고, 첫 후보를 민원의 부서로 둡니다."""
    return route_now(request.app.state.services, caller, complaint_id)


@api.post("/{complaint_id}/assign", response_model=ComplaintOut, summary="부서 배정")
def assign_rest(request: Request, complaint_id: int, body: AssignIn, caller: Caller = Depends(identify)) -> dict:
    return desk(request.app.state.services).assign(complaint_id, body.department, actor=caller.actor).to_dict()


@api.post("/{complaint_id}/draft", response_model=DraftOut, summary="답변 초안 작성")
def draft_rest(request: Request, complaint_id: int, caller: Caller = Depends(identify)) -> dict:
    """모델이 답변 초안을 씁니다. 근거 없는 문장은 빠지고, 담당 공무원이 검토·승인해야 발송할 수 있습니다."""
    return draft_now(request.app.state.services, caller, complaint_id)


@api.post("/{complaint_id}/approve", response_model=ComplaintOut, summary="답변 승인")
def approve_rest(request: Request, complaint_id: int, body: ApproveIn, caller: Caller = Depends(identify)) -> dict:
    """로그인한 공무원(또는 API 키의 사용자)이 승인자로 기록됩니다."""
    return approve_now(request.app.state.services, caller, complaint_id, body.text)


@api.post("/{complaint_id}/sent", response_model=ComplaintOut, summary="발송 처리")
def sent_rest(request: Request, complaint_id: int, body: SentIn, caller: Caller = Depends(identify)) -> dict:
    """승인된 답변만 발송 처리할 수 있습니다."""
    return sent_now(request.app.state.services, caller, complaint_id, body.note)


routers = [public, pages, api]
