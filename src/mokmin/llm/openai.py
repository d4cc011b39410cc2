"""A backend for any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, a cloud API).

It POSTs ``{base_url}/chat/completions`` with ``stream: true`` and reads the server-sent events.
Connection errors, timeouts and HTTP 429/5xx are retried with exponential backoff, but only
before the first piece of text was yielded, so output is never duplicated.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

from mokmin.errors import BackendError, ConfigError
from mokmin.llm.base import GenerationOptions, Message

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_HEAD_CHARS = 200  # how much of a bad response to quote in an error
_MAX_RETRY_AFTER = 60.0
_URL_HINT = "서버가 실행 중인지, base_url이 맞는지 확인하세요 (MOKMIN_OPENAI__BASE_URL)."


class OpenAIBackend:
    """A model served over the OpenAI chat-completions API.

    ``api_key_env`` only names the variable the key came from, for error messages.
    ``extra_body`` is merged into every request: server-specific sampling fields such as
    llama.cpp's ``{"repeat_penalty": 1.0}`` or vLLM's ``{"top_k": 20}``.
    """

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 120,
        connect_timeout: float = 10,
        max_retries: int = 3,
        backoff: float = 0.5,
        is_local: bool = False,
        context_length: int = 8192,
        *,
        api_key_env: str = "MOKMIN_OPENAI_API_KEY",
        extra_body: dict[str, Any] | None = None,
    ):
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"base_url이 올바르지 않습니다: {base_url!r}",
                "http:// 또는 https://로 시작하고 /v1로 끝나야 합니다 (예: http://127.0.0.1:8000/v1).",
            )
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key or None
        self.api_key_env = api_key_env
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.is_local = is_local
        self.context_length = context_length
        self.extra_body = dict(extra_body or {})
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()

    # -- the contract -----------------------------------------------------------------------

    def stream(self, messages: list[Message], options: GenerationOptions) -> Iterator[str]:
        """Yield the answer's text pieces as the server streams them."""
        url = f"{self.base_url}/chat/completions"
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "stream": True,
            "temperature": options.temperature,
            "max_tokens": options.max_tokens,
            "top_p": options.top_p,
        }
        if options.stop:
            body["stop"] = options.stop
        if options.seed is not None:
            body["seed"] = options.seed
        body.update(self.extra_body)

        client = self._http()
        for attempt in range(self.max_retries + 1):
            started = False
            try:
                with client.stream("POST", url, json=body) as resp:
                    if resp.status_code >= 400:
                        resp.read()
                        if resp.status_code in RETRY_STATUS and attempt < self.max_retries:
                            self._wait(attempt, url, f"HTTP {resp.status_code}", resp)
                            continue
                        raise self._status_error(resp, url)
                    for piece in _read_stream(resp, url):
                        started = True
                        yield piece
                    return
            except httpx.UnsupportedProtocol as exc:
                raise ConfigError(f"지원하지 않는 주소입니다: {url} ({exc})", _URL_HINT) from exc
            except httpx.TransportError as exc:
                if started or attempt >= self.max_retries:
                    raise self._transport_error(exc, url, started) from exc
                self._wait(attempt, url, type(exc).__name__)

    # -- other calls ------------------------------------------------------------------------

    def list_models(self) -> list[str]:
        """The model ids the server offers (``GET {base_url}/models``)."""
        url = f"{self.base_url}/models"
        client = self._http()
        for attempt in range(self.max_retries + 1):
            try:
                resp = client.get(url)
            except httpx.UnsupportedProtocol as exc:
                raise ConfigError(f"지원하지 않는 주소입니다: {url} ({exc})", _URL_HINT) from exc
            except httpx.TransportError as exc:
                if attempt >= self.max_retries:
                    raise self._transport_error(exc, url, False) from exc
                self._wait(attempt, url, type(exc).__name__)
                continue
            if resp.status_code in RETRY_STATUS and attempt < self.max_retries:
                self._wait(attempt, url, f"HTTP {resp.status_code}", resp)
                continue
            if resp.status_code >= 400:
                raise self._status_error(resp, url)
            try:
                return [str(item["id"]) for item in resp.json()["data"]]
            except (ValueError, KeyError, TypeError) as exc:
                raise _malformed(url, resp.text) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- helpers ----------------------------------------------------------------------------

    def _http(self) -> httpx.Client:
        with self._client_lock:
            if self._client is None:
                headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout, connect=self.connect_timeout),
                    headers=headers,
                )
            return self._client

    def _wait(self, attempt: int, url: str, reason: str, resp: httpx.Response | None = None) -> None:
        delay = self.backoff * 2**attempt
        retry_after = resp.headers.get("retry-after") if resp is not None else None
        if retry_after:
            try:
                delay = max(delay, min(float(retry_after), _MAX_RETRY_AFTER))
            except ValueError:
                pass
        log.info("%s: %s, retrying in %.2f s (%d/%d)", url, reason, delay, attempt + 1, self.max_retries)
        time.sleep(delay)

    def _status_error(self, resp: httpx.Response, url: str) -> BackendError:
        status = resp.status_code
        detail = _server_message(resp)
        where = f"(HTTP {status}): {url}" + (f" — {detail}" if detail else "")
        if status in (401, 403):
            hint = (
                f"API 키가 없습니다. 환경 변수 {self.api_key_env}에 키를 설정하세요."
                if self.api_key is None
                else f"환경 변수 {self.api_key_env}의 API 키가 맞는지, 이 모델을 쓸 권한이 있는지 확인하세요."
            )
            return BackendError(f"서버가 인증을 거부했습니다 {where}", hint)
        if status == 404:
            return BackendError(
                f"서버에서 주소나 모델을 찾지 못했습니다 {where}",
                f"base_url은 /v1로 끝나야 합니다 (예: http://127.0.0.1:8000/v1, MOKMIN_OPENAI__BASE_URL). "
                f"모델 이름 '{self.model}'이 서버에 있는지 `mokmin model info`로 확인하세요 "
                "(MOKMIN_OPENAI__MODEL).",
            )
        if status == 429:
            return BackendError(
                f"서버가 요청이 너무 많다고 응답했습니다 {where}",
                "잠시 후 다시 시도하거나 MOKMIN_OPENAI__MAX_RETRIES, MOKMIN_OPENAI__BACKOFF를 늘리세요.",
            )
        if status >= 500:
            return BackendError(
                f"언어 모델 서버에 내부 오류가 났습니다 {where}",
                (f"{self.max_retries}번 다시 시도했지만 실패했습니다. " if self.max_retries else "")
                + "서버 로그를 확인하세요.",
            )
        return BackendError(
            f"서버가 요청을 거부했습니다 {where}",
            "입력이 모델의 컨텍스트 길이를 넘지 않는지, 서버가 OpenAI 호환 "
            "/chat/completions를 지원하는지 확인하세요.",
        )

    def _transport_error(self, exc: httpx.TransportError, url: str, started: bool) -> BackendError:
        tries = f" ({self.max_retries}번 재시도 후)" if not started and self.max_retries else ""
        if started:
            cut = "응답을 받는 도중 서버와의 연결이 끊겼습니다"
            if isinstance(exc, httpx.TimeoutException):
                cut = f"응답을 받는 도중 서버가 {self.timeout:g}초 동안 응답하지 않았습니다"
            return BackendError(
                f"{cut}: {url} ({type(exc).__name__}). 받은 답변은 불완전합니다.",
                "서버 상태를 확인하고 다시 시도하세요. 느린 서버라면 MOKMIN_OPENAI__TIMEOUT을 늘리세요.",
            )
        if isinstance(exc, httpx.ConnectTimeout):
            return BackendError(
                f"서버 연결 시간({self.connect_timeout:g}초)이 초과되었습니다{tries}: {url}",
                _URL_HINT + " 느린 네트워크라면 MOKMIN_OPENAI__CONNECT_TIMEOUT을 늘리세요.",
            )
        if isinstance(exc, httpx.TimeoutException):
            return BackendError(
                f"서버가 {self.timeout:g}초 동안 응답하지 않았습니다{tries}: {url}",
                "서버 부하를 확인하거나 MOKMIN_OPENAI__TIMEOUT 값을 늘리세요 (초 단위).",
            )
        if isinstance(exc, httpx.ConnectError):
            return BackendError(f"언어 모델 서버에 연결할 수 없습니다{tries}: {url} ({exc})", _URL_HINT)
        return BackendError(
            f"서버와의 연결이 끊겼습니다{tries}: {url} ({type(exc).__name__}: {exc})", _URL_HINT
        )


