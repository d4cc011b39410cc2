"""Build real documents for the reader tests: HWP 5 (by hand), HWPX, PDF, DOCX, HTML.

HWP 5: no package of ours writes it, so ``write_compound_file`` is a minimal OLE2 compound-file
writer (version 3, 512-byte sectors, mini stream for streams under 4096 bytes) and ``make_hwp5``
fills it with a FileHeader and a BodyText/Section0 of HWP records. python-hwpx can also convert
an HWPX package to HWP 5 (``make_hwp5_via_hwpx``), which gives a second, independent producer
with a real DocInfo, styles and tables.
"""

from __future__ import annotations

import io
import math
import struct
import zipfile
import zlib
from pathlib import Path

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")

# --- OLE2 compound file ------------------------------------------------------------------------
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE2 file holding ``streams`` keyed by path ("FileHeader", "BodyText/Section0")."""
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "kids": [], "data": b""}]
    storages = {"": 0}
    for key, data in streams.items():
        parent = ""
        for part in key.split("/")[:-1]:
            here = f"{parent}/{part}".strip("/")
            if here not in storages:
                storages[here] = len(entries)
                entries[storages[parent]]["kids"].append(len(entries))
                entries.append({"name": part, "type": 1, "kids": [], "data": b""})
            parent = here
        entries[storages[parent]]["kids"].append(len(entries))
        entries.append({"name": key.split("/")[-1], "type": 2, "kids": [], "data": data})

    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(blob: bytes) -> int:
        count = math.ceil(len(blob) / _SECTOR)
        if count == 0:
            return _END
        first = len(sectors)
        for i in range(count):
            sectors.append(blob[i * _SECTOR : (i + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else _END)
        return first

    mini, minifat = bytearray(), []
    for entry in entries:
        data = entry["data"]
        entry["size"] = len(data)
        if entry["type"] != 2 or not data:
            entry["start"] = _END if entry["type"] == 2 else 0
        elif len(data) >= _CUTOFF:
            entry["start"] = allocate(data)
        else:
            count = math.ceil(len(data) / _MINI)
            entry["start"] = len(mini) // _MINI
            minifat += [entry["start"] + i + 1 if i < count - 1 else _END for i in range(count)]
            mini += data.ljust(count * _MINI, b"\0")
    entries[0]["start"], entries[0]["size"] = allocate(bytes(mini)), len(mini)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_bytes += b"\xff" * (-len(minifat_bytes) % _SECTOR)
    minifat_start = allocate(minifat_bytes) if minifat else _END
    for entry in entries:  # children of each storage as a balanced binary tree, all black
        entry.setdefault("left", _NOSTREAM), entry.setdefault("right", _NOSTREAM)
        ordered = sorted(entry["kids"], key=lambda i: (len(entries[i]["name"]), entries[i]["name"].upper()))
        entry["child"] = _tree(ordered, entries)
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _dir_entry(None) * (-len(entries) % 4)
    dir_start = allocate(directory)
    fat_count = 1
    while fat_count * 128 < len(sectors) + fat_count:
        fat_count += 1
    fat_first = len(sectors)
    fat += [_FATSECT] * fat_count
    fat += [_FREE] * (fat_count * 128 - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    difat = [fat_first + i for i in range(fat_count)] + [_FREE] * (109 - fat_count)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack(
        "<HHHHH6sIIIIIIIII",
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        bytes(6),
        0,
        fat_count,
        dir_start,
        0,
        _CUTOFF,
        minifat_start,
        len(minifat_bytes) // _SECTOR if minifat else 0,
        _END,
        0,
    )
    header += struct.pack("<109I", *difat)
    return header + b"".join(sectors) + fat_bytes


def _tree(ordered: list[int], entries: list[dict]) -> int:
    if not ordered:
        return _NOSTREAM
    mid = len(ordered) // 2
    node = entries[ordered[mid]]
    node["left"], node["right"] = _tree(ordered[:mid], entries), _tree(ordered[mid + 1 :], entries)
    return ordered[mid]


def _dir_entry(entry: dict | None) -> bytes:
    if entry is None:
        return (
            bytes(64)
            + struct.pack("<HBBIII", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM)
            + bytes(36)
            + bytes(12)
        )
    name = entry["name"].encode("utf-16-le")
    return (name + b"\0\0").ljust(64, b"\0") + struct.pack(
        "<HBBIII16sIQQIQ",
        len(name) + 2,
        entry["type"],
        1,
        entry["left"],
        entry["right"],
        entry["child"],
        bytes(16),
        0,
        0,
        0,
        entry["start"],
        entry["size"],
    )


# --- HWP 5 records -----------------------------------------------------------------------------
def _record(tag: int, level: int, payload: bytes) -> bytes:
    size = len(payload)
    if size >= 0xFFF:
        return struct.pack("<II", tag | level << 10 | 0xFFF << 20, size) + payload
    return struct.pack("<I", tag | level << 10 | size << 20) + payload


def _ctrl(code: int, ctrl_id: str = "") -> bytes:
    """An inline or extended control: 8 UTF-16 units (code, 6 units of parameters, code)."""
    params = struct.pack(">I", int.from_bytes(ctrl_id.encode("latin-1"), "big"))[::-1] if ctrl_id else b""
    return struct.pack("<H", code) + params.ljust(12, b"\0") + struct.pack("<H", code)


def _units(text: str) -> bytes:
    parts = text.split("\t")
    return _ctrl(9).join(part.encode("utf-16-le") for part in parts)


def _paragraph(level: int, units: bytes, controls: bytes = b"") -> bytes:
    units += struct.pack("<H", 13)
    header = struct.pack("<IIHBBHHHIH", len(units) // 2, 0, 0, 0, 0, 1, 0, 0, 0, 0)
    body = _record(67, level + 1, units) + _record(68, level + 1, struct.pack("<II", 0, 0))
    return _record(66, level, header) + body + controls


def _table_records(rows: list[list[str]], level: int) -> bytes:
    ctrl = _record(71, level + 1, struct.pack(">I", int.from_bytes(b"tbl ", "big"))[::-1] + bytes(40))
    ncols = len(rows[0])
    table = struct.pack("<IHHH4H", 0, len(rows), ncols, 0, 510, 510, 141, 141)
    table += struct.pack(f"<{len(rows)}H", *[ncols] * len(rows)) + struct.pack("<HH", 1, 0)
    out = ctrl + _record(77, level + 2, table)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            header = struct.pack("<HIHHHHHII4hHI", 1, 0, 0, c, r, 1, 1, 1000, 300, 510, 510, 141, 141, 1, 0)
            out += _record(72, level + 2, header + bytes(9)) + _paragraph(level + 2, _units(cell))
    return out


def make_hwp5(
    path: Path,
    paragraphs: list[str],
    *,
    compressed: bool = True,
    encrypted: bool = False,
    table: list[list[str]] | None = None,
    header_text: str | None = None,
) -> Path:
    """An HWP 5.0.3.0 file whose Section0 holds ``paragraphs`` (then ``table``, then a closing line).

    The first paragraph starts with the section/column definition controls real files have;
    ``header_text`` adds a page header (머리말) control that readers must skip.
    """
    section = b""
    for index, text in enumerate(paragraphs):
        if index == 0:
            defs = _record(71, 1, b"dces" + bytes(36)) + _record(71, 1, b"dloc" + bytes(12))
            section += _paragraph(0, _ctrl(2, "secd") + _ctrl(2, "cold") + _units(text), defs)
        else:
            section += _paragraph(0, _units(text))
    if header_text:
        head = _record(71, 1, b"daeh" + bytes(8)) + _record(72, 2, struct.pack("<HI", 1, 0) + bytes(16))
        section += _paragraph(0, _ctrl(16, "head"), head + _paragraph(2, _units(header_text)))
    if table:
        section += _paragraph(0, _ctrl(11, "tbl "), _table_records(table, 0))
        section += _paragraph(0, _units("표 끝"))
    props = (1 if compressed else 0) | (2 if encrypted else 0)
    file_header = b"HWP Document File".ljust(32, b"\0") + struct.pack("<II", 0x05000300, props)
    if compressed:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        section = packer.compress(section) + packer.flush()
    path.write_bytes(
        write_compound_file({"FileHeader": file_header.ljust(256, b"\0"), "BodyText/Section0": section})
    )
    return path


def make_hwp5_via_hwpx(path: Path, hwpx_path: Path) -> Path:
    """Convert an HWPX file to HWP 5 with python-hwpx's writer (DocInfo, styles and all)."""
    from hwpx.hwp5.writer import write_hwp5

    with zipfile.ZipFile(hwpx_path) as archive:
        path.write_bytes(write_hwp5({name: archive.read(name) for name in archive.namelist()}))
    return path


