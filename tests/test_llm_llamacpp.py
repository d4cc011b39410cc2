"""The embedded llama.cpp backend, on the real packaged model."""

from __future__ import annotations

import threading

import pytest
from pydantic import ValidationError

from mokmin.errors import BackendError, ModelError
from mokmin.llm.base import Backend, GenerationOptions, Message, complete
from mokmin.llm.llamacpp import LlamaCppBackend
from mokmin.llm.registry import clear_backend_cache, get_backend
from mokmin.settings import load_settings

pytestmark = pytest.mark.model

COUNT = [Message(role="user", content="1부터 10까지 숫자를 쉼표로 구분해 나열하세요.")]
TITLE = [
    Message(role="system", content="당신은 지방자치단체 공무원을 돕는 비서입니다."),
    Message(role="user", content="보도자료의 제목을 한 줄로 써 주세요: 도서관 야간 개방"),
]


def test_meets_the_contract(llama_backend):
    assert isinstance(llama_backend, Backend)
    assert llama_backend.name == "llamacpp"
    assert llama_backend.is_local is True
    assert llama_backend.context_length == 4096


def test_streams_several_pieces(llama_backend):
    pieces = list(llama_backend.stream(COUNT, GenerationOptions(max_tokens=16)))
    assert len(pieces) >= 3
    assert all(isinstance(p, str) and p for p in pieces)
    assert "1" in "".join(pieces)


def test_temperature_zero_is_deterministic(llama_backend):
    options = GenerationOptions(temperature=0, max_tokens=16)
    first = complete(llama_backend, TITLE, options)
    complete(llama_backend, COUNT, GenerationOptions(max_tokens=8))  # a different prompt in between
    second = complete(llama_backend, TITLE, options)
    assert first == second
    assert first.strip()


def test_same_text_as_raw_llama_cpp(llama_backend):
    """The backend adds nothing and drops nothing: same as a non-streaming call on the same model."""
    raw = llama_backend.load().create_chat_completion(
        messages=[m.model_dump() for m in TITLE], temperature=0, max_tokens=16, top_p=1.0, seed=0
    )
    assert complete(llama_backend, TITLE, GenerationOptions(max_tokens=16)) == (
        raw["choices"][0]["message"]["content"]
    )


def test_stop_sequences(llama_backend):
    text = complete(llama_backend, COUNT, GenerationOptions(max_tokens=24, stop=[","]))
    assert text.strip() and "," not in text


def test_count_tokens(llama_backend):
    assert llama_backend.count_tokens("") == 0
    short = llama_backend.count_tokens("당진시청")
    assert 0 < short < llama_backend.count_tokens("당진시청 민원실은 평일 오전 9시부터 오후 6시까지 운영합니다.")
    assert llama_backend.count_tokens("<|im_start|>") == 1  # special tokens count as one


def test_prompt_longer_than_the_context_explains_what_to_do(llama_backend):
    long = "당진시 도서관 야간 개방 안내 " * 1200
    assert llama_backend.count_tokens(long) > 4096
    with pytest.raises(BackendError) as info:
        complete(llama_backend, [Message(role="user", content=long)], GenerationOptions(max_tokens=8))
    assert "4096" in info.value.message
    assert "MOKMIN_LLAMACPP__N_CTX" in info.value.hint
    # the model is still usable afterwards
    assert complete(llama_backend, COUNT, GenerationOptions(max_tokens=4))


def test_concurrent_streams_take_turns(llama_backend):
    options = GenerationOptions(max_tokens=8)
    expected = complete(llama_backend, COUNT, options)
    results: list[str] = []

    def run() -> None:
        results.append(complete(llama_backend, COUNT, options))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected, expected]


def test_nested_stream_in_one_thread_is_refused(llama_backend):
    outer = llama_backend.stream(COUNT, GenerationOptions(max_tokens=8))
    next(outer)
    with pytest.raises(BackendError):
        next(llama_backend.stream(COUNT, GenerationOptions(max_tokens=8)))
    outer.close()  # releases the model
    assert complete(llama_backend, COUNT, GenerationOptions(max_tokens=4))


def test_loads_once_under_concurrent_first_use(model_path):
    backend = LlamaCppBackend(model_path, n_ctx=512)
    assert not backend.loaded
    seen: list[object] = []

    def use() -> None:
        backend.count_tokens("안녕하세요")
        seen.append(backend.load())

    threads = [threading.Thread(target=use) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert len(seen) == 4 and all(s is seen[0] for s in seen)
    finally:
        backend.close()
    assert not backend.loaded


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelError) as info:
        LlamaCppBackend(tmp_path / "nope.gguf")
    assert "mokmin model install" in info.value.hint
    assert "MOKMIN_LLAMACPP__MODEL_PATH" in info.value.hint


def test_not_a_gguf_file(tmp_path):
    garbage = tmp_path / "model.gguf"
    garbage.write_bytes(b"<html>404 Not Found</html>" * 10)
    with pytest.raises(ModelError, match="GGUF"):
        LlamaCppBackend(garbage)
    with pytest.raises(ModelError):
        LlamaCppBackend(tmp_path)  # a directory


def test_corrupt_gguf_fails_at_load(tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 4096)
    backend = LlamaCppBackend(broken)
    with pytest.raises(ModelError) as info:
        complete(backend, COUNT, GenerationOptions(max_tokens=4))
    assert str(broken) in info.value.message
    assert "mokmin model install" in info.value.hint


def test_unknown_option_is_rejected():
    with pytest.raises(ValidationError):
        GenerationOptions(temprature=0.5)
    with pytest.raises(ValidationError):
        Message(role="user", content="x", name="민원인")


def test_registry_builds_llamacpp_once(model_path):
    clear_backend_cache()
    settings = load_settings(llamacpp={"model_path": str(model_path), "n_ctx": 2048})
    backend = get_backend(settings)
    try:
        assert isinstance(backend, LlamaCppBackend)
        assert backend.context_length == 2048 and not backend.loaded  # loading waits for first use
        again = load_settings(llamacpp={"model_path": str(model_path), "n_ctx": 2048})
        assert get_backend(again) is backend
        other = load_settings(llamacpp={"model_path": str(model_path), "n_ctx": 1024})
        assert get_backend(other) is not backend
    finally:
        clear_backend_cache()
