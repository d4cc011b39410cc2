"""코드 도우미's formula check: evaluate a generated Excel formula on the sample with the ``formulas`` library."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mokmin.workflows.code_samples import SampleTable

MAX_FORMULA_CELLS = 1_000_000


@dataclass
class FormulaCheck:
    ok: bool
    value: Any  # a scalar, or a list of rows for an array result
    message: str  # Korean


def evaluate_formula(formula: str, table: SampleTable) -> FormulaCheck:
    """Evaluate ``formula`` on the sample (row 1 = header); cell references of a filled-down formula are
    evaluated as written (the first data row)."""
    try:
        import formulas
        import numpy as np
        import schedula
        from openpyxl.utils.cell import range_boundaries
    except ImportError:
        return FormulaCheck(False, None, "수식 계산 라이브러리(formulas)가 없어 계산해 보지 못했습니다.")
    try:
        func = formulas.Parser().ast(formula)[1].compile()
    except Exception as exc:  # formulas raises its own parser/function errors
        return FormulaCheck(False, None, f"수식을 해석하지 못했습니다: {exc}")
    grid = [table.header] + table.rows
    width, height = len(table.header), len(grid)
    arrays = []
    for ref in func.inputs:
        name = str(ref).split("!")[-1].replace("$", "")
        try:
            min_col, min_row, max_col, max_row = range_boundaries(name)
        except ValueError:
            return FormulaCheck(False, None, f"이 참조는 표본에서 계산할 수 없습니다: {ref}")
        min_col, min_row = min_col or 1, min_row or 1
        max_col, max_row = max_col or width, max_row or height
        if (max_col - min_col + 1) * (max_row - min_row + 1) > MAX_FORMULA_CELLS:
            return FormulaCheck(False, None, f"참조 범위가 너무 커서 계산하지 않았습니다: {ref}")
        block = [[_cell(grid, r, c, schedula.EMPTY) for c in range(min_col, max_col + 1)]
                 for r in range(min_row, max_row + 1)]
        arrays.append(np.array(block, dtype=object))
    try:
        value = func(*arrays)
    except Exception as exc:
        return FormulaCheck(False, None, f"수식을 계산하다 오류가 났습니다: {exc}")
    value = _plain(value, schedula.EMPTY)
    error = _excel_error(value)
    if error:
        return FormulaCheck(False, value, f"표본에서 계산하니 엑셀 오류 {error}이(가) 나옵니다.")
    return FormulaCheck(True, value, "표본에서 계산해 보았습니다.")


def _cell(grid: list[list[Any]], row: int, col: int, empty: Any) -> Any:
    if row > len(grid) or col > len(grid[row - 1]):
        return empty
    value = grid[row - 1][col - 1]
    return empty if value is None or value == "" else value


def _plain(value: Any, empty: Any) -> Any:
    import numpy as np

    if isinstance(value, np.ndarray):
        items = [[_plain(v, empty) for v in row] for row in np.atleast_2d(value).tolist()]
        return items[0][0] if len(items) == 1 and len(items[0]) == 1 else items
    if value is empty:
        return ""
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, (int, float, str, bool)) or value is None else str(value)


def _excel_error(value: Any) -> str | None:
    values = [v for row in value for v in row] if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, str) and re.fullmatch(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|SPILL!|CALC!)", v):
            return v
    return None
