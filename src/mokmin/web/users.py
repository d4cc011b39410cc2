"""Staff accounts, sign-in sessions and API keys.

Passwords are hashed with Argon2id (argon2-cffi, re-hashed when its parameters change). Session tokens
and API keys are random, shown once, and stored only as SHA-256 hashes: a copy of the database does not
let anyone sign in. Citizens have no account; they are never a :class:`User`.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mokmin.errors import InputError
from mokmin.web.db import WebDB

Role = Literal["admin", "staff"]
ROLES: tuple[Role, ...] = ("admin", "staff")
KeyScope = Literal["public", "staff"]
MIN_PASSWORD = 10

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created REAL NOT NULL,
  expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  key_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('public', 'staff')),
  created REAL NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
"""

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("mokmin-timing-equaliser")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    department: str
    role: Role
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return self.display_name or self.username


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row) -> User:
    return User(row["id"], row["username"], row["display_name"], row["department"], row["role"], bool(row["active"]))


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"비밀번호가 너무 짧습니다({len(password)}자).", f"{MIN_PASSWORD}자 이상으로 정하세요.")
    if password.isdigit() or password.isalpha():
        raise InputError("비밀번호가 너무 단순합니다.", "글자와 숫자(또는 기호)를 섞어 쓰세요.")


