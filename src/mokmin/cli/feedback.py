"""``mokmin feedback …``: the weekly feedback report from the web server's database."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from mokmin.cli.output import stderr
from mokmin.errors import InputError

app = typer.Typer(help="시민·직원 피드백과 민원을 주제·부서별로 모아 주간 보고서를 만듭니다.", no_args_is_help=True)


@app.command("report")
def report(
    week: Annotated[str | None, typer.Option(
        "--week", help="ISO 주(예: 2026-W48). 생략하면 지난주")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="보고서를 쓸 Markdown 파일(생략하면 화면에 출력)")] = None,
) -> None:
    """주간 피드백 보고서: 만족도, 급증 주제, 주제·부서별 현황, 만족도가 낮은 답변, 문서를 찾지 못한 질문."""
    from mokmin.profile import load_profile
    from mokmin.settings import load_settings
    from mokmin.web.db import WebDB
    from mokmin.web.feedback import FeedbackStore
    from mokmin.web.feedback_analysis import analyse, render_markdown
    from mokmin.checks.pii import profile_exceptions

    settings = load_settings()
    path = settings.home / "web.sqlite"
    if not path.exists():
        raise InputError(f"웹 서버 데이터베이스가 없습니다: {path}",
                         "'mokmin serve'로 웹 서버를 운영한 데이터 폴더(MOKMIN_HOME)에서 실행하세요.")
    profile = load_profile(settings.profile)
    db = WebDB(path)
    try:
        store = FeedbackStore(db, profile_exceptions(profile))
        today = None if week else date.today() - timedelta(days=7)
        result = analyse(store, profile, week, home=settings.home, today=today)
        text = render_markdown(result, profile.organization.name)
    finally:
        db.close()
    if output is None:
        typer.echo(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"보고서를 쓸 수 없습니다: {output} ({exc.strerror or exc})",
                         "쓰기 권한이 있는 경로를 -o로 지정하세요.") from exc
    rising = len(result.rising)
    stderr().print(f"{result.week} 보고서를 썼습니다: {output} (평가 {result.totals['ratings']}건, 급증 주제 {rising}개)")
