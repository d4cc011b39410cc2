"""Administration pages: staff accounts, API keys and the city profile.

Every change is written to the audit log as an :class:`AccessEvent` by the signed-in administrator.
Forms post back to the page they came from, which is rendered again with a message (``notice`` on
success, ``error`` with status 400 on a refused change).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse

from mokmin.errors import InputError, MokminError
from mokmin.guard.audit import AccessEvent, acting_as, record
from mokmin.profile import bundled_profile_path, profile_from_toml
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router
from mokmin.web.services import profile_path, saved_profile_path
from mokmin.web.users import ROLES, User

admin = router("admin", prefix="/admin")

ROLE_LABELS = {"admin": "관리자", "staff": "직원"}
SCOPE_LABELS = {"staff": "직원용 (모든 문서)", "public": "공개용 (공개 문서만)"}


def audit(request: Request, caller: Caller, action: str, target: str, ok: bool = True) -> None:
    services = request.app.state.services
    with acting_as(caller.actor):
        record(AccessEvent(action=action, target=target, ok=ok), services.settings)


def _user_or_error(request: Request, user_id: int) -> User:
    user = request.app.state.services.users.get(user_id)
    if user is None:
        raise InputError("그런 사용자가 없습니다.", "사용자 목록을 다시 확인하세요.")
    return user


# ---- users ---------------------------------------------------------------------------------------------------
def _users_page(request: Request, *, notice: str | None = None, error: str | None = None) -> HTMLResponse:
    users = request.app.state.services.users
    return render(request, "admin_users.html", status_code=400 if error else 200, users=users.all(),
                  roles=ROLES, role_labels=ROLE_LABELS, notice=notice, error=error)


def _refused(exc: MokminError) -> str:
    return f"{exc.message} {exc.hint}" if exc.hint else exc.message


@admin.get("/users", include_in_schema=False)
def users_page(request: Request):
    return _users_page(request)


@admin.post("/users", include_in_schema=False)
def create_user(request: Request, caller: Caller = Depends(identify), username: str = Form(""),
                password: str = Form(""), role: str = Form("staff"), display_name: str = Form(""),
                department: str = Form("")):
    users = request.app.state.services.users
    try:
        user = users.create(username, password, role, display_name=display_name,  # type: ignore[arg-type]
                            department=department)
    except MokminError as exc:
        return _users_page(request, error=_refused(exc))
    audit(request, caller, "user.create", f"{user.username} ({user.role})")
    return _users_page(request, notice=f"{user.username} 계정을 만들었습니다.")


@admin.post("/users/{user_id}/role", include_in_schema=False)
def change_role(request: Request, user_id: int, caller: Caller = Depends(identify), role: str = Form(...)):
    users = request.app.state.services.users
    try:
        user = _user_or_error(request, user_id)
        changed = users.update(user.id, role=role)  # type: ignore[arg-type]
    except MokminError as exc:
        audit(request, caller, "user.role", f"user:{user_id} → {role}", ok=False)
        return _users_page(request, error=_refused(exc))
    audit(request, caller, "user.role", f"{changed.username} → {changed.role}")
    return _users_page(request, notice=f"{changed.username}의 역할을 {ROLE_LABELS[changed.role]}(으)로 바꿨습니다.")


@admin.post("/users/{user_id}/active", include_in_schema=False)
def change_active(request: Request, user_id: int, caller: Caller = Depends(identify), active: str = Form(...)):
    users = request.app.state.services.users
    wanted = active in ("1", "true", "on")
    try:
        user = _user_or_error(request, user_id)
        changed = users.update(user.id, active=wanted)
    except MokminError as exc:
        audit(request, caller, "user.active", f"user:{user_id} → {wanted}", ok=False)
        return _users_page(request, error=_refused(exc))
    audit(request, caller, "user.active", f"{changed.username} → {'active' if wanted else 'inactive'}")
    what = "다시 쓸 수 있게 했습니다" if wanted else "비활성화했습니다 (로그인과 API 키가 막힙니다)"
    return _users_page(request, notice=f"{changed.username} 계정을 {what}.")


@admin.post("/users/{user_id}/password", include_in_schema=False)
def reset_password(request: Request, user_id: int, caller: Caller = Depends(identify), password: str = Form("")):
    users = request.app.state.services.users
    try:
        user = _user_or_error(request, user_id)
        users.set_password(user.id, password)
    except MokminError as exc:
        return _users_page(request, error=_refused(exc))
    audit(request, caller, "user.password_reset", user.username)
    return _users_page(request, notice=f"{user.username}의 비밀번호를 바꿨습니다. 그 사용자의 로그인은 모두 끊겼습니다.")


# ---- API keys ------------------------------------------------------------------------------------------------
def _keys_page(request: Request, *, notice: str | None = None, error: str | None = None,
               new_key: str | None = None) -> HTMLResponse:
    users = request.app.state.services.users
    rows = [(user, users.api_keys_of(user.id)) for user in users.all()]
    return render(request, "admin_keys.html", status_code=400 if error else 200, rows=rows,
                  scope_labels=SCOPE_LABELS, notice=notice, error=error, new_key=new_key)


@admin.get("/keys", include_in_schema=False)
def keys_page(request: Request):
    return _keys_page(request)


@admin.post("/keys", include_in_schema=False)
def create_key(request: Request, caller: Caller = Depends(identify), user_id: int = Form(...),
               name: str = Form(""), scope: str = Form("staff")):
    users = request.app.state.services.users
    try:
        user = _user_or_error(request, user_id)
        if not user.active:
            raise InputError(f"{user.username} 계정은 비활성 상태입니다.", "계정을 먼저 다시 쓸 수 있게 하세요.")
        key = users.create_api_key(user, name, scope)  # type: ignore[arg-type]
    except MokminError as exc:
        return _keys_page(request, error=_refused(exc))
    audit(request, caller, "api_key.create", f"{user.username} ({scope}) {name.strip() or 'key'}")
    return _keys_page(request, new_key=key,
                      notice=f"{user.username}의 API 키를 만들었습니다. 이 화면을 벗어나면 다시 볼 수 없으니 지금 복사하세요.")


@admin.post("/keys/{user_id}/{key_id}/revoke", include_in_schema=False)
def revoke_key(request: Request, user_id: int, key_id: str, caller: Caller = Depends(identify)):
    users = request.app.state.services.users
    user = _user_or_error(request, user_id)
    if not users.revoke_api_key(user.id, key_id):
        return _keys_page(request, error="그런 API 키가 없습니다. 목록을 새로 고친 뒤 다시 시도하세요.")
    audit(request, caller, "api_key.revoke", f"{user.username} {key_id}")
    return _keys_page(request, notice=f"{user.username}의 API 키 {key_id}를 폐기했습니다.")


# ---- the city profile ----------------------------------------------------------------------------------------
def _profile_text(request: Request) -> str:
    path = profile_path(request.app.state.services.settings) or bundled_profile_path()
    return Path(path).read_text(encoding="utf-8")


def _profile_page(request: Request, *, text: str | None = None, notice: str | None = None,
                  error: str | None = None) -> HTMLResponse:
    settings = request.app.state.services.settings
    return render(request, "admin_profile.html", status_code=400 if error else 200,
                  text=_profile_text(request) if text is None else text, notice=notice, error=error,
                  saved_path=saved_profile_path(settings), configured=settings.profile)


def save_atomically(path: Path, text: str) -> Path | None:
    """Write ``text`` to ``path`` (temp file + fsync + rename); the previous file is kept as ``<name>.bak``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = path.with_name(path.name + ".bak")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.replace(path, backup)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return backup if backup.exists() else None


@admin.get("/profile", include_in_schema=False)
def profile_page(request: Request):
    return _profile_page(request)


@admin.post("/profile", include_in_schema=False)
def save_profile(request: Request, caller: Caller = Depends(identify), toml: str = Form("")):
    services = request.app.state.services
    text = toml.replace("\r\n", "\n")
    try:
        profile = profile_from_toml(text)
    except MokminError as exc:
        audit(request, caller, "profile.update", "profile.toml", ok=False)
        return _profile_page(request, text=text, error=_refused(exc))
    target = saved_profile_path(services.settings)
    save_atomically(target, text)
    services.profile = profile
    audit(request, caller, "profile.update", str(target))
    return _profile_page(request, notice=f"기관 프로필을 저장하고 바로 적용했습니다 ({profile.organization.name}).")


routers = [admin]
