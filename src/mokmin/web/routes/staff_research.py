"""자료조사: staff questions over the whole knowledge base (audience "staff"), streamed, with sources.

The answer comes from :func:`mokmin.workflows.answer.answer_question` through the model queue; a refusal
is shown as one (with the closest documents and the department to ask). Every cited passage can be opened:
staff may read any chunk of the knowledge base. ``/api/v1/kb/search`` is the plain search, audited like
``mokmin kb search``.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from mokmin.guard.audit import SearchEvent, acting_as, capture_records, record
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router
from mokmin.web.streaming import stream_job
from mokmin.web.uploads import feedback_reference, finding_dict

pages = router("staff")
api = router("staff", prefix="/api/v1", tags=["지식베이스"])


class QuestionIn(BaseModel):
    question: str = Field(max_length=2000, description="질문")


class PassageOut(BaseModel):
    n: int | None = None
    chunk_id: int
    doc_id: int
    title: str
    page: int | None
    heading: str = ""
    audience: str
    location: str
    text: str
    score: float | None = None
    cited: bool = False


class SearchIn(BaseModel):
    query: str = Field(max_length=2000, description="검색어 (질문 문장도 됩니다)")
    k: int = Field(5, ge=1, le=50, description="결과 수")
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid"


class SearchOut(BaseModel):
    query: str
    truncated: bool
    warnings: list[str]
    results: list[PassageOut]


def passage_json(p, n: int | None = None, cited: bool = False) -> dict[str, Any]:
    return {"n": n, "chunk_id": p.chunk_id, "doc_id": p.doc_id, "title": p.title, "page": p.page,
            "heading": p.heading, "audience": p.audience, "location": p.location(), "text": p.text,
            "score": p.score, "cited": cited}


def answer_json(result) -> dict[str, Any]:
    cited = set(result.cited())
    dept = result.department
    return {
        "question": result.question,
        "text": result.text,
        "refused": result.refused,
        "sources": [passage_json(p, i, i in cited) for i, p in enumerate(result.passages, 1)],
        "closest": [passage_json(p) for p in result.closest],
        "department": {"name": dept.name, "phone": dept.phone} if dept else None,
        "findings": [finding_dict(f) for f in result.findings],
        "disclosure": result.disclosure,
        "backend": result.backend,
        "prompt_id": result.prompt_id,
    }


@pages.get("/staff/research", include_in_schema=False)
def research_page(request: Request):
    return render(request, "staff_research.html")


@pages.post("/staff/api/research", include_in_schema=False)
async def research_stream(request: Request, body: QuestionIn, caller: Caller = Depends(identify)):
    from mokmin.workflows.answer import answer_question, validate_question

    question = validate_question(body.question)
    services = request.app.state.services
    kb = await run_in_threadpool(services.kb)

    def job(emit):
        with acting_as(caller.actor), capture_records() as records:
            result = answer_question(question, kb.search, services.backend(), services.profile,
                                     audience=caller.audience, on_token=emit)
        data = answer_json(result)
        sources = [{"n": s["n"], "location": s["location"], "chunk_id": s["chunk_id"]} for s in data["sources"]]
        data["feedback"] = feedback_reference(services, caller, "answer", records, question=question,
                                              refused=result.refused, sources=sources)
        return data

    return stream_job(services.queue, caller.client_id, job, lambda r: r)


@api.get("/kb/passages/{chunk_id}", response_model=PassageOut, response_model_exclude_none=True,
         summary="구절 전문")
def passage(request: Request, chunk_id: int) -> dict:
    """인용된 구절(조각)의 전문. 직원은 모든 문서의 구절을 읽을 수 있습니다."""
    kb = request.app.state.services.kb()
    row = kb.store.passages([chunk_id]).get(chunk_id)
    if row is None:
        raise HTTPException(404, "구절을 찾을 수 없습니다. 문서가 지워졌거나 다시 색인되었을 수 있습니다.")
    where = row["title"] + (f", {row['page']}쪽" if row["page"] else "")
    if row["heading"]:
        where += f" «{row['heading']}»"
    return {"chunk_id": row["id"], "doc_id": row["doc_id"], "title": row["title"], "page": row["page"],
            "heading": row["heading"], "audience": row["audience"], "location": where, "text": row["text"]}


@api.post("/kb/search", response_model=SearchOut, summary="지식베이스 검색")
def kb_search(request: Request, body: SearchIn, caller: Caller = Depends(identify)) -> dict:
    """관련 구절을 찾습니다 (직원: 모든 문서). 검색은 감사 로그에 남습니다."""
    services = request.app.state.services
    results = services.kb().search(body.query, k=body.k, audience=caller.audience, mode=body.mode)
    with acting_as(caller.actor):
        record(SearchEvent(query=results.query, audience=caller.audience, mode=body.mode, results=list(results)),
               services.settings)
    return {"query": results.query, "truncated": results.truncated, "warnings": results.warnings,
            "results": [passage_json(p, i) for i, p in enumerate(results, 1)]}


routers = [pages, api]
