"""A staff member's own account: changing the password (the current one is required)."""

from __future__ import annotations

from fastapi import Depends, Form, Request

from mokmin.errors import MokminError
from mokmin.guard.audit import AccessEvent, acting_as, record
from mokmin.web.cookies import set_session_cookie
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router

staff = router("staff", prefix="/staff")


def _page(request: Request, *, notice: str | None = None, error: str | None = None):
    return render(request, "account.html", status_code=400 if error else 200, notice=notice, error=error)


@staff.get("/account", include_in_schema=False)
def account_page(request: Request):
    return _page(request)


@staff.post("/account", include_in_schema=False)
def change_password(request: Request, caller: Caller = Depends(identify), current_password: str = Form(""),
                    new_password: str = Form(""), new_password_again: str = Form("")):
    services = request.app.state.services
    user = caller.user
    if caller.via != "session" or user is None:
        return _page(request, error="API 키로는 비밀번호를 바꿀 수 없습니다. 웹에서 로그인하세요.")
    if services.users.authenticate(user.username, current_password) is None:
        return _page(request, error="지금 비밀번호가 맞지 않습니다.")
    if new_password != new_password_again:
        return _page(request, error="새 비밀번호 두 칸이 서로 다릅니다. 같게 입력하세요.")
    if new_password == current_password:
        return _page(request, error="새 비밀번호가 지금 비밀번호와 같습니다. 다른 비밀번호를 정하세요.")
    try:
        services.users.set_password(user.id, new_password)  # ends every session of this user
    except MokminError as exc:
        return _page(request, error=f"{exc.message} {exc.hint or ''}".strip())
    with acting_as(caller.actor):
        record(AccessEvent(action="user.password_change", target=user.username), services.settings)
    # this browser stays signed in with a fresh session; every other sign-in has ended
    token, csrf = services.users.start_session(user, services.settings.web.session_hours)
    request.state.caller = Caller(user, "session", "staff", csrf, caller.client_id)
    response = _page(request, notice="비밀번호를 바꿨습니다. 다른 곳에서 로그인한 세션은 모두 끊겼습니다.")
    set_session_cookie(request, response, token)
    return response


routers = [staff]
