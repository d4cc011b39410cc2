"""기획안 and 연설문 as Word files, with the same fonts, gap highlighting, disclosure box and document
properties as the 보도자료 export (:mod:`mokmin.export.docx`)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from mokmin.export.docx import (
    BODY_SIZE,
    NAVY,
    _add_text,
    _custom_properties,
    _disclosure_box,
    _save_atomically,
    _setup_page_and_fonts,
)
from mokmin.guard.audit import ExportEvent, record
from mokmin.workflows.plan_document import MARKERS, PROPOSAL_NOTE, PlanDocument
from mokmin.workflows.speech import Speech


def write_plan_docx(document: PlanDocument, path: Path, *, author: str = "", disclosure: str = "") -> Path:
    doc = Document()
    _setup_page_and_fonts(doc)
    _title(doc, document.heading(), document.byline())
    for number, section in enumerate(document.sections, 1):
        head = doc.add_paragraph()
        head.paragraph_format.space_before = Pt(12)
        _add_text(head, f"{number}. {section.title}", bold=True, size=Pt(13), color=NAVY)
        for line in section.lines:
            para = doc.add_paragraph()
            fmt = para.paragraph_format
            fmt.left_indent = Pt(14 * line.level)
            fmt.first_line_indent = Pt(-14)
            fmt.space_after = Pt(3)
            _add_text(para, MARKERS.get(line.level, "").strip() + " " + line.text)
    if document.has_proposals:
        note = doc.add_paragraph()
        note.paragraph_format.space_before = Pt(12)
        _add_text(note, PROPOSAL_NOTE, size=Pt(9))
    return _finish(doc, path, document.heading(), "기획안", author, disclosure or document.disclosure)


def write_speech_docx(speech: Speech, path: Path, *, author: str = "", disclosure: str = "") -> Path:
    doc = Document()
    _setup_page_and_fonts(doc)
    _title(doc, speech.title, "")
    for _, text in speech.paragraphs:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        para.paragraph_format.line_spacing = 1.6
        para.paragraph_format.first_line_indent = BODY_SIZE
        _add_text(para, text)
    for line in speech.signature:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _add_text(para, line, bold=True)
    return _finish(doc, path, speech.title, speech.kind, author, disclosure or speech.disclosure)


def _title(doc, title: str, byline: str) -> None:
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_after = Pt(6)
    _add_text(para, title, bold=True, size=Pt(18))
    if byline:
        sub = doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _add_text(sub, byline, size=Pt(11))


def _finish(doc, path: Path, title: str, category: str, author: str, disclosure: str) -> Path:
    if disclosure:
        _disclosure_box(doc, disclosure)
    core = doc.core_properties
    now = datetime.now(timezone.utc).replace(microsecond=0)
    core.title, core.subject, core.category = title, category, category
    core.author = core.last_modified_by = author
    core.keywords = ", ".join(k for k in (category, author, "AI 생성") if k)
    core.comments, core.language = disclosure, "ko-KR"
    core.created = core.modified = now
    _custom_properties(doc, {"AIGenerated": True, "AIDisclosure": disclosure, "Generator": "Mokmin"})
    saved = _save_atomically(doc, Path(path))
    record(ExportEvent(workflow="export.docx", path=saved, format="docx", title=title, ai_generated=True,
                       disclosure=disclosure))
    return saved
