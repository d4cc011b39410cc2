"""번역 (and 쉬운 말 다듬기): :func:`mokmin.workflows.translate.translate` with the city's glossary forced,
and :func:`mokmin.workflows.rewrite.rewrite`, both through the model queue; each finished sentence is
streamed, then the text with the verifier's findings."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Depends, Request
from pydantic import BaseModel, Field

from mokmin.guard.audit import acting_as, capture_records
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router
from mokmin.web.streaming import stream_job
from mokmin.web.uploads import feedback_reference, finding_dict

pages = router("staff")
api = router("staff", prefix="/api/v1", tags=["번역"])


class TranslateIn(BaseModel):
    text: str = Field(max_length=20_000, description="옮길 글 (한 번에 5,000자까지)")
    direction: Literal["auto", "ko2en", "en2ko"] = Field("auto", description="auto, ko2en(한→영), en2ko(영→한)")


class RewriteIn(BaseModel):
    text: str = Field(max_length=20_000, description="다듬을 한국어 글 (한 번에 3,000자까지)")
    style: Literal["plain", "formal", "press"] = Field("plain", description="plain(쉬운 우리말), formal, press")


class WorkspaceJobIn(BaseModel):
    task: Literal["translate", "rewrite"] = "translate"
    text: str = Field(max_length=20_000)
    direction: Literal["auto", "ko2en", "en2ko"] = "auto"
    style: Literal["plain", "formal", "press"] = "plain"


class TranslateOut(BaseModel):
    task: str
    text: str
    direction: str | None = None
    style: str | None = None
    alignment: list[dict[str, str]]
    findings: list[dict[str, Any]]
    backend: str
    prompt_id: str
    notice: str
    feedback: dict[str, Any]


TRANSLATE_NOTICE = "생성형 인공지능(목민)이 번역한 초안입니다. 공개 전에 담당자가 검토하세요."
REWRITE_NOTICE = "생성형 인공지능(목민)이 고쳐 쓴 초안입니다. 원문과 비교해 검토하세요."


def validated(task: str, text: str) -> str:
    from mokmin.workflows.rewrite import MAX_REWRITE_CHARS
    from mokmin.workflows.translate import MAX_TRANSLATE_CHARS, validate_text

    if task == "rewrite":
        return validate_text(text, limit=MAX_REWRITE_CHARS, what="다듬기")
    return validate_text(text, limit=MAX_TRANSLATE_CHARS, what="번역")


def make_job(request: Request, caller: Caller, body: WorkspaceJobIn):
    services = request.app.state.services
    text = validated(body.task, body.text)

    def job(emit):
        from mokmin.workflows.rewrite import rewrite
        from mokmin.workflows.translate import translate

        def progress(i: int, n: int, sentence: str) -> None:
            emit(sentence.rstrip("\n") + "\n")  # a live preview, one finished sentence a line

        with acting_as(caller.actor), capture_records() as records:
            if body.task == "rewrite":
                result = rewrite(text, style=body.style, profile=services.profile, backend=services.backend(),
                                 on_sentence=progress)
                extra = {"style": result.style, "notice": REWRITE_NOTICE}
            else:
                result = translate(text, direction=body.direction, profile=services.profile,
                                   backend=services.backend(), on_sentence=progress)
                extra = {"direction": result.direction, "notice": TRANSLATE_NOTICE}
        return {
            "task": body.task, **extra, "text": result.text,
            "alignment": [{"source": s, "target": t} for s, t in result.alignment],
            "findings": [finding_dict(f) for f in result.findings],
            "backend": result.backend, "prompt_id": result.prompt_id,
            "feedback": feedback_reference(services, caller, body.task, records),
        }

    return job


@pages.get("/staff/translate", include_in_schema=False)
def translate_page(request: Request):
    from mokmin.workflows.rewrite import STYLES

    return render(request, "staff_translate.html", styles=STYLES,
                  glossary=request.app.state.services.profile.glossary)


@pages.post("/staff/api/translate", include_in_schema=False)
async def translate_stream(request: Request, body: WorkspaceJobIn, caller: Caller = Depends(identify)):
    services = request.app.state.services
    return stream_job(services.queue, caller.client_id, make_job(request, caller, body), lambda r: r)


@api.post("/translate", response_model=TranslateOut, response_model_exclude_none=True, summary="번역")
def translate_rest(request: Request, body: TranslateIn, caller: Caller = Depends(identify)) -> dict:
    """한국어↔영어를 문장별로 옮깁니다. 기관 용어집을 강제하고 수치·날짜·용어를 원문과 대조합니다."""
    job = make_job(request, caller, WorkspaceJobIn(task="translate", text=body.text, direction=body.direction))
    return request.app.state.services.queue.run(caller.client_id, job)


@api.post("/rewrite", response_model=TranslateOut, response_model_exclude_none=True, summary="쉬운 말 다듬기")
def rewrite_rest(request: Request, body: RewriteIn, caller: Caller = Depends(identify)) -> dict:
    """한국어 글을 쉬운 우리말이나 요청한 문체로 다시 씁니다. 바뀐 사실은 오류로 표시합니다."""
    job = make_job(request, caller, WorkspaceJobIn(task="rewrite", text=body.text, style=body.style))
    return request.app.state.services.queue.run(caller.client_id, job)


routers = [pages, api]
