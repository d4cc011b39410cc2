"""코드 도우미's sample tables: reading a CSV/XLSX sample and describing it to the model with personal data masked."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mokmin.checks.pii import mask_pii
from mokmin.errors import InputError

MAX_SAMPLE_BYTES = 20 * 1024 * 1024
PREVIEW_ROWS = 3
_PERSONAL_COLUMNS = ((r"주민|외국인등록", "주민번호"), (r"이름|성명|성함|신청인|민원인|보호자|대표자", "이름"),
                     (r"전화|연락처|휴대|핸드폰|팩스", "전화"), (r"주소|거주지", "주소"), (r"메일", "이메일"),
                     (r"계좌", "계좌"), (r"차량", "차량"))

@dataclass
class SampleTable:
    """A sample file's first sheet: header row and data rows (values as read)."""

    path: Path
    sheet: str | None
    header: list[str]
    rows: list[list[Any]]

    @property
    def last_row(self) -> int:  # the spreadsheet row number of the last data row
        return len(self.rows) + 1


def read_sample(path: str | Path) -> SampleTable:
    """The first sheet of an XLSX file or a CSV file (UTF-8 or CP949) as header + rows."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"표본 파일이 없습니다: {path}", "파일 경로를 확인하세요.")
    if path.stat().st_size > MAX_SAMPLE_BYTES:
        raise InputError(f"표본 파일이 너무 큽니다: {path}", "앞부분 몇백 행만 담은 표본 파일을 만들어 주세요.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows, sheet = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        header, rows, sheet = _read_csv(path), None, None
        header, rows = header[0] if header else [], header[1:]
    elif suffix == ".xls":
        raise InputError(f"엑셀 97-2003 형식(.xls)은 읽지 못합니다: {path}", "엑셀에서 .xlsx로 다시 저장해 주세요.")
    else:
        raise InputError(f"표본 파일 형식을 모릅니다: {path}", "CSV나 XLSX 파일을 주세요.")
    if not header or not any(str(h).strip() for h in header):
        raise InputError(f"표본 파일에 머리글 행이 없습니다: {path}", "첫 행에 열 이름을 적어 주세요.")
    width = len(header)
    rows = [list(r) + [None] * (width - len(r)) for r in rows if any(v not in (None, "") for v in r)]
    return SampleTable(path, sheet, [str(h if h is not None else "").strip() for h in header], rows)


def _read_xlsx(path: Path) -> tuple[list[Any], list[list[Any]], str]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"XLSX 파일을 열 수 없습니다: {path} ({exc})", "엑셀에서 열리는지 확인하세요.") from exc
    try:
        sheet = book.worksheets[0]
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    while values and not any(v not in (None, "") for v in values[0]):
        values.pop(0)
    return (values[0] if values else []), values[1:], sheet.title


def _read_csv(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"CSV 파일의 인코딩을 알 수 없습니다: {path}", "UTF-8이나 CP949로 저장해 주세요.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [[_number(v) for v in row] for row in csv.reader(text.splitlines(), dialect)]


def _number(value: str) -> Any:
    text = value.strip().replace(",", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d*\.\d+", text):
        return float(text)
    return value


def describe_sample(
    table: SampleTable, rows: int = PREVIEW_ROWS, *, letters: bool = True
) -> tuple[str, dict[str, str]]:
    """What the model sees of the sample, with personal data masked; returns (text, placeholder mapping).

    Columns whose header names personal data (이름, 연락처, 주소 …) are masked whole; the rest goes through
    :func:`mask_pii`, which finds personal data by its form."""
    from openpyxl.utils import get_column_letter

    # column letters only for formulas: given "B열 '접수일'", Python scripts wrote df['B열']
    columns = ", ".join(f"{get_column_letter(i + 1)}열 '{h}'" if letters else f"'{h}'"
                        for i, h in enumerate(table.header))
    sheet = f", 시트 '{table.sheet}'" if table.sheet else ""
    shown, mapping = _mask_personal_columns(table.header, table.rows[:rows])
    lines = [f"파일 이름: {table.path.name}{sheet} (머리글 1행, 데이터 {len(table.rows)}행: 2행~{table.last_row}행)",
             f"열: {columns}", f"처음 {len(shown)}행:", " | ".join(table.header)]
    lines += [" | ".join("" if v is None else str(v) for v in row) for row in shown]
    masked = mask_pii("\n".join(lines))
    return masked.text, {**mapping, **masked.mapping}


def _mask_personal_columns(header: list[str], rows: list[list[Any]]) -> tuple[list[list[Any]], dict[str, str]]:
    stems = [next((stem for pattern, stem in _PERSONAL_COLUMNS if re.search(pattern, h.replace(" ", ""))), None)
             for h in header]
    by_value: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    out = []
    for row in rows:
        masked_row = []
        for stem, value in zip(stems, row, strict=False):
            if stem and value not in (None, ""):
                key = (stem, str(value))
                if key not in by_value:
                    counters[stem] = counters.get(stem, 0) + 1
                    by_value[key] = f"[{stem}{counters[stem]}]"
                value = by_value[key]
            masked_row.append(value)
        out.append(masked_row)
    return out, {placeholder: value for (_, value), placeholder in by_value.items()}
