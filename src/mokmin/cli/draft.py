"""``mokmin draft …``: generate documents from a brief."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mokmin.cli.common import context, read_input_text, unique_path
from mokmin.cli.output import OutputFormat, facts_table, print_findings, print_json, stderr, stdout
from mokmin.errors import InputError

app = typer.Typer(help="브리프로 문서 초안을 만듭니다.", no_args_is_help=True)


def load_brief(brief: str | None, example: str | None):
    from mokmin.press.brief import parse_free_text, parse_structured, read_brief_file

    if example:
        if example != "seed":
            raise InputError(f"알 수 없는 예제입니다: {example}", "쓸 수 있는 예제: seed")
        path = resources.files("mokmin") / "data" / "examples" / "seed_brief.txt"
        return parse_free_text(path.read_text(encoding="utf-8"))
    if brief is None:
        raise InputError("브리프를 지정하세요.", "예: mokmin draft press-release 브리프.txt (또는 --example seed)")
    if brief == "-":
        text = read_input_text("-", "브리프")
        stripped = text.lstrip()
        if stripped.startswith(("일시", "제목", "행사")) and ":" in stripped.splitlines()[0]:
            return parse_structured(text, fmt="yaml", origin="표준 입력")
        return parse_free_text(text)
    return read_brief_file(Path(brief))


@app.command("press-release")
def press_release(
    brief: Annotated[str | None, typer.Argument(help="브리프 파일(.txt/.md 자유 서술, .yaml/.toml 구조화) 또는 '-'")] = None,
    example: Annotated[str | None, typer.Option(help="내장 예제 브리프 사용 (seed: 당진시 2023. 3. 월요 티타임)")] = None,
    docx: Annotated[Path | None, typer.Option(help="DOCX 저장 경로 (기본: ./보도자료-날짜.docx)")] = None,
    no_docx: Annotated[bool, typer.Option("--no-docx", help="DOCX 파일을 만들지 않음")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="본문을 Markdown으로 출력")] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
    profile: Annotated[Path | None, typer.Option(help="기관 프로필 TOML (기본: 설정값 또는 당진시)")] = None,
    model_extract: Annotated[bool, typer.Option(help="규칙으로 못 찾은 사실을 모델로 추출(검증 후 사용)")] = True,
    reviewed: Annotated[bool, typer.Option("--reviewed", help="편향·차별 표현 경고를 검토했음: 보류된 초안도 DOCX로 저장")] = False,
) -> None:
    """브리프로 보도자료 초안을 쓰고, 모든 사실을 브리프와 대조해 검사합니다."""
    from mokmin.llm.base import GenerationOptions
    from mokmin.llm.registry import get_backend
    from mokmin.workflows.press_release import draft_press_release

    from mokmin.press.facts import build_fact_sheet

    settings, city = context(profile)
    parsed = load_brief(brief, example)
    build_fact_sheet(parsed, city)  # refuse a brief without a date before loading the model
    backend = get_backend(settings)
    err = stderr()
    streaming = fmt is OutputFormat.text and err.is_terminal
    if fmt is OutputFormat.text:
        err.print(f"[dim]모델({escape(backend.name)})이 본문을 쓰는 중입니다…[/dim]")
    draft = draft_press_release(
        parsed, city, backend,
        options=GenerationOptions(temperature=settings.temperature, max_tokens=min(settings.max_tokens, 400)),
        on_token=(lambda piece: err.print(piece, end="", style="dim", markup=False)) if streaming else None,
        use_model_extraction=model_extract,
    )
    if streaming:
        err.print()
    docx_path = None
    held = draft.held_for_review
    if not no_docx and not (held and not reviewed):
        from mokmin.export.docx import write_press_release_docx

        target = docx or Path(f"보도자료-{draft.created:%Y%m%d-%H%M%S}.docx")
        docx_path = write_press_release_docx(
            draft.release, unique_path(target), author=city.organization.name, ai_generated=True,
            disclosure=city.ai_disclosure,
        )
    if fmt is OutputFormat.json:
        print_json({
            "text": draft.text,
            "markdown": draft.release.to_markdown(),
            "findings": [f.to_dict() for f in draft.findings],
            "facts": [vars(f) for f in draft.facts],
            "removed": [vars(r) for r in draft.removed],
            "backend": draft.backend,
            "prompt_id": draft.prompt_id,
            "created": draft.created.isoformat(),
            "timings": draft.timings,
            "docx": str(docx_path) if docx_path else None,
            "held_for_review": bool(held),
        })
        return
    out = stdout()
    out.print(facts_table(draft.facts))
    out.rule("보도자료 초안")
    out.print(escape(draft.release.to_markdown() if markdown else draft.text))
    out.rule("검사")
    print_findings(draft.findings, draft.text, out)
    if held:
        out.print(f"\n[bold red]검토 보류[/bold red]: 편향·차별로 읽힐 수 있는 표현 {len(held)}건이 있습니다. "
                  + ("검토했다고 표시해 DOCX를 저장했습니다." if reviewed else
                     "담당자가 확인한 뒤 --reviewed 를 붙여 다시 실행해야 DOCX를 저장합니다."))
    if draft.removed:
        out.print(f"\n[bold]검증에서 뺀 모델 문장 {len(draft.removed)}개[/bold] (검사를 통과하지 못해 싣지 않음)")
        for r in draft.removed:
            out.print(f"  ✗ {escape(r.text)}\n    [dim]{escape('; '.join(r.reasons))}[/dim]")
    if docx_path:
        out.print(f"\nDOCX 저장: {docx_path}")
    out.print(f"[dim]모델: {escape(draft.backend)} · 프롬프트: {draft.prompt_id} · "
              f"{draft.timings.get('total_s', 0):.1f}초 · 사람이 검토한 뒤에 사용하세요.[/dim]")


def _example_path(name: str) -> Path:
    return Path(str(resources.files("mokmin") / "data" / "examples" / name))


def _brief_text(brief: str | None, example: bool, example_name: str, command: str) -> tuple[str, Path | None]:
    if example:
        path = _example_path(example_name)
        return path.read_text(encoding="utf-8"), path
    if brief is None:
        raise InputError("브리프를 지정하세요.", f"예: mokmin draft {command} 브리프.yaml (또는 --example)")
    if brief == "-":
        return read_input_text("-", "브리프"), None
    return read_input_text(brief, "브리프"), Path(brief)


def _save_docx(held: list, reviewed: bool, no_docx: bool, write) -> Path | None:
    if no_docx or (held and not reviewed):
        return None
    return write()


def _report_draft(draft, docx_path: Path | None, reviewed: bool, heading: str, body: str) -> None:
    held = draft.held_for_review
    out = stdout()
    out.rule(heading)
    out.print(escape(body))
    out.rule("검사")
    print_findings(draft.findings, draft.text, out)
    if held:
        out.print(f"\n[bold red]검토 보류[/bold red]: 편향·차별로 읽힐 수 있는 표현 {len(held)}건이 있습니다. "
                  + ("검토했다고 표시해 DOCX를 저장했습니다." if reviewed else
                     "담당자가 확인한 뒤 --reviewed 를 붙여 다시 실행해야 DOCX를 저장합니다."))
    if draft.removed:
        out.print(f"\n[bold]검증에서 뺀 모델 문장 {len(draft.removed)}개[/bold] (검사를 통과하지 못해 싣지 않음)")
        for r in draft.removed:
            out.print(f"  ✗ {escape(r.text)}\n    [dim]{escape('; '.join(r.reasons))}[/dim]")
    if docx_path:
        out.print(f"\nDOCX 저장: {docx_path}")
    out.print(f"[dim]모델: {escape(draft.backend)} · 프롬프트: {draft.prompt_id} · "
              f"{draft.timings.get('total_s', 0):.1f}초 · 사람이 검토한 뒤에 사용하세요.[/dim]")


def _draft_json(draft, docx_path: Path | None, extra: dict) -> dict:
    return {
        "text": draft.text,
        "findings": [f.to_dict() for f in draft.findings],
        "removed": [vars(r) for r in draft.removed],
        "backend": draft.backend,
        "prompt_id": draft.prompt_id,
        "created": draft.created.isoformat(),
        "timings": draft.timings,
        "docx": str(docx_path) if docx_path else None,
        "held_for_review": bool(draft.held_for_review),
        **extra,
    }


@app.command("plan")
def plan(
    brief: Annotated[str | None, typer.Argument(help="기획안 브리프(.yaml/.toml, '항목: 값' 텍스트, 자유 서술) 또는 '-'")] = None,
    example: Annotated[bool, typer.Option("--example", help="내장 예제 브리프 사용 (어르신 스마트 경로당)")] = False,
    kb: Annotated[bool, typer.Option("--kb/--no-kb", help="지식베이스 문서에서 현황을 찾아 출처와 함께 인용")] = True,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="DOCX 저장 경로 (기본: ./기획안-날짜.docx)")] = None,
    no_docx: Annotated[bool, typer.Option("--no-docx", help="DOCX 파일을 만들지 않음")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="본문을 Markdown으로 출력")] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
    profile: Annotated[Path | None, typer.Option(help="기관 프로필 TOML (기본: 설정값 또는 당진시)")] = None,
    reviewed: Annotated[bool, typer.Option("--reviewed", help="편향·차별 표현 경고를 검토했음: 보류된 초안도 DOCX로 저장")] = False,
) -> None:
    """브리프로 사업 기획안 초안을 쓰고, 현황은 문서에서 인용하며, 수치는 브리프와 대조합니다."""
    from mokmin.llm.base import GenerationOptions
    from mokmin.llm.registry import get_backend
    from mokmin.workflows.plan import draft_plan
    from mokmin.workflows.plan_brief import parse_plan_brief

    settings, city = context(profile)
    text, path = _brief_text(brief, example, "plan_brief.yaml", "plan")
    parsed = parse_plan_brief(text, path=path, origin=str(path or "표준 입력"))
    search = None
    if kb:
        from mokmin.knowledge.index import KnowledgeBase

        search = KnowledgeBase(settings).search
    backend = get_backend(settings)
    err = stderr()
    streaming = fmt is OutputFormat.text and err.is_terminal
    if fmt is OutputFormat.text:
        err.print(f"[dim]모델({escape(backend.name)})이 제안 항목을 쓰는 중입니다…[/dim]")
    draft = draft_plan(
        parsed, city, backend, search=search,
        options=GenerationOptions(temperature=settings.temperature, max_tokens=min(settings.max_tokens, 200)),
        on_token=(lambda piece: err.print(piece, end="", style="dim", markup=False)) if streaming else None,
    )
    if streaming:
        err.print()

    def write() -> Path:
        from mokmin.workflows.plan_docx import write_plan_docx

        target = output or Path(f"기획안-{draft.created:%Y%m%d-%H%M%S}.docx")
        return write_plan_docx(draft.document, unique_path(target), author=city.organization.name,
                               disclosure=city.ai_disclosure)

    docx_path = _save_docx(draft.held_for_review, reviewed, no_docx, write)
    if fmt is OutputFormat.json:
        print_json(_draft_json(draft, docx_path, {
            "markdown": draft.to_markdown(),
            "sources": [{"n": n, "location": p.location(), "path": p.source_path}
                        for n, p in enumerate(draft.passages, 1)],
            "proposals": [{"section": k, "text": t} for k, t in draft.proposals],
        }))
        return
    _report_draft(draft, docx_path, reviewed, "기획안 초안", draft.to_markdown() if markdown else draft.text)


@app.command("speech")
def speech(
    brief: Annotated[str | None, typer.Argument(help="연설문 브리프(.yaml/.toml 또는 '항목: 값' 텍스트) 또는 '-'")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="인사말, 축사, 기념사 (기본: 브리프의 '종류' 또는 인사말)")] = None,
    example: Annotated[bool, typer.Option("--example", help="내장 예제 브리프 사용 (생활체육대회 축사)")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="DOCX 저장 경로 (기본: ./연설문-날짜.docx)")] = None,
    no_docx: Annotated[bool, typer.Option("--no-docx", help="DOCX 파일을 만들지 않음")] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
    profile: Annotated[Path | None, typer.Option(help="기관 프로필 TOML (기본: 설정값 또는 당진시)")] = None,
    reviewed: Annotated[bool, typer.Option("--reviewed", help="편향·차별 표현 경고를 검토했음: 보류된 초안도 DOCX로 저장")] = False,
) -> None:
    """브리프로 인사말·축사·기념사 초안을 쓰고, 행사명·날짜·숫자·이름을 브리프와 대조합니다."""
    from mokmin.llm.base import GenerationOptions
    from mokmin.llm.registry import get_backend
    from mokmin.workflows.speech import draft_speech, parse_speech_brief, resolve_kind

    settings, city = context(profile)
    text, path = _brief_text(brief, example, "speech_brief.yaml", "speech")
    parsed = parse_speech_brief(text, path=path, origin=str(path or "표준 입력"))
    resolve_kind(kind, parsed)  # refuse an unknown kind before loading the model
    backend = get_backend(settings)
    err = stderr()
    if fmt is OutputFormat.text:
        err.print(f"[dim]모델({escape(backend.name)})이 본문을 쓰는 중입니다…[/dim]")
    draft = draft_speech(
        parsed, city, backend, kind=kind,
        options=GenerationOptions(temperature=settings.temperature, max_tokens=min(settings.max_tokens, 220)),
    )

    def write() -> Path:
        from mokmin.workflows.plan_docx import write_speech_docx

        target = output or Path(f"연설문-{draft.created:%Y%m%d-%H%M%S}.docx")
        return write_speech_docx(draft.speech, unique_path(target), author=city.organization.name,
                                 disclosure=city.ai_disclosure)

    docx_path = _save_docx(draft.held_for_review, reviewed, no_docx, write)
    if fmt is OutputFormat.json:
        print_json(_draft_json(draft, docx_path, {"kind": draft.speech.kind}))
        return
    _report_draft(draft, docx_path, reviewed, f"{draft.speech.kind} 초안", draft.text)
