"""Per-client request limits: a small in-memory sliding window (one process, nothing stored).

A request is counted against several keys at once (the citizen cookie *and* the client address), so a
citizen who clears cookies is still limited by address. A refused request is not counted: waiting the
announced ``Retry-After`` always lets the next request through.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable, Iterable

from fastapi import HTTPException


class RateLimited(HTTPException):
    """429 with ``Retry-After`` (seconds) and a Korean message."""

    def __init__(self, retry_after: int):
        super().__init__(
            429,
            f"질문이 너무 잦습니다. {retry_after}초 뒤에 다시 시도하세요.",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class SlidingWindow:
    """At most ``limit`` requests per ``window`` seconds for every key."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000):
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._hits: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, keys: Iterable[str]) -> int | None:
        """Count one request for every key and return None, or the seconds to wait (nothing counted)."""
        keys = list(dict.fromkeys(keys))
        now = self.clock()
        with self._lock:
            wait = 0.0
            for key in keys:
                hits = self._fresh(key, now)
                if len(hits) >= self.limit:
                    wait = max(wait, hits[len(hits) - self.limit] + self.window - now)
            if wait > 0:
                return max(1, math.ceil(wait))
            for key in keys:
                self._hits.setdefault(key, collections.deque()).append(now)
            if len(self._hits) > self.max_keys:
                self._sweep(now)
            return None

    def hit(self, keys: Iterable[str]) -> None:
        """Like :meth:`check` but raises :class:`RateLimited`."""
        wait = self.check(keys)
        if wait is not None:
            raise RateLimited(wait)

    def _fresh(self, key: str, now: float) -> collections.deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            return collections.deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def _sweep(self, now: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[key]
