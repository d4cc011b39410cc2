"""DOCX and HWPX as paragraphs whose characters know the XML text node they come from.

Paragraphs are read in reading order (body, table cells, text boxes; a paragraph's tables and text
boxes follow it). Each paragraph is a list of pieces: a piece is a stretch of characters held by an
element's ``text`` or ``tail`` (DOCX ``w:t``; HWPX ``hp:t`` and the text after its inline marks), or
a fixed character (tab, line break). A fix is written into the pieces it covers, so the paragraph keeps
its style and the replaced word keeps the formatting of its first character; a fix that would cross
a tab or a line break is not applied. DOCX is edited through python-docx's lxml tree; HWPX sections
are parsed with lxml (prefixes kept) and every other zip member is copied byte for byte.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mokmin.errors import DocumentError

SUPPORTED = "지원 형식: 텍스트(.txt), Markdown(.md), DOCX(.docx), HWPX(.hwpx)"
_RESAVE_HWPX = "한글에서 다시 저장한 뒤 넣으세요."
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DOCX_MARKS = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}
_DOCX_SKIP = frozenset({"pPr", "rPr", "del", "moveFrom", "sectPr", "instrText", "delText"})
_HWPX_MARKS = {"tab": "\t", "lineBreak": "\n", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}
_HWPX_SKIP = frozenset({"header", "footer", "hiddenComment", "secPr", "linesegarray", "parameters"})
_SECTION = re.compile(r"^Contents/section(\d+)\.xml$")


@dataclass
class Piece:
    """Characters ``start:end`` of a paragraph held by ``node.<attr>``; ``node`` None: the fixed ``attr``."""

    start: int
    end: int
    node: Any = None
    attr: str = "text"


@dataclass
class Paragraph:
    element: Any
    pieces: list[Piece]
    text: str


@dataclass
class Document:
    format: str  # docx or hwpx
    paragraphs: list[Paragraph]
    container: Any  # python-docx Document, or {section name: lxml root} for HWPX
    raw: bytes

    def to_bytes(self) -> bytes:
        if self.format == "docx":
            buffer = io.BytesIO()
            self.container.save(buffer)
            return buffer.getvalue()
        return _hwpx_bytes(self.raw, self.container)


def read_docx(path: Path, data: bytes) -> Document:
    import docx

    with _open_zip(path, data, "DOCX") as archive:
        names = set(archive.namelist())
    if "word/document.xml" not in names:
        real = " (내용은 HWPX 문서입니다: 확장자를 .hwpx로 바꾸세요)" if "Contents/section0.xml" in names else ""
        raise DocumentError(path, f"DOCX 문서가 아닙니다{real}", SUPPORTED)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # noqa: BLE001 — python-docx raises KeyError, lxml errors … on broken parts
        reason = f"DOCX 구조가 손상되었습니다 ({type(exc).__name__})"
        raise DocumentError(path, reason, "워드에서 다시 저장한 뒤 넣으세요.") from exc
    paragraphs: list[Paragraph] = []
    _walk(body, paragraphs, _docx_pieces, lambda el: el.tag == f"{_W}p", lambda el: el.tag == _MC_FALLBACK)
    return Document("docx", paragraphs, document, data)


def read_hwpx(path: Path, data: bytes) -> Document:
    from lxml import etree

    from mokmin.knowledge.readers.hwpx import member

    with _open_zip(path, data, "HWPX") as archive:
        names = set(archive.namelist())
        if "word/document.xml" in names:
            reason = "HWPX 문서가 아닙니다 (내용은 DOCX 문서입니다: 확장자를 .docx로 바꾸세요)"
            raise DocumentError(path, reason, SUPPORTED)
        manifest = "META-INF/manifest.xml"
        if manifest in names and b"encryption-data" in member(path, archive, manifest):
            raise DocumentError(path, "암호가 걸린 HWPX 문서입니다", "한글에서 문서 암호를 해제하고 저장한 뒤 넣으세요.")
        sections = sorted((int(m.group(1)), n) for n in names if (m := _SECTION.match(n)))
        if not sections:
            raise DocumentError(path, "HWPX 안에 본문(Contents/section*.xml)이 없습니다", _RESAVE_HWPX)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        roots: dict[str, Any] = {}
        for _, name in sections:
            xml = member(path, archive, name)
            if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
                raise DocumentError(path, f"{name}에 허용하지 않는 DTD·엔티티 선언이 있습니다", _RESAVE_HWPX)
            try:
                roots[name] = etree.fromstring(xml, parser)
            except etree.XMLSyntaxError as exc:
                raise DocumentError(path, f"{name}의 XML이 손상되었습니다 ({exc})", _RESAVE_HWPX) from exc
    paragraphs: list[Paragraph] = []
    for root in roots.values():
        _walk(root, paragraphs, _hwpx_pieces, _is_hwpx_paragraph, _skip_hwpx)
    return Document("hwpx", paragraphs, roots, data)


def _is_hwpx_paragraph(element: Any) -> bool:
    return _local(element) == "p"


def _skip_hwpx(element: Any) -> bool:
    return _local(element) in _HWPX_SKIP


def _open_zip(path: Path, data: bytes, kind: str) -> zipfile.ZipFile:
    if data.startswith(_OLE):
        hint = "한글에서 HWPX로 저장한 뒤 넣으세요." if kind == "HWPX" else "암호를 풀고 DOCX로 다시 저장한 뒤 넣으세요."
        raise DocumentError(path, f"{kind} 파일이 아닙니다 (HWP 5 또는 암호가 걸린 문서 형식입니다)", hint)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        reason = f"{kind} 파일이 아닙니다 (ZIP 구조가 아니거나 손상되었습니다)"
        raise DocumentError(path, reason, f"원본을 {kind}로 다시 저장한 뒤 넣으세요.") from exc


# --- paragraphs and pieces ----------------------------------------------------------------------
def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _walk(element: Any, out: list[Paragraph], pieces_of, is_paragraph, skip) -> None:
    for child in element:
        if not isinstance(child.tag, str) or skip(child):
            continue
        if is_paragraph(child):
            pieces: list[Piece] = []
            nested: list[Any] = []
            pieces_of(child, pieces, nested)
            out.append(_paragraph(child, pieces))
            for inner in nested:
                _walk(inner, out, pieces_of, is_paragraph, skip)
        else:
            _walk(child, out, pieces_of, is_paragraph, skip)


def _paragraph(element: Any, pieces: list[Piece]) -> Paragraph:
    offset, kept, text = 0, [], []
    for piece in pieces:
        value = piece.attr if piece.node is None else _nfc(getattr(piece.node, piece.attr))
        if value:
            kept.append(Piece(offset, offset + len(value), piece.node, piece.attr))
            text.append(value)
            offset += len(value)
    return Paragraph(element, kept, "".join(text))


def _nfc(value: str | None) -> str:
    return unicodedata.normalize("NFC", value or "")


def _docx_pieces(element: Any, pieces: list[Piece], nested: list[Any]) -> None:
    for child in element:
        if not isinstance(child.tag, str) or child.tag == _MC_FALLBACK:
            continue
        name = _local(child)
        if child.tag == f"{_W}t":
            pieces.append(Piece(0, 0, child, "text"))
        elif child.tag.startswith(_W) and name in _DOCX_MARKS:
            if name != "br" or child.get(f"{_W}type") in (None, "textWrapping"):
                pieces.append(Piece(0, 0, None, _DOCX_MARKS[name]))
        elif name == "txbxContent":  # a text box: its paragraphs follow this one
            nested.append(child)
        elif name not in _DOCX_SKIP:
            _docx_pieces(child, pieces, nested)


def _hwpx_pieces(element: Any, pieces: list[Piece], nested: list[Any]) -> None:
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name == "t":
            pieces.append(Piece(0, 0, child, "text"))
            for inline in child:
                if isinstance(inline.tag, str) and _local(inline) in _HWPX_MARKS:
                    pieces.append(Piece(0, 0, None, _HWPX_MARKS[_local(inline)]))
                pieces.append(Piece(0, 0, inline, "tail"))
        elif name in ("tbl", "subList"):  # tables and text boxes: their paragraphs follow this one
            nested.append(child)
        elif name == "switch":  # alternatives of the same content: the default one is read
            chosen = next((c for c in child if _local(c) == "default"), None)
            if chosen is not None:
                _hwpx_pieces(chosen, pieces, nested)
        elif name not in _HWPX_SKIP:
            _hwpx_pieces(child, pieces, nested)


# --- writing --------------------------------------------------------------------------------------
def edit_paragraph(paragraph: Paragraph, start: int, end: int, new: str) -> bool:
    """Replace characters ``start:end`` of the paragraph; False if a tab or break is in the way.
    Edits must come right to left (earlier piece offsets stay valid)."""
    if start == end:
        touched = [p for p in paragraph.pieces if p.node is not None and p.start <= start <= p.end]
        touched = touched[-1:] if touched and touched[-1].start < start else touched[:1]
    else:
        touched = [p for p in paragraph.pieces if p.start < end and start < p.end]
    if not touched or any(p.node is None for p in touched):
        return False
    for piece in touched:
        value = _nfc(getattr(piece.node, piece.attr))
        lo, hi = max(start, piece.start) - piece.start, min(end, piece.end) - piece.start
        value = value[:lo] + (new if piece is touched[0] else "") + value[hi:]
        setattr(piece.node, piece.attr, value)
        if piece.attr == "text" and piece.node.tag == f"{_W}t":
            piece.node.set(_XML_SPACE, "preserve")
    for child in list(paragraph.element):  # HWPX line layout cache: 한글 recomputes it
        if isinstance(child.tag, str) and _local(child) == "linesegarray":
            paragraph.element.remove(child)
    return True


def _hwpx_bytes(raw: bytes, roots: dict[str, Any]) -> bytes:
    from lxml import etree

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive, zipfile.ZipFile(out, "w") as target:
        for info in archive.infolist():
            root = roots.get(info.filename)
            if root is None:
                target.writestr(info, archive.read(info))
            else:
                standalone = root.getroottree().docinfo.standalone
                target.writestr(
                    info, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=standalone)
                )
    return out.getvalue()
