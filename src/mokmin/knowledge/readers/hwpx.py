"""HWPX (KS X 6101, OWPML): a zip of XML parts, read with zipfile and xml.etree.

python-hwpx can open these files too, but it loads the whole object model (lxml, every part) to
give us what a walk over ``Contents/section*.xml`` gives directly; reading the XML ourselves keeps
the reader small, tolerant of files python-hwpx would reject, and lets us refuse DTDs (entity
expansion) before parsing. Elements are matched by local name, so the 2011 and later namespaces
both work.

Sections come in the order of the ``Contents/content.hpf`` spine (else by number). A paragraph
``hp:p`` holds runs whose ``hp:t`` carry text; a run can also hold a table ``hp:tbl``
(→ ``hp:tr`` → ``hp:tc`` → ``hp:subList`` → paragraphs), text boxes and notes (``hp:subList``),
and headers/footers (skipped). Heading levels come from style names ("개요 1", "Outline 1")
in ``Contents/header.xml``. HWPX stores no page layout, so ``page`` is None.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree as ET

from mokmin.errors import DocumentError
from mokmin.knowledge.readers.common import (
    HINT_CORRUPT,
    MAX_EXPANDED_BYTES,
    Blocks,
    heading_level_of_style,
    pick_title,
)
from mokmin.knowledge.types import ParsedDocument

_SECTION = re.compile(r"^Contents/section(\d+)\.xml$")
_SKIPPED = frozenset({"header", "footer", "hiddenComment", "secPr", "linesegarray", "parameters"})
_INLINE = {"tab": "\t", "lineBreak": "\n", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}
_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")


def read(path: Path, data: bytes) -> ParsedDocument:
    archive = open_zip(path, data)
    with archive:
        names = set(archive.namelist())
        if "META-INF/manifest.xml" in names and b"encryption-data" in member(
            path, archive, "META-INF/manifest.xml"
        ):
            raise DocumentError(
                path, "암호가 걸린 HWPX 문서입니다", "한글에서 문서 암호를 해제하고 저장한 뒤 다시 넣으세요."
            )
        warnings: list[str] = []
        sections, title = _manifest(path, archive, names, warnings)
        if not sections:
            raise DocumentError(path, "HWPX 안에 본문 구역(Contents/section*.xml)이 없습니다", HINT_CORRUPT)
        styles: dict[str, int] = {}
        if "Contents/header.xml" in names:
            try:
                styles = _style_levels(path, archive)
            except DocumentError:  # styles only give heading levels: read the text without them
                warnings.append("스타일 정보(Contents/header.xml)가 손상되어 제목 수준 없이 읽었습니다.")
        out = Blocks()
        for name in sections:
            root = parse_xml(path, member(path, archive, name), name)
            _children(root, out, styles)
    title = pick_title(title, out.blocks, path)
    return ParsedDocument(path=path, format="hwpx", title=title, blocks=out.blocks, warnings=warnings)


def open_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise DocumentError(
            path, f"파일이 손상되었거나 일부만 저장되었습니다 (ZIP 구조 오류: {exc})", HINT_CORRUPT
        )


def member(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    """One zip member, refusing members that expand beyond :data:`MAX_EXPANDED_BYTES`."""
    try:
        info = archive.getinfo(name)
        if info.flag_bits & 0x1:
            raise DocumentError(
                path, "암호가 걸린 압축 문서입니다", "암호를 해제하고 저장한 뒤 다시 넣으세요."
            )
        if info.file_size > MAX_EXPANDED_BYTES:
            raise DocumentError(path, f"{name}의 압축을 풀면 너무 큽니다", "문서를 나누어 넣으세요.")
        with archive.open(info) as handle:
            content = handle.read(MAX_EXPANDED_BYTES + 1)
    except DocumentError:
        raise
    except (
        KeyError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise DocumentError(path, f"파일이 손상되었거나 일부만 저장되었습니다 ({name}: {exc})", HINT_CORRUPT)
    if len(content) > MAX_EXPANDED_BYTES:
        raise DocumentError(path, f"{name}의 압축을 풀면 너무 큽니다", "문서를 나누어 넣으세요.")
    return content


def parse_xml(path: Path, data: bytes, name: str) -> ET.Element:
    """Parse XML that may not declare a DTD or entities (no entity expansion, no external fetches)."""
    for marker in _FORBIDDEN_XML:
        if (
            marker in data
            or marker.decode().encode("utf-16-le") in data
            or marker.decode().encode("utf-16-be") in data
        ):
            raise DocumentError(path, f"{name}에 허용하지 않는 DTD·엔티티 선언이 있습니다", HINT_CORRUPT)
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise DocumentError(path, f"파일이 손상되었습니다 ({name} XML 오류: {exc})", HINT_CORRUPT)


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _manifest(
    path: Path, archive: zipfile.ZipFile, names: set[str], warnings: list[str]
) -> tuple[list[str], str | None]:
    """Section parts in reading order and the title from ``Contents/content.hpf``."""
    numbered = sorted((int(m.group(1)), n) for n in names if (m := _SECTION.match(n)))
    fallback = [name for _, name in numbered]
    if "Contents/content.hpf" not in names:
        return fallback, None
    try:
        root = parse_xml(path, member(path, archive, "Contents/content.hpf"), "Contents/content.hpf")
    except DocumentError:
        warnings.append("목차 정보(Contents/content.hpf)가 손상되어 구역 번호 순서대로 읽었습니다.")
        return fallback, None
    title = next((el.text for el in root.iter() if local(el.tag) == "title" and el.text), None)
    hrefs = {el.get("id"): el.get("href", "") for el in root.iter() if local(el.tag) == "item"}
    ordered: list[str] = []
    for ref in (el for el in root.iter() if local(el.tag) == "itemref"):
        href = hrefs.get(ref.get("idref"), "")
        href = href if href.startswith("Contents/") else f"Contents/{href}"
        if _SECTION.match(href) and href in names and href not in ordered:
            ordered.append(href)
    return ordered or fallback, title


def _style_levels(path: Path, archive: zipfile.ZipFile) -> dict[str, int]:
    root = parse_xml(path, member(path, archive, "Contents/header.xml"), "Contents/header.xml")
    levels: dict[str, int] = {}
    for style in (el for el in root.iter() if local(el.tag) == "style"):
        level = heading_level_of_style(style.get("name"), style.get("engName"))
        if level:
            levels[style.get("id", "")] = level
    return levels


def _children(element: ET.Element, out: Blocks, styles: dict[str, int]) -> None:
    """Emit the paragraphs directly under ``element`` (a section or a subList)."""
    for child in element:
        if local(child.tag) == "p":
            _paragraph(child, out, styles)


def _paragraph(p: ET.Element, out: Blocks, styles: dict[str, int]) -> None:
    parts: list[str] = []
    nested: list[ET.Element] = []
    _collect(p, parts, nested)
    out.text("".join(parts), styles.get(p.get("styleIDRef", ""), 0))
    for element in nested:
        if local(element.tag) == "tbl":
            _table(element, out, styles)
        else:
            _children(element, out, styles)


def _collect(element: ET.Element, parts: list[str], nested: list[ET.Element]) -> None:
    """Gather a paragraph's own text; tables and paragraph lists inside it go to ``nested``."""
    for child in element:
        name = local(child.tag)
        if name == "t":
            parts.append(_run_text(child))
        elif name in ("tbl", "subList"):
            nested.append(child)
        elif name == "switch":  # alternatives of the same content: read one
            chosen = next((c for c in child if local(c.tag) == "default"), None)
            chosen = chosen if chosen is not None else next(iter(child), None)
            if chosen is not None:
                _collect(chosen, parts, nested)
        elif name not in _SKIPPED:
            _collect(child, parts, nested)


def _run_text(t: ET.Element) -> str:
    pieces = [t.text or ""]
    for child in t:
        pieces.append(_INLINE.get(local(child.tag), ""))
        pieces.append(child.tail or "")
    return "".join(pieces)


def _table(tbl: ET.Element, out: Blocks, styles: dict[str, int]) -> None:
    rows: list[list[str]] = []
    flags: list[bool] = []
    for tr in (el for el in tbl if local(el.tag) == "tr"):
        row: list[str] = []
        for tc in (el for el in tr if local(el.tag) == "tc"):
            cell = Blocks()
            for sub in (el for el in tc if local(el.tag) == "subList"):
                _children(sub, cell, styles)
            row.append(cell.joined())
            if not rows:
                flags.append(tc.get("header") in ("1", "true"))
        rows.append(row)
    marked = bool(flags) and all(flags)
    out.table(rows, header=True if marked else None)
