"""Every workspace page and API is for staff: citizens are sent to sign in (pages) or get 401 (everything
else), public API keys get 401, and a signed-in session without its CSRF token cannot change anything."""

from __future__ import annotations

import importlib
import re

import pytest
from web_helpers import api_client, citizen_client, close_app, make_app, staff_client

from mokmin.web.security import access_of

MODULES = ["staff_press", "staff_research", "staff_proofread", "staff_translate", "staff_summarize", "staff_kb"]
PAGES = ["/staff/press", "/staff/research", "/staff/proofread", "/staff/translate", "/staff/summarize", "/staff/kb"]


def workspace_routes() -> list[tuple[str, str]]:
    """(method, path with sample parameters) of every route in the workspace modules."""
    found = []
    for name in MODULES:
        module = importlib.import_module(f"mokmin.web.routes.{name}")
        for r in module.routers:
            for route in r.routes:
                assert access_of(route) == "staff", route.path
                path = re.sub(r"\{[^}]+\}", "1", route.path)
                found += [(method, path) for method in sorted(route.methods - {"HEAD"})]
    return found


@pytest.fixture(scope="module")
def routes():
    return workspace_routes()


@pytest.fixture
def app():
    app = make_app()
    yield app
    close_app(app)


def test_the_workspace_has_the_expected_routes(routes):
    paths = {p for _, p in routes}
    assert set(PAGES) <= paths
    for rest in ("/api/v1/press-release", "/api/v1/proofread", "/api/v1/translate", "/api/v1/summarize",
                 "/api/v1/kb/documents", "/api/v1/kb/search"):
        assert rest in paths


def test_citizens_are_sent_to_sign_in_or_refused_everywhere(app, routes):
    citizen = citizen_client(app)
    for path in PAGES:
        response = citizen.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
    for method, path in routes:
        headers = {"X-CSRF-Token": citizen.csrf, "Accept": "application/json"}
        response = citizen.request(method, path, headers=headers, json={})
        if method == "GET" and not path.startswith("/api/"):
            assert response.status_code == 303, (method, path)
        else:
            assert response.status_code == 401, (method, path, response.text)


def test_public_api_keys_are_refused_and_staff_keys_let_in(app, routes):
    public = api_client(app, scope="public", username="kiosk")
    for method, path in routes:
        response = public.request(method, path, json={}, headers={"Accept": "application/json"})
        assert response.status_code in (401, 303), (method, path)
    staff_key = api_client(app)
    assert staff_key.get("/api/v1/kb/documents").status_code == 200


def test_pages_render_for_staff_with_their_stable_ids_and_no_inline_script(app):
    kim = staff_client(app)
    ids = {
        "/staff/press": ["press-form", "press-submit", "press-draft", "press-download", "press-reviewed",
                         "press-findings", "press-removed", "press-facts", "press-rerun", "brief-when"],
        "/staff/research": ["research-form", "research-input", "research-answer", "source-panel", "passage-view"],
        "/staff/proofread": ["proofread-input", "proofread-mode", "proofread-file", "proofread-findings",
                             "proofread-apply-safe", "proofread-score", "proofread-download"],
        "/staff/translate": ["translate-form", "translate-input", "translate-direction", "translate-output",
                             "translate-findings"],
        "/staff/summarize": ["summarize-form", "summarize-file", "summarize-stream", "summarize-parts"],
        "/staff/kb": ["kb-upload", "kb-files", "kb-audience", "kb-table", "kb-progress"],
    }
    for path, wanted in ids.items():
        page = kim.get(path)
        assert page.status_code == 200, path
        for element in wanted:
            assert f'id="{element}"' in page.text, (path, element)
        assert "<script>" not in page.text and " onclick=" not in page.text and " style=" not in page.text
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
            assert kim.get(asset).status_code == 200, asset


def test_session_requests_without_the_csrf_token_are_refused(app, routes):
    kim = staff_client(app)
    for method, path in routes:
        if method == "GET":
            continue
        response = kim.request(method, path, json={}, headers={"Accept": "application/json"})
        assert response.status_code == 403, (method, path, response.text)