def make_hwp3(path: Path) -> Path:
    path.write_bytes(
        b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + bytes(100) + "서울시".encode("cp949")
    )
    return path


def make_hwpml(path: Path) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<HWPML Version="2.8" SubVersion="8.0.0.0">'
        "<HEAD/><BODY><SECTION><P><TEXT><CHAR>서울시</CHAR></TEXT></P></SECTION></BODY></HWPML>",
        encoding="utf-8",
    )
    return path


# --- HWPX, DOCX, PDF, HTML ---------------------------------------------------------------------
def make_hwpx(
    path: Path, paragraphs: list[str], table: list[list[str]] | None = None, heading: str | None = None
) -> Path:
    from hwpx.document import HwpxDocument

    document = HwpxDocument.new()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text, style=0, inherit_style=False)
    if table:
        grid = document.add_table(len(table), len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.set_cell_text(r, c, value)
        document.add_paragraph("표 끝", style=0, inherit_style=False)
    document.save_to_path(path)
    return path


def make_docx(path: Path, heading: str, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        document.add_heading("표 다음", level=2)
        document.add_paragraph("표 끝")
    document.save(path)
    return path


def _pdf(pages: list[list[str]], heading: str | None = None, gap: float = 5):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("Nanum", "", str(NANUM))
    for number, paragraphs in enumerate(pages):
        pdf.add_page()
        if heading and number == 0:
            pdf.set_font("Nanum", size=20)
            pdf.multi_cell(0, 12, heading)
            pdf.ln(6)
        pdf.set_font("Nanum", size=11)
        for text in paragraphs:
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(gap)
    return pdf


def make_pdf(path: Path, pages: list[list[str]], heading: str | None = None, gap: float = 5) -> Path:
    """A PDF (NanumGothic) with one list of paragraphs per page, ``gap`` mm apart; ``heading`` in a
    larger font on page 1."""
    _pdf(pages, heading, gap).output(str(path))
    return path


def make_encrypted_pdf(
    path: Path, pages: list[list[str]], *, user_password: str | None = "1234", aes: bool = False
) -> Path:
    """Encrypted PDF; ``user_password=None`` gives a permission-only PDF that opens without one."""
    from fpdf.enums import EncryptionMethod

    pdf = _pdf(pages)
    method = EncryptionMethod.AES_128 if aes else EncryptionMethod.RC4
    pdf.set_encryption(owner_password="owner-secret", user_password=user_password, encryption_method=method)
    pdf.output(str(path))
    return path


def make_html(
    path: Path,
    title: str,
    heading: str,
    paragraphs: list[str],
    table: list[list[str]] | None = None,
    *,
    encoding: str = "utf-8",
) -> Path:
    rows = ""
    if table:
        rows = "<table><thead><tr>" + "".join(f"<th>{c}</th>" for c in table[0]) + "</tr></thead><tbody>"
        rows += "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in table[1:])
        rows += "</tbody></table>"
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        f'<!DOCTYPE html><html lang="ko"><head><meta charset="{encoding}"><title>{title}</title>'
        "<script>var menu = '스크립트 글';</script><style>p { color: red }</style></head><body>"
        "<nav><a href='/'>홈</a> 메뉴 글</nav>"
        f"<h1>{heading}</h1>{body}<div>느슨한 <b>글</b>도 읽는다</div>{rows}<footer>바닥글 저작권</footer></body></html>"
    )
    path.write_bytes(page.encode(encoding))
    return path


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
