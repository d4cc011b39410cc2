"""DOCX, read with python-docx: the body's paragraphs and tables interleaved in document order.

python-docx's ``Document.paragraphs`` and ``Document.tables`` are separate lists, so we walk the
body XML children (``w:p``, ``w:tbl``, and ``w:sdt`` content controls) ourselves. A heading is a
paragraph whose style is "Heading N" / "제목 N" / "Title", or that carries an outline level.
Table rows: horizontally merged cells count once; a vertically merged cell repeats its text in
each row it spans (so every row reads on its own). A row marked "repeat as header" is a header.
Headers, footers, footnotes and comments are not read. DOCX has no stored pages: ``page`` is None.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from mokmin.errors import DocumentError
from mokmin.knowledge.readers.common import HINT_CORRUPT, Blocks, heading_level_of_style, pick_title
from mokmin.knowledge.types import ParsedDocument

_TITLE_STYLES = frozenset({"title", "제목"})


def read(path: Path, data: bytes) -> ParsedDocument:
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # noqa: BLE001 — python-docx raises KeyError, lxml errors… on broken parts
        raise DocumentError(path, f"DOCX 구조가 손상되었습니다 ({exc})", HINT_CORRUPT)
    out = Blocks()
    _body(body, document, out)
    try:
        title = document.core_properties.title
    except Exception:  # noqa: BLE001 — a malformed docProps/core.xml only costs the title
        title = None
    return ParsedDocument(
        path=path, format="docx", title=pick_title(title, out.blocks, path), blocks=out.blocks
    )


def _body(element, parent, out: Blocks) -> None:
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, parent)
            out.text(paragraph.text, _heading_level(paragraph))
        elif child.tag == qn("w:tbl"):
            _table(Table(child, parent), out)
        elif child.tag == qn("w:sdt"):
            for content in child.iterchildren(qn("w:sdtContent")):
                _body(content, parent, out)


def _heading_level(paragraph: Paragraph) -> int:
    try:
        style = paragraph.style
    except Exception:  # noqa: BLE001 — a broken styles part only costs heading detection
        style = None
    name = (style.name or "").strip() if style is not None else ""
    if name.lower() in _TITLE_STYLES:
        return 1
    level = heading_level_of_style(name)
    if level:
        return level
    for owner in (paragraph._p, style.element if style is not None else None):
        outline = _outline_level(owner)
        if outline is not None:
            return outline
    return 0


def _outline_level(element) -> int | None:
    """``w:pPr/w:outlineLvl`` as a heading level (its value 0–8 → 1–9; 9 means body text)."""
    if element is None:
        return None
    ppr = element.find(qn("w:pPr"))
    node = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if node is None:
        return None
    try:
        value = int(node.get(qn("w:val"), "9"))
    except ValueError:
        return None
    return value + 1 if 0 <= value < 9 else None


def _table(table: Table, out: Blocks) -> None:
    rows: list[list[str]] = []
    first_is_header = False
    for index, row in enumerate(table.rows):
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a horizontally merged cell is returned once per grid column
                continue
            previous = cell._tc
            cells.append(_cell_text(cell._tc))
        rows.append(cells)
        if index == 0:
            trpr = row._tr.trPr
            first_is_header = trpr is not None and trpr.find(qn("w:tblHeader")) is not None
    out.table(rows, header=True if first_is_header else None)


def _cell_text(tc) -> str:
    """All text in a cell, nested tables included, one space between paragraphs."""
    texts = []
    for p in tc.iter(qn("w:p")):
        texts.append(Paragraph(p, None).text)
    return " ".join(texts)
