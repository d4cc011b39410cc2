"""The OpenAI-compatible backend, over real sockets only.

The happy path runs against llama-cpp-python's own OpenAI-compatible server on the packaged model;
error paths run against :class:`fakes.ScriptedServer`, a standard-library HTTP server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from fakes import Reply, ScriptedServer, error_json, free_port, sse

from mokmin.errors import BackendError, ConfigError
from mokmin.llm.base import Backend, GenerationOptions, Message, complete
from mokmin.llm.openai import OpenAIBackend
from mokmin.llm.registry import clear_backend_cache, get_backend
from mokmin.settings import load_settings

HELLO = [Message(role="user", content="안녕하세요")]
FAST = dict(max_retries=0, backoff=0.0, timeout=5, connect_timeout=2)


# -- a real OpenAI-compatible server ------------------------------------------------------------


@pytest.fixture(scope="session")
def llama_server(model_path, tmp_path_factory):
    """llama-cpp-python's server on the packaged model, on a free local port; yields its /v1 URL."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path), "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
        "--n_threads", str(os.cpu_count() or 1),
    ]  # fmt: skip
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited ({proc.returncode}):\n{log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base_url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer within 60 s:\n{log_path.read_text()[-2000:]}")
            time.sleep(0.25)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def server_backend(llama_server):
    # llama.cpp's server defaults to repeat_penalty=1.1 where the library defaults to 1.0; ask for
    # the library's value so both paths sample identically.
    backend = OpenAIBackend(llama_server, model="local", is_local=True, extra_body={"repeat_penalty": 1.0})
    yield backend
    backend.close()


def test_lists_the_servers_model(server_backend, model_path):
    models = server_backend.list_models()
    assert len(models) == 1
    assert model_path.name in models[0]


def test_streams_through_a_real_server(server_backend):
    assert isinstance(server_backend, Backend)
    messages = [Message(role="user", content="1부터 10까지 숫자를 쉼표로 구분해 나열하세요.")]
    pieces = list(server_backend.stream(messages, GenerationOptions(max_tokens=16)))
    assert len(pieces) >= 3
    assert all(isinstance(p, str) and p for p in pieces)
    assert "1" in "".join(pieces)


def test_same_output_as_the_direct_backend(server_backend, llama_backend):
    """Same GGUF, same chat template, greedy decoding: the HTTP path changes nothing."""
    messages = [
        Message(role="system", content="당신은 지방자치단체 공무원을 돕는 비서입니다."),
        Message(role="user", content="보도자료의 제목을 한 줄로 써 주세요: 도서관 야간 개방"),
    ]
    options = GenerationOptions(max_tokens=20)
    direct = complete(llama_backend, messages, options)
    served = complete(server_backend, messages, options)
    assert served == direct
    assert served.strip()


def test_stop_sequence_reaches_the_server(server_backend):
    messages = [Message(role="user", content="1부터 10까지 숫자를 쉼표로 구분해 나열하세요.")]
    text = complete(server_backend, messages, GenerationOptions(max_tokens=24, stop=[","]))
    assert "," not in text


# -- error paths against tiny local servers -------------------------------------------------------


def test_connection_refused_names_the_url():
    url = f"http://127.0.0.1:{free_port()}/v1"
    backend = OpenAIBackend(url, "m", max_retries=1, backoff=0.01, connect_timeout=2)
    with pytest.raises(BackendError) as info:
        complete(backend, HELLO, GenerationOptions())
    assert f"{url}/chat/completions" in info.value.message
    assert "서버가 실행 중인지, base_url이 맞는지 확인하세요" in info.value.hint


def test_401_points_at_the_key_variable_and_is_not_retried():
    with ScriptedServer(default=error_json(401, "invalid api key")) as server:
        backend = OpenAIBackend(server.url, "m", api_key="sk-wrong", max_retries=3, backoff=0.01,
                                api_key_env="CITY_LLM_KEY")  # fmt: skip
        with pytest.raises(BackendError) as info:
            complete(backend, HELLO, GenerationOptions())
    assert "401" in info.value.message and server.url in info.value.message
    assert "invalid api key" in info.value.message
    assert "CITY_LLM_KEY" in info.value.hint
    assert len(server.requests) == 1
    assert server.requests[0].headers["Authorization"] == "Bearer sk-wrong"


def test_missing_key_says_so():
    with ScriptedServer(default=error_json(403, "forbidden")) as server:
        with pytest.raises(BackendError) as info:
            complete(OpenAIBackend(server.url, "m", **FAST), HELLO, GenerationOptions())
    assert "API 키가 없습니다" in info.value.hint
    assert "MOKMIN_OPENAI_API_KEY" in info.value.hint
    assert "Authorization" not in server.requests[0].headers


def test_500_then_200_is_retried():
    with ScriptedServer([error_json(500, "warming up"), sse(["안녕", "하세요"])]) as server:
        backend = OpenAIBackend(server.url, "m", max_retries=2, backoff=0.01)
        assert list(backend.stream(HELLO, GenerationOptions(max_tokens=8, stop=["끝"]))) == ["안녕", "하세요"]
    assert len(server.requests) == 2
    body = server.requests[1].body
    assert body["stream"] is True and body["model"] == "m" and body["max_tokens"] == 8
    assert body["stop"] == ["끝"] and body["messages"] == [{"role": "user", "content": "안녕하세요"}]


def test_429_honours_retry_after_then_gives_up():
    busy = Reply(status=429, body="{}", headers={"Retry-After": "0.2"})
    with ScriptedServer(default=busy) as server:
        backend = OpenAIBackend(server.url, "m", max_retries=1, backoff=0.0)
        started = time.monotonic()
        with pytest.raises(BackendError) as info:
            complete(backend, HELLO, GenerationOptions())
    assert time.monotonic() - started >= 0.2
    assert "429" in info.value.message
    assert len(server.requests) == 2


def test_404_explains_base_url_and_model():
    with ScriptedServer(default=Reply(status=404, body="Not Found", content_type="text/plain")) as server:
        backend = OpenAIBackend(server.url, "qwen-7b", **FAST)
        with pytest.raises(BackendError) as info:
            complete(backend, HELLO, GenerationOptions())
    assert "404" in info.value.message
    assert "/v1" in info.value.hint and "qwen-7b" in info.value.hint


def test_a_server_that_never_answers_times_out_quickly():
    with ScriptedServer(default=Reply(hang=30)) as server:
        backend = OpenAIBackend(server.url, "m", timeout=0.3, connect_timeout=1, max_retries=1, backoff=0.01)
        started = time.monotonic()
        with pytest.raises(BackendError) as info:
            complete(backend, HELLO, GenerationOptions())
        elapsed = time.monotonic() - started
    assert elapsed < 2.5
    assert "MOKMIN_OPENAI__TIMEOUT" in info.value.hint
    assert server.url in info.value.message
    assert len(server.requests) == 2  # timed out, retried once, timed out again


@pytest.mark.parametrize(
    "reply, shown",
    [
        (Reply(body="data: {not json\n\n", content_type="text/event-stream"), "{not json"),
        (Reply(body="<html><body>로그인</body></html>", content_type="text/html"), "<html>"),
        (Reply(body='data: {"object": "oops"}\n\n', content_type="text/event-stream"), "oops"),
        (Reply(body="", content_type="text/event-stream"), "빈 응답"),
    ],
)
def test_malformed_stream_quotes_what_came_back(reply, shown):
    with ScriptedServer(default=reply) as server:
        with pytest.raises(BackendError) as info:
            complete(OpenAIBackend(server.url, "m", max_retries=2, backoff=0.01), HELLO, GenerationOptions())
    assert shown in info.value.message
    assert len(server.requests) == 1  # a bad stream is not retried


def test_a_stream_cut_after_the_first_token_is_not_retried():
    """Retrying after text went out would duplicate it: the caller gets the piece, then an error."""
    cut = sse(["첫 조각"], finish=False, done=False)
    with ScriptedServer([cut, sse(["다시"])]) as server:
        backend = OpenAIBackend(server.url, "m", max_retries=3, backoff=0.01)
        received = []
        with pytest.raises(BackendError) as info:
            for piece in backend.stream(HELLO, GenerationOptions()):
                received.append(piece)
    assert received == ["첫 조각"]
    assert "불완전" in info.value.message
    assert len(server.requests) == 1


def test_error_event_inside_the_stream():
    body = 'data: {"error": {"message": "context length exceeded"}}\n\n'
    with ScriptedServer(default=Reply(body=body, content_type="text/event-stream")) as server:
        with pytest.raises(BackendError, match="context length exceeded"):
            complete(OpenAIBackend(server.url, "m", **FAST), HELLO, GenerationOptions())


def test_a_server_that_ignores_stream_true():
    whole = Reply(body='{"choices": [{"message": {"role": "assistant", "content": "통째로"}}]}')
    with ScriptedServer(default=whole) as server:
        assert complete(OpenAIBackend(server.url, "m", **FAST), HELLO, GenerationOptions()) == "통째로"


def test_list_models_and_bad_base_url():
    models = Reply(body='{"object": "list", "data": [{"id": "a"}, {"id": "b"}]}')
    with ScriptedServer(default=models) as server:
        assert OpenAIBackend(server.url + "/", "m", **FAST).list_models() == ["a", "b"]
        assert server.requests[0].path == "/v1/models"
    with pytest.raises(ConfigError):
        OpenAIBackend("127.0.0.1:8000/v1", "m")


# -- registry ------------------------------------------------------------------------------------


def test_registry_builds_openai_from_settings_and_caches(monkeypatch):
    clear_backend_cache()
    with ScriptedServer(default=sse(["네"])) as server:
        monkeypatch.setenv("MOKMIN_OPENAI_API_KEY", "sk-city")
        openai = {"base_url": server.url, "model": "m", "is_local": True}
        settings = load_settings(backend="openai", openai=openai)
        backend = get_backend(settings)
        assert isinstance(backend, OpenAIBackend) and backend.is_local
        assert get_backend(load_settings(backend="openai", openai=dict(openai))) is backend
        assert complete(backend, HELLO, GenerationOptions()) == "네"
        assert server.requests[0].headers["Authorization"] == "Bearer sk-city"
        monkeypatch.setenv("MOKMIN_OPENAI_API_KEY", "sk-rotated")
        assert get_backend(settings) is not backend
    clear_backend_cache()
