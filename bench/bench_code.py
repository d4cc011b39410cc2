"""코드 도우미: the share of spreadsheet tasks whose generated code runs and gives the expected result.

Tasks are in ``bench/data/code_tasks.jsonl`` (Korean task, table name, the kind of answer expected and the
expected output); the sample tables are written here (XLSX with openpyxl, CSV as UTF-8). Each task goes
through :func:`mokmin.workflows.code_helper.code_help` on the embedded model. The baseline, measured in the
same run, is the first attempt alone (no repair round).

Checks on the Python output (stdout) or the formula's value: ``numbers`` (each appears, allowing rounding to
one or two decimals), ``texts`` (each appears), ``absent`` (none appears), ``pairs`` (a line holding the label
also holds the number), ``file`` (the script produced that file).

    python bench/bench_code.py [--limit N] [--model PATH] [--max-tokens 400] [--dump OUT.jsonl]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TASKS = ROOT / "bench" / "data" / "code_tasks.jsonl"

TABLES = {
    "staff": ("직원명단.xlsx", ["이름", "부서", "직급", "점수", "입사연도"], [
        ["김민준", "총무과", "주무관", 88, 2015], ["이서연", "재무과", "주무관", 92, 2018],
        ["박지호", "총무과", "팀장", 75, 2009], ["최수아", "민원과", "주무관", 67, 2020],
        ["정도윤", "재무과", "팀장", 81, 2011], ["강하은", "민원과", "주무관", 95, 2019],
        ["조시우", "총무과", "주무관", 58, 2021], ["윤지유", "민원과", "팀장", 84, 2010],
        ["장서준", "재무과", "주무관", 73, 2016], ["임채원", "총무과", "과장", 90, 2003]]),
    "budget": ("예산집행.xlsx", ["사업명", "부서", "예산액", "집행액"], [
        ["청년 창업 지원", "일자리과", 120000000, 87000000], ["경로당 보수", "복지과", 45000000, 12000000],
        ["도서관 프로그램", "평생학습과", 30000000, 27500000], ["하천 정비", "건설과", 250000000, 98000000],
        ["아동 급식 지원", "복지과", 80000000, 76000000], ["관광 홍보", "관광과", 60000000, 21000000],
        ["평생학습 강좌", "평생학습과", 25000000, 19000000], ["일자리 박람회", "일자리과", 15000000, 14800000]]),
    "minwon": ("민원접수.csv", ["접수번호", "접수일", "유형", "처리상태", "처리일수"], [
        ["M-001", "2024-01-03", "도로", "완료", 5], ["M-002", "2024-01-10", "환경", "완료", 9],
        ["M-003", "2024-01-15", "도로", "처리중", 3], ["M-004", "2024-01-22", "복지", "완료", 2],
        ["M-005", "2024-01-29", "환경", "완료", 12], ["M-006", "2024-02-02", "도로", "완료", 6],
        ["M-007", "2024-02-09", "복지", "처리중", 4], ["M-008", "2024-02-16", "도로", "완료", 8],
        ["M-009", "2024-02-23", "환경", "처리중", 1], ["M-010", "2024-03-04", "도로", "완료", 7],
        ["M-011", "2024-03-11", "복지", "완료", 3], ["M-012", "2024-03-18", "도로", "완료", 10]]),
    "population": ("인구현황.xlsx", ["읍면동", "남", "여", "세대수"], [
        ["합덕읍", 5120, 5280, 5010], ["송악읍", 14650, 13200, 12890], ["신평면", 6900, 6450, 6120],
        ["면천면", 1890, 1950, 2050], ["순성면", 2610, 2480, 2390], ["당진1동", 9870, 10120, 8760],
        ["당진2동", 11240, 11560, 9980], ["송산면", 8030, 7410, 7050]]),
}
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:[eE][+-]?\d+)?")


def write_table(name: str, directory: Path) -> Path:
    import openpyxl

    file, header, rows = TABLES[name]
    path = directory / file
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header, *rows])
    else:
        book = openpyxl.Workbook()
        book.active.append(header)
        for row in rows:
            book.active.append(row)
        book.save(path)
    return path


def numbers_in(text: str) -> list[float]:
    out = []
    for m in _NUMBER.finditer(text):
        try:
            out.append(float(m.group(0).replace(",", "")))
        except ValueError:
            continue
    return out


def same_number(found: float, expected: float) -> bool:
    return (abs(found - expected) <= 1e-6 * max(1.0, abs(expected))
            or found in (round(expected, 1), round(expected, 2)))


def check(expected: dict, output: str, files: list[str]) -> tuple[bool, str]:
    """Whether ``output`` holds the expected result; the first thing missing otherwise."""
    found = numbers_in(output)
    for value in expected.get("numbers", []):
        if not any(same_number(x, value) for x in found):
            return False, f"number {value}"
    for text in expected.get("texts", []):
        if text not in output:
            return False, f"text {text}"
    for text in expected.get("absent", []):
        if text in output:
            return False, f"unexpected {text}"
    for label, value in expected.get("pairs", []):
        lines = [ln for ln in output.splitlines() if label in ln]
        if not any(same_number(x, value) for ln in lines for x in numbers_in(ln.replace(label, " "))):
            return False, f"pair {label}={value}"
    if expected.get("file") and expected["file"] not in files:
        return False, f"file {expected['file']}"
    return True, ""


def attempt_output(attempt) -> tuple[str, list[str]]:
    if attempt.run is not None:
        return attempt.run.stdout, [f.name for f in attempt.run.files]
    if attempt.formula is not None and attempt.formula.value is not None:
        value = attempt.formula.value
        flat = [v for row in value for v in row] if isinstance(value, list) else [value]
        return "\n".join(str(v) for v in flat), []
    return "", []


def load_backend(model: str | None):
    from mokmin.llm.llamacpp import LlamaCppBackend
    from mokmin.model.install import resolve_model_path
    from mokmin.settings import load_settings

    path = Path(model) if model else resolve_model_path(load_settings())
    os.environ["MOKMIN_HOME"] = tempfile.mkdtemp(prefix="mokmin-bench-")  # audit records go to a throw-away home
    return LlamaCppBackend(model_path=path, n_ctx=4096)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N tasks")
    parser.add_argument("--model", default=None, help="GGUF path (default: the installed embedded model)")
    parser.add_argument("--max-tokens", type=int, default=400)
    parser.add_argument("--dump", type=Path, default=None, help="write one JSON line per task here")
    args = parser.parse_args()

    from mokmin.llm.base import GenerationOptions
    from mokmin.workflows.code_helper import code_help

    tasks = [json.loads(line) for line in TASKS.read_text(encoding="utf-8").splitlines() if line.strip()]
    tasks = tasks[: args.limit] if args.limit else tasks
    model = args.model or os.environ.get("MOKMIN_TEST_MODEL")
    backend = load_backend(model)
    rows = []
    with tempfile.TemporaryDirectory(prefix="mokmin-bench-code-") as tmp:
        for task in tasks:
            directory = Path(tmp) / task["id"]
            directory.mkdir()
            sample = write_table(task["table"], directory)
            max_tokens = args.max_tokens if task["mode"] == "python" else min(args.max_tokens, 120)
            start = time.perf_counter()
            result = code_help(task["task"], backend=backend, sample=sample,
                               options=GenerationOptions(temperature=0.0, max_tokens=max_tokens))
            seconds = time.perf_counter() - start
            first_ok, first_why = check(task["expected"], *attempt_output(result.attempts[0]))
            final_ok, final_why = check(task["expected"], *attempt_output(result.final))
            row = {"id": task["id"], "expected_mode": task["mode"], "mode": result.mode,
                   "first_ran": bool(result.attempts[0].ok), "first_correct": first_ok and bool(result.attempts[0].ok),
                   "ran": bool(result.ok), "correct": final_ok and bool(result.ok), "repaired": result.repaired,
                   "seconds": seconds, "why": final_why, "code": result.code}
            rows.append(row)
            print(f"{task['id']:28} {result.mode:7} ran={row['ran']!s:5} correct={row['correct']!s:5} "
                  f"repaired={result.repaired!s:5} {seconds:6.1f}s {final_why}", file=sys.stderr, flush=True)
            if args.dump:
                with args.dump.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps({**row, "output": attempt_output(result.final)[0][:2000]},
                                        ensure_ascii=False) + "\n")
    print_table(rows)
    return 0


def print_table(rows: list[dict]) -> None:
    def line(label: str, group: list[dict]) -> None:
        if not group:
            return
        n = len(group)
        share = lambda key: f"{sum(r[key] for r in group) / n:6.0%}"  # noqa: E731
        mean = sum(r["seconds"] for r in group) / n
        print(f"| {label:24} | {n:3} | {share('first_ran')} | {share('first_correct')} | {share('ran')} | "
              f"{share('correct')} | {mean:7.1f} |")

    print("| tasks                    |   n | ran(1st) | right(1st) |  ran | right | mean s |")
    print("|--------------------------|-----|----------|------------|------|-------|--------|")
    line("all", rows)
    line("python (expected)", [r for r in rows if r["expected_mode"] == "python"])
    line("formula (expected)", [r for r in rows if r["expected_mode"] == "formula"])
    agree = sum(r["mode"] == r["expected_mode"] for r in rows)
    print(f"\nmode chosen as expected: {agree}/{len(rows)}; repaired: {sum(r['repaired'] for r in rows)}")
    print("(1st) = the first attempt alone, the baseline; without (1st) = after one repair round.")


if __name__ == "__main__":
    sys.exit(main())
