"""An OpenAI-compatible API (``/v1/models``, ``/v1/chat/completions``) over grounded answers.

Existing OpenAI clients can point their base URL at ``…/v1`` with a Mokmin API key. The last user message is
the question; it is answered from the knowledge base like every other question (a ``public`` key sees public
documents only), with citations kept in the text as ``[n]`` and the cited passages in the extra field
``mokmin_sources``. Earlier messages are not used: every answer rests on the documents alone.

With ``stream: true`` the answer is sent as OpenAI chunks (``data: {…}`` … ``data: [DONE]``) only after it
has been checked: a streamed client cannot take text back, and an answer the checks withhold must never
have been shown. The role chunk goes out at once so that clients know the request was accepted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from mokmin.errors import InputError, MokminError
from mokmin.web.chat_store import mask_message
from mokmin.web.routes.ask_api import (
    Answered,
    answer_job,
    answer_sources,
    generation_options,
    refusal_note,
    run_queued,
)
from mokmin.web.security import Caller, identify, router
from mokmin.workflows.answer import validate_question

api = router("api", tags=["OpenAI 호환"])

MODEL_ID = "mokmin-grounded"
PROMPT_OVERHEAD_TOKENS = 180  # the answer prompt's fixed instructions, roughly
STREAM_PIECE_CHARS = 24


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # [{"type": "text", "text": "…"}, …]
            return "\n".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatCompletionIn(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, top_p, … are accepted and ignored

    model: str = Field(description=f"모델 ID ({MODEL_ID})")
    messages: list[ChatMessageIn] = Field(min_length=1)
    stream: bool = False
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)


def openai_error(status: int, message: str, code: str, kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": code}, "detail": message},
                        status_code=status)


def estimate_tokens(text: str) -> int:
    """A rough token count (Hangul syllables ≈ 1 token each, other text ≈ 4 characters a token)."""
    hangul = len(re.findall(r"[\uac00-\ud7a3]", text))
    return hangul + -(-(len(text) - hangul) // 4)


@api.get("/v1/models", summary="모델 목록 (OpenAI 호환)")
def models(request: Request) -> dict:
    org = request.app.state.services.profile.organization.name
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": org}]}


@api.post("/v1/chat/completions", summary="문서 근거 답변 (OpenAI 호환)")
async def chat_completions(body: ChatCompletionIn, request: Request, caller: Caller = Depends(identify)):
    """마지막 user 메시지를 질문으로 받아 지식베이스 문서로 답합니다. 출처는 `mokmin_sources`."""
    services = request.app.state.services
    if body.model != MODEL_ID:
        return openai_error(404, f"없는 모델입니다: {body.model!r}. 모델 ID로 {MODEL_ID}를 쓰세요.", "model_not_found")
    asked = next((m.text() for m in reversed(body.messages) if m.role == "user"), "")
    if not asked.strip():
        raise InputError("user 메시지가 없습니다.", "messages의 마지막 user 메시지에 질문을 넣으세요.")
    question = validate_question(asked)
    masked = (await run_in_threadpool(mask_message, question, services.profile)).text
    options = generation_options(body.max_completion_tokens or body.max_tokens)

    def job(_emit) -> Answered:
        return answer_job(services, caller, question, kind="answer", question_masked=masked, options=options)

    completion_id = "chatcmpl-" + secrets.token_urlsafe(12)
    created = int(time.time())
    if not body.stream:
        answered = await run_queued(services, caller, job)
        return completion(completion_id, created, question, answered, services.profile)
    ticket = services.queue.submit(caller.client_id, job)  # QueueFull → 429 before the stream starts
    return StreamingResponse(_chunks(completion_id, created, ticket, services.profile),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _content(answered: Answered, profile) -> str:
    answer = answered.answer
    return f"{answer.text} {refusal_note(answer, profile)}" if answer.refused else answer.text


def _extras(answered: Answered) -> dict:
    answer = answered.answer
    return {
        "mokmin_sources": [s.model_dump() for s in answer_sources(answer)],
        "mokmin_refused": answer.refused,
        "mokmin_disclosure": answer.disclosure,
        "mokmin_feedback": answered.feedback(),
    }


def completion(completion_id: str, created: int, question: str, answered: Answered, profile) -> dict:
    text = _content(answered, profile)
    prompt = PROMPT_OVERHEAD_TOKENS + estimate_tokens(question) + sum(
        estimate_tokens(p.text) for p in answered.answer.passages)
    done = estimate_tokens(text)
    return {
        "id": completion_id, "object": "chat.completion", "created": created, "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done},
    } | _extras(answered)


def _chunk(completion_id: str, created: int, delta: dict, finish: str | None = None, **extra) -> str:
    data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]} | extra
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _chunks(completion_id: str, created: int, ticket, profile) -> AsyncIterator[str]:
    yield _chunk(completion_id, created, {"role": "assistant", "content": ""})
    try:
        answered: Answered = await asyncio.wrap_future(ticket.future)
    except MokminError as exc:
        error = {"error": {"message": exc.message, "hint": exc.hint}}
        yield f"data: {json.dumps(error, ensure_ascii=False)}\n\n"
        yield "data: [DONE]\n\n"
        return
    except Exception:  # noqa: BLE001 - the client gets a message, the log the traceback
        logging.getLogger("mokmin.web").exception("OpenAI-compatible answer failed")
        yield 'data: {"error": {"message": "처리 중 오류가 났습니다. 잠시 뒤 다시 시도하세요."}}\n\n'
        yield "data: [DONE]\n\n"
        return
    text = _content(answered, profile)
    for i in range(0, len(text), STREAM_PIECE_CHARS):
        yield _chunk(completion_id, created, {"content": text[i : i + STREAM_PIECE_CHARS]})
    yield _chunk(completion_id, created, {}, "stop", **_extras(answered))
    yield "data: [DONE]\n\n"


routers = [api]
