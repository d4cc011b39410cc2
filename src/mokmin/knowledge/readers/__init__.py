"""Read the city's documents (HWP, HWPX, PDF, DOCX, HTML, TXT, Markdown) into blocks.

``read_document(path)`` decides the format from the file's content first and its extension
second, so a PDF saved as ``.docx`` or an HWPX saved as ``.hwp`` still reads (with a note in
``ParsedDocument.warnings``). Anything that cannot be read raises :class:`DocumentError` naming
the file, the reason and what to do. One module per format; all share ``common.Blocks``.
"""

from __future__ import annotations

import re
from pathlib import Path

from mokmin.errors import DocumentError
from mokmin.knowledge.readers import docx, html, hwp5, hwpx, pdf, text
from mokmin.knowledge.readers.common import HINT_CORRUPT, HINT_RESAVE_HWP, HINT_SUPPORTED
from mokmin.knowledge.types import ParsedDocument

__all__ = ["DEFAULT_MAX_BYTES", "SUPPORTED_SUFFIXES", "read_document", "sniff_format"]

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_LEGACY_HWP = b"HWP Document File V"  # HWP 3.0 (and 2.x) files start with it; HWP 5 is an OLE file
# What a markup file starts with, after a byte-order mark, an XML declaration and comments.
_PROLOG = rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
_HWPML = re.compile(_PROLOG + rb"<hwpml[\s>/]", re.IGNORECASE | re.DOTALL)
_HTML = re.compile(_PROLOG + rb"(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE | re.DOTALL)
_BY_SUFFIX = {
    ".hwp": "hwp",
    ".hwpx": "hwpx",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_BY_SUFFIX)
_NAMES = {
    "hwp": "HWP",
    "hwpx": "HWPX",
    "pdf": "PDF",
    "docx": "DOCX",
    "html": "HTML",
    "txt": "텍스트",
    "md": "Markdown",
}
_READERS = {
    "hwp": hwp5.read,
    "hwpx": hwpx.read,
    "pdf": pdf.read,
    "docx": docx.read,
    "html": html.read,
    "txt": lambda path, data: text.read(path, data, markdown=False),
    "md": lambda path, data: text.read(path, data, markdown=True),
}


def read_document(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    """Read one document into NFC-normalised blocks; raise DocumentError if it cannot be read."""
    path = Path(path)
    data = _load(path, max_bytes)
    fmt = sniff_format(path, data)
    try:
        document = _READERS[fmt](path, data)
    except DocumentError:
        raise
    except RecursionError as exc:
        raise DocumentError(path, "문서 구조가 너무 깊게 겹쳐 있어 읽을 수 없습니다", HINT_CORRUPT) from exc
    except Exception as exc:  # one odd file must not stop a whole folder's ingest
        reason = f"{_NAMES[fmt]} 파일을 읽다가 예기치 못한 오류가 났습니다 ({type(exc).__name__}: {exc})"
        hint = "PDF 등 다른 형식으로 저장해 다시 넣어 보세요. 계속되면 이 파일을 담당자에게 알려 주세요."
        raise DocumentError(path, reason, hint) from exc
    if not document.blocks:
        notes = f" ({' '.join(document.warnings)})" if document.warnings else ""
        reason = f"읽을 수 있는 글자가 없습니다 (빈 문서이거나 그림만 있습니다){notes}"
        raise DocumentError(path, reason, "글자가 들어 있는 문서인지 확인하세요.")
    expected = _BY_SUFFIX.get(path.suffix.lower())
    if expected and expected != fmt and {expected, fmt} != {"txt", "md"}:
        document.warnings.insert(
            0,
            f"파일 확장자({path.suffix})와 실제 형식({_NAMES[fmt]})이 다릅니다. 내용에 맞춰 {_NAMES[fmt]}(으)로 읽었습니다.",
        )
    return document


def sniff_format(path: Path, data: bytes) -> str:
    """The reader to use ("hwp", "hwpx", "pdf", "docx", "html", "txt", "md") judged by content first."""
    if not data or data.isspace():
        raise DocumentError(path, "빈 파일입니다 (내용이 없습니다)", "내용이 들어 있는 파일인지 확인하세요.")
    if data.startswith(_LEGACY_HWP):
        raise DocumentError(path, "한글 97 이전(HWP 3.0 이하) 형식이라 읽을 수 없습니다", HINT_RESAVE_HWP)
    if data.startswith(_OLE_MAGIC):
        return "hwp"  # the HWP reader explains which other OLE format (old Office, encrypted DOCX) it is
    if data.startswith(_ZIP_MAGIC):
        return _zip_format(path, data)
    head = data[:4096]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 text: look at it as ASCII-compatible bytes
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    if _HWPML.match(head):
        raise DocumentError(path, "HWPML(한글 XML) 형식은 지원하지 않습니다", HINT_RESAVE_HWP)
    if _HTML.match(head):
        return "html"
    by_suffix = _BY_SUFFIX.get(path.suffix.lower())
    if by_suffix in ("html", "txt", "md"):
        return by_suffix
    if _looks_like_text(data):
        return "txt"
    expected = (
        f" (확장자는 {_NAMES[by_suffix]}인데 내용이 {_NAMES[by_suffix]} 형식이 아닙니다)" if by_suffix else ""
    )
    raise DocumentError(path, f"알 수 없는 형식의 파일입니다{expected}", HINT_SUPPORTED)


def _load(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocumentError(path, "파일이 없습니다", "경로와 파일 이름을 확인하세요.")
    except OSError as exc:
        raise DocumentError(
            path, f"파일 정보를 읽을 수 없습니다 ({exc.strerror or exc})", "권한과 경로를 확인하세요."
        )
    if not path.is_file():
        raise DocumentError(
            path, "일반 파일이 아닙니다 (폴더이거나 특수 파일)", "문서 파일 하나를 지정하세요."
        )
    if size > max_bytes:
        raise DocumentError(path, _too_big(size, max_bytes), "문서를 나누어 넣거나 크기 한도를 늘리세요.")
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(path, f"파일을 읽을 수 없습니다 ({exc.strerror or exc})", "권한을 확인하세요.")
    if len(data) > max_bytes:  # grew since stat()
        raise DocumentError(
            path, _too_big(len(data), max_bytes), "문서를 나누어 넣거나 크기 한도를 늘리세요."
        )
    return data


def _too_big(size: int, limit: int) -> str:
    def human(n: int) -> str:
        return f"{n / 1024 / 1024:.1f}MB" if n >= 1024 * 1024 else f"{n:,}바이트"

    return f"파일이 너무 큽니다 ({human(size)}, 한도 {human(limit)})"


def _zip_format(path: Path, data: bytes) -> str:
    with hwpx.open_zip(path, data) as archive:
        names = set(archive.namelist())
        mimetype = ""
        if "mimetype" in names:
            mimetype = hwpx.member(path, archive, "mimetype")[:100].decode("ascii", errors="ignore").strip()
    if (
        "Contents/section0.xml" in names
        or mimetype == "application/hwp+zip"
        or "Contents/content.hpf" in names
    ):
        return "hwpx"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
        reason = "엑셀·파워포인트(XLSX·PPTX) 파일은 지원하지 않습니다"
        raise DocumentError(path, reason, "본문을 DOCX나 PDF로 저장한 뒤 넣으세요.")
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        raise DocumentError(path, "ODF(ODT 등) 형식은 지원하지 않습니다", "DOCX나 PDF로 저장한 뒤 넣으세요.")
    if not names:
        raise DocumentError(path, "빈 ZIP 파일입니다", HINT_CORRUPT)
    raise DocumentError(
        path, "문서가 아닌 ZIP 압축 파일입니다", f"압축을 풀어 문서를 하나씩 넣으세요. {HINT_SUPPORTED}"
    )


def _looks_like_text(data: bytes) -> bool:
    """A UTF-16 byte-order mark, or no NUL bytes and almost no control characters in the first 8 KB."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:8192]
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls <= len(head) // 100
