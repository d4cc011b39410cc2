"""The embedded backend: a GGUF model run in-process by llama.cpp (llama-cpp-python).

The model is loaded lazily, once, on first use (1–2 s). Prompts are rendered with the GGUF's own
chat template. The streaming path does no per-token work beyond taking the text delta out of each
chunk, so it runs as fast as llama-cpp-python itself (see ``bench/bench_backend.py``).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from mokmin.errors import BackendError, ModelError
from mokmin.llm.base import GenerationOptions, Message

if TYPE_CHECKING:
    import llama_cpp

GGUF_MAGIC = b"GGUF"
_INSTALL_HINT = (
    "`mokmin model install`로 내장 모델을 설치하거나, "
    "MOKMIN_LLAMACPP__MODEL_PATH에 GGUF 파일 경로를 지정하세요."
)
_CONTEXT_OVERFLOW = re.compile(r"Requested tokens \((\d+)\) exceed context window of (\d+)")


class LlamaCppBackend:
    """A local GGUF model behind the :class:`~mokmin.llm.base.Backend` contract.

    ``llama`` lets a caller hand in an already loaded ``llama_cpp.Llama`` (a benchmark comparing
    against raw llama-cpp-python, or two backends sharing one model); ``model_path`` then only
    names it and the other loading arguments are ignored.
    """

    name = "llamacpp"
    is_local = True

    def __init__(
        self,
        model_path: Path | str,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        n_batch: int = 512,
        seed: int = 0,
        verbose: bool = False,
        *,
        llama: llama_cpp.Llama | None = None,
    ):
        self.model_path = Path(model_path)
        self.n_threads = n_threads or os.cpu_count() or 1
        self.n_batch = n_batch
        self.seed = seed
        self.verbose = verbose
        self._llama = llama
        self.context_length = llama.n_ctx() if llama is not None else n_ctx
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._running_in: int | None = None  # thread ident holding _run_lock
        if llama is None:
            check_gguf_file(self.model_path)

    @property
    def n_ctx(self) -> int:
        return self.context_length

    @property
    def loaded(self) -> bool:
        return self._llama is not None

    def load(self) -> llama_cpp.Llama:
        """The loaded model; loads it on the first call (thread-safe, once)."""
        llama = self._llama
        if llama is not None:
            return llama
        with self._load_lock:
            if self._llama is None:
                self._llama = self._load_model()
            return self._llama

    def _load_model(self) -> llama_cpp.Llama:
        check_gguf_file(self.model_path)
        import llama_cpp

        try:
            return llama_cpp.Llama(
                model_path=str(self.model_path),
                n_ctx=self.context_length,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads,
                n_batch=min(self.n_batch, self.context_length),
                seed=self.seed,
                verbose=self.verbose,
            )
        except ValueError as exc:  # llama.cpp could not read the file as a model
            raise ModelError(
                f"모델 파일을 불러올 수 없습니다: {self.model_path} ({exc})",
                "파일이 손상되었거나 이 llama.cpp가 지원하지 않는 GGUF입니다. " + _INSTALL_HINT,
            ) from exc

    def stream(self, messages: list[Message], options: GenerationOptions) -> Iterator[str]:
        """Yield the answer's text pieces as llama.cpp generates them.

        One generation runs at a time per model; other threads wait their turn. Starting a
        second generation in the thread that has one unfinished raises :class:`BackendError`
        (both would share one KV cache).
        """
        llama = self.load()
        me = threading.get_ident()
        if self._running_in == me:
            raise BackendError(
                "같은 모델에서 이전 생성이 끝나기 전에 새 생성을 시작했습니다.",
                "앞의 스트림을 끝까지 읽거나 close()한 뒤 다시 호출하세요.",
            )
        with self._run_lock:
            self._running_in = me
            try:
                chunks = llama.create_chat_completion(
                    messages=[{"role": m.role, "content": m.content} for m in messages],
                    stream=True,
                    temperature=options.temperature,
                    max_tokens=options.max_tokens,
                    top_p=options.top_p,
                    stop=options.stop,
                    seed=options.seed,
                )
                for chunk in chunks:
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        yield piece
            except ValueError as exc:
                overflow = _CONTEXT_OVERFLOW.search(str(exc))
                if overflow is None:
                    raise
                raise BackendError(
                    f"입력이 너무 깁니다: 프롬프트가 {overflow.group(1)}토큰으로 "
                    f"모델 컨텍스트 길이({overflow.group(2)}토큰)를 넘습니다.",
                    "입력 자료를 줄이거나 나눠서 넣으세요. 메모리가 충분하면 "
                    "MOKMIN_LLAMACPP__N_CTX를 늘리세요 (예: 8192).",
                ) from exc
            finally:
                self._running_in = None

    def count_tokens(self, text: str) -> int:
        """How many tokens ``text`` takes in this model (no BOS; special tokens recognised)."""
        return len(self.load().tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def close(self) -> None:
        """Free the model's memory; the next use loads it again."""
        with self._load_lock:
            llama, self._llama = self._llama, None
        if llama is not None:
            llama.close()


def check_gguf_file(path: Path) -> None:
    """Raise :class:`ModelError` unless ``path`` is a readable file starting with the GGUF magic."""
    if not path.exists():
        raise ModelError(f"모델 파일이 없습니다: {path}", _INSTALL_HINT)
    if not path.is_file():
        raise ModelError(f"모델 경로가 파일이 아닙니다: {path}", _INSTALL_HINT)
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(
            f"모델 파일을 읽을 수 없습니다: {path} ({exc.strerror or exc})",
            "파일 권한을 확인하세요. " + _INSTALL_HINT,
        ) from exc
    if magic != GGUF_MAGIC:
        raise ModelError(
            f"GGUF 모델 파일이 아닙니다: {path} (파일 시작: {magic!r})",
            "내려받기가 끝나지 않았거나 다른 형식의 파일입니다. " + _INSTALL_HINT,
        )
