"""SQLite storage of the knowledge base: documents, chunks and their embeddings.

One file, ``$MOKMIN_HOME/kb/kb.sqlite3``, in WAL mode with foreign keys on. Every document is written in one
``BEGIN IMMEDIATE`` transaction (old chunks deleted, new chunks and vectors inserted, document row updated,
generation bumped), so a process killed mid-ingest leaves either the old or the new version of a document,
never half of one. ``meta.generation`` grows on every change; in-memory indexes compare it to know when to
reload. Schema changes are numbered migration functions in :mod:`mokmin.knowledge.schema`, recorded in
``_migrations`` (as in simonw/llm).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from mokmin.errors import ConfigError
from mokmin.knowledge.schema import migrate
from mokmin.sqlite_tx import reading, write_transaction


VECTOR_DTYPE = np.float16  # 768 bytes a 384-dim vector; cosine ranks are unchanged at this precision


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class DocumentRow:
    id: int
    path: str
    title: str
    format: str
    sha256: str
    size: int
    audience: str
    pages: int | None
    added: str
    updated: str
    status: str
    chunks: int = 0
    embedded: int = 0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ChunkRow:
    ordinal: int
    page: int | None
    heading: str
    start: int
    end: int
    text: str
    terms: str


@dataclass
class IndexData:
    generation: int
    chunk_ids: np.ndarray
    public: np.ndarray
    terms: list[str] | None
    vec_ids: np.ndarray
    vectors: np.ndarray
    vec_public: np.ndarray


_DOC_COLS = "id, path, title, format, sha256, size, audience, pages, added, updated, status"


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"지식베이스 폴더를 만들 수 없습니다: {self.path.parent} ({exc.strerror or exc})",
                "MOKMIN_HOME을 쓰기 가능한 폴더로 지정하세요.",
            ) from exc
        with self.connect() as db:
            migrate(db)

    def connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise ConfigError(
                f"지식베이스 파일을 열 수 없습니다: {self.path} ({exc})",
                "파일이 손상되었으면 옮겨 두고 'mokmin kb add'로 다시 만드세요.",
            ) from exc
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        db.row_factory = sqlite3.Row
        return db

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); bumps the generation before committing."""
        return write_transaction(self.connect, _bump_generation)

    def read(self) -> AbstractContextManager[sqlite3.Connection]:
        return reading(self.connect)

    # --- reading -------------------------------------------------------------------------------------

    def generation(self) -> int:
        with self.read() as db:
            return int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])

    def documents(self) -> list[DocumentRow]:
        with self.read() as db:
            rows = db.execute(
                f"""SELECT {', '.join('d.' + c for c in _DOC_COLS.split(', '))},
                       (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.id) AS chunks,
                       (SELECT COUNT(*) FROM chunks c JOIN embeddings e ON e.chunk_id = c.id
                         WHERE c.doc_id = d.id) AS embedded
                    FROM documents d ORDER BY d.path"""
            ).fetchall()
        return [DocumentRow(**dict(r)) for r in rows]

    def document_by_path(self, path: str) -> DocumentRow | None:
        with self.read() as db:
            row = db.execute(f"SELECT {_DOC_COLS} FROM documents WHERE path = ?", (path,)).fetchone()
        return DocumentRow(**dict(row)) if row else None

    def documents_under(self, folder: str) -> list[DocumentRow]:
        prefix = folder.rstrip(os.sep) + os.sep
        with self.read() as db:
            rows = db.execute(
                f"SELECT {_DOC_COLS} FROM documents WHERE substr(path, 1, ?) = ?", (len(prefix), prefix)
            ).fetchall()
        return [DocumentRow(**dict(r)) for r in rows]

    def unembedded_chunks(self, doc_id: int) -> list[tuple[int, str, str]]:
        """(chunk id, heading, text) of the document's chunks that have no vector yet."""
        with self.read() as db:
            rows = db.execute(
                """SELECT c.id, c.heading, c.text FROM chunks c LEFT JOIN embeddings e ON e.chunk_id = c.id
                   WHERE c.doc_id = ? AND e.chunk_id IS NULL ORDER BY c.ordinal""",
                (doc_id,),
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def load_index_data(self, with_terms: bool) -> IndexData:
        """Chunk ids, audiences, vectors (and terms) of one consistent generation (one read transaction)."""
        with self.read() as db:
            db.execute("BEGIN")
            generation = int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
            rows = db.execute("SELECT id, audience = 'public' FROM chunks ORDER BY id").fetchall()
            terms = [r[0] for r in db.execute("SELECT terms FROM chunks ORDER BY id")] if with_terms else None
            vec_rows = db.execute(
                """SELECT e.chunk_id, c.audience = 'public', e.vector FROM embeddings e
                   JOIN chunks c ON c.id = e.chunk_id ORDER BY e.chunk_id"""
            ).fetchall()
            db.execute("COMMIT")
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        public = np.fromiter((bool(r[1]) for r in rows), dtype=bool, count=len(rows))
        vec_ids = np.fromiter((r[0] for r in vec_rows), dtype=np.int64, count=len(vec_rows))
        vec_public = np.fromiter((bool(r[1]) for r in vec_rows), dtype=bool, count=len(vec_rows))
        if vec_rows:
            flat = np.frombuffer(b"".join(r[2] for r in vec_rows), dtype=VECTOR_DTYPE)
            vectors = flat.reshape(len(vec_rows), -1).astype(np.float32)
        else:
            vectors = np.zeros((0, 0), dtype=np.float32)
        return IndexData(generation, ids, public, terms, vec_ids, vectors, vec_public)

    def passages(self, chunk_ids: Sequence[int]) -> dict[int, sqlite3.Row]:
        # ids SQLite cannot hold (from a URL, say) name no chunk
        chunk_ids = [i for i in chunk_ids if -(2**63) <= i < 2**63]
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        with self.read() as db:
            rows = db.execute(
                f"""SELECT c.id, c.doc_id, c.page, c.heading, c.start, c."end", c.text, c.audience,
                           d.title, d.path
                    FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id IN ({marks})""",
                list(chunk_ids),
            ).fetchall()
        return {r["id"]: r for r in rows}

    # --- writing -------------------------------------------------------------------------------------

    def put_document(
        self,
        *,
        path: str,
        title: str,
        format: str,
        sha256: str,
        size: int,
        audience: str,
        pages: int | None,
        chunks: Sequence[ChunkRow],
        vectors: np.ndarray | None,
    ) -> int:
        """Insert or replace one document with its chunks (and vectors) in one transaction."""
        status = "ready" if vectors is not None else "text_only"
        stamp = now()
        with self.write() as db:
            old = db.execute("SELECT id FROM documents WHERE path = ?", (path,)).fetchone()
            if old:
                doc_id = old[0]
                db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
                db.execute(
                    """UPDATE documents SET title=?, format=?, sha256=?, size=?, audience=?, pages=?,
                       updated=?, status=? WHERE id=?""",
                    (title, format, sha256, size, audience, pages, stamp, status, doc_id),
                )
            else:
                doc_id = db.execute(
                    """INSERT INTO documents (path, title, format, sha256, size, audience, pages, added,
                       updated, status) VALUES (?,?,?,?,?,?,?,?,?,?)""",
                    (path, title, format, sha256, size, audience, pages, stamp, stamp, status),
                ).lastrowid
            for i, c in enumerate(chunks):
                chunk_id = db.execute(
                    """INSERT INTO chunks
                       (doc_id, ordinal, page, heading, start, "end", text, terms, audience)
                       VALUES (?,?,?,?,?,?,?,?,?)""",
                    (doc_id, c.ordinal, c.page, c.heading, c.start, c.end, c.text, c.terms, audience),
                ).lastrowid
                if vectors is not None:
                    db.execute(
                        "INSERT INTO embeddings (chunk_id, vector) VALUES (?, ?)",
                        (chunk_id, vectors[i].astype(VECTOR_DTYPE).tobytes()),
                    )
        return doc_id

    def put_vectors(self, doc_id: int, chunk_ids: Sequence[int], vectors: np.ndarray) -> None:
        with self.write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO embeddings (chunk_id, vector) VALUES (?, ?)",
                [(cid, v.astype(VECTOR_DTYPE).tobytes()) for cid, v in zip(chunk_ids, vectors, strict=True)],
            )
            db.execute("UPDATE documents SET status = 'ready' WHERE id = ?", (doc_id,))

    def set_audience(self, doc_ids: Sequence[int], audience: str) -> None:
        stamp = now()
        with self.write() as db:
            for doc_id in doc_ids:
                db.execute(
                    "UPDATE documents SET audience = ?, updated = ? WHERE id = ?", (audience, stamp, doc_id)
                )
                db.execute("UPDATE chunks SET audience = ? WHERE doc_id = ?", (audience, doc_id))

    def delete(self, doc_ids: Sequence[int]) -> None:
        with self.write() as db:
            db.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in doc_ids])


def _bump_generation(db: sqlite3.Connection) -> None:
    db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
