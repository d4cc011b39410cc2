"""The staff session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS (or always, by setting)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from mokmin.web.security import SESSION_COOKIE


def secure_cookies(request: Request) -> bool:
    mode = request.app.state.services.settings.web.cookie_secure
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    hours = request.app.state.services.settings.web.session_hours
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure_cookies(request),
                        max_age=int(hours * 3600), path="/")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
