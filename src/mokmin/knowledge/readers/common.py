"""What every reader shares: text cleaning, the block collector, table-header guessing, titles.

Readers never build :class:`Block` objects by hand; they feed a :class:`Blocks` collector, which
normalises text (NFC, one space between words), drops empty blocks and numbers tables.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from mokmin.knowledge.types import Block

#: The most bytes one part of a package (a zip member, an HWP section) may expand to.
MAX_EXPANDED_BYTES = 256 * 1024 * 1024

#: Hints shared by several readers (Korean, shown to the user).
HINT_RESAVE_HWP = "한글에서 열어 HWPX 또는 PDF로 저장한 뒤 다시 넣으세요."
HINT_CORRUPT = "원본 파일을 다시 받거나 만든 프로그램에서 다시 저장한 뒤 넣으세요."
HINT_SUPPORTED = (
    "지원 형식: HWP(5.0 이상), HWPX, PDF, DOCX, HTML, TXT, Markdown. "
    "문서보안(DRM)이 걸린 파일이면 보안을 해제한 뒤 넣으세요."
)

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")
_NUMERIC = re.compile(r"[\d\s,.%+\-−~()/]*")
_HEADING_STYLE = re.compile(r"^(?:개요|outline|제목|heading)\s*(\d{1,2})$", re.IGNORECASE)


def clean(text: str) -> str:
    """NFC-normalise, drop invisible characters and collapse whitespace to single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def heading_level_of_style(*names: str | None) -> int:
    """Heading level from a style name such as "개요 2", "Outline 2", "제목 1" or "Heading 3"; else 0."""
    for name in names:
        if not name:
            continue
        match = _HEADING_STYLE.match(name.strip())
        if match and int(match.group(1)) >= 1:
            return int(match.group(1))
    return 0


def looks_like_header(rows: list[list[str]]) -> bool:
    """Guess whether a table's first row names its columns: short, all filled, not figures."""
    if len(rows) < 2 or not rows[0]:
        return False
    first = rows[0]
    return all(cell and len(cell) <= 30 and not _NUMERIC.fullmatch(cell) for cell in first)


class Blocks:
    """Collects a document's blocks in reading order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables = 0

    def heading(self, text: str, level: int = 1, page: int | None = None) -> None:
        text = clean(text)
        if text:
            self.blocks.append(Block("heading", text, page=page, level=max(1, level)))

    def paragraph(self, text: str, page: int | None = None) -> None:
        text = clean(text)
        if text:
            self.blocks.append(Block("paragraph", text, page=page))

    def text(self, text: str, level: int = 0, page: int | None = None) -> None:
        """A heading when ``level`` is positive, else a paragraph."""
        if level > 0:
            self.heading(text, level, page)
        else:
            self.paragraph(text, page)

    def table(self, rows: list[list[str]], page: int | None = None, header: bool | None = None) -> None:
        """Add a table's rows; ``header=None`` guesses whether the first row is a header row."""
        rows = [[clean(cell) for cell in row] for row in rows]
        rows = [row for row in rows if any(row)]
        if not rows:
            return
        index = self.tables
        self.tables += 1
        is_header = looks_like_header(rows) if header is None else (header and len(rows) > 1)
        for number, row in enumerate(rows):
            self.blocks.append(
                Block("table_row", " | ".join(row), page=page, table=index, header=is_header and number == 0)
            )

    def joined(self) -> str:
        """All collected text on one line (for a table cell that holds paragraphs or a nested table)."""
        return " ".join(block.text for block in self.blocks)


def pick_title(metadata_title: str | None, blocks: list[Block], path: Path) -> str:
    """The document's own title, else its first heading, else the file name without extension."""
    title = clean(metadata_title or "")
    if title:
        return title
    for block in blocks:
        if block.kind == "heading":
            return block.text
    return clean(path.stem) or path.name
