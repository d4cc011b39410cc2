"""Contracts of the knowledge layer: what readers produce and what search returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["heading", "paragraph", "table_row"]
Audience = Literal["public", "staff"]
AUDIENCES: tuple[Audience, ...] = ("public", "staff")


@dataclass
class Block:
    """One structural unit of a document, in reading order. Text is NFC-normalised."""

    kind: BlockKind
    text: str
    page: int | None = None  # 1-based page where the format has pages (PDF); None otherwise
    level: int = 0  # heading level (1 = top) for headings
    table: int | None = None  # index of the table a row belongs to
    header: bool = False  # a table's header row


@dataclass
class ParsedDocument:
    path: Path
    format: str  # hwp, hwpx, pdf, docx, html, txt, md
    title: str
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)  # Korean notes for the user (e.g. extension mismatch)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass
class Chunk:
    """A retrievable stretch of one document. ``start``/``end`` index ``ParsedDocument.text``."""

    ordinal: int
    text: str
    page: int | None
    heading: str
    start: int
    end: int


@dataclass
class Passage:
    """A search hit: what the answer cites as [n]."""

    doc_id: int
    chunk_id: int
    title: str
    source_path: str
    page: int | None
    start: int
    end: int
    text: str
    score: float
    audience: Audience
    heading: str = ""
    ranks: dict[str, int] = field(default_factory=dict)  # rank per search method ("bm25", "dense"), from 1

    def location(self) -> str:
        where = f"{self.title}"
        if self.page:
            where += f", {self.page}쪽"
        if self.heading:
            where += f" «{self.heading}»"
        return where
