"""``mokmin serve`` (the web workspace, citizen chat and API) and ``mokmin user`` (staff accounts)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Optional

import typer

from mokmin.errors import InputError

app = typer.Typer(help="직원 계정 관리", no_args_is_help=True)


def _users():
    from mokmin.settings import load_settings
    from mokmin.web.db import WebDB
    from mokmin.web.users import Users

    settings = load_settings()
    db = WebDB(settings.home / "web.sqlite")
    return settings, db, Users(db)


def ensure_first_admin(users, home: Path) -> str | None:
    """On a new install, make the account ``admin`` with a random password kept (0600) in the data folder."""
    if users.count_admins():
        return None
    password = secrets.token_urlsafe(12) + "7"
    users.create("admin", password, "admin", display_name="관리자")
    path = home / "initial-admin.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"사용자 이름: admin\n비밀번호: {password}\n처음 로그인한 뒤 관리 > 사용자에서 비밀번호를 바꾸세요.\n")
    return password


def add_example_documents(kb) -> int:
    """Put the packaged example documents in an empty knowledge base as public documents."""
    from importlib import resources

    if kb.list():
        return 0
    folder = resources.files("mokmin") / "data" / "examples" / "documents"
    with resources.as_file(folder) as real:
        summary = kb.add([real], audience="public", progress=False)
    typer.echo(f"예시 공개 문서 {len(summary.indexed)}건을 지식베이스에 넣었습니다.")
    return len(summary.indexed)


def serve(
    host: Optional[str] = typer.Option(None, help="들을 주소 (기본: 설정 web.host, 127.0.0.1)"),
    port: Optional[int] = typer.Option(None, help="포트 (기본: 설정 web.port, 8080)"),
    example_documents: bool = typer.Option(
        False, "--example-documents", help="지식베이스가 비어 있으면 예시 공개 문서(시의 실제 보도자료)를 넣습니다."),
) -> None:
    """웹 업무 공간·시민 상담·API 서버를 띄웁니다 (내장 모델, 네트워크 불필요)."""
    import uvicorn

    from mokmin.settings import load_settings
    from mokmin.web.app import create_app

    settings = load_settings()
    host = host or settings.web.host
    port = port or settings.web.port
    app_ = create_app(settings)
    users = app_.state.services.users
    password = ensure_first_admin(users, settings.home)
    if example_documents:
        add_example_documents(app_.state.services.kb())
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    typer.secho(f"목민 서버: http://{shown}:{port}/  (시민 상담: /chat, 직원: /staff, API 문서: /docs)", bold=True)
    if password:
        typer.echo(f"처음 실행이라 관리자 계정을 만들었습니다 → 사용자 이름 admin, 비밀번호 {password}")
        typer.echo(f"(같은 내용이 {settings.home / 'initial-admin.txt'}에 있습니다. 로그인 후 바꾸세요.)")
    typer.echo("끝내려면 Ctrl+C를 누르세요.")
    uvicorn.run(app_, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)


@app.command("add")
def add(
    username: str,
    role: str = typer.Option("staff", help="admin 또는 staff"),
    name: str = typer.Option("", help="표시할 이름"),
    department: str = typer.Option("", help="부서"),
    password: Optional[str] = typer.Option(None, help="비밀번호 (비우면 물어봅니다)"),
) -> None:
    """직원 계정을 만듭니다."""
    _settings, db, users = _users()
    try:
        if password is None:
            password = typer.prompt("비밀번호", hide_input=True, confirmation_prompt=True)
        user = users.create(username, password, role, display_name=name, department=department)  # type: ignore[arg-type]
        typer.echo(f"만들었습니다: {user.username} ({user.role})")
    finally:
        db.close()


@app.command("list")
def list_users() -> None:
    """직원 계정 목록."""
    _settings, db, users = _users()
    try:
        for u in users.all():
            state = "" if u.active else " (비활성)"
            typer.echo(f"{u.id}\t{u.username}\t{u.role}\t{u.label}\t{u.department}{state}")
    finally:
        db.close()


@app.command("passwd")
def passwd(username: str, password: Optional[str] = typer.Option(None, help="새 비밀번호 (비우면 물어봅니다)")) -> None:
    """비밀번호를 바꿉니다 (그 사용자의 로그인은 모두 끊깁니다)."""
    _settings, db, users = _users()
    try:
        user = users.by_username(username)
        if user is None:
            raise InputError(f"그런 사용자가 없습니다: {username}", "'mokmin user list'로 확인하세요.")
        if password is None:
            password = typer.prompt("새 비밀번호", hide_input=True, confirmation_prompt=True)
        users.set_password(user.id, password)
        typer.echo("바꿨습니다.")
    finally:
        db.close()
