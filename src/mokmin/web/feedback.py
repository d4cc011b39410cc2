"""Feedback on answers and drafts: what was asked (masked), and how people rated it.

Two tables in the web database:

- ``interactions``: one row per answer or draft a page produced (``record_interaction``): its kind, the
  question with personal data masked, whether the answer was refused (no document found), the cited
  sources, the audit reference (``seq``/``hash`` of the generation record) and who asked.
- ``feedback``: one rating (+1/-1) and an optional masked comment per interaction and rater
  (``record_feedback``); rating again replaces the earlier rating.

Who may rate: everyone rates only their own interactions (a citizen those of their citizen cookie, staff
and API keys those of their account). Citizens' satisfaction is measured by citizens alone; staff review
citizen answers on the dashboard instead of rating them.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mokmin.checks.pii import mask_pii, profile_exceptions
from mokmin.errors import InputError
from mokmin.web.db import WebDB

MAX_COMMENT = 500
MAX_QUESTION = 2000
KINDS_KO = {
    "answer": "자료조사 답변",
    "citizen_answer": "시민 상담 답변",
    "press": "보도자료",
    "proofread": "교정",
    "translate": "번역",
    "summarize": "요약",
    "minwon": "민원 답변",
    "minwon_reply": "민원 답변 초안",
    "rewrite": "쉬운 말",
    "plan": "사업 기획안",
    "speech": "인사말·축사",
    "code": "코드 도우미",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS interactions (
    item_id    TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    created_at REAL NOT NULL,
    client_id  TEXT NOT NULL,
    user_id    INTEGER,
    audience   TEXT NOT NULL DEFAULT 'staff',
    question   TEXT NOT NULL DEFAULT '',
    refused    INTEGER NOT NULL DEFAULT 0,
    sources    TEXT NOT NULL DEFAULT '[]',
    audit_seq  INTEGER,
    audit_hash TEXT
);
CREATE INDEX IF NOT EXISTS interactions_time ON interactions(created_at);
CREATE TABLE IF NOT EXISTS feedback (
    id         INTEGER PRIMARY KEY,
    item_id    TEXT NOT NULL REFERENCES interactions(item_id),
    rater      TEXT NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating IN (1, -1)),
    comment    TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    UNIQUE (item_id, rater)
);
CREATE INDEX IF NOT EXISTS feedback_time ON feedback(created_at);
"""


class UnknownItem(InputError):
    """No interaction with this id that the caller may rate (the route answers 404)."""

    def __init__(self) -> None:
        super().__init__("평가할 답변을 찾을 수 없습니다.", "답변을 받은 화면에서 바로 평가하세요.")


@dataclass(frozen=True)
class Interaction:
    item_id: str
    kind: str
    created_at: float
    client_id: str
    user_id: int | None
    audience: str
    question: str
    refused: bool
    sources: list
    audit_seq: int | None
    audit_hash: str | None


def _interaction(row: sqlite3.Row) -> Interaction:
    return Interaction(row["item_id"], row["kind"], row["created_at"], row["client_id"], row["user_id"],
                       row["audience"], row["question"], bool(row["refused"]), json.loads(row["sources"] or "[]"),
                       row["audit_seq"], row["audit_hash"])


def _timestamp(at: datetime | float | None) -> float:
    if at is None:
        return time.time()
    return at.timestamp() if isinstance(at, datetime) else float(at)


