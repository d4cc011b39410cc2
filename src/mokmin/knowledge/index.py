"""The knowledge base: what workflows, the CLI and the web app talk to.

``KnowledgeBase(settings).search(query, k, audience)`` returns passages ranked by a reciprocal-rank merge of
Korean BM25 (kiwi morphemes) and e5 embeddings. The in-memory indexes belong to one *generation* of the
store and are rebuilt (or loaded from disk) when another writer — this process or another — changes it.
"""

from __future__ import annotations

import operator
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from mokmin.errors import InputError
from mokmin.knowledge.ingest import IngestSummary, run_ingest
from mokmin.knowledge.korean_terms import index_terms
from mokmin.knowledge.search import SCOPES, SearchConfig, Snapshot, gc_paused, fuse, load_or_build_bm25
from mokmin.knowledge.store import DocumentRow, IndexData, Store
from mokmin.knowledge.types import AUDIENCES, Audience, Passage
from mokmin.settings import Settings, load_settings
from mokmin.text.korean import nfc

Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[str, ...] = ("hybrid", "bm25", "dense")
MAX_K = 100


class SearchResults(list):
    """``list[Passage]`` plus what the caller should tell the user (truncated query, missing vectors)."""

    def __init__(self, passages: Iterable[Passage] = (), *, query: str = "", truncated: bool = False):
        super().__init__(passages)
        self.query = query
        self.truncated = truncated
        self.warnings: list[str] = []


def _audience(value: str) -> Audience:
    if value not in AUDIENCES:
        raise InputError(f"공개 범위 값이 올바르지 않습니다: {value!r}", "public(공개) 또는 staff(직원용)를 쓰세요.")
    return value  # type: ignore[return-value]


