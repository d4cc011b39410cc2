"""The audit log: who generated, searched or exported what, when, with which model — tamper-evident.

One function writes: :func:`record` takes a typed event (:mod:`mokmin.guard.audit_events`) and appends
it to the hash chain in ``audit.dir`` (default ``$MOKMIN_HOME/audit``; see :mod:`.audit_chain`).
Generating workflows are wrapped with :func:`audited`, so every caller — CLI, web, API — is recorded
without remembering to. Writing fails closed: if the log cannot be written the workflow's result is
not returned (an :class:`AuditError` is raised instead).

The actor is the OS user unless a caller (the web app) says otherwise with :func:`acting_as`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import getpass
import inspect
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from mokmin.guard.audit_chain import AuditError, ChainLog, Link, VerifyResult
from mokmin.guard.audit_events import (
    AccessEvent,
    AuditEvent,
    AuditPolicy,
    EgressEvent,
    ExportEvent,
    GenerationEvent,
    SearchEvent,
    passage_refs,
    to_payload,
)
from mokmin.settings import Settings, load_settings

__all__ = [
    "AccessEvent", "AuditError", "AuditEvent", "EgressEvent", "ExportEvent", "GenerationEvent", "Link", "SearchEvent",
    "VerifyResult", "acting_as", "audit_dir", "audited", "capture_records", "current_workflow", "open_log", "record",
]

F = TypeVar("F", bound=Callable[..., Any])

_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("mokmin_audit_actor", default=None)
_workflow: contextvars.ContextVar[str | None] = contextvars.ContextVar("mokmin_audit_workflow", default=None)
_captured: contextvars.ContextVar[list | None] = contextvars.ContextVar("mokmin_audit_captured", default=None)
_logs: dict[tuple[Path, bool], ChainLog] = {}
_logs_lock = threading.Lock()


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


@contextlib.contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Record events in this block as done by ``actor`` (e.g. the signed-in web user)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def capture_records() -> Iterator[list[dict[str, Any]]]:
    """Collect the records written in this block (the web keeps their seq/hash as the audit reference)."""
    captured: list[dict[str, Any]] = []
    token = _captured.set(captured)
    try:
        yield captured
    finally:
        _captured.reset(token)


def current_workflow() -> str | None:
    """The audited workflow running in this context (the egress guard labels its records with it)."""
    return _workflow.get()


def audit_dir(settings: Settings) -> Path:
    return settings.audit.dir or settings.home / "audit"


def open_log(settings: Settings) -> ChainLog:
    """The (shared) log of ``settings``' audit directory."""
    key = (audit_dir(settings).resolve(), settings.audit.fsync)
    with _logs_lock:
        log = _logs.get(key)
        if log is None:
            log = _logs[key] = ChainLog(key[0], fsync=key[1])
        return log


def record(event: AuditEvent, settings: Settings | None = None) -> dict[str, Any]:
    """Append ``event`` to the audit log; returns the written record (with seq and hash)."""
    settings = settings or load_settings()
    cfg = settings.audit
    policy = AuditPolicy(store_input=cfg.store_input, store_output=cfg.store_output, input_chars=cfg.input_chars)
    written = open_log(settings).append(to_payload(event, policy, _actor.get() or os_user()))
    captured = _captured.get()
    if captured is not None:
        captured.append(written)
    return written


def audited(workflow: str, *, input_arg: str | None = None) -> Callable[[F], F]:
    """Record every successful call of the decorated workflow as a :class:`GenerationEvent`.

    The input is the argument named ``input_arg`` (default: the first parameter): a string, or an
    object with ``raw_text`` (a brief) or ``text`` (a document). The backend is the ``backend``
    argument. From the result it takes ``text`` (or ``to_markdown()``), ``findings``, ``passages``,
    ``prompt_id`` and ``refused`` where present.
    """

    def decorate(fn: F) -> F:
        signature = inspect.signature(fn)
        name = input_arg or next(iter(signature.parameters))

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            token = _workflow.set(workflow)
            try:
                result = fn(*args, **kwargs)
            finally:
                _workflow.reset(token)
            record(generation_event(workflow, bound.arguments.get(name), bound.arguments.get("backend"), result))
            return result

        return wrapper  # type: ignore[return-value]

    return decorate


def generation_event(workflow: str, given: Any, backend: Any, result: Any) -> GenerationEvent:
    """Describe one workflow call from its input, backend and result (duck-typed, see :func:`audited`)."""
    sources = passage_refs(getattr(result, "passages", None) or [])
    if getattr(given, "path", None) is not None and hasattr(given, "blocks"):  # a whole document
        sources.append({"path": str(given.path), "title": getattr(given, "title", "")})
    extra = {key: getattr(result, key) for key in ("prompt_id", "refused") if hasattr(result, key)}
    return GenerationEvent(
        workflow=workflow,
        backend=getattr(backend, "name", None) or str(getattr(result, "backend", "") or "none"),
        is_local=bool(getattr(backend, "is_local", True)) if backend is not None else True,
        input=_text_of(given) or "",
        output=_output_of(result),
        findings=list(getattr(result, "findings", None) or []),
        source_refs=sources,
        extra=extra,
    )


def _text_of(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    for attr in ("raw_text", "text"):
        text = getattr(value, attr, None)
        if isinstance(text, str):
            return text
    return None


def _output_of(result: Any) -> str | None:
    if isinstance(result, str):
        return result
    text = getattr(result, "text", None)
    if isinstance(text, str):
        return text
    to_markdown = getattr(result, "to_markdown", None)
    return to_markdown() if callable(to_markdown) else None
