"""코드 도우미: sample reading and masking, code extraction, formula evaluation, the run-and-repair loop."""

from __future__ import annotations

import json

import openpyxl
import pytest

from mokmin.errors import InputError
from mokmin.guard.sandbox import SandboxLimits
from mokmin.llm.base import GenerationOptions
from mokmin.workflows.code_formulas import evaluate_formula
from mokmin.workflows.code_helper import choose_mode, code_help, extract_code
from mokmin.workflows.code_samples import describe_sample, read_sample

ROWS = [("홍길동", "총무과", 85, "010-2345-6789"), ("김영희", "재무과", 92, "010-3456-7890"),
        ("이철수", "총무과", 70, "010-4567-8901"), ("박민수", "민원과", 60, "010-5678-9012")]


@pytest.fixture
def sample_xlsx(tmp_path):
    path = tmp_path / "직원명단.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "명단"
    sheet.append(["이름", "부서", "점수", "전화번호"])
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def test_mode_follows_the_task():
    assert choose_mode("점수 평균을 구하는 엑셀 수식을 알려 줘") == "formula"
    assert choose_mode("C열 합계를 구하는 함수") == "formula"
    assert choose_mode("부서별로 시트를 나눠 새 엑셀 파일로 저장해 줘") == "python"
    assert choose_mode("파이썬으로 중복된 행을 지워 줘") == "python"
    assert choose_mode("부서별 인원수를 세어 줘") == "python"  # no hint: Python, which we can run


def test_reading_xlsx_and_csv_samples(sample_xlsx, tmp_path):
    table = read_sample(sample_xlsx)
    assert table.header == ["이름", "부서", "점수", "전화번호"] and table.sheet == "명단"
    assert table.rows[0] == list(ROWS[0]) and table.last_row == 5
    csv_path = tmp_path / "표.csv"
    csv_path.write_bytes("품목,금액\n사과,\"1,200\"\n배,800\n".encode("cp949"))
    table = read_sample(csv_path)
    assert table.header == ["품목", "금액"] and table.rows == [["사과", 1200], ["배", 800]]


def test_unusable_samples_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="표본 파일이 없습니다"):
        read_sample(tmp_path / "없음.xlsx")
    old = tmp_path / "옛날.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"\.xlsx로"):
        read_sample(old)
    broken = tmp_path / "깨짐.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="XLSX 파일을 열 수 없습니다"):
        read_sample(broken)


def test_the_model_sees_columns_and_masked_rows(sample_xlsx):
    text, mapping = describe_sample(read_sample(sample_xlsx))
    assert "A열 '이름', B열 '부서', C열 '점수', D열 '전화번호'" in text
    assert "데이터 4행: 2행~5행" in text and "총무과" in text
    assert "010-2345-6789" not in text and "010-2345-6789" in mapping.values()
    assert "홍길동" not in text and mapping["[이름1]"] == "홍길동"  # a 이름 column is masked whole
    assert "박민수" not in text  # only the first three rows are shown
    assert "열: '이름', '부서', '점수', '전화번호'" in describe_sample(read_sample(sample_xlsx), letters=False)[0]


def test_extracting_code_blocks():
    code, _ = extract_code("설명입니다.\n```python\nprint(1)\n```\n끝", "python")
    assert code == "print(1)"
    assert extract_code("```python\nimport pandas as pd\nprint(2", "python")[0] == "import pandas as pd\nprint(2"
    assert extract_code("```excel\n=SUM(C2:C5)\n```\nC열을 더합니다.", "formula") == ("=SUM(C2:C5)", "C열을 더합니다.")
    assert extract_code("수식: `=AVERAGE(B2:B9)`", "formula")[0] == "=AVERAGE(B2:B9)"
    assert extract_code("합계는 =SUM(C2:C5) 로 구합니다.", "formula")[0] == "=SUM(C2:C5)"
    assert extract_code("합계를 구하세요. 비교는 a == b", "formula")[0] == ""


def test_formulas_are_evaluated_on_the_sample(sample_xlsx):
    table = read_sample(sample_xlsx)
    assert evaluate_formula('=SUMIF(B2:B5,"총무과",C2:C5)', table).value == 155
    assert evaluate_formula("=AVERAGE($C$2:$C$5)", table).value == pytest.approx(76.75)
    assert evaluate_formula("=COUNTA(A:A)-1", table).value == 4
    assert evaluate_formula("=INDEX(A2:A5,MATCH(MAX(C2:C5),C2:C5,0))", table).value == "김영희"
    assert evaluate_formula('=IF(C2>=80,"우수","보통")', table).value == "우수"  # a filled-down formula: row 2
    div = evaluate_formula("=C2/0", table)
    assert not div.ok and "#DIV/0!" in div.message
    bad = evaluate_formula("=SUM(C2:C5", table)
    assert not bad.ok and "해석하지 못했습니다" in bad.message


def _script(*outputs: str):
    from fakes import ScriptedServer, sse

    return ScriptedServer([sse([o]) for o in outputs])


def _backend(server):
    from mokmin.llm.openai import OpenAIBackend

    return OpenAIBackend(base_url=server.url, model="scripted", max_retries=0, is_local=True)