class FeedbackStore:
    """The two tables over a :class:`WebDB` (the web app's, or one the CLI opens)."""

    def __init__(self, db: WebDB, exceptions: Sequence[str] = ()):
        self.db = db
        self.exceptions = list(exceptions)
        db.ensure_schema(SCHEMA)

    def mask(self, text: str) -> str:
        return mask_pii(text, exceptions=self.exceptions).text if text else ""

    # ---- writes -------------------------------------------------------------------------------------------
    def add_interaction(self, *, kind: str, question: str, refused: bool, audit_seq: int | None,
                        audit_hash: str | None, client_id: str, user_id: int | None, audience: str,
                        sources: Sequence = (), at: datetime | float | None = None,
                        item_id: str | None = None) -> str:
        kind = _check_kind(kind)
        item_id = item_id or secrets.token_urlsafe(12)
        row = (item_id, kind, _timestamp(at), client_id, user_id, audience,
               self.mask(question.strip()[:MAX_QUESTION]), int(bool(refused)),
               json.dumps(list(sources), ensure_ascii=False), audit_seq, audit_hash)
        self.db.execute("INSERT INTO interactions (item_id, kind, created_at, client_id, user_id, audience, "
                        "question, refused, sources, audit_seq, audit_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)", row)
        return item_id

    def rate(self, item_id: str, rater: str, rating: int, comment: str = "",
             at: datetime | float | None = None) -> int:
        """Store (or replace) ``rater``'s rating of ``item_id``; returns the feedback row id."""
        if rating not in (1, -1):
            raise InputError("평가는 👍(1) 또는 👎(-1)만 받습니다.", "rating 값을 1 또는 -1로 보내세요.")
        comment = comment.strip()
        if len(comment) > MAX_COMMENT:
            raise InputError(f"의견은 {MAX_COMMENT}자까지 쓸 수 있습니다.", "의견을 줄여서 다시 보내세요.")
        masked, when = self.mask(comment), _timestamp(at)

        def upsert(conn: sqlite3.Connection) -> int:
            conn.execute(
                "INSERT INTO feedback (item_id, rater, rating, comment, created_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(item_id, rater) DO UPDATE SET rating=excluded.rating, comment=excluded.comment, "
                "created_at=excluded.created_at", (item_id, rater, rating, masked, when))
            return conn.execute("SELECT id FROM feedback WHERE item_id=? AND rater=?", (item_id, rater)).fetchone()[0]

        return self.db.write(upsert)

    # ---- reads --------------------------------------------------------------------------------------------
    def interaction(self, item_id: str) -> Interaction | None:
        row = self.db.query_one("SELECT * FROM interactions WHERE item_id=?", (item_id,))
        return _interaction(row) if row else None

    def version(self) -> tuple:
        """Changes whenever a rating or interaction is added or changed (the dashboard's cache key)."""
        row = self.db.query_one(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM feedback), (SELECT COALESCE(MAX(created_at), 0) FROM feedback), "
            "(SELECT COUNT(*) FROM interactions)")
        return tuple(row)

    def daily_satisfaction(self, since: float) -> list[dict]:
        """Per local day since ``since``: ratings, 👍 count and share."""
        rows = self.db.query(
            "SELECT date(created_at, 'unixepoch', 'localtime') AS day, COUNT(*) AS n, "
            "SUM(rating = 1) AS up FROM feedback WHERE created_at >= ? GROUP BY day ORDER BY day", (since,))
        return [{"day": r["day"], "ratings": r["n"], "up": r["up"], "share": r["up"] / r["n"]} for r in rows]

    def least_liked(self, since: float, limit: int = 10) -> list[dict]:
        """Interactions with the most 👎 (then the lowest share of 👍), with masked question and comments."""
        rows = self.db.query(
            "SELECT i.item_id, i.kind, i.question, i.refused, i.created_at, SUM(f.rating = -1) AS down, "
            "SUM(f.rating = 1) AS up, group_concat(CASE WHEN f.comment != '' THEN f.comment END, char(31)) "
            "AS comments FROM feedback f JOIN interactions i USING (item_id) WHERE f.created_at >= ? "
            "GROUP BY i.item_id HAVING down > 0 ORDER BY down DESC, up ASC, i.created_at DESC LIMIT ?",
            (since, limit))
        return [{"item_id": r["item_id"], "kind": r["kind"], "kind_ko": KINDS_KO.get(r["kind"], r["kind"]),
                 "question": r["question"], "refused": bool(r["refused"]), "down": r["down"], "up": r["up"],
                 "comments": [c for c in (r["comments"] or "").split("\x1f") if c],
                 "created_at": r["created_at"]} for r in rows]

    def refused_questions(self, since: float, limit: int = 20) -> list[dict]:
        """Recent questions that found no document (refused answers), newest first."""
        rows = self.db.query(
            "SELECT item_id, kind, question, created_at FROM interactions WHERE refused = 1 AND created_at >= ? "
            "AND question != '' ORDER BY created_at DESC LIMIT ?", (since, limit))
        return [dict(r) | {"kind_ko": KINDS_KO.get(r["kind"], r["kind"])} for r in rows]

    def counts_by_kind(self, since: float) -> list[dict]:
        rows = self.db.query(
            "SELECT i.kind, COUNT(DISTINCT i.item_id) AS interactions, SUM(i.refused) AS refused, "
            "(SELECT COUNT(*) FROM feedback f JOIN interactions j USING (item_id) "
            " WHERE j.kind = i.kind AND f.created_at >= ? AND f.rating = 1) AS up, "
            "(SELECT COUNT(*) FROM feedback f JOIN interactions j USING (item_id) "
            " WHERE j.kind = i.kind AND f.created_at >= ? AND f.rating = -1) AS down "
            "FROM interactions i WHERE i.created_at >= ? GROUP BY i.kind ORDER BY interactions DESC",
            (since, since, since))
        return [dict(r) | {"kind_ko": KINDS_KO.get(r["kind"], r["kind"])} for r in rows]

    def feedback_rows(self, since: float, until: float) -> list[dict]:
        """Every rating in [since, until) with its interaction (for the topic analysis)."""
        rows = self.db.query(
            "SELECT f.id, f.rating, f.comment, f.created_at, i.item_id, i.kind, i.question, i.refused "
            "FROM feedback f JOIN interactions i USING (item_id) WHERE f.created_at >= ? AND f.created_at < ? "
            "ORDER BY f.created_at", (since, until))
        return [dict(r) for r in rows]

    def refused_rows(self, since: float, until: float) -> list[dict]:
        rows = self.db.query(
            "SELECT item_id, kind, question, created_at FROM interactions WHERE refused = 1 "
            "AND created_at >= ? AND created_at < ? ORDER BY created_at", (since, until))
        return [dict(r) for r in rows]