class Users:
    """Accounts, sessions and API keys in the web database."""

    def __init__(self, db: WebDB):
        self.db = db
        db.ensure_schema(SCHEMA)

    # ---- accounts -----------------------------------------------------------------------------------------
    def create(self, username: str, password: str, role: Role = "staff", *, display_name: str = "",
               department: str = "") -> User:
        username = username.strip()
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise InputError("사용자 이름이 올바르지 않습니다.", "공백 없이 64자 이내로 정하세요.")
        if role not in ROLES:
            raise InputError(f"알 수 없는 역할입니다: {role}", "admin 또는 staff 중에서 고르세요.")
        check_password_policy(password)
        if self.by_username(username):
            raise InputError(f"이미 있는 사용자 이름입니다: {username}", "다른 이름을 쓰세요.")
        try:
            user_id = self.db.execute(
                "INSERT INTO users (username, display_name, department, role, password_hash, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (username, display_name.strip(), department.strip(), role, _hasher.hash(password), time.time()),
            )
        except sqlite3.IntegrityError as exc:  # the same name created at the same moment
            raise InputError(f"이미 있는 사용자 이름입니다: {username}", "다른 이름을 쓰세요.") from exc
        return self.get(user_id)  # type: ignore[return-value]

    def get(self, user_id: int) -> User | None:
        row = self.db.query_one("SELECT * FROM users WHERE id = ?", (user_id,))
        return _user(row) if row else None

    def by_username(self, username: str) -> User | None:
        row = self.db.query_one("SELECT * FROM users WHERE username = ?", (username.strip(),))
        return _user(row) if row else None

    def all(self) -> list[User]:
        return [_user(r) for r in self.db.query("SELECT * FROM users ORDER BY username")]

    def count_admins(self) -> int:
        row = self.db.query_one("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND active = 1")
        return int(row["n"]) if row else 0

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with this name and password, or None (same work either way)."""
        row = self.db.query_one("SELECT * FROM users WHERE username = ?", (username.strip(),))
        stored = row["password_hash"] if row else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not row["active"]:
            return None
        if _hasher.check_needs_rehash(stored):
            self.db.execute("UPDATE users SET password_hash = ? WHERE id = ?", (_hasher.hash(password), row["id"]))
        return _user(row)

    def set_password(self, user_id: int, password: str) -> None:
        check_password_policy(password)
        password_hash = _hasher.hash(password)

        def apply(conn):  # one transaction: the new password and the end of every old session
            conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))

        self.db.write(apply)

    def update(self, user_id: int, *, role: Role | None = None, active: bool | None = None,
               display_name: str | None = None, department: str | None = None) -> User:
        user = self.get(user_id)
        if user is None:
            raise InputError("그런 사용자가 없습니다.", "사용자 목록을 다시 확인하세요.")
        if role is not None and role not in ROLES:
            raise InputError(f"알 수 없는 역할입니다: {role}", "admin 또는 staff 중에서 고르세요.")

        def apply(conn):
            # checked inside the write, so two admins demoting each other at once cannot both succeed
            row = conn.execute("SELECT role, active FROM users WHERE id = ?", (user_id,)).fetchone()
            demoted = row["role"] == "admin" and row["active"] and (role == "staff" or active is False)
            admins = conn.execute("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1").fetchone()[0]
            if demoted and admins <= 1:
                raise InputError("마지막 관리자는 강등하거나 비활성화할 수 없습니다.", "다른 관리자를 먼저 만드세요.")
            for column, value in (("role", role), ("display_name", display_name), ("department", department),
                                  ("active", None if active is None else int(active))):
                if value is not None:
                    conn.execute(f"UPDATE users SET {column} = ? WHERE id = ?", (value, user_id))
            if active is False or role is not None:
                conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))

        self.db.write(apply)
        return self.get(user_id)  # type: ignore[return-value]

    # ---- sessions -----------------------------------------------------------------------------------------
    def start_session(self, user: User, hours: float) -> tuple[str, str]:
        """A new sign-in: returns (session token for the cookie, CSRF token for the pages)."""
        token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(24), time.time()

        def apply(conn):
            conn.execute("DELETE FROM sessions WHERE expires < ?", (now,))
            conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                         (_digest(token), user.id, csrf, now, now + hours * 3600))

        self.db.write(apply)
        return token, csrf

    def session(self, token: str | None) -> tuple[User, str] | None:
        """(user, csrf token) for a live session of an active user."""
        if not token:
            return None
        row = self.db.query_one(
            "SELECT u.*, s.csrf AS csrf FROM sessions s JOIN users u ON u.id = s.user_id "
            "WHERE s.token_hash = ? AND s.expires > ? AND u.active = 1",
            (_digest(token), time.time()),
        )
        return (_user(row), row["csrf"]) if row else None

    def end_session(self, token: str | None) -> None:
        if token:
            self.db.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))

    # ---- API keys -----------------------------------------------------------------------------------------
    def create_api_key(self, user: User, name: str, scope: KeyScope = "staff") -> str:
        """A new key ``mk-…``, shown once. ``public`` keys see public documents only."""
        if scope not in ("public", "staff"):
            raise InputError(f"알 수 없는 범위입니다: {scope}", "public 또는 staff 중에서 고르세요.")
        key = "mk-" + secrets.token_urlsafe(32)
        self.db.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, 0)",
                        (_digest(key), user.id, name.strip() or "key", scope, time.time()))
        return key

    def api_key(self, key: str | None) -> tuple[User, KeyScope] | None:
        if not key:
            return None
        row = self.db.query_one(
            "SELECT u.*, k.scope AS scope FROM api_keys k JOIN users u ON u.id = k.user_id "
            "WHERE k.key_hash = ? AND k.revoked = 0 AND u.active = 1",
            (_digest(key),),
        )
        return (_user(row), row["scope"]) if row else None

    def api_keys_of(self, user_id: int) -> list[dict]:
        rows = self.db.query("SELECT key_hash, name, scope, created, revoked FROM api_keys WHERE user_id = ? "
                             "ORDER BY created", (user_id,))
        return [dict(r) | {"key_id": r["key_hash"][:12]} for r in rows]

    def revoke_api_key(self, user_id: int, key_id: str) -> bool:
        if len(key_id) < 8:  # an exact prefix of the hash (no LIKE: '%' and '_' would match any key)
            return False
        rows = self.db.query("SELECT key_hash FROM api_keys WHERE user_id = ? AND substr(key_hash, 1, ?) = ?",
                             (user_id, len(key_id), key_id))
        if len(rows) != 1:
            return False
        self.db.execute("UPDATE api_keys SET revoked = 1 WHERE key_hash = ?", (rows[0]["key_hash"],))
        return True
