"""Helpers every web test uses: an app with a scripted backend and clients signed in like a browser.

    from web_helpers import make_app, staff_client, admin_client, citizen_client, api_client

    app = make_app()                       # isolated MOKMIN_HOME (conftest), scripted fake backend
    kim = staff_client(app)                # user "kim" created and signed in through GET/POST /login
    kim.get("/staff")                      # session cookie is sent
    kim.post_csrf("/api/v1/x", json={...}) # adds the X-CSRF-Token header (kim.csrf)
    kim.post_form("/admin/users", {...})   # adds the csrf_token form field
    key = api_client(app, scope="public")  # Authorization: Bearer mk-… (key.key is the raw key)

Close an app with ``close_app(app)`` (or use the ``web_app`` fixture: ``from web_helpers import web_app``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fakes import ObedientBackend
from mokmin.settings import Settings, load_settings
from mokmin.web import users as web_users
from mokmin.web.app import create_app

PASSWORD = "correct-horse-7"

# Argon2id with its production parameters costs ~0.1 s per hash (close to 1 s on this busy test machine),
# and every sign-in hashes. Web tests use the same algorithm with small parameters; the production hasher
# is kept here so that tests can check its parameters and the re-hash on sign-in.
PRODUCTION_HASHER = web_users._hasher
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
web_users._hasher = TEST_HASHER
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def make_app(settings: Settings | None = None, backend: Any = None, **setting_overrides: Any) -> FastAPI:
    """The full app over the isolated data folder; ``backend`` defaults to a scripted fake model."""
    settings = settings or load_settings(**setting_overrides)
    return create_app(settings, backend=backend if backend is not None else ObedientBackend(default="검토용 초안입니다."))


def close_app(app: FastAPI) -> None:
    app.state.services.close()


@pytest.fixture
def web_app():
    app = make_app()
    yield app
    close_app(app)


def csrf_of(html: str) -> str:
    """The CSRF token a page carries in its ``<meta name="csrf-token">``."""
    found = _CSRF_META.search(html)
    assert found, "page has no csrf-token meta"
    return found.group(1)


class WebClient(TestClient):
    """A TestClient that knows its CSRF token (``.csrf``) and, when signed in, its user (``.user``)."""

    csrf: str = ""
    user = None
    key: str | None = None

    def csrf_headers(self, **extra: str) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf, **extra}

    def post_csrf(self, url: str, **kwargs: Any):
        """POST with the X-CSRF-Token header (JSON, SSE or form bodies)."""
        kwargs["headers"] = self.csrf_headers(**(kwargs.get("headers") or {}))
        return self.post(url, **kwargs)

    def post_form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any):
        """POST a form with its ``csrf_token`` field, as an HTML form does."""
        return self.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def refresh_csrf(self, page: str = "/login") -> str:
        response = self.get(page)
        self.csrf = csrf_of(response.text)
        return self.csrf


def _client(app: FastAPI) -> WebClient:
    return WebClient(app, follow_redirects=False)


def citizen_client(app: FastAPI) -> WebClient:
    """A citizen's browser: has the citizen cookie and its CSRF token, no account."""
    client = _client(app)
    client.refresh_csrf("/login")
    return client


def sign_in(client: WebClient, username: str, password: str = PASSWORD, next_path: str = "/staff"):
    """Sign in the way a browser does (GET /login → csrf meta → POST the form); returns the POST response."""
    client.refresh_csrf("/login")
    return client.post("/login", data={"csrf_token": client.csrf, "username": username,
                                       "password": password, "next": next_path})


def staff_client(app: FastAPI, username: str = "kim", role: str = "staff", password: str = PASSWORD,
                 **account: str) -> WebClient:
    """Create the account (if missing) and return a browser signed in as it, with ``.csrf`` of the session."""
    users = app.state.services.users
    user = users.by_username(username) or users.create(username, password, role, **account)  # type: ignore[arg-type]
    client = _client(app)
    response = sign_in(client, username, password)
    assert response.status_code == 303, f"sign-in failed: {response.status_code} {response.text[:200]}"
    client.refresh_csrf("/staff")
    client.user = user
    return client


def admin_client(app: FastAPI, username: str = "boss", password: str = PASSWORD) -> WebClient:
    return staff_client(app, username, "admin", password)


def api_client(app: FastAPI, scope: str = "staff", username: str = "robot", role: str = "staff") -> WebClient:
    """A program with an API key of ``scope`` (``client.key``); no cookies, no CSRF."""
    users = app.state.services.users
    user = users.by_username(username) or users.create(username, PASSWORD, role)  # type: ignore[arg-type]
    key = users.create_api_key(user, f"{username}-{scope}", scope)  # type: ignore[arg-type]
    client = _client(app)
    client.headers["Authorization"] = f"Bearer {key}"
    client.user, client.key = user, key
    return client


def events(text: str) -> list[tuple[str, object]]:
    """The server-sent events of a response body, in order: (event name, decoded JSON data)."""
    import json

    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def done_of(response) -> dict:
    """The data of a streamed response's final ``done`` event (the response must be 200)."""
    assert response.status_code == 200, response.text
    found = events(response.text)
    assert found and found[-1][0] == "done", found[-1:]
    return found[-1][1]
