"""코드 도우미: a Korean spreadsheet/data task → an Excel formula or a short Python script, tried on a sample.

The model sees the task and, with a sample file (CSV/XLSX), its column letters and names and a few rows with
personal data masked (:func:`mokmin.checks.pii.mask_pii`). Python is run in :mod:`mokmin.guard.sandbox` on a
*copy* of the sample; a formula is evaluated on the sample with the ``formulas`` library. A failure is fed back
to the model once (one repair round). Nothing is said to work unless it ran.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.pii import unmask
from mokmin.errors import InputError
from mokmin.guard.audit import audited
from mokmin.guard.sandbox import SandboxLimits, SandboxResult, run_python
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.workflows.code_formulas import FormulaCheck, evaluate_formula
from mokmin.workflows.code_samples import SampleTable, describe_sample, read_sample
from mokmin.workflows.prompts import prompt_id, render_messages

Mode = Literal["python", "formula"]
MAX_TASK_CHARS = 2000
_PYTHON_WORDS = ("파이썬", "python", "스크립트", "코드", "파일로", "저장", "합쳐", "합치", "병합", "나눠", "나누어",
                 "여러 파일", "그래프", "차트", "시트별", "새 파일", "새 엑셀")
_FORMULA_WORDS = ("수식", "함수", "엑셀", "셀에", "셀 ", "=")
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)


@dataclass
class Attempt:
    code: str
    output: str  # the model's raw output
    run: SandboxResult | None = None
    formula: FormulaCheck | None = None

    @property
    def ok(self) -> bool | None:
        """True/False once executed (Python ran and printed or wrote something / formula evaluated), else None."""
        if self.run is not None:
            return self.run.ok and bool(self.run.stdout.strip() or self.run.files)
        if self.formula is not None:
            return self.formula.ok
        return None


@dataclass
class CodeHelp:
    task: str
    mode: Mode
    code: str
    explanation: str
    attempts: list[Attempt]
    findings: list[Finding]
    backend: str
    prompt_id: str
    sample: str | None  # the sample file's name
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:  # what the audit log records as the output
        return self.code

    @property
    def final(self) -> Attempt:
        return self.attempts[-1]

    @property
    def executed(self) -> bool:
        return self.final.ok is not None

    @property
    def ok(self) -> bool | None:
        return self.final.ok

    @property
    def repaired(self) -> bool:
        return len(self.attempts) > 1


def choose_mode(task: str) -> Mode:
    """Python when the task names code or files to produce; a formula when it names Excel/cells; else Python."""
    lowered = task.lower()
    if any(word in lowered for word in _PYTHON_WORDS):
        return "python"
    if any(word in task for word in _FORMULA_WORDS):
        return "formula"
    return "python"


def extract_code(output: str, mode: Mode) -> tuple[str, str]:
    """(code, explanation) from the model's output: the first fenced block, else the whole text (Python) or
    the first line starting with '=' (formula)."""
    blocks = list(_FENCE.finditer(output))
    outside = _FENCE.sub("", output).strip()
    if mode == "formula":
        found = _find_formula([b.group(2) for b in blocks] + [output])
        if not found:
            return "", outside
        explanation = "\n".join(ln for ln in outside.splitlines() if found not in ln).strip()
        return found, explanation
    if blocks:
        return blocks[0].group(2).strip("\n"), outside
    return output.strip(), ""


def _find_formula(texts: list[str]) -> str:
    """A line starting with '=', else an inline `=…` span, else '=NAME(…' inside a sentence."""
    for text in texts:
        for line in text.splitlines():
            line = line.strip().strip("`").strip()
            if line.startswith("="):
                return line
    for pattern in (r"`(=[^`\n]+)`", r"(?<![=<>!])(=[A-Z][A-Z0-9.]*\(.*\))"):
        for text in texts:
            m = re.search(pattern, text)
            if m:
                return m.group(1).strip()
    return ""


def _generate(backend: Backend, messages, options: GenerationOptions, mode: Mode) -> str:
    """The model's output, stopped as soon as a complete code block (or formula line) is there."""
    stream = backend.stream(messages, options)
    text = ""
    try:
        for piece in stream:
            text += piece
            fences = text.count("```")
            if fences >= 2 or (mode == "formula" and not fences and re.search(r"^\s*=.+\n", text, re.M)):
                break
    finally:
        close = getattr(stream, "close", None)
        if callable(close):
            close()
    return text


def _problem(attempt: Attempt) -> str:
    """The failure as fed back to the model for the repair round."""
    if attempt.formula is not None:
        return attempt.formula.message
    run = attempt.run
    if run is None:
        return ""
    if run.ok:
        return "코드가 아무것도 출력하지 않았습니다. 결과를 print()로 출력하세요."
    tail = "\n".join(run.stderr.strip().splitlines()[-6:])
    return f"{run.message}\n{tail}".strip()


def _valid_python(code: str) -> str | None:
    try:
        ast.parse(code)
    except SyntaxError as exc:
        return f"문법 오류(SyntaxError): {exc.msg} ({exc.lineno}행)"
    return None


