"""The citizen chat's history: each browser's own questions and answers, with personal data masked.

Rows are keyed by the caller's ``client_id`` (the citizen cookie) and read only with that key, so no URL
reaches another citizen's history. Questions are stored masked (``mokmin.checks.pii.mask_pii``), and the
citizen's own personal data is taken out of the stored answer too (a model may repeat it). Rows older
than ``KEEP_DAYS`` (the citizen cookie's lifetime) are deleted.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from mokmin.checks.finding import Finding
from mokmin.checks.pii import Masked, mask_pii, profile_exceptions

KEEP_DAYS = 30
HISTORY_LIMIT = 30

SCHEMA = """
CREATE TABLE IF NOT EXISTS citizen_chat (
  id INTEGER PRIMARY KEY,
  client_id TEXT NOT NULL,
  created REAL NOT NULL,
  question TEXT NOT NULL,          -- masked
  answer TEXT NOT NULL,            -- the citizen's own personal data taken out
  refused INTEGER NOT NULL,
  payload TEXT NOT NULL,           -- JSON: sources, department, closest, disclosure
  findings TEXT NOT NULL,          -- JSON: discrimination/bias findings on the (masked) question
  pii_types TEXT NOT NULL,         -- JSON list of the kinds of personal data that were masked
  item_id TEXT,
  audit_seq INTEGER,
  audit_hash TEXT
);
CREATE INDEX IF NOT EXISTS citizen_chat_client ON citizen_chat (client_id, id);
"""


@dataclass
class CitizenMessage:
    """A citizen's message, masked, with what the checks found in it."""

    original: str
    masked: Masked
    findings: list[Finding] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.masked.text

    @property
    def pii_types(self) -> list[str]:
        return sorted({f.extra.get("label") or f.extra.get("type", "") for f in self.masked.findings})

    def scrub(self, text: str) -> str:
        """``text`` with every personal value of this message replaced by its placeholder."""
        for placeholder, value in sorted(self.masked.mapping.items(), key=lambda kv: -len(kv[1])):
            text = text.replace(value, placeholder)
        return text


def mask_message(text: str, profile) -> Masked:
    """Mask personal data, keeping the city's officials' public contact details (the profile's exceptions)."""
    return mask_pii(text, exceptions=profile_exceptions(profile))


def finding_json(f: Finding) -> dict[str, Any]:
    return {"rule_id": f.rule_id, "severity": f.severity.value, "start": f.start, "end": f.end,
            "text": f.text, "message": f.message, "suggestion": f.suggestion, "source": f.source,
            "extra": f.extra}


class ChatStore:
    def __init__(self, db):
        self.db = db
        db.ensure_schema(SCHEMA)

    def add(self, client_id: str, message: CitizenMessage, answer_text: str, refused: bool,
            payload: dict[str, Any], *, item_id: str | None, audit_seq: int | None,
            audit_hash: str | None) -> int:
        now = time.time()
        row = (client_id, now, message.text, message.scrub(answer_text), int(refused),
               json.dumps(payload, ensure_ascii=False),
               json.dumps([finding_json(f) for f in message.findings], ensure_ascii=False),
               json.dumps(message.pii_types, ensure_ascii=False), item_id, audit_seq, audit_hash)

        def apply(conn):
            conn.execute("DELETE FROM citizen_chat WHERE created < ?", (now - KEEP_DAYS * 86400,))
            return conn.execute(
                "INSERT INTO citizen_chat (client_id, created, question, answer, refused, payload, findings, "
                "pii_types, item_id, audit_seq, audit_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row,
            ).lastrowid

        return self.db.write(apply)

    def history(self, client_id: str, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
        """The newest ``limit`` exchanges of ``client_id``, oldest first."""
        rows = self.db.query(
            "SELECT * FROM citizen_chat WHERE client_id = ? AND created >= ? ORDER BY id DESC LIMIT ?",
            (client_id, time.time() - KEEP_DAYS * 86400, limit),
        )
        return [_entry(r) for r in reversed(rows)]

    def clear(self, client_id: str) -> int:
        return self.db.write(
            lambda conn: conn.execute("DELETE FROM citizen_chat WHERE client_id = ?", (client_id,)).rowcount)


def _entry(row) -> dict[str, Any]:
    payload = json.loads(row["payload"])
    notices = [f for f in json.loads(row["findings"]) if f["source"] == "discrimination"]
    return payload | {
        "question": row["question"], "text": row["answer"], "refused": bool(row["refused"]),
        "created": row["created"], "pii_masked": json.loads(row["pii_types"]),
        "notices": [f["message"] for f in notices],
        "feedback": {"kind": "citizen_answer", "item_id": row["item_id"], "audit_seq": row["audit_seq"],
                     "audit_hash": row["audit_hash"]} if row["item_id"] else None,
    }


def chat_store(services) -> ChatStore:
    """The services' chat store (made once)."""
    store = services.__dict__.get("_chat_store")
    if store is None:
        store = services.__dict__.setdefault("_chat_store", ChatStore(services.db))
    return store
