"""Schemathesis over every operation of the app's OpenAPI document, in-process (ASGI), with a staff API key.

Each documented operation gets a few generated requests (valid and invalid) against the full app with a
scripted fake model. No response may be a server error, and every response must match the schema the
document declares for it. Operations added later by any route module are covered automatically.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
)
from schemathesis.checks import not_a_server_error

from web_helpers import PASSWORD, close_app, make_app

EXAMPLES = 3  # per operation; enough to hit the validation paths, small enough to finish in seconds
CHECKS = [not_a_server_error, response_schema_conformance, negative_data_rejection]
# Server-sent event streams cannot be checked as JSON (their owners test them). Streams documented with
# a text/event-stream response are found by themselves; these two are not (yet) documented that way.
UNDOCUMENTED_STREAMS = {"POST /api/public/chat", "GET /staff/api/dashboard/stream"}
# Known failures in routes owned by other modules, tolerated only with exactly this message; remove the
# entry once fixed. An id beyond SQLite's 64-bit INTEGER reaches KnowledgeBase.store.passages → 500.
KNOWN_FAILURES: dict[str, str] = {}


def is_stream(operation) -> bool:
    responses = operation.definition.raw.get("responses", {})
    documented = any("text/event-stream" in (r.get("content") or {}) for r in responses.values())
    return documented or operation.label in UNDOCUMENTED_STREAMS


@pytest.fixture
def web_schema():
    app = make_app()
    users = app.state.services.users
    robot = users.create("schema-bot", PASSWORD, "staff")
    key = users.create_api_key(robot, "schemathesis", "staff")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.key = key  # type: ignore[attr-defined]
    yield schema
    close_app(app)


def test_api_matches_its_schema(web_schema):
    """Every operation, each with its own Hypothesis run; failures are collected so one report lists all."""
    headers = {"Authorization": f"Bearer {web_schema.key}"}
    failures: list[str] = []
    operations = [op for op in (result.ok() for result in web_schema.get_all_operations()) if not is_stream(op)]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=120)  # the first KB load is slow

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported together below
            text = _describe(exc)
            if KNOWN_FAILURES.get(operation.label, "\0") not in text:
                failures.append(f"{operation.label}: {text[:1500]}")
    assert operations
    assert failures == [], "\n\n".join(failures)


def test_the_document_covers_the_rest_api(web_schema):
    """The schema test above is not vacuous: the documented operations include the REST API."""
    paths = {operation.path for operation in (r.ok() for r in web_schema.get_all_operations())}
    assert "/healthz" in paths
    assert any(p.startswith("/api/v1/") for p in paths), sorted(paths)
    assert not any(p.startswith(("/admin", "/login")) for p in paths)  # pages stay out of the API document


def _describe(exc: BaseException) -> str:
    parts = [str(exc)]
    for inner in getattr(exc, "exceptions", ()):
        parts.append(_describe(inner))
    return "\n".join(parts)
