"""The access matrix of every route of the fully built app.

Routes are enumerated from ``app.routes``, so a page or API added later by any module in ROUTE_MODULES is
covered without editing this file. Every APIRoute must be built on ``security.router(level)``; then each
route is called by people who must be turned away:

- anonymous citizens on ``staff``, ``admin`` and ``api`` routes: 401, 403 or a 303 to the sign-in page
- signed-in staff on ``admin`` routes: 403; staff sessions on ``api`` routes: 401
- ``public`` API keys on ``staff`` and ``admin`` routes: 401/403; ``staff`` API keys on ``admin`` routes: 403

Only refusals are requested, so no route does real work here. The data rules inside a route (a citizen
sees public passages only, nobody sees another's history) are tested by the route's owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import fastapi.routing
import pytest
from fastapi import FastAPI, Request
from fastapi.routing import APIRoute, APIRouter
from starlette.routing import Mount, Route

from mokmin.web.security import ACCESS_LEVELS, access_of, router
from web_helpers import WebClient, api_client, close_app, make_app, staff_client

# Routes FastAPI or Starlette add themselves (documentation and static files), all public by design.
FRAMEWORK_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
# Which levels a path prefix allows: an admin page built on a staff router would be a hole.
PREFIX_LEVELS = {"/admin": {"admin"}, "/staff": {"staff", "admin"}, "/api/v1/": {"staff", "api", "admin"}}
PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # template, e.g. /admin/users/{user_id}/role
    url: str  # filled, e.g. /admin/users/1/role
    level: str


def fill(path: str) -> str:
    """Plausible values for path parameters (ids are 1; key ids look like the 12-character prefixes)."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        return "abcdef123456" if name.endswith("key_id") else "1"

    return PARAM.sub(value, path)


def all_routes(app: FastAPI) -> list:
    """Every route as served, with the tags and path it has inside its included router.

    FastAPI ≥ 0.13x keeps included routers lazily (``app.routes`` holds one entry per router);
    ``iter_route_contexts`` flattens them. Older versions list the routes themselves.
    """
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    if flatten is None:
        return list(app.routes)
    return list(flatten(app.routes))


def _is_api_route(route) -> bool:
    return isinstance(getattr(route, "original_route", route), APIRoute)


def _kind(route):
    return getattr(route, "original_route", route)


def access_problems(app: FastAPI) -> list[str]:
    """Routes without exactly one access level, or with a level their path does not allow."""
    problems = []
    for route in all_routes(app):
        if _is_api_route(route):
            level = access_of(route)
            if level not in ACCESS_LEVELS:
                problems.append(f"{route.path}: no single access level (tags {route.tags})")
                continue
            for prefix, allowed in PREFIX_LEVELS.items():
                if route.path.startswith(prefix) and level not in allowed:
                    problems.append(f"{route.path}: level {level!r} under {prefix} (allowed: {sorted(allowed)})")
        elif isinstance(_kind(route), Mount):
            if route.path != "/static":
                problems.append(f"{route.path}: a mounted app outside the access levels")
        elif isinstance(_kind(route), Route) and route.path not in FRAMEWORK_PATHS:
            problems.append(f"{route.path}: a plain route outside the access levels")
    return problems


def endpoints(app: FastAPI) -> list[Endpoint]:
    found = []
    for route in all_routes(app):
        if _is_api_route(route):
            for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                found.append(Endpoint(method, route.path, fill(route.path), access_of(route) or "?"))
    return found


def call(client: WebClient, endpoint: Endpoint, accept: str = "text/html"):
    kwargs = {"headers": {"Accept": accept}}
    if endpoint.method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    return client.request(endpoint.method, endpoint.url, **kwargs)


def refused(response, *, redirect_ok: bool) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("location", "")
    return redirect_ok and response.status_code == 303 and location.startswith("/login")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One app with every route module, and a client for every kind of caller."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("access-home")
    mp.setenv("MOKMIN_HOME", str(home))
    app = make_app()
    clients = {
        "anonymous": WebClient(app, follow_redirects=False),
        "staff": staff_client(app, "kim"),
        "admin": staff_client(app, "boss", role="admin"),
        "public_key": api_client(app, scope="public", username="citizen-bot"),
        "staff_key": api_client(app, scope="staff", username="staff-bot"),
        "admin_staff_key": api_client(app, scope="staff", username="admin-bot", role="admin"),
    }
    yield app, clients
    close_app(app)
    mp.undo()


def test_every_route_has_exactly_one_access_level(world):
    app, _ = world
    assert access_problems(app) == []


