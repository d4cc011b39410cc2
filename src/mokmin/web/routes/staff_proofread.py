"""교정: pasted text or an uploaded TXT/MD/DOCX/HWPX, checked by :func:`mokmin.workflows.proofread.proofread`.

Proofreading is deterministic (no model, no queue): the same text and mode give the same findings in the
same order, so a finding is named by its index and a fix request simply checks the text again. "안전한
수정 모두 적용" applies :func:`apply_safe_fixes`; applying one finding applies that finding's suggestion
(the official chose it). An uploaded document is corrected in its own format by
:func:`mokmin.workflows.proofread_files.write_fixed`, as ``mokmin proofread --fix`` does.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from mokmin.checks.finding import Severity, count_by_severity
from mokmin.errors import InputError
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router
from mokmin.web.uploads import feedback_reference, find_upload, finding_dict, reading, save_upload

pages = router("staff")
api = router("staff", prefix="/api/v1", tags=["교정"])
MAX_PASTE_CHARS = 100_000
UPLOAD_TYPES = (".txt", ".md", ".docx", ".hwpx")
ModeName = Literal["general", "gongmun", "press"]


class ProofreadIn(BaseModel):
    text: str = Field(max_length=MAX_PASTE_CHARS, description="교정할 글")
    mode: ModeName = Field("general", description="general(일반), gongmun(공문서), press(보도자료)")
    fix: Literal["none", "safe"] = Field("none", description="safe: 안전한 수정을 모두 적용한 글도 돌려줌")


class ApplyIn(BaseModel):
    text: str = Field(max_length=MAX_PASTE_CHARS)
    mode: ModeName = "general"
    only: list[int] | None = Field(None, description="적용할 지적 번호(index); 없으면 안전한 수정 모두")


class ProofreadOut(BaseModel):
    text: str = Field(description="검사한 글 (지적 위치의 기준)")
    mode: str
    findings: list[dict[str, Any]]
    counts: dict[str, int]
    score: dict[str, Any]
    safe_fixes: int
    notes: list[str] = []
    fixed_text: str | None = None
    applied: int = 0
    feedback: dict[str, Any] | None = None


class UploadOut(ProofreadOut):
    upload_id: str
    name: str
    format: str
    download: str


def result_json(result, source=None) -> dict[str, Any]:
    from mokmin.workflows.proofread import replacement

    safe = {id(f) for f in result.safe_fixes}
    findings = []
    for index, (f, line, column) in enumerate(result.located()):
        item = finding_dict(f)
        item.update(index=index, line=line, column=column, replacement=replacement(f),
                    applicable=replacement(f) is not None and replacement(f) != f.text,
                    safe=id(f) in safe)
        if source is not None and source.is_document:
            item["paragraph"], item["paragraph_column"] = source.paragraph_at(f.start)
        findings.append(item)
    counts = count_by_severity(result.findings)
    return {"text": result.text, "mode": result.mode, "findings": findings,
            "counts": {s.value: counts[s] for s in Severity}, "score": {**result.score.to_dict(), "summary": result.score.summary()},
            "safe_fixes": len(safe), "notes": list(source.notes) if source is not None else []}


def chosen_fixes(result, only: list[int] | None) -> list:
    """The safe fixes, or the findings ``only`` names (with a replacement), without overlaps, in text order."""
    from mokmin.workflows.proofread import replacement

    if only is None:
        return result.safe_fixes
    picked = []
    for i in sorted(set(only)):
        if not 0 <= i < len(result.findings):
            raise InputError(f"없는 지적 번호입니다: {i}", "글을 다시 검사한 뒤 고르세요.")
        f = result.findings[i]
        if replacement(f) is None:
            raise InputError(f"{i}번 지적에는 바꿀 말이 없습니다.", "직접 고쳐 주세요.")
        if any(f.start < g.end and g.start < f.end for g in picked):
            continue
        picked.append(f)
    return sorted(picked, key=lambda f: (f.start, f.end))


def check_text(request: Request, text: str, mode: str):
    from mokmin.workflows.proofread import proofread

    if not text.strip():
        raise InputError("교정할 글이 비어 있습니다.", "글을 붙여 넣거나 파일을 올리세요.")
    return proofread(text, mode=mode, profile=request.app.state.services.profile)  # type: ignore[arg-type]


def apply_fixes(request: Request, text: str, mode: str, only: list[int] | None) -> dict[str, Any]:
    from mokmin.workflows.proofread import apply_safe_fixes, replacement

    result = check_text(request, text, mode)
    fixes = chosen_fixes(result, only)
    fixed = result.text
    if only is None:
        fixed = apply_safe_fixes(result.text, fixes)
    else:
        for f in reversed(fixes):
            fixed = fixed[: f.start] + (replacement(f) or "") + fixed[f.end :]
    after = check_text(request, fixed, mode)
    data = result_json(after)
    data.update(fixed_text=fixed, applied=len(fixes))
    return data


@pages.get("/staff/proofread", include_in_schema=False)
def proofread_page(request: Request):
    from mokmin.workflows.proofread import MODE_LABELS

    return render(request, "staff_proofread.html", modes=MODE_LABELS, upload_types=", ".join(UPLOAD_TYPES))


@api.post("/proofread", response_model=ProofreadOut, response_model_exclude_none=True, summary="교정")
def proofread_text(request: Request, body: ProofreadIn, caller: Caller = Depends(identify)) -> dict:
    """맞춤법·띄어쓰기·공문서 표기·어려운 말·차별 표현을 검사하고 점수를 매깁니다 (모델을 쓰지 않음)."""
    if body.fix == "safe":
        data = apply_fixes(request, body.text, body.mode, None)
    else:
        data = result_json(check_text(request, body.text, body.mode))
    data["feedback"] = feedback_reference(request.app.state.services, caller, "proofread", [])
    return data


@api.post("/proofread/apply", response_model=ProofreadOut, response_model_exclude_none=True,
          summary="교정 수정 적용")
def proofread_apply(request: Request, body: ApplyIn) -> dict:
    """안전한 수정을 모두(`only` 없음) 또는 고른 지적만 적용하고, 고친 글을 다시 검사합니다."""
    return apply_fixes(request, body.text, body.mode, body.only)


@api.post("/proofread/file", response_model=UploadOut, summary="파일 교정")
async def proofread_file(request: Request, file: UploadFile = File(...), mode: ModeName = Form("general"),
                         caller: Caller = Depends(identify)) -> dict:
    """TXT·MD·DOCX·HWPX 파일을 검사합니다. 교정본은 `download`로 받습니다."""
    from mokmin.workflows.proofread_files import load_source

    services = request.app.state.services
    saved = await save_upload(services, caller, file, area="proofread", allowed=UPLOAD_TYPES)
    with reading(services, saved):
        source = await run_in_threadpool(load_source, str(saved.path))
    result = await run_in_threadpool(check_text, request, source.text, mode)
    data = result_json(result, source)
    data.update(upload_id=saved.id, name=saved.name, format=source.format,
                download=f"/staff/proofread/{saved.id}/fixed",
                feedback=feedback_reference(services, caller, "proofread", []))
    return data


def fixed_copy(request: Request, caller: Caller, upload_id: str, mode: str, only: list[int] | None):
    """Write the corrected copy of an upload beside it; (path, download name)."""
    from mokmin.workflows.proofread_files import fixed_copy_path, load_source, write_fixed

    services = request.app.state.services
    saved = find_upload(services, caller, upload_id, "proofread")
    with reading(services, saved, keep=True):
        source = load_source(str(saved.path))
        if source.is_document and source.document is None:
            raise InputError("이 문서는 검사만 하고 교정본은 만들 수 없습니다.", "; ".join(source.notes) or None)
        fixes = chosen_fixes(check_text(request, source.text, mode), only)
        target = fixed_copy_path(saved.path)
        applied = write_fixed(source, fixes, target) if fixes else []
    if not applied:
        raise InputError("자동으로 고칠 곳이 없어 교정본을 만들지 않았습니다.", "지적 목록을 보고 직접 고쳐 주세요.")
    return target, f"{saved.path.stem}.교정{saved.path.suffix}"


@pages.post("/staff/proofread/{upload_id}/fixed", include_in_schema=False)
def proofread_fixed_download(request: Request, upload_id: str, mode: ModeName = Form("general"),
                             only: str = Form(""), caller: Caller = Depends(identify)):
    picked = [int(x) for x in only.split(",") if x.strip().isdigit()] if only.strip() else None
    path, name = fixed_copy(request, caller, upload_id, mode, picked)
    return FileResponse(path, filename=name, media_type="application/octet-stream")


routers = [pages, api]