class KnowledgeBase:
    def __init__(self, settings: Settings | None = None, *, path: Path | None = None,
                 config: SearchConfig | None = None):
        settings = settings or load_settings()
        self.path = Path(path) if path else settings.home / "kb" / "kb.sqlite3"
        self.store = Store(self.path)
        self.config = config or SearchConfig(**_settings_config(settings))
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    # --- documents -------------------------------------------------------------------------------------

    def add(self, paths: Iterable[str | Path], audience: str = "staff", embed: bool = True,
            progress: bool = True) -> IngestSummary:
        """Index files and folders (recursively); see :mod:`mokmin.knowledge.ingest`."""
        summary = run_ingest(self.store, paths, _audience(audience), embed, progress)
        if summary.changed:
            self.snapshot()  # build and persist the BM25 indexes now, not on the first search
        return summary

    def list(self) -> list[DocumentRow]:
        return self.store.documents()

    def remove(self, paths_or_ids: Sequence[str | int]) -> list[DocumentRow]:
        """Remove documents given by id, file path or folder path (everything under it)."""
        docs = self._resolve(paths_or_ids)
        self.store.delete([d.id for d in docs])
        return docs

    def set_audience(self, paths_or_ids: Sequence[str | int], audience: str) -> list[DocumentRow]:
        audience = _audience(audience)
        docs = self._resolve(paths_or_ids)
        self.store.set_audience([d.id for d in docs], audience)
        return docs

    def _resolve(self, items: Sequence[str | int]) -> list[DocumentRow]:
        if not items:
            raise InputError("문서를 지정하세요.", "'mokmin kb list'에서 ID나 경로를 확인하세요.")
        docs = self.store.documents()
        by_id = {d.id: d for d in docs}
        found: dict[int, DocumentRow] = {}
        unknown: list[str] = []
        for item in items:
            text = str(item).strip()
            if isinstance(item, int) or (text.isdigit() and not Path(text).exists()):
                doc = by_id.get(int(text))
                matches = [doc] if doc else []
            else:
                target = str(Path(text).expanduser().resolve())
                folder = target.rstrip(os.sep) + os.sep
                matches = [d for d in docs if d.path == target or d.path.startswith(folder)]
            if not matches:
                unknown.append(text)
            found.update((d.id, d) for d in matches)
        if unknown:
            raise InputError(
                f"지식베이스에 없는 문서입니다: {', '.join(unknown)}",
                "'mokmin kb list'에서 ID나 경로를 확인하세요. 아무것도 바꾸지 않았습니다.",
            )
        return list(found.values())

    # --- search ----------------------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, audience: str = "public", mode: str = "hybrid") -> SearchResults:
        """The ``k`` best passages for ``query`` that ``audience`` may see (public sees only public)."""
        audience = _audience(audience)
        if mode not in MODES:
            raise InputError(f"검색 방식이 올바르지 않습니다: {mode!r}", "hybrid, bm25, dense 중 하나를 쓰세요.")
        try:
            k = operator.index(k)
        except TypeError:
            k = 0
        if not 1 <= k <= MAX_K:
            raise InputError(f"결과 수(k)는 1~{MAX_K} 사이의 정수여야 합니다.", "예: --k 5")
        query = nfc(query or "").strip()
        if not query:
            raise InputError("검색어가 비어 있습니다.", "찾을 내용을 한 단어 이상 입력하세요.")
        limit = self.config.max_query_chars
        results = SearchResults(query=query[:limit], truncated=len(query) > limit)
        if results.truncated:
            results.warnings.append(f"검색어가 너무 길어 앞 {limit:,}자만 사용했습니다.")
        query = results.query

        snap = self.snapshot()
        if not snap.bm25.get("staff") and not snap.has_vectors:
            results.warnings.append("지식베이스가 비어 있습니다. 'mokmin kb add 폴더'로 문서를 넣으세요.")
            return results
        if audience == "public" and not snap.bm25.get("public") and not snap.vec_public.any():
            results.warnings.append(
                "공개(public)로 지정된 문서가 없습니다. 'mokmin kb audience … --set public'으로 바꾸세요."
            )
            return results
        depth = max(self.config.candidates, k)
        ranked: dict[str, list[tuple[int, float]]] = {}
        if mode in ("hybrid", "bm25"):
            ranked["bm25"] = snap.bm25_top(index_terms(query), audience, depth)
        if mode in ("hybrid", "dense"):
            if snap.has_vectors:
                from mokmin.knowledge.embeddings import embed_query

                ranked["dense"] = snap.dense_top(embed_query(query), audience, depth)
            else:
                results.warnings.append(
                    "임베딩이 없어 단어 검색(BM25)만 했습니다. 'mokmin kb add'를 임베딩과 함께 다시 실행하세요."
                )
        weights = {"bm25": self.config.bm25_weight, "dense": self.config.dense_weight}
        hits = fuse(ranked, weights, self.config.rrf_k)
        rows = self.store.passages([h.chunk_id for h in hits])
        for hit in hits:
            row = rows.get(hit.chunk_id)
            # Rows deleted or re-scoped since the snapshot are skipped; the ranking itself was already scoped.
            if row is None or (audience == "public" and row["audience"] != "public"):
                continue
            results.append(Passage(
                doc_id=row["doc_id"], chunk_id=row["id"], title=row["title"], source_path=row["path"],
                page=row["page"], start=row["start"], end=row["end"], text=row["text"], score=hit.score,
                audience=row["audience"], heading=row["heading"], ranks=dict(hit.ranks),
            ))
            if len(results) == k:
                break
        return results

    def snapshot(self) -> Snapshot:
        """The search indexes of the store's current generation (loaded once, thread-safe)."""
        snap = self._snapshot
        if snap is not None and snap.generation == self.store.generation():
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is None or snap.generation != self.store.generation():
                snap = self._snapshot = self._load()
            return snap

    def _load(self) -> Snapshot:
        folder = self.path.parent / "bm25"
        data = self.store.load_index_data(with_terms=False)
        scopes = _bm25_scopes(folder, data)
        if scopes is None:  # not persisted for this generation: read the terms and build
            data = self.store.load_index_data(with_terms=True)
            scopes = _bm25_scopes(folder, data)
        return Snapshot(data.generation, scopes or {}, data.vec_ids, data.vectors, data.vec_public)


def _bm25_scopes(folder: Path, data: IndexData) -> dict | None:
    tokens = None
    if data.terms is not None:
        with gc_paused():
            tokens = [t.split() for t in data.terms]
    scopes = {}
    for scope in SCOPES:
        ids, scope_tokens = data.chunk_ids, tokens
        if scope == "public":
            ids = data.chunk_ids[data.public]
            if tokens is not None:
                scope_tokens = [t for t, keep in zip(tokens, data.public, strict=True) if keep]
        index = load_or_build_bm25(folder, scope, data.generation, ids, scope_tokens)
        if index is None and len(ids):
            return None
        scopes[scope] = index
    return scopes


def _settings_config(settings: Settings) -> dict:
    """Search knobs from ``settings.knowledge`` when the settings class has such a section."""
    section = getattr(settings, "knowledge", None)
    if section is None:
        return {}
    names = SearchConfig.__dataclass_fields__
    data = section.model_dump() if hasattr(section, "model_dump") else dict(section)
    return {k: v for k, v in data.items() if k in names}
