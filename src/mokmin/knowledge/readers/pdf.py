"""PDF, read page by page with pypdf (pages are 1-based in the blocks).

Text comes from pypdf's layout mode, which keeps vertical gaps as blank lines: a blank line ends a
paragraph. Inside a run of lines, a line that starts with a Korean list marker (□ ○ - 1. 가.)
starts a new paragraph, and a short line (the last line of a wrapped paragraph: under 85% of the
widest line when it ends a sentence, under 60% otherwise) ends one, since 한글-made PDFs often
have no extra gap between paragraphs. Headings are lines set in a larger font than the body text
(measured from pypdf's text visitor); the largest size is level 1. PDFs carry no table structure,
so tables come out as paragraphs. No OCR: a PDF without a text layer is refused with a hint.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import Counter
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from mokmin.errors import DocumentError
from mokmin.knowledge.readers.common import HINT_CORRUPT, Blocks, clean, pick_title
from mokmin.knowledge.types import ParsedDocument

_MARKER = re.compile(r"^(?:[□■○●◦◎◇◆▶▷►•·※\-–—*]|\d{1,2}[.)]\s|[가-하][.)]\s|\(\d{1,2}\)|\([가-하]\)|[①-⑳])")
_SENTENCE_END = re.compile(r"(?:[.!?。]|[다함임음됨])[\"'”’)]*$")
_RADICALS = re.compile(r"[\u2e80-\u2eff\u2f00-\u2fdf]")  # Kangxi radicals some PDFs use for Hanja
_OFFICE_PREFIX = re.compile(r"^microsoft (?:word|powerpoint|excel) - ", re.IGNORECASE)
_JUNK_TITLE = re.compile(r"\.(?:hwpx?|docx?|pdf|txt)$|^(?:untitled|제목 ?없음)$", re.IGNORECASE)
_HEADING_RATIO = 1.15

Line = tuple[str, float]  # text without spaces, font size


def read(path: Path, data: bytes) -> ParsedDocument:
    reader = _open(path, data)
    try:
        pages = list(reader.pages)
    except Exception as exc:  # noqa: BLE001 — pypdf raises many kinds of error on mangled files
        raise DocumentError(path, f"PDF 구조가 손상되었습니다 ({exc})", HINT_CORRUPT)
    texts: list[str] = []
    lines: list[list[Line]] = []
    for page in pages:
        texts.append(_page_text(page))
        lines.append(_page_lines(page))
    if not any(clean(text) for text in texts):
        raise DocumentError(
            path,
            "PDF에서 글자를 찾지 못했습니다 (스캔한 이미지로 만든 PDF로 보입니다)",
            "글자 인식(OCR)은 아직 지원하지 않습니다. 원본 한글·워드 파일이나 글자가 들어 있는 PDF를 넣으세요.",
        )
    headings = _heading_levels(lines)
    out = Blocks()
    for number, (text, page_lines) in enumerate(zip(texts, lines), start=1):
        big = {key: size for key, size in _candidates(page_lines)}
        for paragraph in _paragraphs(text):
            level = headings.get(big.get(re.sub(r"\s+", "", paragraph), 0.0), 0)
            out.text(paragraph, level, page=number)
    empty = [str(n) for n, text in enumerate(texts, start=1) if not clean(text)]
    warnings = [f"{', '.join(empty)}쪽에서 글자를 찾지 못했습니다 (스캔 이미지일 수 있음)."] if empty else []
    return ParsedDocument(
        path=path,
        format="pdf",
        title=pick_title(_metadata_title(reader), out.blocks, path),
        blocks=out.blocks,
        pages=len(pages),
        warnings=warnings,
    )


def _open(path: Path, data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 — PdfReadError and the many errors a mangled file can raise
        raise DocumentError(path, f"PDF 구조가 손상되었습니다 ({exc})", HINT_CORRUPT)
    if not reader.is_encrypted:
        return reader
    hint = "암호를 해제한 PDF를 넣거나, 원본 파일을 넣으세요."
    try:
        opened = reader.decrypt("")  # permission-only PDFs open with the empty user password
    except DependencyError:
        raise DocumentError(path, "암호화된 PDF인데 이 방식(AES)을 풀 구성요소가 없습니다", hint)
    except (PdfReadError, NotImplementedError, ValueError) as exc:
        raise DocumentError(path, f"암호가 걸린 PDF입니다 ({exc})", hint)
    if not opened:
        raise DocumentError(path, "암호가 걸린 PDF입니다", hint)
    return reader


def _page_text(page) -> str:
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # noqa: BLE001 — layout mode fails on some pages; plain mode may not
        try:
            text = page.extract_text()
        except Exception:  # noqa: BLE001 — an unreadable page is reported as a page without text
            return ""
    text = unicodedata.normalize("NFC", text or "")
    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _page_lines(page) -> list[Line]:
    """Lines as pypdf's visitor sees them: text without spaces and the largest font size."""
    lines: list[list] = []  # [text, size, y]

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip() or not font_size:
            return
        c = tm[2] * cm[0] + tm[3] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = round(font_size * math.hypot(c, d), 1)
        key = re.sub(r"\s+", "", text)
        if lines and abs(lines[-1][2] - y) < 0.5 * max(size, lines[-1][1]):
            lines[-1][0] += key
            lines[-1][1] = max(lines[-1][1], size)
        else:
            lines.append([key, size, y])

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # noqa: BLE001 — only heading detection is lost
        return []
    return [(unicodedata.normalize("NFC", text), size) for text, size, _ in lines]


def _heading_levels(pages: list[list[Line]]) -> dict[float, int]:
    """Font size → heading level, for sizes clearly above the body size (most characters)."""
    weight: Counter[float] = Counter()
    for lines in pages:
        for text, size in lines:
            weight[size] += len(text)
    if not weight:
        return {}
    body = weight.most_common(1)[0][0]
    bigger = sorted((s for s in weight if s >= body * _HEADING_RATIO), reverse=True)
    return {size: level for level, size in enumerate(bigger[:6], start=1)}


def _candidates(lines: list[Line]) -> list[tuple[str, float]]:
    """Each line, and runs of consecutive lines in one size (a heading wrapped over lines)."""
    out: list[tuple[str, float]] = []
    run, run_size = "", 0.0
    for text, size in lines:
        out.append((text, size))
        run = run + text if size == run_size else text
        run_size = size
        out.append((run, size))
    return [(text, size) for text, size in out if len(text) <= 120]


def _paragraphs(text: str) -> list[str]:
    paragraphs: list[str] = []
    for group in re.split(r"\n\s*\n", text):
        lines = [line.rstrip() for line in group.splitlines() if line.strip()]
        if not lines:
            continue
        width = max(len(line) for line in lines)
        current: list[str] = []
        for line in lines:
            if current and _MARKER.match(line.lstrip()):
                paragraphs.append(" ".join(current))
                current = []
            current.append(line.strip())
            limit = 0.85 if _SENTENCE_END.search(line) else 0.6
            if len(line) < limit * width:
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def _metadata_title(reader: PdfReader) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # noqa: BLE001 — a damaged info dictionary only costs the title
        return None
    if not isinstance(title, str):
        return None
    title = _OFFICE_PREFIX.sub("", title.strip())
    return None if _JUNK_TITLE.search(title) else title
