"""HTML pages: one Jinja2 environment over the packaged templates, and what every page is given."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from fastapi import Request
from fastapi.templating import Jinja2Templates

# (path, label, minimum role) of the staff workspace menu; pages check access themselves
STAFF_MENU = (
    ("/staff/press", "보도자료", "staff"),
    ("/staff/research", "자료조사", "staff"),
    ("/staff/proofread", "교정", "staff"),
    ("/staff/translate", "번역", "staff"),
    ("/staff/summarize", "요약", "staff"),
    ("/staff/plan", "기획안", "staff"),
    ("/staff/code", "코드 도우미", "staff"),
    ("/staff/kb", "지식베이스", "staff"),
    ("/staff/minwon", "민원", "staff"),
    ("/staff/dashboard", "피드백", "staff"),
    ("/admin/users", "관리", "admin"),
)


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    folder = resources.files("mokmin") / "data" / "web" / "templates"
    return Jinja2Templates(directory=str(folder))


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/v1/")) or "/api/" in path:
        return False
    return "text/html" in request.headers.get("accept", "") or request.method == "GET"


def render(request: Request, name: str, *, status_code: int = 200, **context):
    from mokmin.web.security import identify

    services = request.app.state.services
    caller = identify(request)
    user = caller.user if caller.via == "session" else None
    menu = [(path, label) for path, label, role in STAFF_MENU
            if user and (role == "staff" or user.is_admin)]
    base = {
        "request": request,
        "user": user,
        "csrf": caller.csrf,
        "profile": services.profile,
        "org": services.profile.organization,
        "menu": menu,
        "path": request.url.path,
    }
    return templates().TemplateResponse(request, name, base | context, status_code=status_code)
