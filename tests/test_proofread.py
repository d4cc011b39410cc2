"""Proofreading: the engine over a real-looking 공문서 and 보도자료, the score, and ``mokmin proofread``
on real TXT (UTF-8, CP949), DOCX and HWPX files. Fixes must change the planted errors and nothing else."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest

from docgen import make_hwpx
from mokmin.checks.finding import Finding, Severity
from mokmin.checks.score import count_eojeol, score
from mokmin.cli.main import run
from mokmin.knowledge.readers import read_document
from mokmin.profile import load_profile
from mokmin.workflows.proofread import apply_safe_fixes, deduplicate, proofread, select_safe_fixes

GONGMUN = """당진시

수신  수신자 참조
(경유)
제목  2023년 상반기 청사 안전 점검 계획 알림

1. 관련: 총무과-1234(2023. 3. 2.)
2. 금번 청사 안전 점검을 다음과 같이 실시하오니 각 부서에서는 협조하여 주시기 바랍니다.
  가. 일시 : 2023.3.27.(월) 14:00∼16:00
  나. 장소: 당진시청 본관 대회의실
  다. 내용: 출입문 시건장치 교체 및 소방 시설 점검
  라. 예산: 금1,200,000원(금일백이십만원)
3. 지난 점검에서 누락됬던 항목은 익일까지 총무과로 제출하여 주시기 바랍니다.

붙임  점검 계획서 1부.  끝.
"""
GONGMUN_FIXED = """당진시

수신  수신자 참조
(경유)
제목  2023년 상반기 청사 안전 점검 계획 알림

1. 관련: 총무과-1234(2023. 3. 2.)
2. 이번 청사 안전 점검을 다음과 같이 실시하오니 각 부서에서는 협조하여 주시기 바랍니다.
  가. 일시: 2023. 3. 27.(월) 14:00∼16:00
  나. 장소: 당진시청 본관 대회의실
  다. 내용: 출입문 잠금장치 교체 및 소방 시설 점검
  라. 예산: 금1,200,000원(금일백이십만원)
3. 지난 점검에서 누락됐던 항목은 다음 날까지 총무과로 제출하여 주시기 바랍니다.

붙임  점검 계획서 1부.  끝.
"""
GONGMUN_PLANTED = {
    ("publang.term", "금번"),
    ("official.colon-spacing", " : "),
    ("official.date-format", "2023.3.27.(월)"),
    ("publang.term", "시건장치"),
    ("spelling.doe-dwae", "됬"),
    ("publang.term", "익일"),
}

PRESS = [
    "당진시, 청사 안전 점검 거버넌스 회의 열어",
    "- 시민·전문가 참여하는 점검 체계 만든다 -",
    "당진시는 3월 27일(월) 시청 대회의실에서 금번 청사 안전 점검 계획을 논의하는 회의를 열었다고 밝혔다.",
    "이날 회의에는 국·소장과 외부 전문가 등 15명이 참석해 출입문 시건장치 교체와 소방 시설 점검 일정을 논의했다.",
    "시는 5억 원을 들여 노후 설비를 바꾸고, 점검 결과를 익일 누리집에 공개할 계획이다. 지난 점검에서 누락됬던 항목도 다시 살핀다.",
    '오성환 당진시장은 "시민이 안심하고 찾을 수 있는 청사를 만들겠다"라고 말했다.',
]
PRESS_FIXED = [
    PRESS[0],
    PRESS[1],
    "당진시는 3월 27일(월) 시청 대회의실에서 이번 청사 안전 점검 계획을 논의하는 회의를 열었다고 밝혔다.",
    "이날 회의에는 국·소장과 외부 전문가 등 15명이 참석해 출입문 잠금장치 교체와 소방 시설 점검 일정을 논의했다.",
    "시는 5억 원을 들여 노후 설비를 바꾸고, 점검 결과를 다음 날 누리집에 공개할 계획이다. 지난 점검에서 누락됐던 항목도 다시 살핀다.",
    PRESS[5],
]
PRESS_PLANTED = {
    ("publang.term", "거버넌스"),
    ("publang.term", "금번"),
    ("publang.term", "시건장치"),
    ("publang.term", "익일"),
    ("spelling.doe-dwae", "됬"),
}


@pytest.fixture(scope="module")
def city():
    return load_profile()


def cli(monkeypatch, capsys, *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run ``mokmin`` in this process through the real entry point (``run()``: error handling, exit codes)."""
    monkeypatch.setattr(sys, "argv", ["mokmin", *args])
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        run()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def _folder(tmp_path: Path) -> Path:
    """A folder of our own (tmp_path also holds the test's MOKMIN_HOME)."""
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