@audited("code_help", input_arg="task")
def code_help(
    task: str,
    *,
    backend: Backend,
    sample: str | Path | None = None,
    mode: Mode | Literal["auto"] = "auto",
    limits: SandboxLimits | None = None,
    options: GenerationOptions | None = None,
    repair: bool = True,
    collect_to: str | Path | None = None,
) -> CodeHelp:
    """Answer ``task`` with code, try it on ``sample`` and repair it once if it fails."""
    task = (task or "").strip()
    if not task:
        raise InputError("과제가 비어 있습니다.", '예: mokmin code "부서별 인원수를 세어 줘" --sample 명단.xlsx')
    if len(task) > MAX_TASK_CHARS:
        raise InputError(f"과제 설명이 너무 깁니다 ({len(task):,}자).", f"{MAX_TASK_CHARS:,}자 안으로 줄여 주세요.")
    if mode not in ("auto", "python", "formula"):
        raise InputError(f"알 수 없는 방식입니다: {mode}", "auto, python, formula 중 하나를 고르세요.")
    chosen: Mode = choose_mode(task) if mode == "auto" else mode  # type: ignore[assignment]
    table = read_sample(sample) if sample is not None else None
    preview, mapping = describe_sample(table, letters=chosen == "formula") if table else ("", {})
    name = f"code_{chosen}"
    opts = options or GenerationOptions(temperature=0.0, max_tokens=400 if chosen == "python" else 120)
    t0 = time.perf_counter()
    attempts: list[Attempt] = []
    explanation = ""
    timings = {"generate_s": 0.0, "run_s": 0.0}
    staging = Path(tempfile.mkdtemp(prefix="mokmin-code-")) if collect_to is not None else None
    try:
        for round_ in range(2 if repair else 1):
            previous = attempts[-1] if attempts else None
            messages = render_messages(
                name, task=task, sample=preview, file=table.path.name if table else "",
                last_row=table.last_row if table else 0,
                error=_problem(previous) if previous else "", previous=previous.code if previous else "")
            t = time.perf_counter()
            output = _generate(backend, messages, opts, chosen)
            timings["generate_s"] += time.perf_counter() - t
            code, explanation = extract_code(output, chosen)
            code, explanation = unmask(code, mapping), unmask(explanation, mapping)
            attempt = Attempt(code, output)
            t = time.perf_counter()
            if chosen == "python":
                syntax = _valid_python(code) if code.strip() else "코드 블록이 없습니다."
                attempt.run = run_python(code, inputs=[table.path] if table else [], limits=limits,
                                         collect_to=staging / str(round_) if staging else None,
                                         ) if syntax is None else _not_run(syntax)
            elif table is not None and code:
                attempt.formula = evaluate_formula(code, table)
            elif not code:
                attempt.formula = FormulaCheck(False, None, "=로 시작하는 수식을 쓰지 않았습니다.")
            timings["run_s"] += time.perf_counter() - t
            attempts.append(attempt)
            if attempt.ok is not False:
                break
    except BaseException:
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    timings["total_s"] = time.perf_counter() - t0
    final = attempts[-1]
    if staging:
        _keep_files(final, staging, Path(collect_to))  # type: ignore[arg-type]
    return CodeHelp(task, chosen, final.code, explanation, attempts, _findings(attempts, chosen, table),
                    backend.name, prompt_id(name), table.path.name if table else None, timings=timings)


def _keep_files(final: Attempt, staging: Path, collect_to: Path) -> None:
    """Only the final attempt's files reach ``collect_to`` (never overwriting one already there)."""
    try:
        for produced in final.run.files if final.run else []:
            if produced.path is None:
                continue
            dest = collect_to / produced.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                dest = dest.with_name(f"{dest.stem}-목민{dest.suffix}")
            shutil.move(produced.path, dest)
            produced.path = dest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _not_run(message: str) -> SandboxResult:
    return SandboxResult(False, "exception", f"코드를 실행할 수 없습니다: {message}", None, "", message,
                         exception=message)


def _findings(attempts: Sequence[Attempt], mode: Mode, table: SampleTable | None) -> list[Finding]:
    final = attempts[-1]
    out: list[Finding] = []

    def add(rule: str, severity: Severity, message: str) -> None:
        out.append(Finding(f"code.{rule}", severity, 0, 0, "", message, None, "code_helper"))  # the whole answer

    if len(attempts) > 1:
        add("repaired", Severity.INFO, f"처음 답이 실패해 문제를 알려 주고 한 번 고쳐 쓰게 했습니다: "
                                       f"{_problem(attempts[0]).splitlines()[0] if _problem(attempts[0]) else ''}")
    if final.ok is False:
        add("failed", Severity.ERROR, f"표본에서 실행하니 실패합니다. 그대로 쓰지 마세요: {_problem(final).splitlines()[0]}")
    elif final.ok is None:
        reason = "표본 파일이 없어" if table is None else "실행할 수 없어"
        add("not-executed", Severity.WARNING, f"{reason} {'수식' if mode == 'formula' else '코드'}을 실행해 보지 "
                                              "않았습니다. 쓰기 전에 작은 표에서 직접 확인하세요.")
    for refused in final.run.refused if final.run else []:
        add("refused", Severity.WARNING, f"샌드박스가 막은 동작이 있습니다: {refused['detail']}")
    return out
