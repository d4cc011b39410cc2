"""The citizen chat: ``/chat`` (no sign-in), its streamed answers, cited public passages and own history.

A citizen's message is masked for personal data before anything is stored, checked for discriminatory
expressions and social bias (recorded; a gentle notice only for discriminatory terms; never a refusal for
that), limited per cookie *and* per address (clearing cookies does not reset the limit) and answered from
public documents only (``caller.audience``; nothing from the request chooses the audience).

Events of ``POST /api/public/chat``: ``notice`` (only when something was masked or noticed), ``queued``,
``token``…, then ``done`` (the checked answer, its sources and the feedback reference) or ``error``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import PurePath

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from mokmin.checks.bias import check_bias
from mokmin.checks.discrimination import check_discrimination
from mokmin.checks.finding import Finding
from mokmin.errors import MokminError
from mokmin.web.chat_store import CitizenMessage, chat_store, mask_message
from mokmin.web.pages import render
from mokmin.web.ratelimit import SlidingWindow
from mokmin.web.routes.ask_api import (
    Answered,
    answer_job,
    answer_sources,
    contact_of,
    refusal_note,
    source_out,
)
from mokmin.web.security import Caller, client_address, identify, router
from mokmin.web.streaming import sse, stream_job
from mokmin.workflows.answer import MAX_QUESTION_CHARS, validate_question

log = logging.getLogger("mokmin.web")
public = router("public", tags=["시민 상담"])

SOURCE_READS_PER_QUESTION = 10  # opening cited passages is cheap, but not a way to download the whole base


class ChatIn(BaseModel):
    message: str = Field(min_length=1, max_length=4 * MAX_QUESTION_CHARS, description="질문 (1,000자 이내)")


class PassageOut(BaseModel):
    chunk_id: int
    title: str
    file: str = Field(description="문서 파일 이름")
    page: int | None
    heading: str
    text: str


# ---- limits ------------------------------------------------------------------------------------------------
def limiters(services) -> tuple[SlidingWindow, SlidingWindow]:
    """(questions, passage reads) per minute, made once per app."""
    found = services.__dict__.get("_citizen_limits")
    if found is None:
        per_minute = services.settings.web.citizen_per_minute
        found = services.__dict__.setdefault(
            "_citizen_limits",
            (SlidingWindow(per_minute), SlidingWindow(per_minute * SOURCE_READS_PER_QUESTION)))
    return found


def limit_keys(request: Request, caller: Caller) -> list[str]:
    return [caller.client_id, "addr:" + client_address(request)]


# ---- what the citizen sent ---------------------------------------------------------------------------------
def examine_message(text: str, profile) -> CitizenMessage:
    """Mask personal data, then look for discriminatory terms and social bias in the masked text."""
    masked = mask_message(text, profile)
    findings: list[Finding] = check_discrimination(masked.text)
    try:
        findings += check_bias(masked.text)
    except MokminError as exc:  # the classifier's files are missing: answer anyway, say so in the log
        log.warning("bias check skipped: %s", exc.message)
    return CitizenMessage(text, masked, findings)


def notices(message: CitizenMessage) -> dict:
    return {"pii_masked": message.pii_types,
            "discrimination": [f.message for f in message.findings if f.source == "discrimination"]}


# ---- pages and endpoints -----------------------------------------------------------------------------------
@public.get("/chat", include_in_schema=False)
def chat_page(request: Request, caller: Caller = Depends(identify)):
    services = request.app.state.services
    return render(request, "chat.html", disclosure=services.profile.ai_answer_disclosure,
                  per_minute=services.settings.web.citizen_per_minute, max_chars=MAX_QUESTION_CHARS)


@public.post("/api/public/chat", summary="시민 상담 질문 (SSE)")
async def chat(body: ChatIn, request: Request, caller: Caller = Depends(identify)):
    """공개 문서로 답합니다. 응답은 server-sent events: notice?, queued, token…, done | error."""
    services = request.app.state.services
    questions, _reads = limiters(services)
    questions.hit(limit_keys(request, caller))
    question = validate_question(body.message)
    message = await run_in_threadpool(examine_message, question, services.profile)

    def job(emit) -> tuple[Answered, dict]:
        answered = answer_job(services, caller, message.original, kind="citizen_answer",
                              question_masked=message.text, on_token=emit)
        shown = done_payload(services.profile, message, answered)
        kept = {k: shown[k] for k in ("sources", "closest", "contact", "note", "disclosure")}
        answer = answered.answer
        chat_store(services).add(caller.client_id, message, answer.text, answer.refused, kept,
                                 item_id=answered.item_id, audit_seq=answered.audit_seq,
                                 audit_hash=answered.audit_hash)
        return answered, shown

    response = stream_job(services.queue, caller.client_id, job, lambda result: result[1])
    told = notices(message)
    if told["pii_masked"] or told["discrimination"]:
        response.body_iterator = _prepend(sse("notice", told), response.body_iterator)
    return response


def done_payload(profile, message: CitizenMessage, answered: Answered) -> dict:
    answer = answered.answer
    return {
        "question": message.text,
        "text": message.scrub(answer.text),
        "refused": answer.refused,
        "sources": [s.model_dump() for s in answer_sources(answer)],
        "closest": [source_out(p, None).model_dump(include={"chunk_id", "title", "page", "heading"})
                    for p in answer.closest],
        "contact": (c.model_dump() if (c := contact_of(answer, profile)) and answer.refused else None),
        "note": refusal_note(answer, profile) if answer.refused else "",
        "disclosure": answer.disclosure,
        "pii_masked": message.pii_types,
        "notices": notices(message)["discrimination"],
        "feedback": answered.feedback(),
    }


async def _prepend(first: str, rest: AsyncIterator) -> AsyncIterator:
    yield first
    async for chunk in rest:
        yield chunk


@public.get("/api/public/source/{chunk_id}", response_model=PassageOut, summary="인용한 공개 구절")
def source(chunk_id: int, request: Request, caller: Caller = Depends(identify)) -> PassageOut:
    """답에서 인용한 구절. 공개 문서의 구절만 보여 줍니다(그 밖은 404)."""
    services = request.app.state.services
    _questions, reads = limiters(services)
    reads.hit(limit_keys(request, caller))
    row = services.kb().store.passages([chunk_id]).get(chunk_id)
    if row is None or (caller.audience != "staff" and row["audience"] != "public"):
        raise HTTPException(404, "공개된 자료에서 이 구절을 찾을 수 없습니다.")
    return PassageOut(chunk_id=row["id"], title=row["title"], file=PurePath(row["path"]).name,
                      page=row["page"], heading=row["heading"] or "", text=row["text"])


@public.get("/api/public/history", summary="이 브라우저의 상담 기록")
def history(request: Request, caller: Caller = Depends(identify)) -> dict:
    """이 브라우저(쿠키)에서 한 질문과 답. 개인정보는 가려 저장합니다."""
    return {"items": chat_store(request.app.state.services).history(caller.client_id)}


@public.post("/api/public/history/clear", summary="이 브라우저의 상담 기록 지우기")
def clear_history(request: Request, caller: Caller = Depends(identify)) -> dict:
    return {"deleted": chat_store(request.app.state.services).clear(caller.client_id)}


routers = [public]
