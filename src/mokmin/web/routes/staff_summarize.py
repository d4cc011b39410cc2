"""요약: an uploaded document (any format the readers take) summarised section by section with its pages,
by :func:`mokmin.workflows.summarize.summarize_document` through the model queue. The document is read
when it is uploaded, so an unreadable file is refused before it waits for the model."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from mokmin.guard.audit import acting_as, capture_records
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router
from mokmin.web.streaming import stream_job
from mokmin.web.uploads import feedback_reference, find_upload, finding_dict, reading, save_upload

pages = router("staff")
api = router("staff", prefix="/api/v1", tags=["요약"])


class SummarizeIn(BaseModel):
    upload_id: str = Field(max_length=40, description="/staff/api/summarize/upload 가 돌려준 ID")


class UploadedOut(BaseModel):
    upload_id: str
    name: str
    title: str
    format: str
    sections: int
    warnings: list[str]


class PartOut(BaseModel):
    section: str
    pages: list[int | None]
    page_label: str
    summary: str
    findings: list[dict[str, Any]]


class SummaryOut(BaseModel):
    title: str
    parts: list[PartOut]
    markdown: str
    disclosure: str
    backend: str
    prompt_id: str
    feedback: dict[str, Any]


def reader_types() -> tuple[str, ...]:
    from mokmin.knowledge.readers import SUPPORTED_SUFFIXES

    return tuple(sorted(SUPPORTED_SUFFIXES))


def part_json(part) -> dict[str, Any]:
    return {"section": part.section.title, "pages": list(part.section.pages),
            "page_label": part.section.page_label(), "summary": part.summary,
            "findings": [finding_dict(f) for f in part.findings]}


def summary_job(request: Request, caller: Caller, doc):
    services = request.app.state.services

    def job(emit):
        from mokmin.workflows.summarize import summarize_document

        def progress(i: int, n: int, part) -> None:
            label = part.section.page_label()
            emit(f"{i}/{n} {part.section.title}" + (f" ({label})" if label else "") + f": {part.summary}\n")

        with acting_as(caller.actor), capture_records() as records:
            summary = summarize_document(doc, services.backend(), on_section=progress,
                                         disclosure=services.profile.ai_answer_disclosure)
        return {"title": summary.title, "parts": [part_json(p) for p in summary.parts],
                "markdown": summary.to_markdown(), "disclosure": summary.disclosure,
                "backend": summary.backend, "prompt_id": summary.prompt_id,
                "feedback": feedback_reference(services, caller, "summarize", records)}

    return job


async def read_upload(request: Request, caller: Caller, file: UploadFile):
    """Save and read an uploaded document; (saved upload, parsed document) or a DocumentError."""
    from mokmin.knowledge.readers import read_document

    services = request.app.state.services
    saved = await save_upload(services, caller, file, area="summarize", allowed=reader_types())
    with reading(services, saved):
        doc = await run_in_threadpool(read_document, saved.path)
    return saved, doc


@pages.get("/staff/summarize", include_in_schema=False)
def summarize_page(request: Request):
    return render(request, "staff_summarize.html", upload_types=", ".join(reader_types()))


@pages.post("/staff/api/summarize/upload", include_in_schema=False, response_model=UploadedOut)
async def summarize_upload(request: Request, file: UploadFile = File(...), caller: Caller = Depends(identify)):
    from mokmin.workflows.summarize import split_sections

    saved, doc = await read_upload(request, caller, file)
    return {"upload_id": saved.id, "name": saved.name, "title": doc.title, "format": doc.format,
            "sections": len(split_sections(doc)), "warnings": doc.warnings}


@pages.post("/staff/api/summarize", include_in_schema=False)
async def summarize_stream(request: Request, body: SummarizeIn, caller: Caller = Depends(identify)):
    from mokmin.knowledge.readers import read_document

    services = request.app.state.services
    saved = find_upload(services, caller, body.upload_id, "summarize")
    with reading(services, saved, keep=True):
        doc = await run_in_threadpool(read_document, saved.path)
    return stream_job(services.queue, caller.client_id, summary_job(request, caller, doc), lambda r: r)


@api.post("/summarize", response_model=SummaryOut, summary="문서 요약")
async def summarize_rest(request: Request, file: UploadFile = File(...), caller: Caller = Depends(identify)):
    """문서(HWP, HWPX, PDF, DOCX, HTML, TXT, MD)를 부분별로 요약하고, 각 부분에 해당 쪽을 붙입니다."""
    _saved, doc = await read_upload(request, caller, file)
    queue = request.app.state.services.queue
    return await run_in_threadpool(queue.run, caller.client_id, summary_job(request, caller, doc))


routers = [pages, api]
