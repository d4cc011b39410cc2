"""Cut a parsed document into retrievable chunks.

Rules (each kept by a test):

- a chunk never crosses a page boundary;
- a heading closes the current chunk; the path of headings above a chunk ("1. 추진 배경 > 가. 현황") is kept in
  :attr:`Chunk.heading` and prefixed to the text that is indexed (:func:`index_text`), not to
  :attr:`Chunk.text`;
  a heading with no text under it (and no sub-heading) becomes a chunk of its own, so it can still be found;
- consecutive paragraphs are packed together up to ``max_chars``; a longer paragraph is split at sentence ends
  (kiwi), and a sentence longer than ``max_chars`` at the last space before the limit;
- table rows are packed into table chunks with the table's header row repeated at the top of every chunk after
  the first (unless the header itself is longer than a third of ``max_chars``);
- ``len(chunk.text) <= max_chars`` always; ``start``/``end`` index :attr:`ParsedDocument.text` (blocks joined
  by ``"\\n"``). For paragraph chunks ``chunk.text == doc.text[start:end]``; for a table chunk with a repeated
  header, ``start``/``end`` span its own rows and the text is ``header + "\\n" + doc.text[start:end]``.
"""

from __future__ import annotations

from mokmin.knowledge.types import Block, Chunk, ParsedDocument
from mokmin.text.korean import split_sentences

HEADING_SEP = " > "
_MAX_HEADING_PART = 100


def index_text(chunk: Chunk) -> str:
    """What BM25 and the embeddings see: the heading path, then the chunk text."""
    return join_heading(chunk.heading, chunk.text)


def join_heading(heading: str, text: str) -> str:
    return f"{heading}\n{text}" if heading else text


def split_long(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Spans of ``text`` no longer than ``max_chars``, cut at sentence ends where possible."""
    if len(text) <= max_chars:
        return [(0, len(text))] if text.strip() else []
    pieces: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for s, e in split_sentences(text) or [(0, len(text))]:
        for ps, pe in _hard_split(text, s, e, max_chars):
            if cur and pe - cur[0] <= max_chars:
                cur = (cur[0], pe)
            else:
                if cur:
                    pieces.append(cur)
                cur = (ps, pe)
    if cur:
        pieces.append(cur)
    return pieces


def _hard_split(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    out = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        out.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out


class _Builder:
    def __init__(self, doc: ParsedDocument, max_chars: int):
        self.text = doc.text
        self.max = max_chars
        self.chunks: list[Chunk] = []
        self.headings: list[tuple[int, str]] = []
        self.section_empty = False  # the last heading has nothing under it yet
        self.span: tuple[int, int] | None = None  # paragraphs being packed
        self.page: int | None = None
        self.table: int | None = None
        self.header: tuple[int, int] | None = None  # header row span of the current table
        self.rows: tuple[int, int] | None = None  # data rows being packed
        self.heading_span = (0, 0)

    @property
    def heading(self) -> str:
        return HEADING_SEP.join(t for _, t in self.headings)

    def emit(self, text: str, start: int, end: int) -> None:
        if text.strip():
            self.chunks.append(Chunk(len(self.chunks), text, self.page, self.heading, start, end))
            self.section_empty = False

    def flush(self) -> None:
        if self.span:
            s, e = self.span
            self.emit(self.text[s:e], s, e)
            self.span = None
        self.flush_rows()

    def flush_rows(self) -> None:
        if self.rows:
            s, e = self.rows
            head = self._repeat_header(s)
            self.emit(head + self.text[s:e] if head else self.text[s:e], s, e)
            self.rows = None

    def _repeat_header(self, start: int) -> str:
        if not self.header or start <= self.header[0]:  # no header, or the span starts with it
            return ""
        hs, he = self.header
        return self.text[hs:he] + "\n" if he - hs <= self.max // 3 else ""

    def on_page(self, page: int | None) -> None:
        if page != self.page:
            self.flush()
            self.page = page

    def add_heading(self, block: Block, start: int) -> None:
        self.flush()
        self.table = self.header = None
        level = max(block.level, 1)
        if self.section_empty and self.headings and level <= self.headings[-1][0]:
            self._emit_bare_heading()
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, " ".join(block.text.split())[:_MAX_HEADING_PART]))
        self.section_empty = True
        self.heading_span = (start, start + len(block.text))

    def _emit_bare_heading(self) -> None:
        s, e = self.heading_span
        s2, e2 = split_long(self.text[s:e], self.max)[0]
        self.emit(self.text[s + s2 : s + e2], s + s2, s + e2)

    def add_paragraph(self, block: Block, start: int) -> None:
        self.flush_rows()
        self.table = self.header = None
        for ps, pe in split_long(block.text, self.max):
            s, e = start + ps, start + pe
            if self.span and e - self.span[0] <= self.max:
                self.span = (self.span[0], e)
            else:
                self.flush()
                self.span = (s, e)

    def add_row(self, block: Block, start: int) -> None:
        if self.span:
            self.flush()
        if block.table != self.table or self.table is None:
            self.flush_rows()
            self.table, self.header = block.table, None
        end = start + len(block.text)
        if block.header and self.header is None and not self.rows and len(block.text) <= self.max:
            self.header = (start, end)
            self.rows = (start, end)
            return
        room = self.max - len(self._repeat_header(start))
        for ps, pe in split_long(block.text, room):
            s, e = start + ps, start + pe
            if self.rows and e - self.rows[0] + len(self._repeat_header(self.rows[0])) <= self.max:
                self.rows = (self.rows[0], e)
            else:
                self.flush_rows()
                self.rows = (s, e)

    def finish(self) -> list[Chunk]:
        self.flush()
        if self.section_empty and self.headings:
            self._emit_bare_heading()
        return self.chunks


def chunk_document(doc: ParsedDocument, max_chars: int = 600) -> list[Chunk]:
    """Chunks of ``doc`` in reading order (see the module docstring for the rules)."""
    if max_chars < 50:
        raise ValueError(f"max_chars must be at least 50, got {max_chars}")
    builder = _Builder(doc, max_chars)
    offset = 0
    for block in doc.blocks:
        start = offset
        offset += len(block.text) + 1
        if not block.text.strip():
            continue
        builder.on_page(block.page)
        if block.kind == "heading":
            builder.add_heading(block, start)
        elif block.kind == "table_row":
            builder.add_row(block, start)
        else:
            builder.add_paragraph(block, start)
    return builder.finish()
