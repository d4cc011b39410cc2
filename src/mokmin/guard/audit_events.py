"""Typed audit events (one small dataclass per kind) and how each becomes a log record.

What a record keeps of the *content* is set by the policy (settings ``audit.*``):

- the input: by default its SHA-256, its length and the input with personal data masked
  (``mask_pii``), cut at ``audit.input_chars`` characters — an inspector must be able to see what was
  asked; ``store_input = "hash"`` keeps only the hash and length, ``"none"`` nothing;
- the output: by default only its SHA-256 and length (the document itself is kept by its owner, and the
  hash proves which record it belongs to); ``store_output = true`` also keeps the full text.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar, Literal

from mokmin.checks.finding import Finding

InputPolicy = Literal["masked", "hash", "none"]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditPolicy:
    store_input: InputPolicy = "masked"
    store_output: bool = False
    input_chars: int = 2000


@dataclass(kw_only=True)
class AuditEvent:
    """Common to every event: who did it, when, and in which workflow."""

    kind: ClassVar[str] = "event"
    workflow: str
    actor: str | None = None  # None: the current actor (see ``audit.acting_as``) or the OS user
    created: datetime = field(default_factory=utc_now)

    def backend_info(self) -> dict[str, Any] | None:
        return None

    def input_text(self) -> str | None:
        return None

    def masked_input(self) -> str | None:
        """The input already masked by the caller (to save masking twice), if it has it."""
        return None

    def output_text(self) -> str | None:
        return None

    def output_block(self, policy: AuditPolicy) -> dict[str, Any] | None:
        text = self.output_text()
        if text is None:
            return None
        block: dict[str, Any] = {"sha256": sha256_text(text), "chars": len(text)}
        if policy.store_output:
            block["text"] = text
        return block

    def findings_summary(self) -> dict[str, int]:
        return {}

    def sources(self) -> list[dict[str, Any]]:
        return []

    def details(self) -> dict[str, Any]:
        return {}


@dataclass(kw_only=True)
class GenerationEvent(AuditEvent):
    """A model wrote something: a press release, an answer, a summary, a proofreading, a translation."""

    kind: ClassVar[str] = "generation"
    backend: str
    is_local: bool
    input: str = ""
    output: str | None = None
    findings: Sequence[Finding] = ()
    source_refs: Sequence[Mapping[str, Any]] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def backend_info(self):
        return {"name": self.backend, "is_local": self.is_local}

    def input_text(self):
        return self.input

    def output_text(self):
        return self.output

    def findings_summary(self):
        return summarize_findings(self.findings)

    def sources(self):
        return [dict(s) for s in self.source_refs]

    def details(self):
        return dict(self.extra)


@dataclass(kw_only=True)
class SearchEvent(AuditEvent):
    """A knowledge-base search: the query and which passages came back."""

    kind: ClassVar[str] = "search"
    workflow: str = "kb.search"
    query: str
    audience: str
    mode: str = "hybrid"
    results: Sequence[Any] = ()  # Passage-like: doc_id, chunk_id, page, title

    def input_text(self):
        return self.query

    def sources(self):
        return passage_refs(self.results)

    def details(self):
        return {"audience": self.audience, "mode": self.mode, "results": len(self.results)}


@dataclass(kw_only=True)
class ExportEvent(AuditEvent):
    """A generated document was written to a file (DOCX, HWPX, …)."""

    kind: ClassVar[str] = "export"
    workflow: str = "export"
    path: Path
    format: str
    title: str = ""
    ai_generated: bool = True
    disclosure: str = ""

    def output_text(self):
        return None

    def output_block(self, policy):
        data = Path(self.path).read_bytes()
        return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}

    def details(self):
        return {"path": str(Path(self.path).resolve()), "format": self.format, "title": self.title,
                "ai_generated": self.ai_generated, "disclosure": self.disclosure}


@dataclass(kw_only=True)
class EgressEvent(AuditEvent):
    """A prompt left this machine for a non-local backend (or was stopped from leaving)."""

    kind: ClassVar[str] = "egress"
    backend: str
    policy: str  # block | mask | allow
    prompt: str  # what the caller asked to send
    sent: str | None = None  # what actually went out (masked under "mask"); None when blocked
    masked_counts: Mapping[str, int] = field(default_factory=dict)

    def backend_info(self):
        return {"name": self.backend, "is_local": False}

    def input_text(self):
        return self.prompt

    def masked_input(self):
        return self.sent if self.policy == "mask" else None

    def details(self):
        info: dict[str, Any] = {"policy": self.policy, "blocked": self.sent is None}
        if self.sent is not None:
            info["sent_sha256"] = sha256_text(self.sent)
        if self.masked_counts:
            info["masked"] = dict(self.masked_counts)
        return info


@dataclass(kw_only=True)
class AccessEvent(AuditEvent):
    """A sign-in, sign-out or administrative change (users, roles, the city profile, documents)."""

    kind: ClassVar[str] = "access"
    workflow: str = "web.access"
    action: str  # login | logout | user.create | user.update | profile.update | kb.add | …
    target: str = ""
    ok: bool = True

    def details(self):
        return {"action": self.action, "target": self.target, "ok": self.ok}


def summarize_findings(findings: Iterable[Finding]) -> dict[str, int]:
    """Rule id → count (the record keeps no finding text: it may quote personal data)."""
    return dict(sorted(Counter(f.rule_id for f in findings).items()))


def passage_refs(passages: Iterable[Any]) -> list[dict[str, Any]]:
    refs = []
    for p in passages:
        ref = {"doc_id": getattr(p, "doc_id", None), "chunk_id": getattr(p, "chunk_id", None),
               "page": getattr(p, "page", None), "title": getattr(p, "title", "")}
        refs.append({k: v for k, v in ref.items() if v not in (None, "")})
    return refs


def to_payload(event: AuditEvent, policy: AuditPolicy, actor: str) -> dict[str, Any]:
    """The record fields of ``event`` (the chain adds seq, prev_hash and hash)."""
    return {
        "time": event.created.astimezone(timezone.utc).isoformat(timespec="milliseconds"),
        "kind": event.kind,
        "actor": event.actor or actor,
        "workflow": event.workflow,
        "backend": event.backend_info(),
        "input": _input_block(event, policy),
        "findings": event.findings_summary(),
        "sources": event.sources(),
        "output": event.output_block(policy),
        "details": event.details(),
    }


def _input_block(event: AuditEvent, policy: AuditPolicy) -> dict[str, Any] | None:
    text = event.input_text()
    if text is None or policy.store_input == "none":
        return None
    block: dict[str, Any] = {"sha256": sha256_text(text), "chars": len(text)}
    if policy.store_input == "masked":
        masked = event.masked_input()
        if masked is None:
            from mokmin.checks.pii import mask_pii

            masked = mask_pii(text).text
        if len(masked) > policy.input_chars:
            masked = masked[: policy.input_chars]
            block["truncated"] = True
        block["masked"] = masked
    return block