# --- the engine -----------------------------------------------------------------------------------
def test_gongmun_finds_exactly_the_planted_errors_and_fixes_only_them(city):
    result = proofread(GONGMUN, mode="gongmun", profile=city)
    assert {(f.rule_id, f.text) for f in result.findings} == GONGMUN_PLANTED
    assert apply_safe_fixes(result.text, result.findings) == GONGMUN_FIXED
    after = proofread(GONGMUN_FIXED, mode="gongmun", profile=city)
    assert after.findings == []


def test_press_release_finds_exactly_the_planted_errors_and_fixes_only_them(city):
    text = "\n\n".join(PRESS) + "\n"
    result = proofread(text, mode="press", profile=city)
    assert {(f.rule_id, f.text) for f in result.findings} == PRESS_PLANTED
    assert apply_safe_fixes(result.text, result.findings) == "\n\n".join(PRESS_FIXED) + "\n"


def test_locations_are_one_based_line_and_column(city):
    result = proofread(GONGMUN, mode="gongmun", profile=city)
    where = {f.text: (line, column) for f, line, column in result.located()}
    assert where["됬"] == (13, 14)
    assert where["금번"] == (8, 4)
    lines = GONGMUN.split("\n")
    for f, line, column in result.located():
        assert lines[line - 1][column - 1 :].startswith(f.text)


def test_nfd_and_crlf_input_is_normalised_before_checking(city):
    text = unicodedata.normalize("NFD", "금번 행사를 연다.\r\n익일 다시 모인다.\r\n")
    result = proofread(text, profile=city)
    assert result.text == "금번 행사를 연다.\n익일 다시 모인다.\n"
    assert [f.text for f in result.findings] == ["금번", "익일"]
    assert [(line, column) for _, line, column in result.located()] == [(1, 1), (2, 1)]


def test_unknown_mode_is_an_input_error():
    from mokmin.errors import InputError

    with pytest.raises(InputError):
        proofread("글", mode="memo")  # type: ignore[arg-type]


# --- score --------------------------------------------------------------------------------------
def test_score_follows_the_documented_formula_and_moves_when_a_finding_is_fixed(city):
    text = "이번 행사는 시청 대회의실에서 금번 점검 결과를 함께 살핀다."  # 9 어절, 1 hard word
    result = proofread(text, profile=city)
    s = result.score
    assert (s.eojeol, s.hard_words, s.errors) == (9, 1, 0)
    assert s.ease == pytest.approx(70 * 0.5 ** ((100 / 9) / 5))
    assert s.accuracy == pytest.approx(30.0)
    fixed = proofread(apply_safe_fixes(result.text, result.findings), profile=city).score
    assert fixed.total == pytest.approx(100.0) and fixed.total > s.total

    with_error = proofread("지난 점검에서 누락됬던 항목을 다시 살핀다.", profile=city).score
    assert (with_error.errors, with_error.eojeol) == (1, 6)
    assert with_error.accuracy == pytest.approx(30 * 0.5 ** ((100 / 6) / 2.5))


def test_eojeol_count_ignores_bare_bullets():
    assert count_eojeol("□ 추진 배경\n  ㅇ 시민 의견 수렴\n - 끝") == 6
    assert score("", []).total == pytest.approx(100.0)


# --- de-duplication and safe fixes ----------------------------------------------------------------
def _f(rule, severity, start, end, text, suggestion=None, source="spelling", safe=False):
    return Finding(rule, severity, start, end, text, "메시지", suggestion, source, safe)