def _check_kind(kind: str) -> str:
    kind = (kind or "").strip()
    if not kind or len(kind) > 40 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in kind):
        raise InputError("결과 종류(kind)가 올바르지 않습니다.", "영문 소문자 이름(예: answer, press)을 쓰세요.")
    return kind


def store(services) -> FeedbackStore:
    """The feedback store of the running app (built once per ``Services``)."""
    found = services.__dict__.get("_feedback_store")
    if found is None:
        found = services.__dict__.setdefault(
            "_feedback_store", FeedbackStore(services.db, profile_exceptions(services.profile)))
    return found


def _rater(caller) -> str:
    return f"user:{caller.user.id}" if caller.user is not None else caller.client_id


def may_rate(interaction: Interaction, caller) -> bool:
    """Only one's own: citizens by their cookie, staff and API keys by their account."""
    if caller.user is not None:
        return interaction.user_id == caller.user.id
    return interaction.user_id is None and interaction.client_id == caller.client_id


def record_interaction(services, kind: str, question_masked: str, refused: bool, audit_seq: int | None,
                       audit_hash: str | None, caller, *, sources: Sequence = (),
                       at: datetime | float | None = None) -> str:
    """Remember an answer or draft a page produced; returns its ``item_id`` for the feedback widget.

    The question is masked again here (masking is idempotent), so a caller that forgot cannot store
    personal data. ``sources``: short JSON-able descriptions of the cited passages.
    """
    return store(services).add_interaction(
        kind=kind, question=question_masked, refused=refused, audit_seq=audit_seq, audit_hash=audit_hash,
        client_id=caller.client_id, user_id=caller.user.id if caller.user is not None else None,
        audience=caller.audience, sources=sources, at=at)


def record_feedback(services, *, kind: str, item_id: str, rating: int, comment: str = "",
                    audit_seq: int | None = None, audit_hash: str | None = None, question: str = "",
                    refused: bool = False, caller, at: datetime | float | None = None) -> int:
    """Store ``caller``'s rating of ``item_id``; returns the feedback id.

    An item recorded with :func:`record_interaction` must be the caller's own, of the same kind and (when
    given) the same audit reference, else :class:`UnknownItem`. An item never recorded is recorded now
    (for pages that rate what they made without recording it first), with ``question`` and ``refused``.
    """
    feedback = store(services)
    found = feedback.interaction(item_id) if item_id else None
    if found is None:
        if not item_id or len(item_id) > 64:
            raise UnknownItem()
        feedback.add_interaction(kind=kind, question=question, refused=refused, audit_seq=audit_seq,
                                 audit_hash=audit_hash, client_id=caller.client_id,
                                 user_id=caller.user.id if caller.user is not None else None,
                                 audience=caller.audience, item_id=item_id, at=at)
    elif not _matches(found, kind, audit_seq, audit_hash) or not may_rate(found, caller):
        raise UnknownItem()
    return feedback.rate(item_id, _rater(caller), rating, comment, at=at)


def rate_known(services, *, kind: str, item_id: str, rating: int, comment: str, audit_seq: int | None,
               audit_hash: str | None, caller) -> int:
    """The web route's path: the item must already exist and be the caller's own (else UnknownItem)."""
    feedback = store(services)
    found = feedback.interaction(item_id)
    if found is None or not _matches(found, kind, audit_seq, audit_hash) or not may_rate(found, caller):
        raise UnknownItem()
    return feedback.rate(item_id, _rater(caller), rating, comment)


def _matches(found: Interaction, kind: str, audit_seq: int | None, audit_hash: str | None) -> bool:
    if found.kind != kind:
        return False
    if audit_seq is not None and found.audit_seq is not None and audit_seq != found.audit_seq:
        return False
    return not (audit_hash and found.audit_hash and audit_hash != found.audit_hash)
