"""``mokmin check …``: run the deterministic checkers on any text, ours or someone else's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mokmin.checks.finding import Severity
from mokmin.cli.common import context, read_input_text
from mokmin.cli.output import OutputFormat, print_findings, print_findings_json, stdout

app = typer.Typer(help="초안을 검사합니다 (사실 대조, 형식, 문체).", no_args_is_help=True)


@app.command("press-release")
def press_release(
    draft: Annotated[str, typer.Argument(help="검사할 보도자료 텍스트 파일 또는 '-'")],
    brief: Annotated[str, typer.Option("--brief", help="사실의 근거가 되는 브리프 파일 (.txt/.yaml/.toml)")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
    origin: Annotated[str, typer.Option(help="글의 출처: ai, human, unknown (AI 표시 문구 검사에 사용)")] = "unknown",
    profile: Annotated[Path | None, typer.Option(help="기관 프로필 TOML")] = None,
) -> None:
    """보도자료의 모든 날짜·시각·수치·이름·인용·주장을 브리프와 대조합니다. 오류가 있으면 종료 코드 1."""
    from mokmin.checks.press_release import check_press_release
    from mokmin.cli.draft import load_brief
    from mokmin.errors import InputError

    if origin not in ("ai", "human", "unknown"):
        raise InputError(f"--origin 값이 올바르지 않습니다: {origin}", "ai, human, unknown 중 하나를 쓰세요.")
    _, city = context(profile)
    text = read_input_text(draft, "보도자료")
    if not text.strip():
        raise InputError("검사할 보도자료가 비어 있습니다.", "보도자료 텍스트 파일을 지정하세요.")
    parsed = load_brief(brief, None)
    findings = check_press_release(text, parsed, city, origin=origin)  # type: ignore[arg-type]
    if fmt is OutputFormat.json:
        print_findings_json(findings)
    else:
        print_findings(findings, text, stdout())
    if any(f.severity is Severity.ERROR for f in findings):
        raise typer.Exit(1)