def test_same_span_keeps_the_most_severe_finding_and_info_under_a_warning_is_dropped():
    text = "금번에 모인다"
    info = _f("spelling.unknown-word", Severity.INFO, 0, 3, "금번에")
    warn = _f("publang.term", Severity.WARNING, 0, 2, "금번", "이번", "public_language", True)
    weak = _f("x.rule", Severity.INFO, 0, 2, "금번", None, "discrimination")
    kept = deduplicate([info, weak, warn])
    assert kept == [warn]
    assert apply_safe_fixes(text, kept) == "이번에 모인다"


def test_overlapping_safe_fixes_apply_once_and_stale_fixes_are_skipped():
    text = "논의 됬다 금번"
    error = _f("spelling.doe-dwae", Severity.ERROR, 3, 4, "됬", "됐", safe=True)
    overlapping = _f("spacing.x", Severity.WARNING, 0, 5, "논의 됬다", "논의됬다", safe=True)
    stale = _f("publang.term", Severity.WARNING, 6, 8, "익일", "다음 날", "public_language", True)
    not_safe = _f("publang.term", Severity.WARNING, 6, 8, "금번", "이번", "public_language", False)
    insert = _f("official.end-mark", Severity.WARNING, 8, 8, "", "  끝.", "official_style", True)
    assert select_safe_fixes(text, [overlapping, error, stale, not_safe, insert]) == [error, insert]
    assert apply_safe_fixes(text, [overlapping, error, stale, not_safe, insert]) == "논의 됐다 금번  끝."


# --- the command on files ------------------------------------------------------------------------
def test_cli_txt_fix_writes_a_corrected_copy_and_never_overwrites(tmp_path, monkeypatch, capsys):
    tmp_path = _folder(tmp_path)
    original = tmp_path / "공문.txt"
    original.write_text(GONGMUN, encoding="utf-8")
    code, out, _ = cli(monkeypatch, capsys, "proofread", str(original), "--mode", "gongmun")
    assert code == 1  # 됬 is an error
    assert "오류 13:14 spelling.doe-dwae" in out and "총점" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["공문.txt"]  # nothing written without --fix

    code, out, _ = cli(monkeypatch, capsys, "proofread", str(original), "--mode", "gongmun", "--fix")
    assert code == 0  # no errors remain
    fixed = tmp_path / "공문.교정.txt"
    assert fixed.read_text(encoding="utf-8") == GONGMUN_FIXED
    assert original.read_text(encoding="utf-8") == GONGMUN
    assert "6곳 고침" in out

    code, _, _ = cli(monkeypatch, capsys, "proofread", str(original), "--mode", "gongmun", "--fix")
    assert (tmp_path / "공문.교정-2.txt").read_text(encoding="utf-8") == GONGMUN_FIXED
    assert fixed.read_text(encoding="utf-8") == GONGMUN_FIXED


def test_cli_in_place_rewrites_the_original_only(tmp_path, monkeypatch, capsys):
    tmp_path = _folder(tmp_path)
    original = tmp_path / "공문.txt"
    original.write_text(GONGMUN, encoding="utf-8")
    code, _, _ = cli(monkeypatch, capsys, "proofread", str(original), "--mode", "gongmun", "--in-place")
    assert code == 0
    assert original.read_text(encoding="utf-8") == GONGMUN_FIXED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["공문.txt"]


def test_cli_cp949_crlf_text_is_decoded_reported_and_written_back_the_same_way(tmp_path, monkeypatch, capsys):
    original = tmp_path / "공문.txt"
    original.write_bytes(GONGMUN.replace("\n", "\r\n").encode("cp949"))
    code, _, err = cli(monkeypatch, capsys, "proofread", str(original), "--mode", "gongmun", "--fix")
    assert code == 0
    assert "CP949" in err
    assert (tmp_path / "공문.교정.txt").read_bytes() == GONGMUN_FIXED.replace("\n", "\r\n").encode("cp949")