def _read_stream(resp: httpx.Response, url: str) -> Iterator[str]:
    """The content deltas of an SSE chat-completions stream (or of a plain JSON answer)."""
    if resp.headers.get("content-type", "").startswith("application/json"):
        # The server ignored ``stream: true`` and sent the whole answer at once.
        text = resp.read().decode("utf-8", "replace")
        try:
            content = json.loads(text)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise _malformed(url, text) from exc
        if content:
            yield content
        return

    head = ""
    finished = False
    for line in resp.iter_lines():
        if len(head) < _HEAD_CHARS:
            head += line + "\n"
        if not line or line.startswith(":"):
            continue
        if not line.startswith("data:"):
            if line.startswith(("event:", "id:", "retry:")):
                continue
            raise _malformed(url, head)
        payload = line[5:].strip()
        if payload == "[DONE]":
            return
        try:
            event = json.loads(payload)
        except ValueError as exc:
            raise _malformed(url, head) from exc
        if isinstance(event, dict) and "error" in event:
            raise BackendError(
                f"서버가 응답 도중 오류를 보냈습니다: {url} — {_error_text(event['error'])}",
                "서버 로그를 확인하세요.",
            )
        try:
            choices = event["choices"]
            if not choices:  # e.g. the usage chunk of stream_options.include_usage
                continue
            choice = choices[0]
            content = (choice.get("delta") or {}).get("content")
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise _malformed(url, head) from exc
        if content:
            yield content
        if choice.get("finish_reason"):
            finished = True
    if not finished:
        if not head:
            raise _malformed(url, head)
        raise BackendError(
            f"응답이 끝나기 전에 스트림이 끊겼습니다: {url}. 받은 답변은 불완전합니다.",
            "서버 로그를 확인하고 다시 시도하세요.",
        )


def _malformed(url: str, head: str) -> BackendError:
    shown = head[:_HEAD_CHARS]
    received = f"처음 받은 내용: {shown!r}" if shown else "빈 응답"
    return BackendError(
        f"서버가 OpenAI 형식이 아닌 응답을 보냈습니다: {url} ({received})",
        "base_url이 OpenAI 호환 서버의 /v1 주소인지 확인하세요 (MOKMIN_OPENAI__BASE_URL).",
    )


def _server_message(resp: httpx.Response) -> str:
    """The server's own explanation from an error body, shortened."""
    text = resp.text.strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:_HEAD_CHARS]
    if isinstance(data, dict):
        if "error" in data:
            return _error_text(data["error"])[:_HEAD_CHARS]
        if "detail" in data:
            return str(data["detail"])[:_HEAD_CHARS]
    return text[:_HEAD_CHARS]


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error)
