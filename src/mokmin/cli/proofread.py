"""``mokmin proofread FILE|-``: 맞춤법·띄어쓰기·공문서 표기·어려운 말·차별 표현 검사, 점수, 안전한 자동 수정."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mokmin.checks.finding import Severity, count_by_severity
from mokmin.cli.common import context
from mokmin.cli.output import OutputFormat, print_json, stderr, stdout
from mokmin.errors import InputError
from mokmin.profile import CityProfile
from mokmin.workflows.proofread import MODE_LABELS, ProofreadResult, apply_safe_fixes, proofread
from mokmin.workflows.proofread_files import SourceText, fixed_copy_path, load_source, write_fixed

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class ProofreadMode(StrEnum):
    general = "general"
    gongmun = "gongmun"
    press = "press"


@dataclass
class FixOutcome:
    path: Path | None  # None: nothing was written
    applied: int
    after: ProofreadResult  # the corrected text, checked again


def proofread_command(
    file: Annotated[str, typer.Argument(help="교정할 파일(.txt .md .docx .hwpx) 또는 '-'(표준 입력)")],
    mode: Annotated[
        ProofreadMode, typer.Option("--mode", help="general(일반), gongmun(기안문·시행문), press(보도자료)")
    ] = ProofreadMode.general,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
    fix: Annotated[
        bool, typer.Option("--fix", help="안전한 수정만 적용한 교정본을 원본 옆에 저장합니다 (이름.교정.확장자)")
    ] = False,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="교정본을 따로 만들지 않고 원본 파일을 고쳐 씁니다")
    ] = False,
    profile: Annotated[Path | None, typer.Option(help="기관 프로필 TOML")] = None,
) -> None:
    """글을 교정합니다. 오류가 남아 있으면 종료 코드 1, 읽을 수 없는 입력이면 2."""
    fix = fix or in_place
    if fix and file == "-":
        raise InputError("표준 입력으로 받은 글은 --fix로 고칠 수 없습니다.", "파일로 저장한 뒤 파일 이름을 지정하세요.")
    source = load_source(file, sys.stdin.buffer if file == "-" else None)
    _, city = context(profile)
    result = proofread(source.text, mode=mode.value, profile=city)  # type: ignore[arg-type]
    outcome = _fix(source, result, city, in_place=in_place) if fix else None
    for note in source.notes:
        stderr().print(f"[yellow]알림[/yellow]: {escape(note)}")
    if fmt is OutputFormat.json:
        print_json(_report(source, result, outcome))
    else:
        _print_text(source, result, outcome)
    if (outcome.after if outcome else result).has_errors:
        raise typer.Exit(1)


def _fix(source: SourceText, result: ProofreadResult, city: CityProfile, *, in_place: bool) -> FixOutcome:
    fixes = result.safe_fixes
    if not fixes:
        source.notes.append("안전하게 자동으로 고칠 곳이 없어 교정본을 만들지 않았습니다.")
        return FixOutcome(None, 0, result)
    assert source.path is not None
    target = source.path if in_place else fixed_copy_path(source.path)
    applied = write_fixed(source, fixes, target, overwrite=in_place)
    if len(applied) < len(fixes):
        skipped = len(fixes) - len(applied)
        source.notes.append(f"자동 수정 {skipped}곳은 문서 구조(탭·줄바꿈·문단 경계) 때문에 적용하지 않았습니다.")
    if not applied:
        return FixOutcome(None, 0, result)
    corrected = apply_safe_fixes(result.text, applied)
    after = proofread(corrected, mode=result.mode, profile=city)  # type: ignore[arg-type]
    return FixOutcome(target, len(applied), after)


def _location(source: SourceText, offset: int, line: int, column: int) -> dict:
    if source.is_document:
        paragraph, col = source.paragraph_at(offset)
        return {"line": line, "column": column, "paragraph": paragraph, "paragraph_column": col}
    return {"line": line, "column": column}


def _counts(result: ProofreadResult) -> dict[str, int]:
    return {s.value: n for s, n in count_by_severity(result.findings).items()}


def _report(source: SourceText, result: ProofreadResult, outcome: FixOutcome | None) -> dict:
    findings = []
    for f, line, column in result.located():
        item = _location(source, f.start, line, column)
        item.update(rule_id=f.rule_id, severity=f.severity.value, message=f.message, suggestion=f.suggestion,
                    safe_fix=f.safe_fix, text=f.text, start=f.start, end=f.end, source=f.source)
        findings.append(item)
    report = {
        "file": str(source.path) if source.path else "-",
        "format": source.format,
        "mode": result.mode,
        "notes": source.notes,
        "counts": _counts(result),
        "findings": findings,
        "score": result.score.to_dict(),
    }
    if outcome is not None:
        report["fix"] = {
            "path": str(outcome.path) if outcome.path else None,
            "applied": outcome.applied,
            "remaining": _counts(outcome.after),
            "score": outcome.after.score.to_dict(),
        }
    return report


def _print_text(source: SourceText, result: ProofreadResult, outcome: FixOutcome | None) -> None:
    out = stdout()
    name = str(source.path) if source.path else "표준 입력"
    out.print(f"[bold]교정[/bold]: {escape(name)} ({MODE_LABELS[result.mode]})")
    counts = count_by_severity(result.findings)
    if result.findings:
        out.print(f"오류 {counts[Severity.ERROR]}건, 경고 {counts[Severity.WARNING]}건, "
                  f"참고 {counts[Severity.INFO]}건")
    else:
        out.print("[green]문제를 찾지 못했습니다.[/green]")
    for f, line, column in result.located():
        where = "문단 {}:{}".format(*source.paragraph_at(f.start)) if source.is_document else f"{line}:{column}"
        label = f"[{_STYLE[f.severity]}]{f.severity.label}[/]"
        out.print(f"{label} {where} [dim]{f.rule_id}[/dim] {escape(f.message)}")
        if f.text:
            quote = f.text if len(f.text) <= 60 else f.text[:57] + "…"
            out.print(f"    [dim]«{escape(quote)}»[/dim]")
        if f.suggestion:
            out.print(f"    → {escape(f.suggestion)}" + (" [green](자동 수정 가능)[/green]" if f.safe_fix else ""))
    out.print(f"[bold]점수[/bold]: {result.score.summary()}")
    if outcome is not None and outcome.path is not None:
        left = count_by_severity(outcome.after.findings)
        out.print(f"[bold]교정본[/bold]: {escape(str(outcome.path))} ({outcome.applied}곳 고침)")
        out.print(f"[bold]고친 뒤 점수[/bold]: {outcome.after.score.summary()}")
        out.print(f"남은 문제: 오류 {left[Severity.ERROR]}건, 경고 {left[Severity.WARNING]}건, "
                  f"참고 {left[Severity.INFO]}건")