def test_cli_json_report(tmp_path, monkeypatch, capsys):
    original = tmp_path / "공문.txt"
    original.write_text(GONGMUN, encoding="utf-8")
    args = ["proofread", str(original), "--mode", "gongmun", "--format", "json"]
    code, out, _ = cli(monkeypatch, capsys, *args)
    assert code == 1
    report = json.loads(out)
    assert report["mode"] == "gongmun" and report["format"] == "txt"
    error = next(f for f in report["findings"] if f["rule_id"] == "spelling.doe-dwae")
    assert (error["line"], error["column"], error["severity"]) == (13, 14, "error")
    assert (error["suggestion"], error["safe_fix"], error["text"]) == ("됐", True, "됬")
    assert {"line", "column", "rule_id", "severity", "message", "suggestion", "safe_fix"} <= set(error)
    assert report["score"]["hard_words"] == 3 and report["score"]["errors"] == 3
    assert 0 < report["score"]["total"] < 100

    code, out, _ = cli(monkeypatch, capsys, *args, "--fix")
    report = json.loads(out)
    assert code == 0
    assert report["fix"]["applied"] == 6 and report["fix"]["path"].endswith("공문.교정.txt")
    assert report["fix"]["score"]["total"] == pytest.approx(100.0)


def test_cli_reads_standard_input(monkeypatch, capsys):
    stdin = "금번 행사를 연다.\n".encode("cp949")
    code, out, _ = cli(monkeypatch, capsys, "proofread", "-", "--format", "json", stdin=stdin)
    report = json.loads(out)
    assert code == 0 and report["file"] == "-"
    assert [f["text"] for f in report["findings"]] == ["금번"]
    assert any("CP949" in note for note in report["notes"])


def test_cli_docx_fix_keeps_paragraph_styles_and_run_formatting(tmp_path, monkeypatch, capsys):
    path = tmp_path / "보도자료.docx"
    document = docx.Document()
    document.add_paragraph(PRESS[0], style="Title")
    document.add_paragraph(PRESS[1], style="Subtitle")
    split = document.add_paragraph(style="List Bullet")  # one sentence spread over three runs
    split.add_run("당진시는 3월 27일(월) 시청 대회의실에서 ")
    split.add_run("금").bold = True
    split.add_run(PRESS[2].split("대회의실에서 금", 1)[1])
    for text in PRESS[3:]:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "공개 시기"
    table.cell(0, 1).text = "가.\t익일 오전"
    document.save(path)

    code, out, _ = cli(monkeypatch, capsys, "proofread", str(path), "--mode", "press", "--fix")
    assert code == 0
    assert "문단 3:" in out  # locations are paragraphs in documents
    fixed = docx.Document(tmp_path / "보도자료.교정.docx")
    assert [p.text for p in fixed.paragraphs] == PRESS_FIXED
    assert [p.style.name for p in fixed.paragraphs] == ["Title", "Subtitle", "List Bullet"] + ["Normal"] * 3
    runs = fixed.paragraphs[2].runs
    assert [r.bold for r in runs] == [None, True, None]
    assert [r.text for r in runs[:2]] == ["당진시는 3월 27일(월) 시청 대회의실에서 ", "이번"]  # the word keeps its run
    assert [c.text for c in fixed.tables[0].rows[0].cells] == ["공개 시기", "가.\t다음 날 오전"]
    assert docx.Document(path).paragraphs[2].text == PRESS[2]  # the original is untouched


