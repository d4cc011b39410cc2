"""Plain text and Markdown.

Decoding: a UTF-8 or UTF-16 byte-order mark wins, then strict UTF-8, then CP949 (the Korean
Windows code page, a superset of EUC-KR, which 메모장 and older systems still write).
Paragraphs are separated by blank lines. In Markdown, ``#`` and underlined (``===``/``---``)
headings become heading blocks, list items become paragraphs of their own, and pipe tables
(``| a | b |``) become table rows; the row above a ``|---|`` line is the header.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from mokmin.errors import DocumentError
from mokmin.knowledge.readers.common import Blocks, pick_title
from mokmin.knowledge.types import ParsedDocument

_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def decode_text(path: Path, data: bytes) -> str:
    """Decode text bytes or raise a DocumentError naming the file."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp949"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise DocumentError(
        path,
        "글자 인코딩을 알 수 없습니다 (UTF-8·CP949 텍스트가 아니거나 바이너리 파일입니다)",
        "메모장 등에서 UTF-8로 저장한 뒤 다시 넣으세요.",
    )


def read(path: Path, data: bytes, *, markdown: bool | None = None) -> ParsedDocument:
    text = decode_text(path, data)
    if markdown is None:
        markdown = path.suffix.lower() in (".md", ".markdown")
    out = Blocks()
    if markdown:
        _markdown(text, out)
    else:
        for paragraph in re.split(r"\n[ \t\u3000]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
            out.paragraph(paragraph)
    fmt = "md" if markdown else "txt"
    return ParsedDocument(path=path, format=fmt, title=pick_title(None, out.blocks, path), blocks=out.blocks)


def _markdown(text: str, out: Blocks) -> None:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraph: list[str] = []
    table: list[list[str]] = []
    table_header = False
    fenced = False

    def flush() -> None:
        nonlocal table_header
        if paragraph:
            out.paragraph(" ".join(paragraph))
            paragraph.clear()
        if table:
            out.table(table, header=table_header)
            table.clear()
            table_header = False

    for line in lines:
        if _FENCE.match(line):
            flush()
            fenced = not fenced
            continue
        if fenced:
            paragraph.append(line)
            continue
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        heading = _ATX.match(line)
        if heading:
            flush()
            out.heading(heading.group(2), len(heading.group(1)))
            continue
        setext = _SETEXT.match(line)
        if setext:  # underlines a one-line paragraph (a heading), else a horizontal rule
            if len(paragraph) == 1 and not table:
                out.heading(paragraph.pop(), 1 if setext.group(1).startswith("=") else 2)
            flush()
            continue
        if stripped.startswith("|"):
            if paragraph:
                flush()
            if _TABLE_RULE.match(stripped):
                table_header = len(table) == 1
                continue
            table.append([cell.strip() for cell in stripped.strip("|").split("|")])
            continue
        if table:
            flush()
        if _LIST_ITEM.match(line):
            flush()
            stripped = _LIST_ITEM.sub("", line, count=1).strip()
        paragraph.append(stripped.lstrip("> ") if stripped.startswith(">") else stripped)
    flush()
