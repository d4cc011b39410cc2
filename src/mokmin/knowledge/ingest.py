"""Adding files to the knowledge base: discovery, change detection, one transaction per document.

A file is identified by its resolved path and compared by SHA-256: unchanged files are skipped (their
audience is updated if a different one was asked for, and missing vectors are filled in when embedding is
on); new or changed files are read, chunked, analysed and embedded *before* the write transaction, which then
replaces the document in one go. A bad file is reported in the summary and the batch goes on (if an
indexed file changed into one that cannot be read, its last good version stays searchable). When a folder
is added again, documents under it whose file is gone are removed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from mokmin.errors import DocumentError, InputError
from mokmin.knowledge.chunking import chunk_document, index_text, join_heading
from mokmin.knowledge.korean_terms import index_terms_many
from mokmin.knowledge.store import ChunkRow, Store

Report = Callable[[str], None]


@dataclass
class IngestSummary:
    indexed: list[str] = field(default_factory=list)  # new or changed, (re)written
    skipped: list[str] = field(default_factory=list)  # unchanged
    removed: list[str] = field(default_factory=list)  # gone from a re-added folder
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    retagged: list[str] = field(default_factory=list)  # unchanged, audience changed
    embedded: list[str] = field(default_factory=list)  # unchanged, missing vectors filled in
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, reader's note)
    chunks: int = 0  # chunks written for indexed files
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.indexed or self.removed or self.retagged or self.embedded)

    def to_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items()}
        data["failed"] = [{"path": p, "message": m} for p, m in self.failed]
        data["warnings"] = [{"path": p, "message": m} for p, m in self.warnings]
        return data

    def lines(self) -> list[str]:
        """The summary in Korean, one line per fact."""
        out = [
            f"색인 {len(self.indexed)}건(조각 {self.chunks}개), 변경 없음 {len(self.skipped)}건, "
            f"삭제 {len(self.removed)}건, 실패 {len(self.failed)}건 ({self.seconds:.1f}초)"
        ]
        if self.retagged:
            out.append(f"공개 범위 변경 {len(self.retagged)}건")
        if self.embedded:
            out.append(f"임베딩 보충 {len(self.embedded)}건")
        out += [f"참고: {Path(path).name} — {message}" for path, message in self.warnings]
        out += [f"실패: {message}" for _path, message in self.failed]
        return out


def supported_suffixes() -> frozenset[str]:
    from mokmin.knowledge.readers import SUPPORTED_SUFFIXES

    return frozenset(s.lower() if s.startswith(".") else "." + s.lower() for s in SUPPORTED_SUFFIXES)


def _wanted(path: Path, suffixes: frozenset[str]) -> bool:
    name = path.name
    return path.suffix.lower() in suffixes and not name.startswith((".", "~$"))


def discover(paths: Iterable[str | Path], summary: IngestSummary) -> tuple[list[Path], list[Path]]:
    """(files to ingest, folders given) — folders walked recursively, hidden entries skipped."""
    suffixes = supported_suffixes()
    files: dict[Path, None] = {}
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            folder = path.resolve()
            folders.append(folder)
            for p in sorted(folder.rglob("*")):
                rel = p.relative_to(folder).parts
                if p.is_file() and _wanted(p, suffixes) and not any(part.startswith(".") for part in rel):
                    files[p.resolve()] = None
        elif path.is_file():
            if path.suffix.lower() in suffixes:
                files[path.resolve()] = None
            else:
                summary.failed.append(
                    (str(path), f"지원하지 않는 형식입니다: {path} (지원: {', '.join(sorted(suffixes))})")
                )
        else:
            summary.failed.append((str(path), f"파일이나 폴더가 없습니다: {path}"))
    return list(files), folders


def file_digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


class Ingestor:
    def __init__(self, store: Store, audience: str, embed: bool, report: Report):
        self.store = store
        self.audience = audience
        self.embed = embed
        self.report = report

    def prune(self, folders: list[Path], summary: IngestSummary) -> None:
        gone = [d for f in folders for d in self.store.documents_under(str(f)) if not Path(d.path).exists()]
        if gone:
            self.store.delete([d.id for d in gone])
            summary.removed += [d.path for d in gone]

    def ingest(self, path: Path, summary: IngestSummary) -> None:
        try:
            digest, size = file_digest(path)
        except OSError as exc:
            summary.failed.append((str(path), f"파일을 읽을 수 없습니다: {path} ({exc.strerror or exc})"))
            return
        key = str(path)
        old = self.store.document_by_path(key)
        if old is not None and old.sha256 == digest:
            self._unchanged(old, summary)
            return
        try:
            chunks, doc = self._prepare(path)
        except DocumentError as exc:
            summary.failed.append((key, str(exc)))
            return
        except Exception as exc:  # a reader bug must not stop the batch
            reason = f"예상하지 못한 오류 ({exc.__class__.__name__}: {exc})"
            summary.failed.append((key, f"문서를 읽을 수 없습니다: {path} — {reason}"))
            return
        vectors = self._vectors([index_text(c) for c, _ in chunks], path.name) if self.embed else None
        rows = [ChunkRow(c.ordinal, c.page, c.heading, c.start, c.end, c.text, terms) for c, terms in chunks]
        self.store.put_document(
            path=key, title=doc.title or path.stem, format=doc.format, sha256=digest, size=size,
            audience=self.audience, pages=doc.pages, chunks=rows, vectors=vectors,
        )
        summary.indexed.append(key)
        summary.chunks += len(rows)
        summary.warnings += [(key, w) for w in getattr(doc, "warnings", [])]

    def _prepare(self, path: Path):
        from mokmin.knowledge.readers import read_document

        doc = read_document(path)
        chunks = chunk_document(doc)
        if not chunks:
            raise DocumentError(path, "글자를 찾지 못했습니다", "스캔한 PDF라면 글자 인식(OCR)을 거친 파일을 넣으세요.")
        terms = index_terms_many([index_text(c) for c in chunks])
        return [(c, " ".join(t)) for c, t in zip(chunks, terms, strict=True)], doc

    def _unchanged(self, old, summary: IngestSummary) -> None:
        outcome = summary.skipped
        if old.audience != self.audience:
            self.store.set_audience([old.id], self.audience)
            outcome = summary.retagged
        if self.embed and old.status != "ready":
            missing = self.store.unembedded_chunks(old.id)
            if missing:
                texts = [join_heading(h, t) for _, h, t in missing]
                vectors = self._vectors(texts, Path(old.path).name)
                self.store.put_vectors(old.id, [cid for cid, _, _ in missing], vectors)
            else:
                self.store.put_vectors(old.id, [], _empty())
            outcome = summary.embedded if outcome is summary.skipped else outcome
        outcome.append(old.path)

    def _vectors(self, texts: list[str], name: str):
        import numpy as np

        from mokmin.knowledge.embeddings import embed_passages

        parts = []
        for batch in embed_passages(texts):
            parts.append(batch)
            self.report(f"{name} (임베딩 {sum(len(p) for p in parts)}/{len(texts)})")
        return np.concatenate(parts) if parts else _empty()


def _empty():
    import numpy as np

    return np.zeros((0, 384), dtype=np.float32)


def progress_bar(enabled: bool, total: int):
    """A rich progress bar on stderr (or a no-op) and a function that sets its description."""
    if not enabled:
        return nullcontext(), (lambda _text: None), (lambda: None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]색인[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=Console(stderr=True), transient=False,
    )
    task = bar.add_task("", total=total)
    return bar, (lambda text: bar.update(task, description=text)), (lambda: bar.advance(task))


def run_ingest(
    store: Store, paths: Iterable[str | Path], audience: str, embed: bool, progress: bool
) -> IngestSummary:
    started = time.perf_counter()
    summary = IngestSummary()
    paths = list(paths)
    if not paths:
        raise InputError("추가할 파일이나 폴더를 지정하세요.", "예: mokmin kb add 문서폴더/")
    files, folders = discover(paths, summary)
    ingestor = Ingestor(store, audience, embed, lambda _t: None)
    ingestor.prune(folders, summary)
    if not files and not summary.removed:
        if summary.failed:
            more = f" 외 {len(summary.failed) - 1}건" if len(summary.failed) > 1 else ""
            raise InputError(summary.failed[0][1] + more, "경로를 확인하세요. 아무것도 바꾸지 않았습니다.")
        raise InputError(
            f"넣을 수 있는 문서가 없습니다: {', '.join(str(p) for p in paths)}",
            f"지원 형식({', '.join(sorted(supported_suffixes()))})의 파일이 든 폴더나 파일을 지정하세요.",
        )
    bar, describe, advance = progress_bar(progress, len(files))
    ingestor.report = describe
    with bar:
        for path in files:
            describe(path.name)
            ingestor.ingest(path, summary)
            advance()
    summary.seconds = time.perf_counter() - started
    return summary
