"""``mokmin kb …``: the city's knowledge base — add, list, remove and search documents."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape

from mokmin.cli.output import OutputFormat, print_json, stderr, stdout

app = typer.Typer(help="지식베이스(기관 문서)를 관리하고 검색합니다.", no_args_is_help=True)

AUDIENCE_LABEL = {"public": "공개", "staff": "직원용"}


class AudienceChoice(StrEnum):
    public = "public"
    staff = "staff"


class ModeChoice(StrEnum):
    hybrid = "hybrid"
    bm25 = "bm25"
    dense = "dense"


def _kb():
    from mokmin.knowledge.index import KnowledgeBase
    from mokmin.settings import load_settings

    return KnowledgeBase(load_settings())


@app.command("add")
def add(
    paths: Annotated[list[str], typer.Argument(help="추가할 파일이나 폴더 (폴더는 하위 폴더까지)")],
    audience: Annotated[
        AudienceChoice, typer.Option(help="공개 범위: public(시민에게도 보임) 또는 staff(직원만)")
    ] = AudienceChoice.staff,
    embed: Annotated[bool, typer.Option("--embed/--no-embed", help="의미 검색용 임베딩을 만듭니다 (느림)")] = True,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="진행 막대를 표시합니다")] = True,
) -> None:
    """문서를 색인합니다. 바뀌지 않은 파일은 건너뛰고, 다시 넣은 폴더에서 사라진 파일은 지웁니다."""
    summary = _kb().add(paths, audience=audience.value, embed=embed, progress=progress)
    if fmt is OutputFormat.json:
        print_json(summary.to_dict())
    else:
        out = stdout()
        first, *rest = summary.lines()
        out.print(escape(first))
        for line in rest:
            style = "red" if line.startswith("실패") else "dim"
            out.print(f"[{style}]{escape(line)}[/]")
    if summary.failed:
        raise typer.Exit(1)


@app.command("list")
def list_documents(
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
) -> None:
    """색인된 문서를 보여 줍니다."""
    docs = _kb().list()
    if fmt is OutputFormat.json:
        print_json([d.to_dict() for d in docs])
        return
    if not docs:
        stdout().print("지식베이스가 비어 있습니다. 'mokmin kb add 폴더'로 문서를 넣으세요.")
        return
    from rich.table import Table

    table = Table(title=f"지식베이스 문서 {len(docs)}건")
    for col in ("ID", "제목", "형식", "공개 범위", "조각", "임베딩", "경로"):
        table.add_column(col, overflow="fold")
    for d in docs:
        table.add_row(
            str(d.id), escape(d.title), d.format, AUDIENCE_LABEL[d.audience], str(d.chunks),
            "완료" if d.embedded == d.chunks else f"{d.embedded}/{d.chunks}", escape(d.path),
        )
    stdout().print(table)


@app.command("remove")
def remove(
    items: Annotated[list[str], typer.Argument(help="지울 문서의 ID, 파일 경로 또는 폴더 경로")],
) -> None:
    """문서를 지식베이스에서 지웁니다 (원본 파일은 그대로 둡니다)."""
    docs = _kb().remove(items)
    out = stdout()
    out.print(f"{len(docs)}건을 지웠습니다.")
    for d in docs:
        out.print(f"  [dim]{d.id}[/dim] {escape(d.title)} [dim]{escape(d.path)}[/dim]")


@app.command("audience")
def set_audience(
    items: Annotated[list[str], typer.Argument(help="문서의 ID, 파일 경로 또는 폴더 경로")],
    audience: Annotated[AudienceChoice, typer.Option("--set", help="public 또는 staff")],
) -> None:
    """문서의 공개 범위를 바꿉니다."""
    docs = _kb().set_audience(items, audience.value)
    stdout().print(f"{len(docs)}건의 공개 범위를 '{AUDIENCE_LABEL[audience.value]}'(으)로 바꿨습니다.")


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="검색어 (질문 문장도 됩니다)")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="보여 줄 결과 수")] = 5,
    audience: Annotated[
        AudienceChoice, typer.Option(help="누구로서 검색하는가: public(공개 문서만) 또는 staff(전체)")
    ] = AudienceChoice.staff,
    mode: Annotated[ModeChoice, typer.Option(help="hybrid(기본), bm25(단어), dense(의미)")] = ModeChoice.hybrid,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
) -> None:
    """지식베이스에서 관련 구절을 찾습니다."""
    results = _kb().search(query, k=k, audience=audience.value, mode=mode.value)
    from mokmin.guard.audit import SearchEvent, record

    record(SearchEvent(query=results.query, audience=audience.value, mode=mode.value, results=list(results)))
    if fmt is OutputFormat.json:
        print_json({
            "query": results.query, "truncated": results.truncated, "warnings": results.warnings,
            "audience": audience.value, "mode": mode.value, "results": [asdict(p) for p in results],
        })
        return
    err = stderr()
    for w in results.warnings:
        err.print(f"[yellow]참고:[/yellow] {escape(w)}")
    out = stdout()
    if not results:
        out.print("관련 구절을 찾지 못했습니다.")
        return
    for n, p in enumerate(results, start=1):
        where = escape(p.title) + (f", {p.page}쪽" if p.page else "")
        heading = f" [cyan]«{escape(p.heading)}»[/cyan]" if p.heading else ""
        out.print(
            f"[bold][{n}][/bold] {where}{heading} [dim](점수 {p.score:.4f}, {AUDIENCE_LABEL[p.audience]}, "
            f"문서 {p.doc_id})[/dim]"
        )
        out.print("    " + escape(p.text).replace("\n", "\n    "))
        out.print(f"    [dim]{escape(p.source_path)}[/dim]")
