"""Write transactions and reads on short-lived SQLite connections (the knowledge base and the 민원 store)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def write_transaction(connect: Callable[[], sqlite3.Connection],
                      before_commit: Callable[[sqlite3.Connection], None] | None = None
                      ) -> Iterator[sqlite3.Connection]:
    """One ``BEGIN IMMEDIATE`` transaction on a new connection: committed on success, rolled back on error."""
    db = connect()
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            if before_commit:
                before_commit(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    finally:
        db.close()


@contextmanager
def reading(connect: Callable[[], sqlite3.Connection]) -> Iterator[sqlite3.Connection]:
    """A new connection for reads, closed afterwards."""
    db = connect()
    try:
        yield db
    finally:
        db.close()
