"""The web application: :func:`create_app` builds it from settings (and, in tests, a given backend).

Route modules live in ``mokmin.web.routes``; each exposes ``routers``, a list of routers made with
:func:`mokmin.web.security.router` so that every route has exactly one access level. Templates and
static files are package data (``mokmin/data/web``): nothing is fetched from a CDN.
"""

from __future__ import annotations

import importlib
from contextlib import asynccontextmanager
from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from mokmin import __version__
from mokmin.errors import InputError, MokminError
from mokmin.llm.base import Backend
from mokmin.profile import CityProfile
from mokmin.settings import Settings
from mokmin.web.cookies import secure_cookies
from mokmin.web.model_queue import QueueFull
from mokmin.web.pages import render, wants_html
from mokmin.web.security import CITIZEN_COOKIE, SignInRequired
from mokmin.web.services import Services

# Each module has `routers`; order matters only for overlapping paths (there are none).
ROUTE_MODULES = (
    "mokmin.web.routes.auth",
    "mokmin.web.routes.home",
    "mokmin.web.routes.admin",
    "mokmin.web.routes.account",
    "mokmin.web.routes.feedback_api",
    "mokmin.web.routes.dashboard",
    "mokmin.web.routes.citizen",
    "mokmin.web.routes.ask_api",
    "mokmin.web.routes.openai_api",
    "mokmin.web.routes.staff_press",
    "mokmin.web.routes.staff_research",
    "mokmin.web.routes.staff_proofread",
    "mokmin.web.routes.staff_translate",
    "mokmin.web.routes.staff_summarize",
    "mokmin.web.routes.staff_kb",
    "mokmin.web.routes.minwon",
    "mokmin.web.routes.staff_drafts",
    "mokmin.web.routes.staff_code",
)


def web_data():
    return resources.files("mokmin") / "data" / "web"


def create_app(settings: Settings | None = None, *, profile: CityProfile | None = None,
               backend: Backend | None = None) -> FastAPI:
    services = Services(settings, profile=profile, backend=backend)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        services.close()

    app = FastAPI(
        title=f"목민 API ({services.profile.organization.name})",
        version=__version__,
        description="목민: 지방자치단체 생성형 AI 업무 도우미. 모든 생성 결과는 사람이 검토한 뒤 사용하세요.",
        lifespan=lifespan,
        docs_url=None,  # served by mokmin.web.routes.home with the packaged Swagger UI (no CDN)
        redoc_url=None,
    )
    app.state.services = services
    app.mount("/static", StaticFiles(directory=str(web_data() / "static")), name="static")
    for name in ROUTE_MODULES:
        module = importlib.import_module(name)
        for r in module.routers:
            app.include_router(r)
    _install_error_handlers(app)
    _document_errors(app)
    _install_middleware(app)
    return app


def _install_middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def headers_and_citizen_cookie(request: Request, call_next):
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        caller = getattr(request.state, "caller", None)
        if caller is not None and caller.via == "citizen" and getattr(request.state, "new_citizen_cookie", False):
            response.set_cookie(CITIZEN_COOKIE, caller.client_id.split(":", 1)[1], httponly=True,
                                samesite="lax", secure=secure_cookies(request), max_age=30 * 86400)
        return response


def _document_errors(app: FastAPI) -> None:
    """Describe our 422 answers as they are: ``{"detail": text, "hint": text}`` (see the handler below),
    not FastAPI's list of errors, so API clients and schema checks read the right shape."""
    generate = app.openapi

    def openapi() -> dict:
        schema = generate()
        components = schema.get("components", {}).get("schemas", {})
        if "HTTPValidationError" in components:
            components["HTTPValidationError"] = {
                "title": "HTTPValidationError", "type": "object", "required": ["detail"],
                "properties": {"detail": {"type": "string", "title": "무엇이 틀렸는지"},
                               "hint": {"type": "string", "title": "어떻게 고치는지"}},
            }
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired):
        if wants_html(request) and request.method == "GET" and "authorization" not in request.headers:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return JSONResponse({"detail": exc.detail}, status_code=401)

    @app.exception_handler(QueueFull)
    async def queue_full(request: Request, exc: QueueFull):
        return JSONResponse({"detail": exc.message, "hint": exc.hint, "retry_after": exc.retry_after},
                            status_code=429, headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(MokminError)
    async def mokmin_error(request: Request, exc: MokminError):
        status = 400 if isinstance(exc, InputError) else 503
        if wants_html(request):
            return render(request, "error.html", status_code=status, message=exc.message, hint=exc.hint)
        return JSONResponse({"detail": exc.message, "hint": exc.hint}, status_code=status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if wants_html(request) and exc.status_code in (403, 404):
            message = "권한이 없는 페이지입니다." if exc.status_code == 403 else "페이지를 찾을 수 없습니다."
            return render(request, "error.html", status_code=exc.status_code, message=exc.detail or message,
                          hint=None)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or '요청'}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"detail": f"요청 값이 올바르지 않습니다: {problems}",
                             "hint": "API 문서(/docs)에서 필드와 형식을 확인하세요."}, status_code=422)
