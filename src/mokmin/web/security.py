"""Who is asking, and may they: sessions, API keys, CSRF, roles and the access level of every route.

Every route belongs to exactly one access level, declared by the router it is built on:

- ``public``  citizens, no sign-in (the chat, public documents, sign-in page, assets)
- ``staff``   signed-in staff or a ``staff`` API key
- ``admin``   signed-in administrators
- ``api``     an API key (``public`` keys see public documents only)

``tests/test_web_access.py`` walks every route of the app and checks it against its level, so a new route
without a level fails the tests. State-changing requests that rely on the session cookie must carry the
session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``); API-key requests need none.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request

from mokmin.web.users import KeyScope, User

Access = Literal["public", "staff", "admin", "api"]
ACCESS_LEVELS: tuple[Access, ...] = ("public", "staff", "admin", "api")
SESSION_COOKIE = "mokmin_session"
CITIZEN_COOKIE = "mokmin_citizen"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class SignInRequired(HTTPException):
    """401; HTML pages turn it into a redirect to the sign-in page."""

    def __init__(self) -> None:
        super().__init__(401, "로그인이 필요합니다.")


@dataclass(frozen=True)
class Caller:
    """The person (or program) behind a request."""

    user: User | None  # None for citizens
    via: Literal["session", "api_key", "citizen"]
    scope: KeyScope  # which documents they may see
    csrf: str  # the token their state-changing requests must carry
    client_id: str  # for the queue and rate limits: user, key or citizen cookie

    @property
    def audience(self) -> KeyScope:
        return self.scope

    @property
    def actor(self) -> str:
        """Name recorded in the audit log."""
        if self.user:
            return f"web:{self.user.username}"
        return f"citizen:{self.client_id[-8:]}"


def client_address(request: Request) -> str:
    settings = request.app.state.services.settings
    if settings.web.trust_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def identify(request: Request) -> Caller:
    """The caller of ``request`` (cached on the request). Never raises: citizens are callers too."""
    cached = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    users = request.app.state.services.users
    caller: Caller
    key = _bearer(request)
    found_key = users.api_key(key) if key else None
    found_session = None if key else users.session(request.cookies.get(SESSION_COOKIE))
    if found_key:
        user, scope = found_key
        caller = Caller(user, "api_key", scope, "", f"key:{user.id}:{key[-6:]}")
    elif found_session:
        user, csrf = found_session
        caller = Caller(user, "session", "staff", csrf, f"user:{user.id}")
    else:
        citizen = request.cookies.get(CITIZEN_COOKIE) or ""
        if not _valid_citizen_cookie(citizen):
            citizen = ""
        request.state.new_citizen_cookie = not citizen
        citizen = citizen or new_citizen_cookie()
        caller = Caller(None, "citizen", "public", citizen_csrf(request, citizen), f"citizen:{citizen}")
    request.state.caller = caller
    return caller


def new_citizen_cookie() -> str:
    return secrets.token_urlsafe(18)


def _valid_citizen_cookie(value: str) -> bool:
    return 16 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def citizen_csrf(request: Request, citizen: str) -> str:
    """A citizen's CSRF token: an HMAC of their cookie with the server's secret (nothing to store)."""
    secret = request.app.state.services.secret
    return hmac.new(secret, citizen.encode(), "sha256").hexdigest()[:32]


def check_csrf(request: Request, caller: Caller, form_token: str | None = None) -> None:
    """Refuse a state-changing cookie request that does not carry the caller's CSRF token."""
    if request.method in SAFE_METHODS or caller.via == "api_key":
        return
    given = request.headers.get("x-csrf-token") or form_token or ""
    if not caller.csrf or not hmac.compare_digest(given, caller.csrf):
        raise HTTPException(403, "보안 토큰(CSRF)이 없거나 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도하세요.")


async def _form_token(request: Request) -> str | None:
    content_type = request.headers.get("content-type", "")
    if "form" in content_type:
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


# ---- dependencies, one per access level --------------------------------------------------------------------
async def public_caller(request: Request) -> Caller:
    caller = identify(request)
    check_csrf(request, caller, await _form_token(request))
    return caller


async def staff_caller(request: Request) -> Caller:
    caller = identify(request)
    if caller.user is None or (caller.via == "api_key" and caller.scope != "staff"):
        raise SignInRequired()
    check_csrf(request, caller, await _form_token(request))
    return caller


async def admin_caller(request: Request) -> Caller:
    caller = await staff_caller(request)
    if caller.via != "session" or not caller.user or not caller.user.is_admin:
        raise HTTPException(403, "관리자만 쓸 수 있는 페이지입니다.")
    return caller


async def api_caller(request: Request) -> Caller:
    caller = identify(request)
    if caller.via != "api_key":
        raise HTTPException(401, "API 키가 필요합니다. 'Authorization: Bearer mk-…' 헤더를 보내세요.",
                            headers={"WWW-Authenticate": "Bearer"})
    return caller


_DEPENDENCIES = {"public": public_caller, "staff": staff_caller, "admin": admin_caller, "api": api_caller}


def router(access: Access, **kwargs) -> APIRouter:
    """An APIRouter whose every route requires ``access`` (tagged ``access:<level>`` for the access test)."""
    tags = list(kwargs.pop("tags", [])) + [f"access:{access}"]
    return APIRouter(dependencies=[Depends(_DEPENDENCIES[access])], tags=tags, **kwargs)


def access_of(route) -> Access | None:
    levels = [t.split(":", 1)[1] for t in getattr(route, "tags", []) or [] if str(t).startswith("access:")]
    return levels[0] if len(levels) == 1 else None  # type: ignore[return-value]
