"""Test doubles, in one place.

:class:`ScriptedServer` is a real HTTP server on 127.0.0.1 (standard library only) that answers
each request with the next scripted :class:`Reply` and records what it was asked, so HTTP backends
are tested over real sockets: refused connections, auth errors, retries, hangs and bad streams.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer. ``hang`` seconds of silence come first (longer than the client's
    timeout means "never answers"); the connection closes after the body."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes = b""  # every byte received: request line, headers and body


def sse(pieces: list[str], finish: bool = True, done: bool = True) -> Reply:
    """An OpenAI-style chat-completions event stream yielding ``pieces``."""
    events = [{"choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]}]
    events += [{"choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in pieces]
    if finish:
        events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    lines = [f"data: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events]
    if done:
        lines.append("data: [DONE]\n\n")
    return Reply(body="".join(lines), content_type="text/event-stream")


def error_json(status: int, message: str) -> Reply:
    return Reply(status=status, body=json.dumps({"error": {"message": message}}))


def free_port() -> int:
    """A port nobody listens on (bound once by us, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ScriptedServer:
    """Serve scripted replies in order; after the script runs out, repeat ``default``."""

    def __init__(self, replies: list[Reply] | None = None, default: Reply | None = None,
                 respond: Callable[[Recorded], Reply] | None = None):
        """``respond``, when given, builds each reply from the request instead of the script."""
        self.replies: deque[Reply] = deque(replies or [])
        self.default = default or error_json(500, "script exhausted")
        self.respond = respond
        self.requests: list[Recorded] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            if self.respond is not None:
                return self.respond(recorded)
            return self.replies.popleft() if self.replies else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                head = f"{self.requestline}\r\n{self.headers}".encode("latin-1", "replace")
                reply = server._next(Recorded(self.command, self.path, dict(self.headers), body, head + raw))
                if reply.hang and server._stop.wait(reply.hang):
                    return
                data = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

        return Handler


class ObedientBackend:
    """A worst-case local model for injection tests: it does whatever an instruction that reaches it asks.

    ``obey`` maps a trigger (the text of an injected instruction) to the reply the attacker wants. When a
    trigger appears in the messages it receives (the empty trigger always does), it replies with that text
    after filling ``{system}`` (its system message: it prints its prompt), ``{previous}`` (the user messages
    of its earlier calls: a server that remembers other people's conversations) and ``{supported}`` (the
    first sentence of passage [1] with ``[1]``, so the reply also holds one properly cited sentence).
    Otherwise it replies ``default`` (same placeholders). ``calls`` keeps every request, ``obeyed`` the
    triggers it acted on. Tied to the answer prompt's framing only for ``{supported}`` (passages between
    lines of three double quotes).
    """

    name, is_local, context_length = "obedient", True, 8192

    def __init__(self, obey: dict[str, str] | None = None, default: str = "{supported}"):
        self.obey = dict(obey or {})
        self.default = default
        self.calls: list[list[Any]] = []
        self.obeyed: list[str] = []

    def stream(self, messages, options):
        self.calls.append(list(messages))
        prompt = "\n".join(m.content for m in messages)
        reply = self.default
        for trigger, wanted in self.obey.items():
            if trigger in prompt:
                self.obeyed.append(trigger)
                reply = wanted
                break
        system = next((m.content for m in messages if m.role == "system"), "")
        previous = " ".join(m.content for call in self.calls[:-1] for m in call if m.role == "user")
        reply = reply.replace("{system}", system).replace("{previous}", previous)
        user = next((m.content for m in reversed(messages) if m.role == "user"), "")
        reply = reply.replace("{supported}", _first_passage_sentence(user))
        for i in range(0, len(reply), 16):  # streamed in pieces, like a real model
            yield reply[i : i + 16]


def _first_passage_sentence(user_message: str) -> str:
    parts = user_message.split('"""')
    if len(parts) < 3:
        return ""
    first = parts[1].strip()
    for end in ("다. ", "다.\n", "요. ", ". "):
        if end in first:
            first = first[: first.index(end) + len(end) - 2]
            break
    return first.rstrip(".") + " [1]." if first else ""
