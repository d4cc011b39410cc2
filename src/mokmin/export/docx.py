"""A 보도자료 as a Word (.docx) file laid out like a Korean government press release.

Layout (top to bottom): a banner with the organisation and "보도자료", the 보도시점/배포일시 table,
the title, "- … -" sub-titles, a thin rule, the body, the 담당 table and the AI-disclosure box.
Every 【입력 필요: …】 gap is a yellow-highlighted run so a reviewer cannot miss it. The file only
names its fonts ("맑은 고딕"); nothing is embedded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from mokmin.errors import InputError
from mokmin.guard.audit import ExportEvent, record
from mokmin.press.document import PLACEHOLDER_RE, ContactRow, PressRelease, placeholder

FONT_EAST_ASIA = "맑은 고딕"  # the Korean name Word shows
FONT_LATIN = "Malgun Gothic"  # the same face under its English name (fallback for non-Korean systems)
BODY_SIZE = Pt(11)
NAVY = RGBColor(0x1F, 0x3A, 0x6E)
LABEL_FILL = "D9E2F3"
DEFAULT_DISCLOSURE = "※ 이 자료는 생성형 인공지능이 작성한 초안을 담당자가 검토한 것입니다."
CONTACT_HEADERS = ("담당 부서", "구분", "직위", "이름", "연락처")
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def write_press_release_docx(
    release: PressRelease, path: Path, *, author: str = "", ai_generated: bool = True, disclosure: str = ""
) -> Path:
    """Write ``release`` to ``path`` as .docx (atomically) and return the path.

    ``disclosure`` overrides ``release.disclosure``; when both are empty and ``ai_generated`` is
    true a default disclosure line is used. The disclosure is printed at the end and also stored
    in the document properties (comments, custom properties).
    """
    path = Path(path)
    text = disclosure or release.disclosure or (DEFAULT_DISCLOSURE if ai_generated else "")
    doc = Document()
    _setup_page_and_fonts(doc)
    _banner(doc, release.organization)
    _header_table(doc, release)
    _title_block(doc, release)
    _body(doc, release)
    _contact_table(doc, release)
    if text:
        _disclosure_box(doc, text)
    _properties(doc, release, author=author, ai_generated=ai_generated, disclosure=text)
    saved = _save_atomically(doc, path)
    record(ExportEvent(workflow="export.docx", path=saved, format="docx", title=release.title,
                       ai_generated=ai_generated, disclosure=text))
    return saved


def _setup_page_and_fonts(doc) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(15)
        section.left_margin, section.right_margin = Mm(20), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "ko-KR")
    lang.set(qn("w:eastAsia"), "ko-KR")


def _set_fonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT_LATIN)
    fonts.set(qn("w:eastAsia"), FONT_EAST_ASIA)


def _add_text(paragraph, text: str, *, bold: bool = False, size=None, color=None) -> None:
    """Add ``text`` as runs; every 【입력 필요: …】 gap becomes its own highlighted run."""
    pos = 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match.start() > pos:
            _run(paragraph, text[pos : match.start()], bold=bold, size=size, color=color)
        run = _run(paragraph, match.group(0), bold=True, size=size, color=RGBColor(0xC0, 0x00, 0x00))
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = match.end()
    if pos < len(text) or not text:
        _run(paragraph, text[pos:], bold=bold, size=size, color=color)


def _run(paragraph, text: str, *, bold: bool, size, color):
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size is not None:
        run.font.size = size
    if color is not None:
        run.font.color.rgb = color
    _set_fonts(run._r.get_or_add_rPr())
    return run


def _shading(fill: str):
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    return shd


def _add_tc_property(cell, element) -> None:
    """tcBorders/shd must precede vAlign inside w:tcPr."""
    tc_pr = cell._tc.get_or_add_tcPr()
    v_align = tc_pr.find(qn("w:vAlign"))
    tc_pr.append(element) if v_align is None else v_align.addprevious(element)


def _set_widths(table, widths) -> None:
    """Column widths both in the grid (LibreOffice reads it) and on every cell (Word reads those)."""
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
        col.w = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


def _border_element(tag: str, sides: dict[str, tuple[str, int, str]]):
    """``sides`` maps side name → (style, size in 1/8 pt, colour)."""
    borders = OxmlElement(tag)
    for side, (style, size, color) in sides.items():
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), style)
        edge.set(qn("w:sz"), str(size))
        edge.set(qn("w:space"), "1" if tag == "w:pBdr" else "0")
        edge.set(qn("w:color"), color)
        borders.append(edge)
    return borders


def _insert_ppr_child(paragraph, element) -> None:
    """pBdr and shd must come before spacing/ind/jc in w:pPr; insert them first."""
    ppr = paragraph._p.get_or_add_pPr()
    anchor = next((c for c in ppr if c.tag in {qn("w:spacing"), qn("w:ind"), qn("w:jc"), qn("w:rPr")}), None)
    ppr.append(element) if anchor is None else anchor.addprevious(element)


def _cell_text(cell, text: str, *, bold=False, size=None, align=WD_ALIGN_PARAGRAPH.CENTER, color=None):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _add_text(paragraph, text, bold=bold, size=size, color=color)


def _banner(doc, organization: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, (Mm(110), Mm(60)))
    left, right = table.rows[0].cells
    _cell_text(left, organization or placeholder("기관명"), bold=True, size=Pt(16),
               align=WD_ALIGN_PARAGRAPH.LEFT, color=NAVY)
    _cell_text(right, "보도자료", bold=True, size=Pt(28), align=WD_ALIGN_PARAGRAPH.RIGHT, color=NAVY)
    for cell in (left, right):
        cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM
        _add_tc_property(cell, _border_element("w:tcBorders", {"bottom": ("thick", 24, "1F3A6E")}))
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _header_table(doc, release: PressRelease) -> None:
    rows = (("보도시점", release.release_timing or placeholder("보도시점")),
            ("배포일시", release.distributed_at or placeholder("배포일시")))
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, (Mm(35), Mm(135)))
    for row, (label, value) in zip(table.rows, rows):
        label_cell, value_cell = row.cells
        _add_tc_property(label_cell, _shading(LABEL_FILL))
        _cell_text(label_cell, label, bold=True)
        _cell_text(value_cell, value, align=WD_ALIGN_PARAGRAPH.LEFT)


def _title_block(doc, release: PressRelease) -> None:
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(6)
    _add_text(title, release.title or placeholder("제목"), bold=True, size=Pt(18))
    for sub in release.subtitles:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.space_after = Pt(2)
        _add_text(para, sub, bold=True, size=Pt(12))
    rule = doc.add_paragraph()
    rule.paragraph_format.space_before = Pt(6)
    rule.paragraph_format.space_after = Pt(12)
    _insert_ppr_child(rule, _border_element("w:pBdr", {"bottom": ("single", 6, "7F7F7F")}))


def _body(doc, release: PressRelease) -> None:
    boxed = release.body_style == "□식"
    for line in release.body_lines():
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.line_spacing = 1.6
        fmt.space_after = Pt(6)
        if boxed:  # hanging indent: wrapped lines line up after "□ "
            fmt.left_indent, fmt.first_line_indent = Pt(14), Pt(-14)
        else:
            fmt.first_line_indent = BODY_SIZE
        _add_text(para, line)


def _contact_table(doc, release: PressRelease) -> None:
    contacts = release.contacts or [ContactRow(role="담당자", title="", name="", phone="")]
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    table = doc.add_table(rows=1 + len(contacts), cols=len(CONTACT_HEADERS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, (Mm(40), Mm(25), Mm(25), Mm(30), Mm(50)))
    for cell, header in zip(table.rows[0].cells, CONTACT_HEADERS):
        _add_tc_property(cell, _shading(LABEL_FILL))
        _cell_text(cell, header, bold=True, size=Pt(10))
    for row, contact in zip(table.rows[1:], contacts):
        values = (contact.role, contact.title, contact.name, contact.phone)
        for cell, value, header in zip(row.cells[1:], values, CONTACT_HEADERS[1:]):
            _cell_text(cell, value or placeholder(header), size=Pt(10))
    department = table.cell(1, 0)
    if len(contacts) > 1:
        department = department.merge(table.cell(len(contacts), 0))
    _cell_text(department, release.department or placeholder("담당 부서"), size=Pt(10))


def _disclosure_box(doc, text: str) -> None:
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    para = doc.add_paragraph()
    para.paragraph_format.space_before = Pt(6)
    line = ("single", 4, "A6A6A6")
    box = dict.fromkeys(("top", "left", "bottom", "right"), line)
    _insert_ppr_child(para, _border_element("w:pBdr", box))
    _insert_ppr_child(para, _shading("F2F2F2"))
    _add_text(para, text, size=Pt(9), color=RGBColor(0x40, 0x40, 0x40))


def _properties(doc, release: PressRelease, *, author: str, ai_generated: bool, disclosure: str) -> None:
    core = doc.core_properties
    now = datetime.now(timezone.utc).replace(microsecond=0)
    core.title, core.subject, core.category = release.title, "보도자료", "보도자료"
    core.author = core.last_modified_by = author
    keywords = ["보도자료", release.organization] + (["AI 생성"] if ai_generated else [])
    core.keywords = ", ".join(k for k in keywords if k)
    core.comments, core.language = disclosure, "ko-KR"
    core.created = core.modified = now
    core.revision = 1
    package = doc.part.package  # the template's stale thumbnail would show a blank page in file browsers
    for rid in [rid for rid, rel in package.rels.items() if rel.reltype == RT.THUMBNAIL]:
        package.rels.pop(rid)
    _custom_properties(doc, {"AIGenerated": ai_generated, "AIDisclosure": disclosure, "Generator": "Mokmin"})


def _custom_properties(doc, values: dict[str, bool | str]) -> None:
    """docProps/custom.xml (python-docx has no API for it, so the part is written by hand)."""
    props = []
    for pid, (name, value) in enumerate(values.items(), start=2):
        typed = (f"<vt:bool>{str(value).lower()}</vt:bool>" if isinstance(value, bool)
                 else f"<vt:lpwstr>{escape(value)}</vt:lpwstr>")
        attrs = f'fmtid="{_CUSTOM_FMTID}" pid="{pid}" name="{escape(name)}"'
        props.append(f"<property {attrs}>{typed}</property>")
    blob = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{"".join(props)}</Properties>'
    ).encode("utf-8")
    package = doc.part.package
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _save_atomically(doc, path: Path) -> Path:
    """Temp file in the target directory, then os.replace: readers never see a half-written file."""
    tmp_name: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp_name = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        with open(tmp_name, "xb") as handle:  # "x": never clobbers; mode 0666 minus the umask
            doc.save(handle)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise InputError(
            f"보도자료 파일을 저장할 수 없습니다: {path} ({exc.strerror or exc})",
            "쓰기 권한이 있는 폴더의 파일 경로(.docx)를 지정해 주세요. "
            "같은 이름의 폴더가 있거나 상위 경로가 파일이면 다른 이름을 쓰세요.",
        ) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                tmp_name.unlink()
    return path
