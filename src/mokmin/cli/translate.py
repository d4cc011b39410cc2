"""``mokmin translate`` and ``mokmin rewrite``: model text with every fact verified against the input."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape

from mokmin.cli.common import context, read_input_text
from mokmin.cli.output import OutputFormat, print_findings, print_json, stderr, stdout


class Target(StrEnum):
    en = "en"
    ko = "ko"


class StyleOption(StrEnum):
    plain = "plain"
    formal = "formal"
    press = "press"


def translate(
    file: Annotated[str, typer.Argument(help="번역할 텍스트 파일 또는 '-'(표준 입력)")],
    to: Annotated[Target | None, typer.Option("--to", help="en(한→영) 또는 ko(영→한). 없으면 자동 판단")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
) -> None:
    """한국어↔영어를 문장별로 번역합니다. 기관 용어집을 강제하고 수치·날짜·용어를 원문과 대조합니다.

    한 번에 5,000자까지. 오류가 남으면 종료 코드 1.
    """
    from mokmin.llm.registry import get_backend
    from mokmin.workflows.translate import MAX_TRANSLATE_CHARS, validate_text
    from mokmin.workflows.translate import translate as run_translate

    text = validate_text(read_input_text(file, "번역할 글"), limit=MAX_TRANSLATE_CHARS, what="번역")
    direction = {None: "auto", Target.en: "ko2en", Target.ko: "en2ko"}[to]
    settings, city = context()
    backend = get_backend(settings)
    result = run_translate(text, direction=direction, profile=city, backend=backend,  # type: ignore[arg-type]
                           on_sentence=_progress(fmt))
    _report(result, fmt, {"direction": result.direction, "retries": result.retries},
            "생성형 인공지능(목민)이 번역한 초안입니다. 공개 전에 담당자가 검토하세요.")


def rewrite(
    file: Annotated[str, typer.Argument(help="다듬을 한국어 텍스트 파일 또는 '-'(표준 입력)")],
    style: Annotated[StyleOption, typer.Option("--style", help="plain(쉬운 우리말), formal(격식체), press(기사체)")]
    = StyleOption.plain,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
) -> None:
    """한국어 글을 쉬운 우리말이나 요청한 문체로 다시 씁니다. 바뀐 사실(수치·날짜·이름·인용)은 오류로 표시합니다.

    한 번에 3,000자까지. 오류가 남으면 종료 코드 1.
    """
    from mokmin.llm.registry import get_backend
    from mokmin.workflows.rewrite import MAX_REWRITE_CHARS
    from mokmin.workflows.rewrite import rewrite as run_rewrite
    from mokmin.workflows.translate import validate_text

    text = validate_text(read_input_text(file, "다듬을 글"), limit=MAX_REWRITE_CHARS, what="다듬기")
    settings, city = context()
    backend = get_backend(settings)
    result = run_rewrite(text, style=style.value, profile=city, backend=backend,  # type: ignore[arg-type]
                         on_sentence=_progress(fmt))
    _report(result, fmt, {"style": result.style, "proofread": result.proofread},
            "생성형 인공지능(목민)이 고쳐 쓴 초안입니다. 원문과 비교해 검토하세요.")


def _report(result, fmt: OutputFormat, fields: dict, notice: str) -> None:
    """Print a translation or rewrite (text or JSON) and exit 1 when an error finding remains."""
    if fmt is OutputFormat.json:
        print_json({
            **fields, "text": result.text,
            "alignment": [{"source": s, "target": t} for s, t in result.alignment],
            "findings": [f.to_dict() for f in result.findings],
            "backend": result.backend, "prompt_id": result.prompt_id, "timings": result.timings,
        })
    else:
        out = stdout()
        out.print(escape(result.text))
        out.rule("검사")
        print_findings(result.findings, result.text, out)
        out.print(f"[dim]{notice}[/dim]")
    if result.errors:
        raise typer.Exit(1)


def _progress(fmt: OutputFormat):
    err = stderr()
    if fmt is not OutputFormat.text or not err.is_terminal:
        return None
    return lambda i, n, _text: err.print(f"[dim]{i}/{n} 문장 완료[/dim]")
