"""The front doors: the site root, the staff workspace index and a health check."""

from __future__ import annotations

from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse

from mokmin import __version__
from mokmin.web.pages import render
from mokmin.web.security import router

public = router("public")
staff = router("staff")


@public.get("/", include_in_schema=False)
def root():
    return RedirectResponse("/chat", status_code=307)


@public.get("/healthz", tags=["상태"])
def health(request: Request) -> dict:
    """Liveness and the model queue's state (no personal data)."""
    stats = request.app.state.services.queue.stats()
    return {"status": "ok", "version": __version__, "queue": {"waiting": stats.waiting, "running": stats.running}}


_SWAGGER_FILES = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript"}


@public.get("/docs", include_in_schema=False)
def api_docs(request: Request):
    """The OpenAPI document as Swagger UI, from the swagger-ui-bundle package (works offline)."""
    return render(request, "api_docs.html")


@public.get("/docs/assets/{name}", include_in_schema=False)
def api_docs_asset(name: str):
    import swagger_ui_bundle

    if name not in _SWAGGER_FILES:
        raise HTTPException(404, "없는 파일입니다.")
    return FileResponse(Path(swagger_ui_bundle.swagger_ui_path) / name, media_type=_SWAGGER_FILES[name])


@staff.get("/staff", include_in_schema=False)
def workspace(request: Request):
    return render(request, "staff_home.html")


routers = [public, staff]
