"""지식베이스 관리: list documents with their audience, upload files, change audience, remove.

Uploaded files are checked (type, size) and saved by :mod:`mokmin.web.uploads`; a request with one bad
file saves nothing. Indexing runs in a background thread, one file at a time through
:meth:`mokmin.knowledge.index.KnowledgeBase.add` (which keeps the index whole when a file cannot be read),
and writes its progress to ``kb_jobs`` for the page to poll. Every change is recorded in the audit log.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field

from mokmin.errors import InputError, MokminError
from mokmin.guard.audit import AccessEvent, acting_as, record
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router
from mokmin.web.uploads import SavedUpload, now, remove_upload_folder, save_upload, upload_root

pages = router("staff")
api = router("staff", prefix="/api/v1", tags=["지식베이스"])
log = logging.getLogger("mokmin.web")
AUDIENCE_LABEL = {"public": "공개", "staff": "직원용"}
MAX_FILES = 20
_SCHEMA = """
CREATE TABLE IF NOT EXISTS kb_jobs (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    created TEXT NOT NULL,
    audience TEXT NOT NULL,
    status TEXT NOT NULL,
    total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    current TEXT NOT NULL DEFAULT '',
    results TEXT NOT NULL DEFAULT '[]'
);
"""


class DocumentOut(BaseModel):
    id: int
    title: str
    name: str
    format: str
    audience: Literal["public", "staff"]
    audience_label: str
    pages: int | None
    chunks: int
    embedded: int
    size: int
    updated: str
    uploaded: bool = Field(description="웹에서 올린 파일인가")


class AudienceIn(BaseModel):
    audience: Literal["public", "staff"]


class FileResult(BaseModel):
    name: str
    ok: bool
    message: str
    chunks: int = 0


class JobOut(BaseModel):
    id: str
    status: Literal["running", "done"]
    audience: str
    total: int
    done: int
    current: str
    results: list[FileResult]


class JobStarted(BaseModel):
    job_id: str
    status_url: str
    files: list[str]


def _ingest_lock(services) -> threading.Lock:
    """The lock that lets one ingest run at a time (``kb_jobs`` is created with it, once per app)."""
    lock = services.__dict__.get("_kb_jobs_lock")
    if lock is None:
        services.db.ensure_schema(_SCHEMA)
        lock = services.__dict__.setdefault("_kb_jobs_lock", threading.Lock())
    return lock


def document_json(services, d) -> dict[str, Any]:
    root = upload_root(services).resolve()
    return {"id": d.id, "title": d.title, "name": Path(d.path).name, "format": d.format, "audience": d.audience,
            "audience_label": AUDIENCE_LABEL.get(d.audience, d.audience), "pages": d.pages, "chunks": d.chunks,
            "embedded": d.embedded, "size": d.size, "updated": d.updated,
            "uploaded": root in Path(d.path).parents}


def _audit(services, caller: Caller, action: str, target: str, ok: bool = True) -> None:
    with acting_as(caller.actor):
        record(AccessEvent(action=action, target=target[:300], ok=ok), services.settings)


def _update(services, job_id: str, **values: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    services.db.execute(f"UPDATE kb_jobs SET {sets} WHERE id = ?", (*values.values(), job_id))


def _ingest_one(services, saved: SavedUpload, audience: str, embed: bool) -> dict[str, Any]:
    """Index one uploaded file; its result line (a failure removes the file again)."""
    shown = lambda text: text.replace(str(saved.path), saved.name)  # noqa: E731 - no server paths on screen
    try:
        summary = services.kb().add([saved.path], audience=audience, embed=embed, progress=False)
    except MokminError as exc:
        remove_upload_folder(services, saved.path)
        return {"name": saved.name, "ok": False, "message": shown(exc.message)}
    except Exception as exc:  # noqa: BLE001 - one file must not stop the others
        log.exception("indexing %s failed", saved.path)
        remove_upload_folder(services, saved.path)
        return {"name": saved.name, "ok": False, "message": f"색인 중 오류가 났습니다 ({exc.__class__.__name__})."}
    if summary.failed:
        remove_upload_folder(services, saved.path)
        return {"name": saved.name, "ok": False, "message": shown(summary.failed[0][1])}
    notes = [shown(m) for _p, m in summary.warnings]
    message = f"색인했습니다 (조각 {summary.chunks}개)" if summary.indexed else "이미 색인된 같은 파일입니다"
    return {"name": saved.name, "ok": True, "message": " · ".join([message, *notes]), "chunks": summary.chunks}


def run_job(services, caller: Caller, job_id: str, files: list[SavedUpload], audience: str, embed: bool) -> None:
    results: list[dict[str, Any]] = []
    try:
        with _ingest_lock(services):  # one ingest at a time; searches go on meanwhile
            for i, saved in enumerate(files):
                _update(services, job_id, current=saved.name, done=i)
                outcome = _ingest_one(services, saved, audience, embed)
                results.append(outcome)
                _audit(services, caller, "kb.add", f"{saved.name} ({audience})", outcome["ok"])
                _update(services, job_id, results=json.dumps(results, ensure_ascii=False), done=i + 1)
    except Exception:  # noqa: BLE001 - the app may be shutting down
        log.exception("knowledge-base job %s stopped", job_id)
    finally:
        try:
            _update(services, job_id, status="done", current="")
        except Exception:  # noqa: BLE001
            pass


def start_job(services, caller: Caller, files: list[SavedUpload], audience: str, embed: bool) -> str:
    _ingest_lock(services)
    job_id = secrets.token_urlsafe(10)
    services.db.execute(
        "INSERT INTO kb_jobs (id, user_id, created, audience, status, total) VALUES (?,?,?,?,?,?)",
        (job_id, caller.user.id if caller.user else 0, now(), audience, "running", len(files)),
    )
    threading.Thread(target=run_job, args=(services, caller, job_id, files, audience, embed),
                     name=f"mokmin-kb-{job_id}", daemon=True).start()
    return job_id


def _document(services, doc_id: int):
    found = [d for d in services.kb().list() if d.id == doc_id]
    if not found:
        raise HTTPException(404, "지식베이스에 없는 문서입니다. 목록을 새로 고치세요.")
    return found[0]


# ---- page ----------------------------------------------------------------------------------------------------
@pages.get("/staff/kb", include_in_schema=False)
def kb_page(request: Request):
    from mokmin.knowledge.readers import SUPPORTED_SUFFIXES

    services = request.app.state.services
    docs = [document_json(services, d) for d in services.kb().list()]
    return render(request, "staff_kb.html", docs=docs, upload_types=", ".join(sorted(SUPPORTED_SUFFIXES)),
                  max_upload_mb=services.settings.web.max_upload_mb, max_files=MAX_FILES)


# ---- REST (the page uses these too) ----------------------------------------------------------------------------
@api.get("/kb/documents", response_model=list[DocumentOut], summary="지식베이스 문서 목록")
def list_documents(request: Request) -> list[dict]:
    services = request.app.state.services
    return [document_json(services, d) for d in services.kb().list()]


@api.post("/kb/documents", response_model=JobStarted, status_code=202, summary="지식베이스에 파일 올리기")
async def upload_documents(request: Request, files: list[UploadFile] = File(...),
                           audience: Literal["public", "staff"] = Form("staff"), embed: str = Form("true"),
                           caller: Caller = Depends(identify)) -> dict:
    """파일을 올려 색인합니다(백그라운드). 진행 상황은 `status_url`에서 봅니다. 형식이 틀리거나 너무 큰 파일이
    하나라도 있으면 아무것도 저장하지 않습니다."""
    from mokmin.knowledge.readers import SUPPORTED_SUFFIXES

    services = request.app.state.services
    if len(files) > MAX_FILES:
        raise InputError(f"한 번에 {MAX_FILES}개까지 올릴 수 있습니다 ({len(files)}개).", "나누어 올리세요.")
    saved: list[SavedUpload] = []
    try:
        for upload in files:
            saved.append(await save_upload(services, caller, upload, area="kb", allowed=SUPPORTED_SUFFIXES))
    except BaseException:
        for s in saved:
            remove_upload_folder(services, s.path)
        raise
    job_id = start_job(services, caller, saved, audience, embed.lower() not in ("false", "0", "off", "no"))
    return {"job_id": job_id, "status_url": f"/api/v1/kb/jobs/{job_id}", "files": [s.name for s in saved]}


@api.get("/kb/jobs/{job_id}", response_model=JobOut, summary="색인 진행 상황")
def job_status(request: Request, job_id: str, caller: Caller = Depends(identify)) -> dict:
    services = request.app.state.services
    _ingest_lock(services)
    row = services.db.query_one("SELECT * FROM kb_jobs WHERE id = ? AND user_id = ?",
                                (job_id, caller.user.id if caller.user else 0))
    if row is None:
        raise HTTPException(404, "색인 작업을 찾을 수 없습니다.")
    return {"id": row["id"], "status": row["status"], "audience": row["audience"], "total": row["total"],
            "done": row["done"], "current": row["current"], "results": json.loads(row["results"])}


@api.post("/kb/documents/{doc_id}/audience", response_model=DocumentOut, summary="공개 범위 바꾸기")
def change_audience(request: Request, doc_id: int, body: AudienceIn, caller: Caller = Depends(identify)) -> dict:
    """public(시민에게도 보임) 또는 staff(직원만)."""
    services = request.app.state.services
    doc = _document(services, doc_id)
    services.kb().set_audience([doc.id], body.audience)
    _audit(services, caller, "kb.audience", f"{doc.id} {doc.title} → {body.audience}")
    return document_json(services, _document(services, doc_id))


@api.delete("/kb/documents/{doc_id}", summary="지식베이스에서 문서 지우기")
def remove_document(request: Request, doc_id: int, caller: Caller = Depends(identify)) -> dict:
    """문서를 색인에서 지웁니다. 웹으로 올린 파일은 파일도 지웁니다."""
    services = request.app.state.services
    doc = _document(services, doc_id)
    services.kb().remove([doc.id])
    if document_json(services, doc)["uploaded"]:
        remove_upload_folder(services, doc.path)
    _audit(services, caller, "kb.remove", f"{doc.id} {doc.title}")
    return {"removed": doc.id, "title": doc.title}


routers = [pages, api]
