"""``mokmin ask`` and ``mokmin summarize``: answers and summaries from the city's own documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mokmin.cli.common import context
from mokmin.cli.output import OutputFormat, print_findings, print_json, stderr, stdout


def ask(
    question: Annotated[str, typer.Argument(help="질문")],
    audience: Annotated[str, typer.Option(help="staff(직원: 모든 문서) 또는 public(시민: 공개 문서만)")] = "staff",
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
) -> None:
    """지식베이스의 문서로 답하고, 답의 모든 문장을 인용한 자료와 대조합니다."""
    from mokmin.errors import InputError
    from mokmin.knowledge.index import KnowledgeBase
    from mokmin.llm.registry import get_backend
    from mokmin.workflows.answer import answer_question, validate_question

    if audience not in ("staff", "public"):
        raise InputError(f"--audience 값이 올바르지 않습니다: {audience}", "staff 또는 public을 쓰세요.")
    validate_question(question)
    settings, city = context()
    kb = KnowledgeBase(settings)
    backend = get_backend(settings)
    err = stderr()
    streaming = fmt is OutputFormat.text and err.is_terminal
    result = answer_question(
        question, kb.search, backend, city, audience=audience,  # type: ignore[arg-type]
        on_token=(lambda p: err.print(p, end="", style="dim", markup=False)) if streaming else None,
    )
    if streaming:
        err.print()
    if fmt is OutputFormat.json:
        print_json({
            "question": result.question, "answer": result.text, "refused": result.refused,
            "sources": [_passage_json(i + 1, p) for i, p in enumerate(result.passages)],
            "cited": result.cited(),
            "closest": [_passage_json(None, p) for p in result.closest],
            "department": result.department.model_dump() if result.department else None,
            "findings": [f.to_dict() for f in result.findings],
            "backend": result.backend, "prompt_id": result.prompt_id, "timings": result.timings,
            "disclosure": result.disclosure or None,
        })
        return
    out = stdout()
    out.print(escape(result.text))
    if result.refused:
        if result.closest:
            out.print("\n[bold]가장 가까운 문서[/bold]")
            for p in result.closest:
                out.print(f"  · {escape(p.location())} — {escape(p.source_path)}")
        dept = result.department
        contact = city.default_contact
        if dept:
            out.print(f"\n담당 부서: {escape(dept.name)}" + (f" (☎ {escape(dept.phone)})" if dept.phone else ""))
        elif contact.department:
            out.print(f"\n문의: {escape(contact.department)}" + (f" (☎ {escape(contact.phone)})" if contact.phone else ""))
        else:
            out.print("\n[dim]담당 부서 정보가 기관 프로필에 없습니다. 기관 대표 민원 창구로 문의하세요.[/dim]")
        return
    out.print("\n[bold]출처[/bold]")
    cited = set(result.cited())
    for i, p in enumerate(result.passages, 1):
        mark = "" if i in cited else " [dim](인용 안 됨)[/dim]"
        out.print(f"  [{i}] {escape(p.location())} — {escape(p.source_path)}{mark}")
    out.rule("검사")
    print_findings(result.findings, result.text, out)
    out.print(f"[dim]{escape(result.disclosure)}[/dim]")


def summarize(
    file: Annotated[Path, typer.Argument(help="요약할 문서 (HWP, HWPX, PDF, DOCX, HTML, TXT, MD)")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
) -> None:
    """긴 문서를 부분별로 요약하고, 각 줄에 해당 쪽을 표시합니다."""
    from mokmin.knowledge.readers import read_document
    from mokmin.llm.registry import get_backend
    from mokmin.workflows.summarize import summarize_document

    settings, city = context()
    doc = read_document(file)
    backend = get_backend(settings)
    err = stderr()

    def progress(i, n, part):
        if fmt is OutputFormat.text:
            err.print(f"[dim]{i}/{n} {escape(part.section.title)} 요약 완료[/dim]")

    summary = summarize_document(doc, backend, on_section=progress, disclosure=city.ai_answer_disclosure)
    if fmt is OutputFormat.json:
        print_json({
            "title": summary.title,
            "parts": [{"section": p.section.title, "pages": list(p.section.pages), "summary": p.summary,
                       "findings": [f.to_dict() for f in p.findings]} for p in summary.parts],
            "backend": summary.backend, "prompt_id": summary.prompt_id, "timings": summary.timings,
            "disclosure": summary.disclosure,
        })
        return
    out = stdout()
    out.print(escape(summary.to_markdown()))
    for f in summary.findings:
        out.print(f"[yellow]경고[/yellow] {escape(f.message)}")


def _passage_json(n, p) -> dict:
    return {"n": n, "doc_id": p.doc_id, "title": p.title, "source_path": p.source_path, "page": p.page,
            "heading": p.heading, "start": p.start, "end": p.end, "score": p.score, "text": p.text,
            "audience": p.audience}
