"""The knowledge base's schema as numbered migrations (plain functions, recorded in ``_migrations``).

Add a change as a new function ``m00N_what_it_does`` appended to :data:`MIGRATIONS`; never edit one that
has been applied.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone


def m001_initial(db: sqlite3.Connection) -> None:
    # AUTOINCREMENT: a document or chunk id is never reused, so an id kept elsewhere (a citation in the
    # history, a persisted index) can never point at different text later.
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta (key, value) VALUES ('generation', '0');
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            path TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            format TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            audience TEXT NOT NULL CHECK (audience IN ('public', 'staff')),
            pages INTEGER,
            added TEXT NOT NULL,
            updated TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ready', 'text_only'))
        );
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            page INTEGER,
            heading TEXT NOT NULL DEFAULT '',
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            terms TEXT NOT NULL,
            audience TEXT NOT NULL CHECK (audience IN ('public', 'staff')),
            UNIQUE (doc_id, ordinal)
        );
        CREATE TABLE embeddings (
            chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            vector BLOB NOT NULL
        );
        """
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial]
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations this database lacks, each in its own transaction; returns their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    done = {r[0] for r in db.execute("SELECT name FROM _migrations")}
    applied = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", (fn.__name__,)).fetchone():
                db.execute("ROLLBACK")  # another process got there first
                continue
            _run_script_in_transaction(db, fn)
            db.execute("INSERT INTO _migrations (name, applied) VALUES (?, ?)", (fn.__name__, _now()))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        applied.append(fn.__name__)
    return applied


def _run_script_in_transaction(db: sqlite3.Connection, fn: Callable[[sqlite3.Connection], None]) -> None:
    # executescript() COMMITs first; run the migration's statements one by one instead.
    class _Proxy:
        def executescript(self, script: str) -> None:
            for stmt in _statements(script):
                db.execute(stmt)

        def __getattr__(self, name):
            return getattr(db, name)

    fn(_Proxy())  # type: ignore[arg-type]


def _statements(script: str) -> list[str]:
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