def test_the_check_catches_routes_without_a_level_or_on_the_wrong_level(world):
    app = make_app()
    try:
        bare = APIRouter()
        bare.add_api_route("/api/v1/forgotten", lambda: {"ok": True}, methods=["GET"])
        sloppy = router("staff")
        sloppy.add_api_route("/admin/oops", lambda: {"ok": True}, methods=["GET"])
        app.include_router(bare)
        app.include_router(sloppy)
        app.add_route("/raw", lambda request: None)
        problems = access_problems(app)
        assert any(p.startswith("/api/v1/forgotten: no single access level") for p in problems)
        assert any(p.startswith("/admin/oops: level 'staff' under /admin") for p in problems)
        assert any(p.startswith("/raw:") for p in problems)
        assert len(problems) == 3
    finally:
        close_app(app)


def test_the_app_has_every_level_and_the_admin_pages(world):
    app, _ = world
    found = endpoints(app)
    assert {e.level for e in found} >= {"public", "staff", "admin"}
    paths = {e.path for e in found}
    assert {"/login", "/admin/users", "/admin/keys", "/admin/profile", "/staff/account"} <= paths


def _matrix_failures(app, clients, who: str, levels: set[str], accept: str, redirect_ok: bool) -> list[str]:
    failures = []
    for endpoint in endpoints(app):
        if endpoint.level not in levels:
            continue
        response = call(clients[who], endpoint, accept)
        if not refused(response, redirect_ok=redirect_ok):
            failures.append(f"{who} {endpoint.method} {endpoint.url} [{endpoint.level}] → "
                            f"{response.status_code} {response.headers.get('location', '')}")
    return failures


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_anonymous_citizens_are_refused_everywhere_but_public(world, accept):
    app, clients = world
    failures = _matrix_failures(app, clients, "anonymous", {"staff", "admin", "api"}, accept, redirect_ok=True)
    assert failures == []


def test_anonymous_pages_redirect_to_sign_in_and_apis_answer_401(world):
    app, clients = world
    for endpoint in endpoints(app):
        if endpoint.level not in ("staff", "admin") or endpoint.method != "GET":
            continue
        response = call(clients["anonymous"], endpoint, "text/html")
        if endpoint.path.startswith(("/api/", "/v1/")) or "/api/" in endpoint.path:  # JSON APIs, never a page
            assert response.status_code == 401, endpoint
        else:
            assert response.status_code == 303, endpoint
            assert response.headers["location"].startswith("/login?next=/"), endpoint


def test_staff_are_refused_on_admin_routes_and_sessions_on_api_routes(world):
    app, clients = world
    failures = _matrix_failures(app, clients, "staff", {"admin"}, "text/html", redirect_ok=False)
    failures += _matrix_failures(app, clients, "staff", {"api"}, "application/json", redirect_ok=False)
    failures += _matrix_failures(app, clients, "admin", {"api"}, "application/json", redirect_ok=False)
    assert failures == []
    admin_pages = [e for e in endpoints(app) if e.level == "admin"]
    assert admin_pages and all(call(clients["staff"], e).status_code == 403 for e in admin_pages)


def test_public_keys_are_refused_on_staff_and_admin_routes(world):
    app, clients = world
    failures = _matrix_failures(app, clients, "public_key", {"staff", "admin"}, "text/html", redirect_ok=False)
    failures += _matrix_failures(app, clients, "public_key", {"staff", "admin"}, "application/json",
                                 redirect_ok=False)
    assert failures == []


def test_keys_never_reach_admin_routes_even_of_an_admin(world):
    app, clients = world
    failures = _matrix_failures(app, clients, "staff_key", {"admin"}, "application/json", redirect_ok=False)
    failures += _matrix_failures(app, clients, "admin_staff_key", {"admin"}, "text/html", redirect_ok=False)
    assert failures == []


def test_signed_in_callers_reach_their_own_level(world):
    """The refusals above are not because every request fails: the right callers get through."""
    app, clients = world
    assert clients["staff"].get("/staff").status_code == 200
    assert clients["staff_key"].get("/staff").status_code == 200
    assert clients["admin"].get("/admin/users").status_code == 200
    assert clients["anonymous"].get("/login").status_code == 200
    assert clients["public_key"].get("/healthz").status_code == 200


def test_a_public_key_is_no_staff_member_for_identify(world):
    """caller.audience is what search/answer get: a public key must be 'public', staff sessions 'staff'."""
    app, clients = world
    from mokmin.web.security import identify

    seen = {}
    probe = router("public")

    @probe.get("/__whoami")
    def whoami(request: Request) -> dict:
        caller = identify(request)
        return {"audience": caller.audience, "via": caller.via}

    app.include_router(probe)
    try:
        for who in ("anonymous", "staff", "public_key", "staff_key"):
            seen[who] = clients[who].get("/__whoami", headers={"Accept": "application/json"}).json()
    finally:
        app.router.routes = [r for r in app.router.routes if getattr(r, "path", "") != "/__whoami"]
    assert seen == {
        "anonymous": {"audience": "public", "via": "citizen"},
        "staff": {"audience": "staff", "via": "session"},
        "public_key": {"audience": "public", "via": "api_key"},
        "staff_key": {"audience": "staff", "via": "api_key"},
    }
