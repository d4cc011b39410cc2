"""One model, many people: a bounded, fair queue in front of the backend.

The embedded model runs one generation at a time. Requests wait in a queue per client and a single
worker thread takes them round-robin across clients, so one busy client cannot starve the others. The
queue is bounded in total and per client; a request beyond it raises :class:`QueueFull` (the web layer
answers 429 with Retry-After). A job is a function that may push tokens with ``emit``; the caller reads
them as an async stream, so time to first token is measured from the moment the job starts.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from mokmin.errors import MokminError

Emit = Callable[[str], None]
Job = Callable[[Emit], Any]


class QueueFull(MokminError):
    """No room in the model queue; ``retry_after`` is the estimated wait in seconds."""

    def __init__(self, retry_after: int, per_client: bool = False):
        what = "이 접속에서 기다리는 요청이 너무 많습니다" if per_client else "요청이 많아 대기열이 찼습니다"
        super().__init__(f"{what}.", f"{retry_after}초 뒤에 다시 시도하세요.")
        self.retry_after = retry_after


@dataclass
class Ticket:
    """A queued job: its result future and, for streaming callers, the tokens so far."""

    client: str
    job: Job
    future: Future = field(default_factory=Future)
    enqueued: float = field(default_factory=time.monotonic)
    started: float | None = None
    on_token: Emit | None = None

    @property
    def waited(self) -> float:
        return (self.started or time.monotonic()) - self.enqueued


@dataclass
class QueueStats:
    waiting: int
    running: int
    served: int
    rejected: int
    failed: int
    mean_job_seconds: float


class ModelQueue:
    def __init__(self, max_waiting: int = 32, per_client: int = 2):
        self.max_waiting = max_waiting
        self.per_client = per_client
        self._queues: collections.OrderedDict[str, collections.deque[Ticket]] = collections.OrderedDict()
        self._cond = threading.Condition()
        self._waiting = 0
        self._running = 0
        self._served = self._rejected = self._failed = 0
        self._job_seconds = collections.deque(maxlen=50)
        self._stopped = False
        self._worker = threading.Thread(target=self._work, name="mokmin-model-queue", daemon=True)
        self._worker.start()

    # ---- submitting ---------------------------------------------------------------------------------------
    def submit(self, client: str, job: Job, on_token: Emit | None = None) -> Ticket:
        with self._cond:
            if self._stopped:
                raise RuntimeError("model queue is stopped")
            mine = self._queues.get(client)
            if mine is not None and len(mine) >= self.per_client:
                self._rejected += 1
                raise QueueFull(self._estimate(len(mine)), per_client=True)
            if self._waiting >= self.max_waiting:
                self._rejected += 1
                raise QueueFull(self._estimate(self._waiting))
            ticket = Ticket(client, job, on_token=on_token)
            self._queues.setdefault(client, collections.deque()).append(ticket)
            self._waiting += 1
            self._cond.notify()
            return ticket

    def run(self, client: str, job: Job) -> Any:
        """Queue ``job`` and wait for its result (for callers that do not stream)."""
        return self.submit(client, job).future.result()

    def start_stream(self, client: str, job: Job) -> AsyncIterator[tuple[str, Any]]:
        """Queue ``job`` now and return its events: ``("token", text)`` as it emits, then ``("result", value)``.

        Call it from the event loop. :class:`QueueFull` is raised here, before any response has started;
        the job's own exception is raised by the iterator after the tokens it emitted. The job runs to the
        end even if nobody reads the events (a closed browser tab), so it must store its own results.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called from a sync route (a worker thread): use the loop that runs the app
            import anyio.from_thread

            loop = anyio.from_thread.run_sync(asyncio.get_running_loop)
        tokens: asyncio.Queue = asyncio.Queue()
        ticket = self.submit(client, job, on_token=lambda t: loop.call_soon_threadsafe(tokens.put_nowait, t))
        ticket.future.add_done_callback(lambda _f: loop.call_soon_threadsafe(tokens.put_nowait, None))

        async def events() -> AsyncIterator[tuple[str, Any]]:
            while True:
                piece = await tokens.get()
                if piece is None:
                    break
                yield "token", piece
            yield "result", ticket.future.result()

        return events()

    def _estimate(self, ahead: int) -> int:
        mean = self._mean()
        return max(1, int(round((ahead + 1) * mean)))

    def _mean(self) -> float:
        return sum(self._job_seconds) / len(self._job_seconds) if self._job_seconds else 20.0

    # ---- the worker ---------------------------------------------------------------------------------------
    def _next(self) -> Ticket | None:
        with self._cond:
            while not self._stopped and self._waiting == 0:
                self._cond.wait()
            if self._stopped:
                return None
            client, mine = next(iter(self._queues.items()))
            ticket = mine.popleft()
            # round-robin: the client goes to the back of the line; empty queues are dropped
            del self._queues[client]
            if mine:
                self._queues[client] = mine
            self._waiting -= 1
            self._running = 1
            return ticket

    def _work(self) -> None:
        while True:
            ticket = self._next()
            if ticket is None:
                return
            if not ticket.future.set_running_or_notify_cancel():
                with self._cond:
                    self._running = 0
                continue
            ticket.started = time.monotonic()
            emit = ticket.on_token or (lambda _t: None)
            try:
                result = ticket.job(emit)
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
                with self._cond:
                    self._failed += 1
                    self._running = 0
                ticket.future.set_exception(exc)
            else:
                with self._cond:
                    self._served += 1
                    self._running = 0
                    self._job_seconds.append(time.monotonic() - ticket.started)
                ticket.future.set_result(result)

    def stats(self) -> QueueStats:
        with self._cond:
            return QueueStats(self._waiting, self._running, self._served, self._rejected, self._failed,
                              round(self._mean(), 2))

    def retry_after(self) -> int:
        with self._cond:
            return self._estimate(self._waiting)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            for mine in self._queues.values():
                for ticket in mine:
                    ticket.future.cancel()
            self._queues.clear()
            self._waiting = 0
            self._cond.notify_all()
        self._worker.join(timeout=5)
