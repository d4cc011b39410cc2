"""``mokmin minwon``: the 민원 desk — import, submit, route, similar, draft, approve, sent, list, show."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mokmin.cli.output import OutputFormat, print_findings, print_json, stdout

app = typer.Typer(help="민원 응대: 접수(개인정보 가림), 부서 추천, 유사 민원, 답변 초안, 승인·발송 기록", no_args_is_help=True)

FormatOpt = Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")]
ByOpt = Annotated[str | None, typer.Option("--by", help="처리한 공무원 (기본: 로그인 사용자)")]


def _desk():
    from mokmin.cli.common import context
    from mokmin.minwon.desk import MinwonDesk

    settings, profile = context()
    search = None
    if (settings.home / "kb" / "kb.sqlite3").is_file():
        from mokmin.knowledge.index import KnowledgeBase

        search = KnowledgeBase(settings).search
    return MinwonDesk(settings, profile, search=search)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="민원 시스템에서 내려받은 CSV 또는 XLSX")],
    kind: Annotated[str, typer.Option("--as", help="auto(답변·부서 열이 있으면 과거 민원), past, new")] = "auto",
    mapping: Annotated[list[str] | None, typer.Option("--map", help="열 지정, 예: --map text=민원요지 --map department=처리과")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX 시트 이름 (기본: 첫 시트)")] = None,
    by: ByOpt = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """민원 파일을 가져옵니다: 과거 민원(부서·답변 학습용) 또는 새 민원. 개인정보는 가려서 저장합니다."""
    from mokmin.errors import InputError
    from mokmin.minwon.importer import FIELD_KO, parse_mapping

    if kind not in ("auto", "past", "new"):
        raise InputError(f"--as 값이 올바르지 않습니다: {kind}", "auto, past, new 중 하나를 쓰세요.")
    report = _desk().import_file(file, mapping=parse_mapping(mapping), kind=kind, sheet=sheet, actor=by)  # type: ignore[arg-type]
    if fmt is OutputFormat.json:
        print_json(report.to_dict())
        return
    out = stdout()
    what = "과거 민원" if report.kind == "past" else "새 민원"
    out.print(f"{what} {len(report.added)}건을 가져왔습니다 (가린 개인정보 {report.masked}개).")
    out.print("열: " + ", ".join(f"{FIELD_KO[f]}={escape(h)}" for f, h in report.columns.items()))
    if report.unused:
        out.print(f"[yellow]쓰지 않은 열[/yellow]: {escape(', '.join(report.unused))} (필요하면 --map으로 지정하세요)")
    if report.skipped:
        out.print(f"[yellow]건너뛴 줄 {len(report.skipped)}개[/yellow] (파일은 그대로입니다. 고친 뒤 그 줄만 다시 가져오세요):")
        for row, why in report.skipped[:30]:
            out.print(f"  {row}번째 줄: {escape(why)}")


@app.command("submit")
def submit(
    text: Annotated[str | None, typer.Argument(help="민원 내용 (없으면 --file)")] = None,
    file: Annotated[str | None, typer.Option("--file", help="민원 내용이 든 텍스트 파일, '-'는 표준 입력")] = None,
    title: Annotated[str, typer.Option(help="민원 제목")] = "",
    channel: Annotated[str, typer.Option(help="접수 경로 (web, api, phone, visit …)")] = "cli",
    route: Annotated[bool, typer.Option("--route/--no-route", help="접수하며 부서도 추천")] = True,
    by: ByOpt = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """민원을 접수합니다 (개인정보를 가려 저장)."""
    from mokmin.cli.common import read_input_text
    from mokmin.errors import InputError

    if (text is None) == (file is None):
        raise InputError("민원 내용을 인자나 --file 중 하나로 주세요.", '예: mokmin minwon submit "가로등이 꺼져 있습니다"')
    body = text if text is not None else read_input_text(file, "민원")  # type: ignore[arg-type]
    desk = _desk()
    c = desk.submit(body, title=title, channel=channel, actor=by)
    candidates = desk.route(c.id, actor=by) if route and (desk.profile.departments or desk.store.past_count()) else []
    if fmt is OutputFormat.json:
        print_json({**desk.get(c.id).to_dict(), "candidates": [x.to_dict() for x in candidates]})
        return
    out = stdout()
    out.print(f"민원 {c.id}번을 접수했습니다." + (f" 가린 개인정보: {_pii(c.pii)}" if c.pii else ""))
    _print_candidates(candidates)


@app.command("route")
def route_command(
    complaint_id: Annotated[int | None, typer.Argument(help="민원 번호")] = None,
    text: Annotated[str | None, typer.Option("--text", help="저장하지 않고 이 내용만 분류")] = None,
    by: ByOpt = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """담당 부서 후보 세 곳을 근거와 함께 보여 줍니다."""
    from mokmin.errors import InputError

    desk = _desk()
    if text is not None:
        candidates = desk.route_text(text)
    elif complaint_id is not None:
        candidates = desk.route(complaint_id, actor=by)
    else:
        raise InputError("민원 번호나 --text를 주세요.", "예: mokmin minwon route 3")
    if fmt is OutputFormat.json:
        print_json([x.to_dict() for x in candidates])
        return
    _print_candidates(candidates)


@app.command("similar")
def similar(
    complaint_id: Annotated[int, typer.Argument(help="민원 번호")],
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="몇 건")] = 3,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """비슷한 과거 민원과 그 공식 답변을 보여 줍니다."""
    hits = _desk().similar(complaint_id, k)
    if fmt is OutputFormat.json:
        print_json([h.to_dict() for h in hits])
        return
    out = stdout()
    if not hits:
        out.print("비슷한 과거 민원이 없습니다. 'mokmin minwon import 파일'로 과거 민원을 가져오세요.")
    for h in hits:
        p = h.past
        out.print(f"[bold]#{p.id}[/bold] ({escape(p.department or '부서 없음')}, 유사도 {h.score:.2f}) "
                  f"{escape(p.title or p.text[:60])}")
        out.print(f"  [dim]답변:[/dim] {escape(p.answer[:300]) if p.answer else '(답변 없음)'}")


@app.command("draft")
def draft(
    complaint_id: Annotated[int, typer.Argument(help="민원 번호")],
    by: ByOpt = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """답변 초안을 씁니다 (과거 답변·지식베이스 근거, 사실 검사). 승인 전에는 발송되지 않습니다."""
    from mokmin.llm.registry import get_backend

    desk = _desk()
    result = desk.draft(complaint_id, get_backend(desk.settings), actor=by)
    if fmt is OutputFormat.json:
        print_json({"id": complaint_id, **result.to_dict()})
        return
    out = stdout()
    out.print(escape(result.text))
    out.print(f"[dim]{escape(result.disclosure)}[/dim]")
    for r in result.removed:
        out.print(f"[yellow]뺀 문장[/yellow] «{escape(r.text)}» — {escape('; '.join(r.reasons))}")
    out.rule("검사")
    print_findings(result.findings, result.text, out)
    out.print(f"\n검토·수정 후 승인: mokmin minwon approve {complaint_id} --by 이름 [--text-file 고친답변.txt]")


@app.command("approve")
def approve(
    complaint_id: Annotated[int, typer.Argument(help="민원 번호")],
    by: Annotated[str, typer.Option("--by", help="승인하는 공무원 (필수)")],
    text_file: Annotated[str | None, typer.Option("--text-file", help="고친 답변 파일 ('-'는 표준 입력)")] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """담당 공무원이 답변을 승인합니다 (고친 답변을 줄 수 있습니다)."""
    from mokmin.cli.common import read_input_text

    text = read_input_text(text_file, "답변") if text_file else None
    c = _desk().approve(complaint_id, actor=by, text=text)
    if fmt is OutputFormat.json:
        print_json(c.to_dict())
        return
    stdout().print(f"민원 {c.id}번 답변을 {escape(c.approved_by or '')}님이 승인했습니다 ({c.approved_at}).")


@app.command("sent")
def sent(
    complaint_id: Annotated[int, typer.Argument(help="민원 번호")],
    by: Annotated[str, typer.Option("--by", help="발송 처리한 공무원 (필수)")],
    note: Annotated[str, typer.Option(help="발송 경로 등 메모")] = "",
) -> None:
    """승인된 답변을 민원인에게 보냈다고 기록합니다 (승인 전에는 거부)."""
    c = _desk().mark_sent(complaint_id, actor=by, note=note)
    stdout().print(f"민원 {c.id}번을 발송 처리했습니다 ({escape(c.sent_by or '')}, {c.sent_at}).")


@app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help="received, drafted, approved, sent")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """민원 목록 (최근 것부터)."""
    items = _desk().list(status, limit)
    if fmt is OutputFormat.json:
        print_json([c.to_dict() for c in items])
        return
    out = stdout()
    if not items:
        out.print("민원이 없습니다.")
    for c in items:
        subject = (c.title or c.text).replace("\n", " ")
        out.print(f"{c.id:>5}  {c.status_ko:<6} {escape(c.department or '-'):<10} {escape(subject[:50])}")


@app.command("show")
def show(
    complaint_id: Annotated[int, typer.Argument(help="민원 번호")],
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """민원 한 건: 가린 내용, 부서, 초안·승인 답변, 처리 이력."""
    desk = _desk()
    c = desk.get(complaint_id)
    events = desk.history(complaint_id)
    if fmt is OutputFormat.json:
        print_json({**c.to_dict(), "events": [e.__dict__ for e in events]})
        return
    out = stdout()
    out.print(f"[bold]민원 {c.id}번[/bold] ({c.status_ko}, {escape(c.channel)}, 접수 {c.received_at})")
    if c.title:
        out.print(f"제목: {escape(c.title)}")
    out.print(escape(c.text))
    out.print(f"\n부서: {escape(c.department or '미정')}")
    if c.approved_reply or c.draft:
        out.rule("승인된 답변" if c.approved_reply else "답변 초안")
        out.print(escape(c.approved_reply or c.draft))
    out.rule("처리 이력")
    for e in events:
        out.print(f"  {e.at}  {e.action:<9} {escape(e.actor)} {escape(e.note)}")


def _pii(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}개" for k, v in counts.items())


def _print_candidates(candidates) -> None:
    out = stdout()
    if not candidates:
        return
    out.print("[bold]담당 부서 후보[/bold]")
    for n, c in enumerate(candidates, 1):
        out.print(f"  {n}. {escape(c.department)} ({c.score:.0%}) — {escape(c.reason())}")
