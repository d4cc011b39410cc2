"""What every route shares: settings, the city profile, the database, accounts, the model queue,
the backend and the knowledge base (the last two built on first use, once per process)."""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from mokmin.llm.base import Backend
from mokmin.profile import CityProfile, load_profile
from mokmin.settings import Settings, load_settings
from mokmin.web.db import WebDB
from mokmin.web.model_queue import ModelQueue
from mokmin.web.users import Users


def _secret(home: Path) -> bytes:
    """The server's own random secret (CSRF tokens of citizens), made once and kept in the data folder."""
    path = home / "web_secret"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    return path.read_bytes()


def saved_profile_path(settings: Settings) -> Path:
    """Where the admin page saves the city profile."""
    return settings.home / "profile.toml"


def profile_path(settings: Settings) -> Path | None:
    """The profile in use: the configured file, else the one saved from /admin/profile, else None (bundled)."""
    if settings.profile:
        return settings.profile
    saved = saved_profile_path(settings)
    return saved if saved.is_file() else None


class Services:
    def __init__(self, settings: Settings | None = None, *, profile: CityProfile | None = None,
                 backend: Backend | None = None):
        self.settings = settings or load_settings()
        self.profile = profile or load_profile(profile_path(self.settings))
        home = self.settings.home
        self.db = WebDB(home / "web.sqlite")
        self.users = Users(self.db)
        self.secret = _secret(home)
        self.queue = ModelQueue(self.settings.web.queue_size, self.settings.web.queue_per_client)
        self._backend = backend
        self._kb = None
        self._lock = threading.Lock()

    def backend(self) -> Backend:
        with self._lock:
            if self._backend is None:
                from mokmin.llm.registry import get_backend

                self._backend = get_backend(self.settings)
            return self._backend

    def kb(self):
        """The knowledge base (``mokmin.knowledge.index.KnowledgeBase``), opened once."""
        with self._lock:
            if self._kb is None:
                from mokmin.knowledge.index import KnowledgeBase

                self._kb = KnowledgeBase(self.settings)
            return self._kb

    def close(self) -> None:
        self.queue.stop()
        if self._kb is not None and hasattr(self._kb, "close"):
            self._kb.close()
        self.db.close()
