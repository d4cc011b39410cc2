"""SQLite storage of the 민원 desk: complaints, their history, and past complaints with official answers.

One file, ``$MOKMIN_HOME/minwon.sqlite`` (WAL, foreign keys on). Complaint text is stored **masked** (personal
data replaced by [이름1], [전화1] …); the original and the placeholder mapping are stored only when the caller
passes them, which :mod:`mokmin.minwon.desk` does only if ``minwon.keep_original`` is set. A complaint moves
received → drafted → approved → sent; every change is a row in ``events`` with who and when, and each status
change is one conditional ``UPDATE`` inside ``BEGIN IMMEDIATE``, so two officials cannot both approve, and
nothing reaches "sent" without "approved" first. Schema changes are numbered functions in :data:`MIGRATIONS`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from mokmin.errors import ConfigError, InputError
from mokmin.sqlite_tx import reading, write_transaction

STATUSES = ("received", "drafted", "approved", "sent")
STATUS_KO = {"received": "접수", "drafted": "초안 작성", "approved": "승인", "sent": "발송"}


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def m001_initial(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE complaints (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            external_id TEXT,
            channel TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,                -- masked
            pii TEXT NOT NULL DEFAULT '{}',    -- counts by type, never values
            original TEXT,                     -- only with minwon.keep_original
            pii_mapping TEXT,                  -- only with minwon.keep_original
            status TEXT NOT NULL DEFAULT 'received'
                CHECK (status IN ('received', 'drafted', 'approved', 'sent')),
            department TEXT NOT NULL DEFAULT '',
            route TEXT NOT NULL DEFAULT '[]',
            draft TEXT NOT NULL DEFAULT '',
            draft_info TEXT NOT NULL DEFAULT '{}',
            approved_reply TEXT NOT NULL DEFAULT '',
            received_at TEXT NOT NULL,
            received_by TEXT NOT NULL,
            drafted_at TEXT, drafted_by TEXT,
            approved_at TEXT, approved_by TEXT,
            sent_at TEXT, sent_by TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            complaint_id INTEGER NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
            action TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, note TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute(
        """CREATE TABLE past_complaints (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            external_id TEXT,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,                -- masked
            answer TEXT NOT NULL DEFAULT '',   -- masked official answer
            department TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            vector BLOB                        -- e5 embedding (float16), filled lazily
        )"""
    )
    db.execute("CREATE INDEX complaints_status ON complaints(status)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial]


@dataclass
class Complaint:
    id: int
    title: str
    text: str  # masked
    channel: str
    status: str
    department: str
    route: list[dict]
    draft: str
    draft_info: dict
    approved_reply: str
    received_at: str
    received_by: str
    pii: dict[str, int]
    external_id: str | None = None
    drafted_at: str | None = None
    drafted_by: str | None = None
    approved_at: str | None = None
    approved_by: str | None = None
    sent_at: str | None = None
    sent_by: str | None = None
    has_original: bool = False

    @property
    def status_ko(self) -> str:
        return STATUS_KO[self.status]

    def to_dict(self) -> dict:
        return {**asdict(self), "status_ko": self.status_ko}


@dataclass
class PastComplaint:
    id: int
    title: str
    text: str
    answer: str
    department: str
    source: str = ""
    external_id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Event:
    action: str
    actor: str
    at: str
    note: str = ""


@dataclass
class NewPast:
    """A past complaint to import (already masked)."""

    text: str
    title: str = ""
    answer: str = ""
    department: str = ""
    source: str = ""
    external_id: str | None = None
    extra: dict = field(default_factory=dict)


_COMPLAINT_COLS = (
    "id, external_id, channel, title, text, pii, status, department, route, draft, draft_info, approved_reply, "
    "received_at, received_by, drafted_at, drafted_by, approved_at, approved_by, sent_at, sent_by, "
    "original IS NOT NULL AS has_original"
)


class MinwonStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"민원 저장 폴더를 만들 수 없습니다: {self.path.parent} ({exc.strerror or exc})",
                              "MOKMIN_HOME을 쓰기 가능한 폴더로 지정하세요.") from exc
        with self._connect() as db:
            _migrate(db)

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"민원 저장 파일을 열 수 없습니다: {self.path} ({exc})",
                              "파일이 손상되었으면 백업에서 복원하세요.") from exc
        db.execute("PRAGMA foreign_keys=ON")
        db.row_factory = sqlite3.Row
        return db

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._connect)

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        return reading(self._connect)

    # --- complaints ------------------------------------------------------------------------------------

    def add_complaint(self, *, text: str, title: str, channel: str, actor: str, pii: dict[str, int],
                      external_id: str | None = None, original: str | None = None,
                      mapping: dict[str, str] | None = None) -> int:
        with self._write() as db:
            cur = db.execute(
                "INSERT INTO complaints (external_id, channel, title, text, pii, original, pii_mapping, received_at,"
                " received_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (external_id, channel, title, text, _dump(pii), original,
                 _dump(mapping) if mapping is not None else None, now(), actor),
            )
            cid = int(cur.lastrowid)
            _event(db, cid, "received", actor, channel)
            return cid

    def get(self, complaint_id: int) -> Complaint:
        with self._read() as db:
            row = db.execute(f"SELECT {_COMPLAINT_COLS} FROM complaints WHERE id = ?", (complaint_id,)).fetchone()
        if row is None:
            raise InputError(f"민원 {complaint_id}번을 찾을 수 없습니다.", "'mokmin minwon list'로 번호를 확인하세요.")
        return _complaint(row)

    def complaints(self, status: str | None = None, limit: int = 50) -> list[Complaint]:
        if status is not None and status not in STATUSES:
            raise InputError(f"알 수 없는 처리 상태입니다: {status}", f"다음 중 하나를 쓰세요: {', '.join(STATUSES)}")
        sql = f"SELECT {_COMPLAINT_COLS} FROM complaints"
        args: tuple = ()
        if status:
            sql += " WHERE status = ?"
            args = (status,)
        with self._read() as db:
            rows = db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [_complaint(r) for r in rows]

    def events(self, complaint_id: int) -> list[Event]:
        with self._read() as db:
            rows = db.execute("SELECT action, actor, at, note FROM events WHERE complaint_id = ? ORDER BY id",
                              (complaint_id,)).fetchall()
        return [Event(**dict(r)) for r in rows]

    def original(self, complaint_id: int) -> tuple[str, dict[str, str]] | None:
        """The unmasked text and mapping, or ``None`` when they were not kept."""
        with self._read() as db:
            row = db.execute("SELECT original, pii_mapping FROM complaints WHERE id = ?", (complaint_id,)).fetchone()
        if row is None or row["original"] is None:
            return None
        return row["original"], json.loads(row["pii_mapping"] or "{}")

    def set_route(self, complaint_id: int, route: list[dict], department: str, actor: str) -> None:
        with self._write() as db:
            self._require(db, complaint_id)
            db.execute("UPDATE complaints SET route = ?, department = ? WHERE id = ?",
                       (_dump(route), department, complaint_id))
            _event(db, complaint_id, "routed", actor, department)

    def assign(self, complaint_id: int, department: str, actor: str) -> None:
        """An official sets the department by hand (overrides the router's choice)."""
        with self._write() as db:
            self._require(db, complaint_id)
            db.execute("UPDATE complaints SET department = ? WHERE id = ?", (department, complaint_id))
            _event(db, complaint_id, "assigned", actor, department)

    def save_draft(self, complaint_id: int, draft: str, info: dict, actor: str) -> None:
        with self._write() as db:
            self._transition(db, complaint_id, ("received", "drafted"), "drafted",
                             "이미 승인되었거나 발송된 민원에는 새 초안을 쓸 수 없습니다.")
            db.execute("UPDATE complaints SET draft = ?, draft_info = ?, drafted_at = ?, drafted_by = ? WHERE id = ?",
                       (draft, _dump(info), now(), actor, complaint_id))
            _event(db, complaint_id, "drafted", actor)

    def approve(self, complaint_id: int, reply: str, actor: str) -> None:
        with self._write() as db:
            self._transition(db, complaint_id, ("received", "drafted"), "approved",
                             "이미 승인되었거나 발송된 민원입니다.")
            db.execute("UPDATE complaints SET approved_reply = ?, approved_at = ?, approved_by = ? WHERE id = ?",
                       (reply, now(), actor, complaint_id))
            _event(db, complaint_id, "approved", actor)

    def mark_sent(self, complaint_id: int, actor: str, note: str = "") -> None:
        with self._write() as db:
            self._transition(db, complaint_id, ("approved",), "sent",
                             "승인되지 않은 답변은 발송 처리할 수 없습니다. 담당 공무원이 먼저 승인해야 합니다.")
            db.execute("UPDATE complaints SET sent_at = ?, sent_by = ? WHERE id = ?", (now(), actor, complaint_id))
            _event(db, complaint_id, "sent", actor, note)

    def _require(self, db: sqlite3.Connection, complaint_id: int) -> str:
        row = db.execute("SELECT status FROM complaints WHERE id = ?", (complaint_id,)).fetchone()
        if row is None:
            raise InputError(f"민원 {complaint_id}번을 찾을 수 없습니다.", "'mokmin minwon list'로 번호를 확인하세요.")
        return row["status"]

    def _transition(self, db, complaint_id: int, allowed: Sequence[str], to: str, refusal: str) -> None:
        status = self._require(db, complaint_id)
        if status not in allowed:
            raise InputError(f"민원 {complaint_id}번은 지금 '{STATUS_KO[status]}' 상태입니다. {refusal}",
                             "'mokmin minwon show 번호'로 처리 이력을 확인하세요.")
        db.execute("UPDATE complaints SET status = ? WHERE id = ?", (to, complaint_id))

    # --- past complaints -------------------------------------------------------------------------------

    def add_past(self, rows: Sequence[NewPast]) -> list[int]:
        ids = []
        with self._write() as db:
            for r in rows:
                cur = db.execute(
                    "INSERT INTO past_complaints (external_id, title, text, answer, department, source, imported_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (r.external_id, r.title, r.text, r.answer, r.department, r.source, now()),
                )
                ids.append(int(cur.lastrowid))
        return ids

    def past(self) -> list[PastComplaint]:
        with self._read() as db:
            rows = db.execute("SELECT id, title, text, answer, department, source, external_id"
                              " FROM past_complaints ORDER BY id").fetchall()
        return [PastComplaint(**dict(r)) for r in rows]

    def past_count(self) -> int:
        with self._read() as db:
            return int(db.execute("SELECT COUNT(*) FROM past_complaints").fetchone()[0])

    def past_vectors(self) -> dict[int, np.ndarray]:
        with self._read() as db:
            rows = db.execute("SELECT id, vector FROM past_complaints WHERE vector IS NOT NULL").fetchall()
        return {int(r["id"]): np.frombuffer(r["vector"], dtype=np.float16).astype(np.float32) for r in rows}

    def set_past_vectors(self, vectors: dict[int, np.ndarray]) -> None:
        with self._write() as db:
            db.executemany("UPDATE past_complaints SET vector = ? WHERE id = ?",
                           [(np.asarray(v, dtype=np.float16).tobytes(), i) for i, v in vectors.items()])


def _complaint(row: sqlite3.Row) -> Complaint:
    d = dict(row)
    for key in ("route", "draft_info", "pii"):
        d[key] = json.loads(d[key] or "null")
    d["has_original"] = bool(d["has_original"])
    return Complaint(**d)


def _event(db: sqlite3.Connection, complaint_id: int, action: str, actor: str, note: str = "") -> None:
    db.execute("INSERT INTO events (complaint_id, action, actor, at, note) VALUES (?, ?, ?, ?, ?)",
               (complaint_id, action, actor, now(), note))


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _migrate(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    for fn in MIGRATIONS:
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (fn.__name__,)).fetchone() is None:
                fn(db)
                db.execute("INSERT INTO _migrations (name, applied) VALUES (?, ?)", (fn.__name__, now()))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
