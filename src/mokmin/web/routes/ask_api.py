"""Grounded answers on the web: the job every answering route queues, and REST ``POST /api/v1/ask``.

:func:`answer_job` runs :func:`mokmin.workflows.answer.answer_question` in the model queue's worker for one
caller (their audience, their audit name), keeps the audit reference of the generation record and stores
the interaction for the feedback dashboard (question masked). The citizen chat and the OpenAI-compatible
API use it too, so every way of asking is answered, checked and recorded the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from mokmin.checks.finding import Finding
from mokmin.guard.audit import acting_as, capture_records
from mokmin.knowledge.types import Audience, Passage
from mokmin.llm.base import GenerationOptions
from mokmin.profile import CityProfile
from mokmin.web.chat_store import mask_message
from mokmin.web.feedback import record_interaction
from mokmin.web.security import Caller, identify, router
from mokmin.workflows.answer import MAX_QUESTION_CHARS, Answer, answer_question, validate_question

staff = router("staff", tags=["질의응답"])


# ---- the shared job ----------------------------------------------------------------------------------------
@dataclass
class Answered:
    answer: Answer
    kind: str
    item_id: str | None
    audit_seq: int | None
    audit_hash: str | None

    def feedback(self) -> dict:
        return {"kind": self.kind, "item_id": self.item_id, "audit_seq": self.audit_seq,
                "audit_hash": self.audit_hash}


def answer_job(services, caller: Caller, question: str, *, kind: str, question_masked: str,
               audience: Audience | None = None, on_token: Callable[[str], None] | None = None,
               options: GenerationOptions | None = None) -> Answered:
    """Answer ``question`` for ``caller`` (runs in the queue's worker thread) and record the interaction."""
    audience = audience or caller.audience
    with acting_as(caller.actor), capture_records() as records:
        answer = answer_question(question, services.kb().search, services.backend(), services.profile,
                                 audience=audience, options=options, on_token=on_token)
    generation = next((r for r in reversed(records) if r.get("kind") == "generation"), None)
    seq = generation.get("seq") if generation else None
    digest = generation.get("hash") if generation else None
    sources = [{"n": i, "chunk_id": p.chunk_id, "title": p.title, "page": p.page}
               for i, p in enumerate(answer.passages, 1)]
    item_id = record_interaction(services, kind, question_masked, answer.refused, seq, digest, caller,
                                 sources=sources)
    return Answered(answer, kind, item_id, seq, digest)


def generation_options(max_tokens: int | None) -> GenerationOptions | None:
    """The answer's options when a caller asks for a length (deterministic, at most 1024 tokens)."""
    if max_tokens is None:
        return None
    return GenerationOptions(temperature=0.0, max_tokens=max(16, min(int(max_tokens), 1024)))


async def run_queued(services, caller: Caller, job: Callable[[Callable[[str], None]], object]):
    """Queue ``job`` for ``caller`` and await its result (QueueFull → 429 before anything runs)."""
    ticket = services.queue.submit(caller.client_id, job)
    return await asyncio.wrap_future(ticket.future)


# ---- what an answer looks like outside ---------------------------------------------------------------------
class SourceOut(BaseModel):
    n: int | None = Field(description="본문의 인용 번호 [n] (가까운 문서 목록에서는 null)")
    chunk_id: int
    doc_id: int
    title: str
    page: int | None
    heading: str = ""
    text: str = Field(description="모델에게 보여 준 구절")
    audience: str
    cited: bool = False


class ContactOut(BaseModel):
    department: str
    phone: str = ""
    duties: str = ""


class FindingOut(BaseModel):
    rule_id: str
    severity: str
    start: int
    end: int
    message: str
    suggestion: str | None = None


class FeedbackRef(BaseModel):
    kind: str
    item_id: str | None
    audit_seq: int | None
    audit_hash: str | None


def source_out(p: Passage, n: int | None, cited: bool = False) -> SourceOut:
    return SourceOut(n=n, chunk_id=p.chunk_id, doc_id=p.doc_id, title=p.title, page=p.page, heading=p.heading,
                     text=p.text, audience=p.audience, cited=cited)


def contact_of(answer: Answer, profile: CityProfile) -> ContactOut | None:
    """Who to ask when the documents do not answer: the routed department, else the profile's contact."""
    if answer.department:
        d = answer.department
        return ContactOut(department=d.name, phone=d.phone, duties=d.duties)
    contact = profile.default_contact
    if contact.department:
        return ContactOut(department=contact.department, phone=contact.phone)
    return None


def refusal_note(answer: Answer, profile: CityProfile) -> str:
    contact = contact_of(answer, profile)
    if contact:
        return f"담당 부서: {contact.department}" + (f" (☎ {contact.phone})" if contact.phone else "")
    return f"담당 부서 정보가 없습니다. {profile.organization.name} 대표 민원 창구로 문의하세요."


def answer_sources(answer: Answer) -> list[SourceOut]:
    cited = set(answer.cited())
    return [source_out(p, i, i in cited) for i, p in enumerate(answer.passages, 1)]


def finding_out(f: Finding) -> FindingOut:
    return FindingOut(rule_id=f.rule_id, severity=f.severity.value, start=f.start, end=f.end,
                      message=f.message, suggestion=f.suggestion)


# ---- REST --------------------------------------------------------------------------------------------------
class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=4 * MAX_QUESTION_CHARS, description="질문 (1,000자 이내)")
    audience: Literal["staff", "public"] | None = Field(
        default=None, description="public이면 공개 문서만으로 답합니다(시민에게 보일 답 확인용). 범위를 넓힐 수는 없습니다.")
    max_tokens: int | None = Field(default=None, ge=16, le=1024, description="답의 최대 토큰 수")


