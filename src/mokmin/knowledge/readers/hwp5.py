"""HWP 5.x (the binary 한글 format): an OLE compound file of record streams.

Read with olefile and a small record parser rather than pyhwp: we need only paragraph text, table
cells and style names, pyhwp is an unmaintained beta with a large dependency tree, and a few
dozen lines keep every failure under our control (corrupt streams become a DocumentError).

Layout (HWP 5.0 spec, Hancom): ``FileHeader`` (signature, version, property flags),
``DocInfo`` (styles, among much else) and ``BodyText/Section0..N``, each a raw-deflate stream
(when the compressed flag is set) of records. A record header is 32 bits: tag (10), level (10),
size (12; 0xFFF means a 32-bit size follows). A record belongs to the nearest earlier record one
level up. Paragraph text is ``PARA_TEXT`` in UTF-16LE where code units below 32 are controls.
A table is a ``CTRL_HEADER`` ('tbl ') under its anchor paragraph holding a ``TABLE`` record
followed by one ``LIST_HEADER`` per cell, each followed by the cell's paragraphs.
HWP binaries have no page layout stored, so blocks carry ``page=None``.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import olefile

from mokmin.errors import DocumentError
from mokmin.knowledge.readers.common import (
    HINT_CORRUPT,
    HINT_RESAVE_HWP,
    HINT_SUPPORTED,
    MAX_EXPANDED_BYTES,
    Blocks,
    heading_level_of_style,
    pick_title,
)
from mokmin.knowledge.types import ParsedDocument

SIGNATURE = b"HWP Document File"

# FileHeader property bits
COMPRESSED, PASSWORD, DISTRIBUTION, DRM, CERT_ENCRYPTED, CERT_DRM = 0x1, 0x2, 0x4, 0x10, 0x100, 0x400

# Record tags (HWPTAG_BEGIN = 16)
TAG_STYLE = 16 + 10
TAG_PARA_HEADER, TAG_PARA_TEXT, TAG_CTRL_HEADER, TAG_LIST_HEADER, TAG_TABLE = 66, 67, 71, 72, 77

# UTF-16 units below 32: char controls take 1 unit; inline and extended controls take 8.
_CHAR_CONTROLS = frozenset({0, 10, 13, 24, 25, 26, 27, 28, 29, 30, 31})
_CHAR_TEXT = {10: "\n", 24: "-", 30: " ", 31: " "}
_WIDE_TEXT = {9: "\t"}
# Controls whose content is not body text: header, footer, hidden comment.
_SKIPPED_CONTROLS = frozenset({"head", "foot", "tcmt"})
_CELL_HEADER_FLAG = 0x4


@dataclass
class Record:
    tag: int
    level: int
    payload: bytes
    children: list[Record] = field(default_factory=list)


def read(path: Path, data: bytes) -> ParsedDocument:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 — olefile raises OSError, struct.error… on damaged files
        raise DocumentError(
            path, f"파일이 손상되었거나 일부만 저장되었습니다 (OLE 구조 오류: {exc})", HINT_CORRUPT
        )
    with ole:
        if not ole.exists("FileHeader"):
            raise DocumentError(path, *_other_ole_format(ole))
        header = _stream(path, ole, "FileHeader")
        if not header.startswith(SIGNATURE) or len(header) < 40:
            raise DocumentError(path, *_other_ole_format(ole))
        version, props = struct.unpack_from("<II", header, 32)
        _check_header(path, version, props)
        compressed = bool(props & COMPRESSED)
        warnings: list[str] = []
        try:
            styles = _style_levels(path, ole, compressed, warnings)
        except DocumentError:  # styles only give heading levels: read the text without them
            styles = []
            warnings.append("문서 정보(DocInfo)가 손상되어 제목 수준 없이 읽었습니다.")
        sections = sorted(
            (entry for entry in ole.listdir() if len(entry) == 2 and entry[0] == "BodyText"),
            key=lambda entry: _section_number(entry[1]),
        )
        if not sections:
            raise DocumentError(path, "본문(BodyText)이 없는 한글 파일입니다", HINT_RESAVE_HWP)
        out = Blocks()
        for entry in sections:
            raw = _stream(path, ole, "/".join(entry))
            if compressed:
                raw = _inflate(path, raw, f"본문 {entry[1]}", warnings)
            _walk(_records(raw, f"본문 {entry[1]}", warnings), out, styles)
        title = _summary_title(ole)
    return ParsedDocument(
        path=path,
        format="hwp",
        title=pick_title(title, out.blocks, path),
        blocks=out.blocks,
        warnings=warnings,
    )


def _check_header(path: Path, version: int, props: int) -> None:
    major = version >> 24
    if major != 5:
        raise DocumentError(path, f"지원하지 않는 한글 파일 버전입니다 ({major}.x)", HINT_RESAVE_HWP)
    if props & PASSWORD:
        raise DocumentError(
            path, "암호가 걸린 한글 문서입니다", "한글에서 문서 암호를 해제하고 저장한 뒤 다시 넣으세요."
        )
    if props & (DRM | CERT_DRM | CERT_ENCRYPTED):
        raise DocumentError(
            path, "문서보안(DRM) 또는 인증서 암호화가 걸린 한글 문서입니다", "보안을 해제한 파일을 넣으세요."
        )
    if props & DISTRIBUTION:
        raise DocumentError(
            path,
            "배포용 문서(복사·인쇄 제한)라 본문을 꺼낼 수 없습니다",
            "배포용이 아닌 원본 문서를 받거나, 한글에서 PDF로 저장한 뒤 넣으세요.",
        )


def _other_ole_format(ole: olefile.OleFileIO) -> tuple[str, str]:
    """Reason and hint for an OLE file that is not HWP 5 (old Office formats, encrypted OOXML)."""
    if ole.exists("EncryptedPackage"):
        return "암호가 걸린 MS Office 문서입니다", "암호를 해제하고 DOCX 또는 PDF로 저장한 뒤 넣으세요."
    if ole.exists("WordDocument") or ole.exists("Workbook") or ole.exists("PowerPoint Document"):
        return (
            "구형 MS Office 형식(.doc·.xls·.ppt)은 지원하지 않습니다",
            "DOCX 또는 PDF로 저장한 뒤 다시 넣으세요.",
        )
    return "한글(HWP) 문서가 아닌 OLE 복합 파일입니다", HINT_SUPPORTED


def _stream(path: Path, ole: olefile.OleFileIO, name: str) -> bytes:
    try:
        with ole.openstream(name) as stream:
            return stream.read()
    except Exception as exc:  # noqa: BLE001 — same: any failure here means a damaged file
        raise DocumentError(
            path, f"파일이 손상되었거나 일부만 저장되었습니다 ({name} 스트림: {exc})", HINT_CORRUPT
        )


def _section_number(name: str) -> int:
    digits = name.removeprefix("Section")
    return int(digits) if digits.isdigit() else sys.maxsize


def _inflate(path: Path, data: bytes, what: str, warnings: list[str]) -> bytes:
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(data, MAX_EXPANDED_BYTES)
    except zlib.error as exc:
        raise DocumentError(path, f"파일이 손상되었습니다 ({what} 압축 해제 실패: {exc})", HINT_CORRUPT)
    if inflater.unconsumed_tail:
        raise DocumentError(path, f"{what}의 압축을 풀면 너무 큽니다", "문서를 나누어 넣으세요.")
    if not inflater.eof:
        warnings.append(f"{what}이(가) 중간에 잘려 있어 읽을 수 있는 데까지만 읽었습니다.")
    return out


def _records(data: bytes, what: str, warnings: list[str]) -> list[Record]:
    """Parse a record stream into a tree; returns the top-level records."""
    roots: list[Record] = []
    stack: list[Record] = []
    offset, end = 0, len(data)
    while offset + 4 <= end:
        (word,) = struct.unpack_from("<I", data, offset)
        offset += 4
        tag, level, size = word & 0x3FF, (word >> 10) & 0x3FF, word >> 20
        if size == 0xFFF:
            if offset + 4 > end:
                break
            (size,) = struct.unpack_from("<I", data, offset)
            offset += 4
        if offset + size > end:
            warnings.append(f"{what}의 끝부분이 손상되어 읽을 수 있는 데까지만 읽었습니다.")
            break
        record = Record(tag, level, data[offset : offset + size])
        offset += size
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(record)
        stack.append(record)
    return roots


def _walk(records: list[Record], out: Blocks, styles: list[int]) -> None:
    """Emit the paragraphs and tables found in ``records`` (siblings, in order)."""
    for record in records:
        if record.tag == TAG_PARA_HEADER:
            _paragraph(record, out, styles)
        elif record.tag == TAG_CTRL_HEADER:
            _control(record, out, styles)
        else:
            _walk(record.children, out, styles)


def _paragraph(record: Record, out: Blocks, styles: list[int]) -> None:
    text = "".join(_para_text(child.payload) for child in record.children if child.tag == TAG_PARA_TEXT)
    style_id = record.payload[10] if len(record.payload) > 10 else 0
    level = styles[style_id] if style_id < len(styles) else 0
    out.text(text, level)
    for child in record.children:
        if child.tag == TAG_CTRL_HEADER:
            _control(child, out, styles)


def _control(record: Record, out: Blocks, styles: list[int]) -> None:
    ctrl = _ctrl_id(record.payload)
    if ctrl in _SKIPPED_CONTROLS:
        return
    if ctrl == "tbl ":
        _table(record, out, styles)
    else:  # text boxes, footnotes and other controls that hold paragraph lists
        _walk(record.children, out, styles)


def _table(record: Record, out: Blocks, styles: list[int]) -> None:
    cells: list[tuple[int, int, bool, Blocks]] = []  # row, col, header flag, cell content
    seen_table = False
    for child in record.children:
        if child.tag == TAG_TABLE:
            seen_table = True
        elif child.tag == TAG_LIST_HEADER and seen_table:
            payload = child.payload.ljust(12, b"\0")
            flags, col, row = struct.unpack_from("<HHH", payload, 6)
            cells.append((row, col, bool(flags & _CELL_HEADER_FLAG), Blocks()))
        elif child.tag == TAG_PARA_HEADER and cells:
            _paragraph(child, cells[-1][3], styles)
        elif child.tag == TAG_PARA_HEADER:  # a caption, before the cells
            _paragraph(child, out, styles)
    rows: dict[int, list[tuple[int, bool, str]]] = {}
    for row, col, is_header, content in cells:
        rows.setdefault(row, []).append((col, is_header, content.joined()))
    ordered = [sorted(rows[key]) for key in sorted(rows)]
    marked = bool(ordered) and all(is_header for _, is_header, _ in ordered[0])
    out.table([[text for _, _, text in row] for row in ordered], header=True if marked else None)


def _ctrl_id(payload: bytes) -> str:
    if len(payload) < 4:
        return ""
    return struct.pack(">I", struct.unpack_from("<I", payload)[0]).decode("latin-1")


def _para_text(payload: bytes) -> str:
    """Decode ``PARA_TEXT``: UTF-16LE with control characters skipped or mapped to spaces."""
    units = array("H")
    units.frombytes(payload[: len(payload) // 2 * 2])
    if sys.byteorder == "big":
        units.byteswap()
    parts: list[str] = []
    start = index = 0
    count = len(units)
    while index < count:
        unit = units[index]
        if unit >= 32:
            index += 1
            continue
        if index > start:
            parts.append(payload[start * 2 : index * 2].decode("utf-16-le", errors="replace"))
        if unit in _CHAR_CONTROLS:
            parts.append(_CHAR_TEXT.get(unit, ""))
            index += 1
        else:
            parts.append(_WIDE_TEXT.get(unit, ""))
            index += 8
        start = index
    if count > start:
        parts.append(payload[start * 2 : count * 2].decode("utf-16-le", errors="replace"))
    return "".join(parts)


def _style_levels(path: Path, ole: olefile.OleFileIO, compressed: bool, warnings: list[str]) -> list[int]:
    """Heading level (0 = body) of each style, by style id: DocInfo ``STYLE`` records in order."""
    if not ole.exists("DocInfo"):
        return []
    raw = _stream(path, ole, "DocInfo")
    if compressed:
        raw = _inflate(path, raw, "문서 정보(DocInfo)", warnings)
    levels: list[int] = []
    pending = list(reversed(_records(raw, "문서 정보(DocInfo)", warnings)))
    while pending:  # depth-first, in stream order
        record = pending.pop()
        pending.extend(reversed(record.children))
        if record.tag != TAG_STYLE or len(record.payload) < 2:
            continue
        (length,) = struct.unpack_from("<H", record.payload)
        local = record.payload[2 : 2 + 2 * length].decode("utf-16-le", errors="replace")
        rest = record.payload[2 + 2 * length :]
        english = ""
        if len(rest) >= 2:
            (elength,) = struct.unpack_from("<H", rest)
            english = rest[2 : 2 + 2 * elength].decode("utf-16-le", errors="replace")
        levels.append(heading_level_of_style(local, english))
    return levels


def _summary_title(ole: olefile.OleFileIO) -> str | None:
    """The title typed in 한글's 문서 정보, kept in the HwpSummaryInformation property set."""
    name = "\x05HwpSummaryInformation"
    if not ole.exists(name):
        return None
    try:
        title = ole.getproperties(name, convert_time=True).get(2)
    except Exception:  # noqa: BLE001 — a damaged summary only costs the title
        return None
    if isinstance(title, bytes):
        title = title.decode("utf-16-le", errors="ignore")
    return title if isinstance(title, str) else None
