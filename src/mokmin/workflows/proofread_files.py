"""Files to proofread (TXT, Markdown, DOCX, HWPX) as one text, and the corrected copy.

Text files are read as UTF-8 (with or without BOM), UTF-16 with a BOM, or CP949 (Korean Windows) and
written back the same way, line ends included. A document's paragraphs are joined with ``\\n`` and
mapped back to paragraph and column (``proofread_documents``). Limits, refused with a Korean message
before anything is checked or written: text files above 3 MB, DOCX/HWPX above 50 MB, and more than
100,000 characters of text (about 50 pages; all checkers together read about 1,000–2,000 characters a
second on a 2-core machine, so the limit keeps one run near a minute) — split such files first.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from mokmin.checks.finding import Finding
from mokmin.errors import DocumentError, InputError
from mokmin.workflows.proofread import normalize_text, replacement
from mokmin.workflows.proofread_documents import SUPPORTED, Document, edit_paragraph, read_docx, read_hwpx

MAX_TEXT_FILE_BYTES = 3 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_CHARS = 100_000
FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".hwpx": "hwpx"}
_SPLIT_HINT = f"교정은 한 번에 {MAX_CHARS:,}자까지 합니다. 파일을 장·절 단위로 나누어 넣으세요."


@dataclass
class SourceText:
    path: Path | None  # None: standard input
    format: str  # txt, md, docx, hwpx
    text: str  # NFC with "\n" line ends: what the checkers read
    notes: list[str] = field(default_factory=list)  # Korean notes for the user (encoding, NFD …)
    encoding: str = "utf-8"
    bom: bool = False
    crlf: bool = False
    document: Document | None = None
    paragraph_starts: list[int] = field(default_factory=list)

    @property
    def is_document(self) -> bool:
        return self.format in ("docx", "hwpx")

    def paragraph_at(self, offset: int) -> tuple[int, int]:
        """1-based (paragraph, column) of a text offset in a document."""
        index = max(bisect_right(self.paragraph_starts, offset) - 1, 0)
        return index + 1, offset - self.paragraph_starts[index] + 1


def load_source(name: str, stdin: BinaryIO | None = None) -> SourceText:
    """The file ``name``, or standard input for ``-``, as one text to proofread."""
    if name == "-":
        data = stdin.read(MAX_TEXT_FILE_BYTES + 1) if stdin is not None else b""
        if len(data) > MAX_TEXT_FILE_BYTES:
            raise InputError(_too_big("표준 입력이", len(data), MAX_TEXT_FILE_BYTES), _SPLIT_HINT)
        return _text_source(None, "txt", data)
    path = Path(name)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        hint = "한글에서 HWPX로 저장한 뒤 넣으세요." if path.suffix.lower() == ".hwp" else SUPPORTED
        what = f"확장자 {path.suffix}" if path.suffix else "확장자가 없는 파일"
        raise DocumentError(path, f"교정할 수 없는 형식입니다({what})", hint)
    data = _read_bytes(path, MAX_TEXT_FILE_BYTES if fmt in ("txt", "md") else MAX_DOCUMENT_BYTES)
    if not data.strip():
        raise DocumentError(path, "빈 파일입니다 (내용이 없습니다)", "내용이 들어 있는 파일을 지정하세요.")
    if fmt in ("txt", "md"):
        return _text_source(path, fmt, data)
    document = read_docx(path, data) if fmt == "docx" else read_hwpx(path, data)
    return _document_source(path, document)


def _too_big(subject: str, size: int, limit: int) -> str:
    return f"{subject} 너무 큽니다 ({size / 1024 / 1024:.1f}MB, 한도 {limit / 1024 / 1024:.0f}MB)"


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise DocumentError(path, "일반 파일이 아닙니다 (폴더이거나 특수 파일)", "파일 하나를 지정하세요.")
        if size > limit:
            raise DocumentError(path, _too_big("파일이", size, limit), _SPLIT_HINT)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError as exc:
        raise DocumentError(path, "파일이 없습니다", "경로와 파일 이름을 확인하세요.") from exc
    except OSError as exc:
        raise DocumentError(path, f"파일을 읽을 수 없습니다 ({exc.strerror or exc})", "권한을 확인하세요.") from exc
    if len(data) > limit:  # grew since stat()
        raise DocumentError(path, _too_big("파일이", len(data), limit), _SPLIT_HINT)
    return data


def _text_source(path: Path | None, fmt: str, data: bytes) -> SourceText:
    where: Any = path if path is not None else "표준 입력"
    if not data.strip():
        raise DocumentError(where, "빈 입력입니다 (내용이 없습니다)", "교정할 글을 넣으세요.")
    notes: list[str] = []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
        text = _decode(where, data, encoding)
        notes.append("UTF-16으로 저장된 파일이라 그렇게 읽었습니다. 교정본도 UTF-16으로 저장합니다.")
    elif b"\x00" in data[:8192]:
        raise DocumentError(where, "텍스트 파일이 아닙니다(이진 파일)", SUPPORTED)
    else:
        try:
            encoding, text = "utf-8", data.decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding, text = "cp949", _decode(where, data, "cp949")
            notes.append("UTF-8이 아니라 한국어 윈도 인코딩(CP949/EUC-KR)으로 읽었습니다. 교정본도 CP949로 저장합니다.")
    if unicodedata.normalize("NFC", text) != text:
        notes.append("자모가 풀어진(NFD) 글자를 합쳐(NFC) 검사했습니다. 교정본에는 합친 글자로 저장합니다.")
    source = SourceText(path, fmt, normalize_text(text), notes, encoding=encoding,
                        bom=data.startswith(b"\xef\xbb\xbf"), crlf="\r\n" in text)
    _check_length(where, source.text)
    return source


def _decode(where: Any, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        reason = "글자 인코딩을 알 수 없습니다 (UTF-8도 CP949도 아닙니다)"
        raise DocumentError(where, reason, "메모장 등에서 UTF-8로 저장한 뒤 넣으세요.") from exc


def _document_source(path: Path, document: Document) -> SourceText:
    starts, offset = [], 0
    for paragraph in document.paragraphs:
        starts.append(offset)
        offset += len(paragraph.text) + 1
    text = "\n".join(p.text for p in document.paragraphs)
    source = SourceText(path, document.format, text, document=document, paragraph_starts=starts)
    if normalize_text(text) != text:  # a carriage return inside a run would shift every offset after it
        source.text = normalize_text(text)
        source.document = None
        source.notes.append("문단 안의 특수 줄바꿈 문자 때문에 이 문서는 검사만 하고 교정본은 만들지 않습니다.")
    _check_length(path, source.text)
    return source


def _check_length(where: Any, text: str) -> None:
    if not text.strip():
        raise DocumentError(where, "글자가 없습니다 (빈 문서입니다)", "내용이 들어 있는 파일을 지정하세요.")
    if len(text) > MAX_CHARS:
        raise DocumentError(where, f"글이 너무 깁니다 ({len(text):,}자, 한도 {MAX_CHARS:,}자)", _SPLIT_HINT)


# --- the corrected copy ---------------------------------------------------------------------------
def fixed_copy_path(path: Path) -> Path:
    """``보도자료.txt`` → ``보도자료.교정.txt``; never an existing file (``보도자료.교정-2.txt`` …)."""
    first = path.with_name(f"{path.stem}.교정{path.suffix}")
    if not first.exists():
        return first
    for i in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}.교정-{i}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise InputError(f"교정본 이름을 정할 수 없습니다: {first}", "같은 폴더의 예전 교정본을 정리하세요.")


def write_fixed(
    source: SourceText, fixes: list[Finding], target: Path, *, overwrite: bool = False
) -> list[Finding]:
    """Write ``source`` with ``fixes`` (non-overlapping, in text order) to ``target``; the fixes applied.
    Nothing is written when none applies. ``overwrite`` replaces ``target`` atomically (``--in-place``)."""
    if source.document is not None:
        applied = _apply_to_paragraphs(source, fixes)
        data = source.document.to_bytes() if applied else b""
    elif not source.is_document:
        applied = list(fixes)
        text = source.text
        for f in reversed(applied):
            text = text[: f.start] + (replacement(f) or "") + text[f.end :]
        data = _encode(source, text)
    else:
        applied = []
    if applied:
        _write(target, data, overwrite=overwrite)
    return applied


def _apply_to_paragraphs(source: SourceText, fixes: list[Finding]) -> list[Finding]:
    assert source.document is not None
    applied: list[Finding] = []
    for f in reversed(fixes):
        index = bisect_right(source.paragraph_starts, f.start) - 1
        paragraph, base = source.document.paragraphs[index], source.paragraph_starts[index]
        if f.end - base > len(paragraph.text):
            continue  # reaches into the next paragraph
        if edit_paragraph(paragraph, f.start - base, f.end - base, replacement(f) or ""):
            applied.append(f)
    return applied[::-1]


def _encode(source: SourceText, text: str) -> bytes:
    if source.crlf:
        text = text.replace("\n", "\r\n")
    try:
        data = text.encode(source.encoding)
    except UnicodeEncodeError:
        source.notes.append(f"고친 글자를 {source.encoding.upper()}로 저장할 수 없어 교정본은 UTF-8로 저장했습니다.")
        return text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if source.bom and source.encoding == "utf-8" else data


def _write(target: Path, data: bytes, *, overwrite: bool) -> None:
    try:
        if overwrite:
            handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".mokmin-", suffix=target.suffix)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(tmp, target)
            finally:
                Path(tmp).unlink(missing_ok=True)
        else:
            with target.open("xb") as out:  # exclusive: never replaces a file that appeared meanwhile
                out.write(data)
    except OSError as exc:
        hint = "폴더에 쓰기 권한이 있는지 확인하세요."
        raise InputError(f"교정본을 저장할 수 없습니다: {target} ({exc.strerror or exc})", hint) from exc
