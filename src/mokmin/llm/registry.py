"""Which backend the settings ask for, built once per process.

Built-in kinds are registered in :data:`BACKENDS` exactly as a new kind would be: a
:class:`BackendKind` with a ``build`` function and a ``cache_key`` function over the settings.
:func:`get_backend` returns the same backend object for equal settings, so the embedded model is
loaded once however many workflows ask for it. A non-local backend is returned wrapped in the egress
guard (:mod:`mokmin.guard.egress`), a thin new wrapper per call around the shared backend.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from mokmin.errors import ConfigError
from mokmin.llm.base import Backend
from mokmin.settings import Settings


@dataclass(frozen=True)
class BackendKind:
    """How to build one kind of backend from the settings, and what makes two builds the same."""

    build: Callable[[Settings], Backend]
    cache_key: Callable[[Settings], Hashable]
    description: str = ""


def _build_llamacpp(settings: Settings) -> Backend:
    from mokmin.llm.llamacpp import LlamaCppBackend
    from mokmin.model.install import resolve_model_path

    cfg = settings.llamacpp
    return LlamaCppBackend(
        model_path=resolve_model_path(settings),
        n_ctx=cfg.n_ctx,
        n_threads=cfg.n_threads,
        n_batch=cfg.n_batch,
        seed=cfg.seed,
    )


def _llamacpp_key(settings: Settings) -> Hashable:
    return (str(settings.home), settings.llamacpp.model_dump_json())


def _build_openai(settings: Settings) -> Backend:
    from mokmin.llm.openai import OpenAIBackend

    cfg = settings.openai
    return OpenAIBackend(
        base_url=cfg.base_url,
        model=cfg.model,
        api_key=os.environ.get(cfg.api_key_env) or None,
        timeout=cfg.timeout,
        connect_timeout=cfg.connect_timeout,
        max_retries=cfg.max_retries,
        backoff=cfg.backoff,
        is_local=cfg.is_local,
        context_length=cfg.context_length,
        api_key_env=cfg.api_key_env,
    )


def _openai_key(settings: Settings) -> Hashable:
    key = os.environ.get(settings.openai.api_key_env) or ""
    # A changed key must give a new backend; keep only a digest of it in the cache key.
    return (settings.openai.model_dump_json(), hashlib.sha256(key.encode()).hexdigest())


BACKENDS: dict[str, BackendKind] = {
    "llamacpp": BackendKind(_build_llamacpp, _llamacpp_key, "내장 모델 (llama.cpp, 이 컴퓨터에서 실행)"),
    "openai": BackendKind(_build_openai, _openai_key, "OpenAI 호환 서버 (vLLM, Ollama, llama.cpp server 등)"),
}

_cache: dict[tuple[str, Hashable], Backend] = {}
_cache_lock = threading.Lock()


def get_backend(settings: Settings) -> Backend:
    """The backend ``settings.backend`` names, shared by every caller with the same settings
    (non-local ones behind the egress guard)."""
    kind = BACKENDS.get(settings.backend)
    if kind is None:
        raise ConfigError(
            f"알 수 없는 백엔드입니다: {settings.backend!r}",
            f"backend(MOKMIN_BACKEND)는 {', '.join(BACKENDS)} 중 하나여야 합니다.",
        )
    key = (settings.backend, kind.cache_key(settings))
    with _cache_lock:
        backend = _cache.get(key)
        if backend is None:
            backend = _cache[key] = kind.build(settings)
    # Every non-local backend leaves here behind the egress guard (mask/block/allow + audit).
    from mokmin.guard.egress import guard_backend

    return guard_backend(backend, settings)


def clear_backend_cache() -> None:
    """Forget (and close, where possible) every cached backend; for tests and reloads."""
    with _cache_lock:
        backends = list(_cache.values())
        _cache.clear()
    for backend in backends:
        close = getattr(backend, "close", None)
        if callable(close):
            close()
