"""``mokmin code``: 코드 도우미 — a formula or a short Python script for a spreadsheet task, tried on a sample."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mokmin.cli.output import OutputFormat, print_findings, print_json, stdout


class ModeOption(StrEnum):
    auto = "auto"
    python = "python"
    formula = "formula"


def code(
    task: Annotated[str, typer.Argument(help='할 일을 한국어로. 예: "부서별 인원수를 세어 줘"')],
    sample: Annotated[Path | None, typer.Option("--sample", help="표본 파일(CSV, XLSX). 복사본에서 실행합니다")] = None,
    mode: Annotated[ModeOption, typer.Option("--mode", help="auto, python(파이썬), formula(엑셀 수식)")]
    = ModeOption.auto,
    save_dir: Annotated[Path | None, typer.Option("--save-dir", help="코드가 만든 파일을 복사해 둘 폴더")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=1, max=600, help="실행 시간 제한(초)")] = 30.0,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
) -> None:
    """표·데이터 작업을 엑셀 수식이나 짧은 파이썬 코드로 답하고, 표본 파일의 복사본에서 실행해 결과를 보여 줍니다.

    파이썬은 제한된 환경(시간·메모리 제한, 네트워크 차단, 임시 폴더)에서만 실행합니다. 실패하면 종료 코드 1.
    """
    from mokmin.cli.common import context
    from mokmin.guard.sandbox import SandboxLimits
    from mokmin.llm.registry import get_backend
    from mokmin.workflows.code_helper import code_help
    from mokmin.workflows.code_samples import read_sample

    if sample is not None:
        read_sample(sample)  # a bad sample fails before the model is loaded
    settings, _city = context()
    backend = get_backend(settings)
    limits = SandboxLimits(wall_seconds=timeout, cpu_seconds=max(1, int(timeout)))
    result = code_help(task, backend=backend, sample=sample, mode=mode.value,  # type: ignore[arg-type]
                       limits=limits, collect_to=save_dir)
    if fmt is OutputFormat.json:
        print_json(to_json(result))
    else:
        print_text(result)
    if result.ok is False:
        raise typer.Exit(1)


def to_json(result) -> dict:
    final = result.final
    return {
        "task": result.task, "mode": result.mode, "code": result.code, "explanation": result.explanation,
        "sample": result.sample, "executed": result.executed, "ok": result.ok, "repaired": result.repaired,
        "run": final.run.to_dict() if final.run else None,
        "formula": {"ok": final.formula.ok, "value": final.formula.value, "message": final.formula.message}
        if final.formula else None,
        "attempts": [{"code": a.code, "ok": a.ok, "problem": (a.run.message if a.run else
                                                                a.formula.message if a.formula else None)}
                     for a in result.attempts],
        "findings": [f.to_dict() for f in result.findings],
        "backend": result.backend, "prompt_id": result.prompt_id, "timings": result.timings,
    }


def print_text(result) -> None:
    out = stdout()
    final = result.final
    out.rule("엑셀 수식" if result.mode == "formula" else "파이썬 코드")
    out.print(escape(result.code) or "[red](모델이 코드를 쓰지 못했습니다)[/red]")
    if result.explanation:
        out.print(f"[dim]{escape(result.explanation)}[/dim]")
    if final.run is not None:
        run = final.run
        out.rule("실행 결과" + (f" (표본: {result.sample})" if result.sample else ""))
        out.print(("[green]" if run.ok else "[red]") + escape(run.message) + "[/]")
        if run.stdout.strip():
            out.print(escape(run.stdout.rstrip()) + ("\n[dim]… (출력이 길어 잘랐습니다)[/dim]" if run.stdout_truncated else ""))
        if not run.ok and run.stderr.strip():
            out.print("[dim]" + escape("\n".join(run.stderr.strip().splitlines()[-8:])) + "[/dim]")
        for f in run.files:
            out.print(f"만든 파일: {escape(f.name)} ({f.size:,}바이트)" + (f" → {escape(str(f.path))}" if f.path else ""))
        out.print(f"[dim]격리: {', '.join(run.layers)} · {run.seconds:.1f}초[/dim]")
    elif final.formula is not None:
        out.rule("표본에서 계산" + (f" ({result.sample})" if result.sample else ""))
        colour = "green" if final.formula.ok else "red"
        out.print(f"[{colour}]{escape(final.formula.message)}[/{colour}]")
        if final.formula.value is not None:
            out.print(f"값: {escape(str(final.formula.value))}")
    out.rule("검사")
    print_findings(result.findings, result.code, out)
    out.print("[dim]생성형 인공지능(목민)이 쓴 코드입니다. 표본에서 확인한 결과를 보고 쓰세요.[/dim]")
