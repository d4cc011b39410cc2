"""코드 도우미 in the workspace: a task (and an optional CSV/XLSX sample) → a formula or Python script, tried.

:func:`mokmin.workflows.code_helper.code_help` runs through the model queue, as ``mokmin code`` does; Python runs
in :mod:`mokmin.guard.sandbox` on a copy of the sample. The uploaded sample is saved in a fresh folder under
``home/uploads/code/`` only for the request and deleted as soon as the answer is made (also on failure).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from mokmin.errors import InputError
from mokmin.guard.audit import acting_as, capture_records
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router
from mokmin.web.uploads import feedback_reference, finding_dict, reading, remove_upload_folder, save_upload

pages = router("staff")
api = router("staff", prefix="/api/v1", tags=["코드 도우미"])
SAMPLE_TYPES = (".csv", ".xlsx", ".xlsm")
LAYER_NAMES = {
    "isolated_python": "격리된 파이썬(임시 폴더, 복사본)", "process_group": "시간 제한(프로세스 그룹)",
    "netns": "네트워크 차단", "unprivileged_user": "권한 없는 사용자", "rlimits": "자원 제한(메모리·CPU·파일)",
    "audit_hook": "감사 훅(소켓·프로세스·외부 쓰기 차단)",
}


class RunOut(BaseModel):
    ok: bool
    kind: str | None = Field(description="실패 종류: timeout, memory, network, forbidden, exception …")
    message: str = Field(description="실행 결과 안내 (한국어)")
    stdout: str
    stdout_truncated: bool
    stderr: str
    files: list[dict[str, Any]] = Field(description="코드가 만든 파일 (이름, 크기). 파일 자체는 지워집니다")
    layers: list[str]
    layer_names: list[str]
    refused: list[dict[str, str]]
    seconds: float


class FormulaOut(BaseModel):
    ok: bool
    value: Any = None
    message: str


class AttemptOut(BaseModel):
    code: str
    ok: bool | None
    problem: str | None


class CodeResponse(BaseModel):
    task: str
    mode: str
    code: str
    explanation: str
    sample: str | None
    executed: bool
    ok: bool | None = Field(description="표본에서 성공했으면 참, 실패했으면 거짓, 실행하지 않았으면 null")
    repaired: bool
    run: RunOut | None
    formula: FormulaOut | None
    attempts: list[AttemptOut]
    findings: list[dict[str, Any]]
    backend: str
    prompt_id: str
    timings: dict[str, float]
    feedback: dict[str, Any]


def run_json(run) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"ok": run.ok, "kind": run.kind, "message": run.message, "stdout": run.stdout,
            "stdout_truncated": run.stdout_truncated, "stderr": "\n".join(run.stderr.strip().splitlines()[-8:]),
            "files": [{"name": f.name, "size": f.size} for f in run.files], "layers": list(run.layers),
            "layer_names": [LAYER_NAMES.get(x, x) for x in run.layers], "refused": list(run.refused),
            "seconds": round(run.seconds, 2)}


def result_json(result) -> dict[str, Any]:
    final = result.final
    formula = final.formula
    return {
        "task": result.task, "mode": result.mode, "code": result.code, "explanation": result.explanation,
        "sample": result.sample, "executed": result.executed, "ok": result.ok, "repaired": result.repaired,
        "run": run_json(final.run),
        "formula": {"ok": formula.ok, "value": _plain(formula.value), "message": formula.message}
        if formula else None,
        "attempts": [{"code": a.code, "ok": a.ok,
                      "problem": a.run.message if a.run else a.formula.message if a.formula else None}
                     for a in result.attempts],
        "findings": [finding_dict(f) for f in result.findings],
        "backend": result.backend, "prompt_id": result.prompt_id, "timings": result.timings,
    }


def _plain(value: Any) -> Any:
    """A formula value the browser can show (numbers and text as they are, anything else as text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def code_job(request: Request, caller: Caller, task: str, mode: str, sample_path):
    services = request.app.state.services

    def job(_emit):
        from mokmin.guard.sandbox import SandboxLimits
        from mokmin.workflows.code_helper import code_help

        with acting_as(caller.actor), capture_records() as records:
            result = code_help(task, backend=services.backend(), sample=sample_path, mode=mode,  # type: ignore[arg-type]
                               limits=SandboxLimits(wall_seconds=30.0, cpu_seconds=30))
        return result_json(result) | {"feedback": feedback_reference(services, caller, "code", records,
                                                                     question=task[:200])}

    return job


async def answer(request: Request, caller: Caller, task: str, mode: str, file: UploadFile | None) -> dict:
    """Save the sample (if any), refuse a bad one before the queue, run the job, delete the sample."""
    from mokmin.workflows.code_samples import read_sample

    if mode not in ("auto", "python", "formula"):
        raise InputError(f"알 수 없는 방식입니다: {mode}", "auto, python, formula 중 하나를 고르세요.")
    if not task.strip():
        raise InputError("할 일이 비어 있습니다.", '예: "부서별 인원수를 세어 줘"')
    services = request.app.state.services
    saved = None
    if file is not None and file.filename:
        saved = await save_upload(services, caller, file, area="code", allowed=SAMPLE_TYPES)
    try:
        if saved is not None:
            with reading(services, saved):
                await run_in_threadpool(read_sample, saved.path)
        job = code_job(request, caller, task, mode, saved.path if saved else None)
        return await run_in_threadpool(services.queue.run, caller.client_id, job)
    finally:
        if saved is not None:
            remove_upload_folder(services, saved.path)


@pages.get("/staff/code", include_in_schema=False)
def code_page(request: Request):
    limit = min(request.app.state.services.settings.web.max_upload_mb, 20)
    return render(request, "staff_code.html", sample_types=", ".join(SAMPLE_TYPES), limit_mb=limit)


@pages.post("/staff/api/code", include_in_schema=False, response_model=CodeResponse)
async def code_form(request: Request, task: str = Form(..., max_length=2000),
                    mode: Literal["auto", "python", "formula"] = Form("auto"),
                    file: UploadFile | None = File(None), caller: Caller = Depends(identify)):
    return await answer(request, caller, task, mode, file)


@api.post("/code", response_model=CodeResponse, summary="코드 도우미 (엑셀 수식·파이썬)")
async def code_rest(request: Request, task: str = Form(..., max_length=2000, description="할 일 (한국어)"),
                    mode: Literal["auto", "python", "formula"] = Form("auto", description="auto, python, formula"),
                    file: UploadFile | None = File(None, description="표본 파일 (CSV, XLSX)"),
                    caller: Caller = Depends(identify)):
    """표·데이터 작업을 엑셀 수식이나 짧은 파이썬 코드로 답하고, 표본 파일의 복사본에서 실행해 결과를 돌려줍니다.
    파이썬은 샌드박스(시간·메모리 제한, 네트워크 차단, 임시 폴더)에서만 실행합니다. 올린 표본은 답을 만든 뒤 지웁니다."""
    return await answer(request, caller, task, mode, file)


routers = [pages, api]
