"""Streaming a queued model job to the browser as server-sent events.

Events: ``token`` (data: a JSON string, a piece of text), ``done`` (data: the JSON the route builds from
the job's result), ``error`` (data: ``{"detail", "hint"}``). The page reads them with ``mokmin.js``'s
``streamEvents`` (a POST, so the CSRF token travels in a header; EventSource can only GET).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi.responses import StreamingResponse

from mokmin.errors import MokminError
from mokmin.web.model_queue import Job, ModelQueue


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_job(queue: ModelQueue, client: str, job: Job, finish: Callable[[Any], dict]) -> StreamingResponse:
    """Queue ``job`` for ``client`` (raising QueueFull → 429 before anything is sent) and stream it."""
    events = queue.start_stream(client, job)

    async def body():
        yield sse("queued", {"waiting": queue.stats().waiting})
        try:
            async for kind, value in events:
                if kind == "token":
                    yield sse("token", value)
                else:
                    yield sse("done", finish(value))
        except MokminError as exc:
            yield sse("error", {"detail": exc.message, "hint": exc.hint})
        except Exception:  # noqa: BLE001 - the browser gets a message, the log gets the traceback
            import logging

            logging.getLogger("mokmin.web").exception("streamed job failed")
            yield sse("error", {"detail": "처리 중 오류가 났습니다.", "hint": "잠시 뒤 다시 시도하세요."})

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