class AskOut(BaseModel):
    question: str = Field(description="개인정보를 가린 질문")
    answer: str = Field(description="답. 문장마다 인용 번호 [n]이 붙습니다.")
    refused: bool = Field(description="문서에서 답을 찾지 못해 답하지 않았으면 true")
    audience: str
    sources: list[SourceOut] = Field(description="[n]이 가리키는 구절")
    closest: list[SourceOut] = Field(description="답하지 못했을 때 가장 가까운 문서")
    contact: ContactOut | None = Field(description="답하지 못했을 때 문의할 부서")
    note: str = Field(description="답하지 못했을 때 안내 문구")
    findings: list[FindingOut]
    disclosure: str = Field(description="생성형 AI 답변 고지 (답하지 않았으면 빈 문자열)")
    feedback: FeedbackRef = Field(description="POST /api/feedback 으로 평가할 때 보낼 값")


@staff.post("/api/v1/ask", response_model=AskOut, summary="문서 근거 질의응답")
async def ask(body: AskIn, request: Request, caller: Caller = Depends(identify)) -> AskOut:
    """지식베이스의 문서로 답하고, 모든 문장을 인용한 구절과 대조합니다. 직원 로그인 또는 staff API 키."""
    services = request.app.state.services
    question = validate_question(body.question)
    audience: Audience = "public" if "public" in (caller.audience, body.audience) else "staff"
    masked = (await run_in_threadpool(mask_message, question, services.profile)).text
    options = generation_options(body.max_tokens)

    def job(_emit) -> Answered:
        return answer_job(services, caller, question, kind="answer", question_masked=masked,
                          audience=audience, options=options)

    answered: Answered = await run_queued(services, caller, job)
    answer = answered.answer
    return AskOut(
        question=masked, answer=answer.text, refused=answer.refused, audience=audience,
        sources=answer_sources(answer), closest=[source_out(p, None) for p in answer.closest],
        contact=contact_of(answer, services.profile) if answer.refused else None,
        note=refusal_note(answer, services.profile) if answer.refused else "",
        findings=[finding_out(f) for f in answer.findings],
        disclosure=answer.disclosure,
        feedback=FeedbackRef(**answered.feedback()),
    )


routers = [staff]
