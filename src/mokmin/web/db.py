"""The web application's SQLite database: many readers, one writer.

Every write goes through a single writer thread (a queue of functions run on the writer's own connection,
each committed before its caller is told it succeeded), so nothing acknowledged is lost and concurrent
requests never meet ``database is locked``. Reads use a connection per thread in WAL mode and see every
committed write. Feature modules declare their tables with :meth:`WebDB.ensure_schema` (idempotent DDL).
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_STOP = object()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class WebDB:
    """SQLite at ``path`` with a writer thread; ``write`` blocks until the change is committed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._jobs: queue.Queue = queue.Queue()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._writer_conn = _connect(self.path)
        self._writer = threading.Thread(target=self._run_writer, name="mokmin-db-writer", daemon=True)
        self._writer.start()
        self._closed = False

    # ---- writes -------------------------------------------------------------------------------------------
    def _run_writer(self) -> None:
        conn = self._writer_conn
        while True:
            job = self._jobs.get()
            if job is _STOP:
                conn.close()
                return
            fn, fut = job
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                with conn:  # commit on success, roll back on error
                    result = fn(conn)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                fut.set_exception(exc)
            else:
                fut.set_result(result)

    def submit(self, fn: Callable[[sqlite3.Connection], T]) -> Future:
        if self._closed:
            raise RuntimeError("database is closed")
        fut: Future = Future()
        self._jobs.put((fn, fut))
        return fut

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` on the writer and return its result once committed."""
        return self.submit(fn).result()

    async def awrite(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.wrap_future(self.submit(fn))

    def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement through the writer; returns ``lastrowid``."""
        params = tuple(params)
        return self.write(lambda conn: conn.execute(sql, params).lastrowid)

    def ensure_schema(self, ddl: str) -> None:
        """Create tables and indexes (``CREATE … IF NOT EXISTS``) through the writer."""
        self.write(lambda conn: conn.executescript(ddl))

    # ---- reads --------------------------------------------------------------------------------------------
    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self._reader().execute(sql, tuple(params)).fetchall()

    def query_one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        return self._reader().execute(sql, tuple(params)).fetchone()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._jobs.put(_STOP)
        self._writer.join(timeout=10)
        with self._readers_lock:
            for conn in self._readers:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:  # closed from another thread's perspective
                    pass
            self._readers.clear()
