"""``mokmin audit …``: check, list and export the tamper-evident audit log."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from mokmin.cli.output import OutputFormat, print_json, stderr, stdout
from mokmin.errors import InputError

app = typer.Typer(help="감사 로그(누가 언제 무엇을 생성·검색·내보냈는지)를 검증하고 내보냅니다.", no_args_is_help=True)

CSV_COLUMNS = ("seq", "time", "kind", "actor", "workflow", "backend", "is_local", "input_sha256", "input_chars",
               "input_masked", "findings", "sources", "output_sha256", "output_size", "output_text", "details",
               "prev_hash", "hash")
SinceOpt = Annotated[str | None, typer.Option("--since", help="이 시각부터 (예: 2026-08-01 또는 2026-08-01T09:00)")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="이 시각까지 (날짜만 쓰면 그날 끝까지)")]


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def _log():
    from mokmin.guard.audit import open_log
    from mokmin.settings import load_settings

    return open_log(load_settings())


@app.command("verify")
def verify(
    expect: Annotated[str | None, typer.Option(
        "--expect", help="이전에 적어 둔 머리 'SEQ:HASH'가 그대로 남아 있는지도 확인")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
) -> None:
    """해시 사슬과 앵커를 처음부터 끝까지 검사합니다. 이상이 있으면 첫 문제 기록을 보여 주고 1로 끝납니다."""
    log = _log()
    result = log.verify(_parse_expect(expect))
    problem = result.problem
    if fmt is OutputFormat.json:
        print_json({
            "ok": result.ok, "count": result.count, "log": str(log.log_path),
            "head": {"seq": result.head.seq, "hash": result.head.hash} if result.head else None,
            "problem": vars(problem) if problem else None, "notes": result.notes,
        })
    else:
        out = stdout()
        if problem is None:
            head = f"머리 seq {result.head.seq}, 해시 {result.head.hash}" if result.head else "기록 없음"
            out.print(f"[green]감사 로그 정상[/green]: 기록 {result.count:,}건 · {head}")
            out.print(f"[dim]{escape(str(log.log_path))} — 머리(seq:해시)를 따로 적어 두면 나중에 "
                      "--expect로 로그가 다시 쓰이지 않았는지 확인할 수 있습니다.[/dim]")
            for note in result.notes:
                out.print(f"[yellow]참고:[/yellow] {escape(note)}")
        else:
            out.print(f"[bold red]감사 로그 이상[/bold red]: {escape(problem.reason)}")
            where = [f"{problem.line}번째 줄" if problem.line else "", f"seq {problem.seq}" if problem.seq else ""]
            if any(where):
                out.print("  위치: " + ", ".join(w for w in where if w))
            if problem.text:
                out.print(f"  기록: [dim]{escape(problem.text)}[/dim]")
            out.print(f"  그 앞까지 정상 기록 {result.count:,}건 · {escape(str(log.log_path))}")
    if problem is not None:
        raise typer.Exit(1)


@app.command("list")
def list_records(
    since: SinceOpt = None,
    until: UntilOpt = None,
    workflow: Annotated[str | None, typer.Option(help="이 업무만 (예: press_release, answer, kb.search)")] = None,
    limit: Annotated[int, typer.Option(min=1, help="최근 몇 건을 보일지")] = 20,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
) -> None:
    """최근 감사 기록을 보여 줍니다 (검증은 mokmin audit verify)."""
    from collections import deque

    chosen = list(deque(_select(_log().records(), since, until, workflow), maxlen=limit))
    if fmt is OutputFormat.json:
        print_json(chosen)
        return
    if not chosen:
        stdout().print("조건에 맞는 감사 기록이 없습니다.")
        return
    from rich.table import Table

    table = Table(title=f"감사 기록 {len(chosen)}건 (최근 순서는 아래쪽)")
    for col in ("seq", "시각", "사용자", "종류", "업무", "모델", "검사 결과", "출력 해시"):
        table.add_column(col, overflow="fold")
    for r in chosen:
        backend = r.get("backend") or {}
        model = (backend.get("name", "") + ("" if backend.get("is_local", True) else " (외부)")) if backend else ""
        findings = sum((r.get("findings") or {}).values())
        output = (r.get("output") or {}).get("sha256", "")[:12]
        table.add_row(str(r.get("seq")), _local_time(r.get("time", "")), escape(str(r.get("actor", ""))),
                      str(r.get("kind", "")), escape(str(r.get("workflow", ""))), escape(model),
                      f"{findings}건" if findings else "", output)
    stdout().print(table)


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="저장할 파일 (.jsonl 또는 .csv)")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    fmt: Annotated[ExportFormat | None, typer.Option("--format", help="jsonl 또는 csv (기본: 파일 확장자)")] = None,
) -> None:
    """감사 기록을 검사관에게 줄 파일로 내보냅니다 (먼저 사슬을 검증합니다)."""
    fmt = fmt or (ExportFormat.csv if output.suffix.lower() == ".csv" else ExportFormat.jsonl)
    log = _log()
    result = log.verify()
    records = _select(log.records(), since, until, None)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if fmt is ExportFormat.csv:
            count = _write_csv(records, output)
        else:
            count = _write_jsonl(records, output)
    except OSError as exc:
        raise InputError(f"파일을 쓸 수 없습니다: {output} ({exc.strerror or exc})",
                         "쓰기 권한이 있는 경로를 -o로 지정하세요.") from exc
    stdout().print(f"감사 기록 {count:,}건을 {fmt.value.upper()}로 저장했습니다: {escape(str(output))}")
    if not result.ok:
        stderr().print(f"[bold red]주의: 감사 로그 검증 실패[/bold red] — {escape(result.problem.reason)} "
                       "(mokmin audit verify로 확인하세요)")
        raise typer.Exit(1)


def _write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def _write_csv(records: Iterable[dict[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel on Korean Windows reads UTF-8
        writer = csv.DictWriter(fh, CSV_COLUMNS)
        writer.writeheader()
        for r in records:
            writer.writerow({k: _cell(v) for k, v in _flat(r).items()})
            count += 1
    return count


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with ' (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _flat(r: dict[str, Any]) -> dict[str, Any]:
    backend, given, out = r.get("backend") or {}, r.get("input") or {}, r.get("output") or {}

    def js(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False) if value else ""

    return {
        "seq": r.get("seq"), "time": r.get("time"), "kind": r.get("kind"), "actor": r.get("actor"),
        "workflow": r.get("workflow"), "backend": backend.get("name", ""), "is_local": backend.get("is_local", ""),
        "input_sha256": given.get("sha256", ""), "input_chars": given.get("chars", ""),
        "input_masked": given.get("masked", ""), "findings": js(r.get("findings")), "sources": js(r.get("sources")),
        "output_sha256": out.get("sha256", ""), "output_size": out.get("chars", out.get("bytes", "")),
        "output_text": out.get("text", ""), "details": js(r.get("details")),
        "prev_hash": r.get("prev_hash"), "hash": r.get("hash"),
    }


def _select(records: Iterable[dict[str, Any]], since: str | None, until: str | None,
            workflow: str | None) -> Iterator[dict[str, Any]]:
    start = _parse_when(since, "--since") if since else None
    end = _parse_when(until, "--until", end=True) if until else None
    for r in records:
        if workflow and r.get("workflow") != workflow:
            continue
        if start or end:
            try:
                when = datetime.fromisoformat(r["time"])
            except (KeyError, TypeError, ValueError):
                continue
            if (start and when < start) or (end and when >= end):
                continue
        yield r


def _parse_when(value: str, option: str, *, end: bool = False) -> datetime:
    """A date or date-time (local time unless it has an offset). A bare date as ``--until`` means its end."""
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value) + (timedelta(days=1) if end else timedelta())
            return datetime(day.year, day.month, day.day).astimezone()
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{option} 값을 날짜로 읽을 수 없습니다: {value!r}",
                         "예: 2026-08-01 또는 2026-08-01T09:30 (ISO 8601)") from exc
    return when.astimezone() if when.tzinfo is None else when


def _parse_expect(value: str | None):
    from mokmin.guard.audit_chain import Link

    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*:\s*([0-9a-fA-F]{64})\s*", value)
    if not m:
        raise InputError(f"--expect 값이 올바르지 않습니다: {value!r}",
                         "mokmin audit verify가 보여 준 머리를 'seq:해시' 형식으로 쓰세요 (예: 42:3fa0…).")
    return Link(int(m.group(1)), m.group(2).lower())


def _local_time(value: str) -> str:
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return str(value)