def test_a_failing_script_is_repaired_once_with_the_error_fed_back(sample_xlsx):
    wrong = "```python\nimport pandas as pd\ndf = pd.read_excel('직원명단.xlsx')\nprint(df['팀'].value_counts())\n```"
    right = ("```python\nimport pandas as pd\ndf = pd.read_excel('직원명단.xlsx')\n"
             "print(df.groupby('부서').size().to_dict())\n```")
    before = sample_xlsx.read_bytes()
    with _script(wrong, right) as server:
        result = code_help("부서별 인원수를 세어 줘", backend=_backend(server), sample=sample_xlsx)
        repair_prompt = server.requests[1].body["messages"][-1]["content"]
    assert result.mode == "python" and result.repaired and result.ok
    assert result.final.run.stdout.strip() == str({"민원과": 1, "재무과": 1, "총무과": 2})
    assert "KeyError" in repair_prompt and "'팀'" in repair_prompt and "df['팀']" in repair_prompt
    assert [f.rule_id for f in result.findings] == ["code.repaired"]
    assert sample_xlsx.read_bytes() == before


def test_a_script_still_failing_after_the_repair_is_an_error(sample_xlsx):
    loop = "```python\nwhile True:\n    pass\n```"
    with _script(loop, loop) as server:
        result = code_help("점수를 모두 더해 출력해 줘", backend=_backend(server), sample=sample_xlsx,
                           limits=SandboxLimits(wall_seconds=2, cpu_seconds=2))
    assert result.ok is False and len(result.attempts) == 2
    assert all(a.run.kind == "timeout" for a in result.attempts)
    failed = [f for f in result.findings if f.rule_id == "code.failed"]
    assert failed and "시간 제한" in failed[0].message


def test_a_network_script_is_refused_and_reported(sample_xlsx):
    net = "```python\nimport urllib.request\nprint(urllib.request.urlopen('http://example.com').read())\n```"
    with _script(net) as server:
        result = code_help("점수를 출력해 줘", backend=_backend(server), sample=sample_xlsx, repair=False)
    assert result.final.run.kind == "network" and result.ok is False


def test_a_formula_answer_is_evaluated_and_placeholders_are_restored(sample_xlsx):
    # the model saw [이름1] for 홍길동 and used it; the formula we return names the real value
    with _script('```excel\n=SUMIF(A2:A5,"[이름1]",C2:C5)\n```\n홍길동의 점수') as server:
        result = code_help("홍길동의 점수를 구하는 엑셀 수식", backend=_backend(server), sample=sample_xlsx)
        prompt = server.requests[0].body["messages"][-1]["content"]
    assert "[이름1]" in prompt and "홍길동" in prompt.split("과제:")[1]
    assert result.mode == "formula" and result.code == '=SUMIF(A2:A5,"홍길동",C2:C5)'
    assert result.ok and result.final.formula.value == 85


def test_a_formula_without_a_sample_is_marked_not_executed():
    with _script("```excel\n=SUM(B2:B100)\n```") as server:
        result = code_help("B열 합계를 구하는 엑셀 수식", backend=_backend(server))
    assert result.ok is None and not result.executed
    assert [f.rule_id for f in result.findings] == ["code.not-executed"]


def test_an_empty_task_is_an_input_error():
    with pytest.raises(InputError, match="과제가 비어"):
        code_help("  ", backend=None)  # type: ignore[arg-type]


def test_every_call_is_audited(sample_xlsx):
    from mokmin.guard.audit import open_log
    from mokmin.settings import load_settings

    with _script("```python\nprint(4)\n```") as server:
        code_help("행 수를 세어 줘", backend=_backend(server), sample=sample_xlsx)
    records = [r for r in open_log(load_settings()).records() if r.get("workflow") == "code_help"]
    assert len(records) == 1 and records[0]["output"]["chars"] == len("print(4)")


def test_cli_json_output(sample_xlsx, monkeypatch, capsys):
    from typer.testing import CliRunner

    from mokmin.cli.main import app
    from mokmin.llm.registry import clear_backend_cache

    with _script("```python\nimport pandas as pd\nprint(len(pd.read_excel('직원명단.xlsx')))\n```") as server:
        monkeypatch.setenv("MOKMIN_BACKEND", "openai")
        monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", server.url)
        monkeypatch.setenv("MOKMIN_OPENAI__MAX_RETRIES", "0")
        try:
            result = CliRunner().invoke(app, ["code", "행이 몇 개인지 세어 줘", "--sample", str(sample_xlsx),
                                              "--format", "json"])
        finally:
            clear_backend_cache()
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] is True and data["run"]["stdout"].strip() == "4" and data["mode"] == "python"


@pytest.mark.model
def test_real_model_writes_a_script_that_runs_on_the_sample(llama_backend, sample_xlsx):
    result = code_help("점수 열의 합계를 출력해 줘", backend=llama_backend, sample=sample_xlsx, mode="python",
                       options=GenerationOptions(temperature=0.0, max_tokens=160))
    assert result.executed and result.final.run is not None
    assert result.ok, (result.code, result.final.run.stderr)
    assert "307" in result.final.run.stdout


def test_only_the_final_attempts_files_are_kept(sample_xlsx, tmp_path):
    first = "```python\nopen('잘못.txt', 'w').write('x')\nraise ValueError('실패')\n```"
    second = "```python\nopen('결과.txt', 'w').write('합계 307')\nprint('저장했습니다')\n```"
    with _script(first, second) as server:
        result = code_help("점수 합계를 파일로 저장해 줘", backend=_backend(server), sample=sample_xlsx,
                           collect_to=tmp_path / "saved")
    assert result.ok and result.repaired
    assert sorted(p.name for p in (tmp_path / "saved").iterdir()) == ["결과.txt"]
    assert result.final.run.files[0].path == tmp_path / "saved" / "결과.txt"
