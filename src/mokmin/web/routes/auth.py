"""Sign-in and sign-out of staff."""

from __future__ import annotations

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse

from mokmin.guard.audit import AccessEvent, acting_as, record
from mokmin.web.cookies import clear_session_cookie, set_session_cookie
from mokmin.web.pages import render
from mokmin.web.security import SESSION_COOKIE, Caller, identify, router

public = router("public")
staff = router("staff")


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host): an open redirect would help phishing."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(c.isspace() or ord(c) < 32 for c in target)):  # browsers drop tabs: "/\t/evil"
        return target
    return "/staff"


@public.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None):
    return render(request, "login.html", next=_safe_next(next), error=None)


@public.post("/login", include_in_schema=False)
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/staff")):
    services = request.app.state.services
    user = services.users.authenticate(username, password)
    with acting_as(f"web:{username.strip()[:64] or '?'}"):
        record(AccessEvent(action="login", target="web", ok=user is not None), services.settings)
    if user is None:
        return render(request, "login.html", status_code=401, next=_safe_next(next),
                      error="사용자 이름이나 비밀번호가 맞지 않습니다.")
    token, _csrf = services.users.start_session(user, services.settings.web.session_hours)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, token)
    return response


@staff.post("/logout", include_in_schema=False)
def logout(request: Request, caller: Caller = Depends(identify)):
    request.app.state.services.users.end_session(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response


routers = [public, staff]
