"""Reading complaint exports (CSV or XLSX) with a column mapping and clear Korean errors.

Columns are found by their header: the usual Korean names of complaint systems (민원내용, 처리부서, 답변내용 …)
and English ones are recognised, and ``mapping`` (``{"text": "민원요지"}``) names any other header. A file without
a text column is refused with the headers it has and how to map them; columns nobody asked for are reported,
not guessed at; a row that cannot be used (empty, too long) is skipped with its row number and reason, so
nothing is lost silently — the file itself is never changed.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mokmin.errors import DocumentError, InputError

MAX_FILE_BYTES = 200 * 1024 * 1024
FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("내용", "민원내용", "민원요지", "요지", "본문", "질의내용", "신청내용", "민원본문", "summary", "text",
             "content", "body", "complaint"),
    "title": ("제목", "민원제목", "title", "subject"),
    "answer": ("답변", "답변내용", "처리결과", "처리내용", "회신내용", "답변요지", "answer", "reply", "response"),
    "department": ("처리부서", "담당부서", "부서", "부서명", "처리과", "담당과", "department", "dept", "cat_major"),
    "external_id": ("민원번호", "접수번호", "신청번호", "번호", "id", "no"),
}
FIELD_ALIASES = {"내용": "text", "본문": "text", "제목": "title", "답변": "answer", "부서": "department",
                 "번호": "external_id", "id": "external_id"}
FIELD_KO = {"text": "민원 내용", "title": "제목", "answer": "답변", "department": "처리 부서", "external_id": "민원 번호"}


@dataclass
class ImportedRow:
    row: int  # 1-based row number in the file (the header is row 1 of a CSV)
    text: str
    title: str = ""
    answer: str = ""
    department: str = ""
    external_id: str | None = None


@dataclass
class ReadResult:
    rows: list[ImportedRow]
    columns: dict[str, str]  # field → header used
    unused: list[str]  # headers not mapped to any field
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason in Korean)


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """``["text=민원요지", "부서=처리과"]`` → ``{"text": "민원요지", "department": "처리과"}``."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, header = pair.partition("=")
        key = FIELD_ALIASES.get(key.strip(), key.strip())
        if not sep or not header.strip() or key not in FIELDS:
            raise InputError(f"열 지정이 올바르지 않습니다: {pair!r}",
                             "'필드=열 이름' 꼴로 쓰세요. 필드: text(내용), title(제목), answer(답변), "
                             "department(부서), external_id(번호). 예: --map text=민원요지")
        mapping[key] = header.strip()
    return mapping


def read_complaints(path: Path, mapping: Mapping[str, str] | None = None, *, max_chars: int = 20_000,
                    sheet: str | None = None) -> ReadResult:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"파일을 찾을 수 없습니다: {path}", "경로를 확인하세요.")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"파일이 너무 큽니다 ({size / 1e6:,.0f} MB): {path}",
                         f"{MAX_FILE_BYTES // 1024 // 1024} MB 이하로 나누어 가져오세요.")
    table = _read_table(path, sheet)
    header_row, headers = next(table, (0, []))
    headers = [_clean(h) for h in headers]
    if not any(headers):
        raise InputError(f"첫 줄에 열 이름이 없습니다: {path}", "첫 줄(머리글)에 '민원내용', '처리부서' 같은 열 이름을 넣으세요.")
    columns = _match_columns(headers, dict(mapping or {}), path)
    index = {f: headers.index(h) for f, h in columns.items()}
    result = ReadResult([], columns, [h for h in headers if h and h not in columns.values()])
    for number, cells in table:
        values = {f: _clean(cells[i]) if i < len(cells) else "" for f, i in index.items()}
        if not any(_clean(c) for c in cells):
            continue  # blank line
        text = values.get("text", "")
        if not text:
            result.skipped.append((number, f"'{columns['text']}' 칸이 비어 있습니다"))
            continue
        if len(text) > max_chars:
            result.skipped.append((number, f"내용이 너무 깁니다 ({len(text):,}자, 최대 {max_chars:,}자)"))
            continue
        result.rows.append(ImportedRow(number, text, values.get("title", ""), values.get("answer", ""),
                                       values.get("department", ""), values.get("external_id") or None))
    if not result.rows and not result.skipped:
        raise InputError(f"가져올 민원이 없습니다: {path} (머리글만 있습니다)", "머리글 아래 줄에 민원을 넣으세요.")
    return result


def _match_columns(headers: list[str], mapping: dict[str, str], path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for f, header in mapping.items():
        if header not in headers:
            raise InputError(f"'{header}' 열이 파일에 없습니다: {path}",
                             f"파일의 열: {', '.join(h for h in headers if h)}. --map {f}=열이름 으로 다시 지정하세요.")
        found[f] = header
    keys = {_key(h): h for h in headers if h}
    for f, names in FIELDS.items():
        if f in found:
            continue
        for name in names:
            h = keys.get(_key(name))
            if h and h not in found.values():
                found[f] = h
                break
    if "text" not in found:
        raise InputError(
            f"민원 내용이 든 열을 찾지 못했습니다: {path}",
            f"파일의 열: {', '.join(h for h in headers if h)}. 내용 열을 --map text=열이름 으로 지정하세요 "
            f"(알아보는 이름: {', '.join(FIELDS['text'][:6])}).",
        )
    return found


def _key(header: str) -> str:
    return "".join(header.split()).lower()


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").strip()


def _read_table(path: Path, sheet: str | None) -> Iterator[tuple[int, list]]:
    head = path.open("rb").read(8)
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(path, "옛 엑셀(XLS, 97-2003) 형식은 읽지 않습니다",
                            "엑셀에서 'XLSX' 또는 'CSV UTF-8' 형식으로 다시 저장하세요.")
    if head.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".tsv", ".txt", ""):
        return _read_csv(path)
    raise DocumentError(path, f"지원하지 않는 형식입니다 ({suffix})", "CSV 또는 XLSX 파일을 쓰세요.")


def _read_xlsx(path: Path, sheet: str | None) -> Iterator[tuple[int, list]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DocumentError(path, f"엑셀 파일을 열 수 없습니다 ({exc})",
                            "파일이 손상되지 않았는지, 암호가 걸려 있지 않은지 확인하세요.") from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise InputError(f"'{sheet}' 시트가 없습니다: {path}", f"시트: {', '.join(book.sheetnames)}")
    ws = book[sheet] if sheet else book.worksheets[0]

    def rows() -> Iterator[tuple[int, list]]:
        started = False
        try:
            for number, cells in enumerate(ws.iter_rows(values_only=True), 1):
                cells = list(cells)
                if not started and not any(_clean(c) for c in cells):
                    continue  # blank lines above the header
                started = True
                yield number, cells
        finally:
            book.close()

    return rows()


def _read_csv(path: Path) -> Iterator[tuple[int, list]]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise DocumentError(path, "텍스트(CSV) 파일이 아닙니다", "CSV 또는 XLSX 파일을 쓰세요.")
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DocumentError(path, "글자 인코딩을 알 수 없습니다", "엑셀에서 'CSV UTF-8'로 다시 저장하세요.")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""), dialect)

    def rows() -> Iterator[tuple[int, list]]:
        started = False
        try:
            for cells in reader:
                if not started and not any(c.strip() for c in cells):
                    continue  # blank lines above the header
                started = True
                yield reader.line_num, cells
        except csv.Error as exc:
            raise DocumentError(path, f"CSV 형식이 올바르지 않습니다 ({reader.line_num}번째 줄: {exc})",
                                "따옴표가 짝이 맞는지 확인하거나 엑셀에서 다시 저장하세요.") from exc

    return rows()
