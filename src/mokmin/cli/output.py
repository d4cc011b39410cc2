"""How results reach the terminal: one renderer for findings, shared by every command."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from enum import StrEnum

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mokmin.checks.finding import Finding, Severity, count_by_severity, findings_to_json

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def stdout() -> Console:
    return Console(file=sys.stdout, soft_wrap=True, highlight=False)


def stderr() -> Console:
    return Console(file=sys.stderr, soft_wrap=True, highlight=False)


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def print_findings(findings: Sequence[Finding], text: str, console: Console | None = None) -> None:
    console = console or stdout()
    if not findings:
        console.print("[green]검사 결과: 문제를 찾지 못했습니다.[/green]")
        return
    counts = count_by_severity(findings)
    console.print(
        f"[bold]검사 결과[/bold]: 오류 {counts[Severity.ERROR]}건, 경고 {counts[Severity.WARNING]}건, "
        f"참고 {counts[Severity.INFO]}건"
    )
    for f in findings:
        line, col = line_col(text, f.start)
        quote = f.text if len(f.text) <= 60 else f.text[:57] + "…"
        console.print(
            f"[{_STYLE[f.severity]}]{f.severity.label}[/] {line}:{col} [dim]{f.rule_id}[/dim] "
            f"{escape(f.message)}" + (f"\n    [dim]«{escape(quote)}»[/dim]" if quote else "")
        )
        if f.suggestion:
            console.print(f"    → {escape(f.suggestion)}")


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_findings_json(findings: Sequence[Finding]) -> None:
    sys.stdout.write(findings_to_json(findings) + "\n")


def facts_table(facts) -> Table:
    table = Table(title="브리프에서 뽑은 사실 (보도자료에 쓸 수 있는 것)", show_lines=False)
    table.add_column("항목", no_wrap=True)
    table.add_column("값")
    table.add_column("출처", style="dim")
    for fact in facts:
        table.add_row(fact.label, escape(fact.value), fact.origin)
    return table