def test_cli_docx_json_gives_paragraph_positions(tmp_path, monkeypatch, capsys):
    path = tmp_path / "a.docx"
    document = docx.Document()
    document.add_paragraph("첫 문단입니다.")
    document.add_paragraph("둘째 문단에서 금번 행사를 알린다.")
    document.save(path)
    code, out, _ = cli(monkeypatch, capsys, "proofread", str(path), "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert (finding["paragraph"], finding["paragraph_column"], finding["text"]) == (2, 9, "금번")


def test_cli_hwpx_fix_rewrites_only_the_text_it_corrects(tmp_path, monkeypatch, capsys):
    lines = GONGMUN.strip("\n").split("\n")
    path = make_hwpx(tmp_path / "공문.hwpx", lines, table=[["구분", "내용"], ["대상", "금번 점검 대상 시설"]])
    code, out, _ = cli(monkeypatch, capsys, "proofread", str(path), "--mode", "gongmun", "--fix")
    assert code == 0, out
    fixed = tmp_path / "공문.교정.hwpx"
    expected = GONGMUN_FIXED.strip("\n").split("\n")
    from hwpx.document import HwpxDocument

    paragraphs = [p.text for p in HwpxDocument.open(fixed).paragraphs]
    assert [p for p in paragraphs if p] == [p for p in expected if p] + ["표 끝"]
    blocks = [b.text for b in read_document(fixed).blocks]
    assert "대상 | 이번 점검 대상 시설" in blocks
    with zipfile.ZipFile(path) as before, zipfile.ZipFile(fixed) as after:
        assert [i.filename for i in before.infolist()] == [i.filename for i in after.infolist()]
        assert after.infolist()[0].filename == "mimetype"
        assert after.infolist()[0].compress_type == zipfile.ZIP_STORED
        for info in before.infolist():
            if info.filename != "Contents/section0.xml":
                assert before.read(info) == after.read(info.filename)


def test_cli_hwpx_fix_drops_the_line_layout_only_of_edited_paragraphs(tmp_path, monkeypatch, capsys):
    """한글 stores line layout (hp:linesegarray) per paragraph; an edited paragraph must not keep a stale one."""
    path = make_hwpx(tmp_path / "a.hwpx", ["금번 행사를 연다.", "둘째 문단은 바르다."])
    layout = ('<hp:linesegarray><hp:lineseg textpos="0" vertpos="0" vertsize="1000" textheight="1000" '
              'baseline="850" spacing="600" horzpos="0" horzsize="42520" flags="393216"/></hp:linesegarray>')
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in members:
            if info.filename == "Contents/section0.xml":
                data = data.decode("utf-8").replace("</hp:run></hp:p>", f"</hp:run>{layout}</hp:p>").encode("utf-8")
            archive.writestr(info, data)
    code, _, _ = cli(monkeypatch, capsys, "proofread", str(path), "--fix")
    assert code == 0
    with zipfile.ZipFile(tmp_path / "a.교정.hwpx") as archive:
        xml = archive.read("Contents/section0.xml").decode("utf-8")
    edited = xml[xml.index("이번 행사를 연다."):].split("</hp:p>", 1)[0]
    untouched = xml[xml.index("둘째 문단은 바르다."):].split("</hp:p>", 1)[0]
    assert "linesegarray" not in edited and "linesegarray" in untouched
    assert xml.startswith("<?xml") and "<hp:p " in xml  # namespace prefixes kept


# --- bad input: clear Korean messages, exit 2, no traceback, nothing written --------------------------
def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    big = tmp_path / "큰파일.txt"
    with big.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)
    not_zip = tmp_path / "가짜.hwpx"
    not_zip.write_text("이 파일은 HWPX가 아닙니다.", encoding="utf-8")
    unknown = tmp_path / "표.xlsx"
    unknown.write_bytes(b"PK\x03\x04 not really")
    empty = tmp_path / "빈.txt"
    empty.write_bytes(b"")
    blank_docx = tmp_path / "빈.docx"
    docx.Document().save(blank_docx)
    long_text = tmp_path / "긴글.txt"  # 150,000 characters in 0.4 MB: under the byte limit, over the text limit
    long_text.write_text("가나다라 " * 30_000, encoding="utf-8")
    return {"파일이 너무 큽니다": big, "글이 너무 깁니다": long_text, "HWPX 파일이 아닙니다": not_zip, "교정할 수 없는 형식": unknown,
            "빈 파일": empty, "글자가 없습니다": blank_docx, "파일이 없습니다": tmp_path / "없는파일.txt"}


def test_cli_bad_inputs_fail_cleanly(tmp_path, monkeypatch, capsys):
    tmp_path = _folder(tmp_path)
    inputs = _bad_inputs(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    for expected, path in inputs.items():
        code, out, err = cli(monkeypatch, capsys, "proofread", str(path), "--fix")
        assert code == 2, (path, out, err)
        assert expected in err and "Traceback" not in err + out, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    code, _, err = cli(monkeypatch, capsys, "proofread", "-", "--fix", stdin="금번".encode())
    assert code == 2 and "표준 입력" in err


def test_bad_input_through_the_installed_entry_point_has_no_traceback(tmp_path):
    path = tmp_path / "가짜.hwpx"
    path.write_text("zip이 아님", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mokmin", "proofread", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "HWPX 파일이 아닙니다" in proc.stderr and "Traceback" not in proc.stderr
