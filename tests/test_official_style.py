"""공문서 표기 checker: correct official text stays untouched; every planted error is caught (and fixed right)."""

from __future__ import annotations

import pytest

from mokmin.checks.finding import Severity
from mokmin.checks.official_style import check_official_style, hangul_reading, parse_hangul_number
from mokmin.errors import InputError

# a 기안문 body written to the 2025 행정업무운영 편람 (dates checked against the calendar)
GONGMUN = """1. 관련: 총무과-1234(2023. 3. 2.)
2. 위 호와 관련하여 「개인정보 보호법」 제29조와 「공공기록물 관리에 관한 법률」 제3조에 따른 \
개인정보 보호 교육을 다음과 같이 실시하오니, 소속 직원이 참석할 수 있도록 협조하여 주시기 바랍니다.
  가. 일시: 2023. 3. 27.(월) 14:00∼16:00
  나. 장소: 당진시청 대회의실(4층)
  다. 대상: 각 부서 개인정보 보호 담당자 등 120명
  라. 교육 내용
    1) 개인정보 처리 단계별 보호 조치
    2) 생성형 인공지능 사용 시 유의 사항
      가) 업무 협약(MOU) 문서 등 대외비 자료 입력 금지
      나) 「당진시 개인정보 보호 조례」 제5조에 따른 사전 검토
  마. 소요 예산: 금1,200,000원(금일백이십만원)
3. 교육 기간은 2023. 3. 27.(월)∼3. 31.(금)이며, 참석자 명단은 2023. 3. 22.(수)까지 제출하여 주시기 바랍니다.

붙임  1. 교육 계획서 1부.
      2. 참석자 명단 서식 1부.  끝.
"""

# a 보도자료 in 기사체, as a city would send it
PRESS = """보도자료
보도시점: 2024. 5. 7.(화) 조간
배포 일시: 2024. 5. 6.(월) 10:00

당진시, 전직원 생성형 인공지능 교육 연다
- 직원 300명 대상, 「개인정보 보호법」 수칙 함께 다뤄 -

당진시는 5월 7일(화) 오후 2시 시청 대회의실에서 직원 300명을 대상으로 생성형 인공지능(AI) 활용 교육을 연다.

교육비는 1인당 2만 원이며, 총사업비 1,200만 원은 시비로 마련했다.

시는 지난 3월 27일 간부회의에서 교육 계획을 논의했으며, 제2차 교육은 9월에 열 계획이다.

오성환 시장은 "직원 모두가 새로운 기술을 안전하게 쓰도록 돕겠다"라고 말했다.

담당 부서: 정보통신과
담당자: 김민수 (☎ 041-360-0000)
"""

CORRECT_SENTENCES = [
    "회의는 2023. 3. 27.(월) 14:00에 시작합니다.",
    "신청 기간: 2023. 3. 27.(월)∼4. 14.(금)",
    "운영 시간은 09:00∼18:00입니다.",
    "배점 비율은 3:1로 정했다.",
    "제1조(목적) 이 조례는 주민자치회의 설치에 필요한 사항을 정한다.",
    "「행정업무의 운영 및 혁신에 관한 규정」 제7조에 따라 작성한다.",
    "자세한 내용은 누리집(https://www.dangjin.go.kr/2023.3.27/notice)을 보세요.",
    "50여 명이 3일간 참석했고 3시간 동안 토론했다.",
    "(사) 한국지역정보개발원과 협약을 맺었다.",
    "지역 경제 1조 원 규모의 효과를 분석했다.",
    "한글 맞춤법에 따라 고쳤다.",
    "안전에 관한 규정을 정비했다.",
    "오전에 회의를 열었다.",
    "1.5배 늘었다.",
    "도로교통법을 잘 지키자.",
    "이 자료는 2023. 3. 27. 기준입니다.",
    "남녀 비율은 청군:백군처럼 나타낸다.",
    "예산은 5억 원, 1인당 1,200만 원이다.",
    "업무 협약(MOU)을 맺었다.",
    "버전 2023.3.27.1 파일을 내려받았다.",
]


def _without_end_mark(findings):
    """Single sentences are not whole 공문서: leave out the missing-끝. warning."""
    return [f for f in findings if f.rule_id != "official.end-mark-missing"]


def _apply(text, finding):
    return text[: finding.start] + finding.suggestion + text[finding.end :]


@pytest.mark.parametrize("mode", ["gongmun", "general", "press"])
def test_correct_gongmun_is_untouched(mode):
    assert check_official_style(GONGMUN, mode=mode) == []


@pytest.mark.parametrize("mode", ["press", "general"])
def test_correct_press_release_is_untouched(mode):
    findings = [f for f in check_official_style(PRESS, mode=mode) if f.severity is not Severity.INFO]
    assert findings == []


def test_press_mode_only_notes_afternoon_hours():
    findings = check_official_style(PRESS, mode="press")
    assert [(f.rule_id, f.text, f.severity, f.safe_fix) for f in findings] == [
        ("official.time-24h", "오후 2시", Severity.INFO, False)
    ]
    assert findings[0].suggestion == "14:00"


@pytest.mark.parametrize("sentence", CORRECT_SENTENCES)
@pytest.mark.parametrize("mode", ["general", "press"])
def test_correct_sentences_are_untouched(sentence, mode):
    assert check_official_style(sentence, mode=mode) == []


def test_seed_human_release_has_no_official_findings(fixtures_dir):
    text = (fixtures_dir / "seed_human_release.txt").read_text(encoding="utf-8")
    assert check_official_style(text, mode="press") == []
    assert check_official_style(text, mode="general") == []


# (correct, planted, rule, mode, severity, safe_fix):
# applying the finding's suggestion must give back the correct text
PLANTED = [
    # dates
    ("2023. 3. 27.(월) 14:00∼", "2023.3.27.(월) 14:00∼", "date-format", "general", Severity.WARNING, True),
    ("2023. 3. 27.(월) 14:00∼", "2023. 03. 27.(월) 14:00∼", "date-zero-padding", "general", Severity.WARNING,
     True),
    ("2023. 3. 27.(월) 14:00∼", "2023. 3. 27(월) 14:00∼", "date-period", "general", Severity.WARNING, True),
    ("2023. 3. 27.(월) 14:00∼", "2023. 3. 27. (월) 14:00∼", "date-weekday-format", "general", Severity.WARNING,
     True),
    ("2023. 3. 27.(월) 14:00∼", "2023. 3. 27. 월요일 14:00∼", "date-weekday-format", "general", Severity.WARNING,
     True),
    ("2023. 3. 27.(월) 14:00∼", "'23. 3. 27.(월) 14:00∼", "date-year", "general", Severity.WARNING, False),
    ("2023. 3. 27.(월) 14:00∼", "2023-03-27(월) 14:00∼", "date-format", "general", Severity.WARNING, True),
    ("2023. 3. 27.(월) 14:00∼", "2023/3/27(월) 14:00∼", "date-format", "press", Severity.WARNING, True),
    ("2023. 3. 22.(수)까지", "2023년 3월 22일(수)까지", "date-format", "gongmun", Severity.WARNING, False),
    ("2023. 3. 27.(월) 14:00∼", "2023. 3. 27.(화) 14:00∼", "date-weekday", "press", Severity.ERROR, False),
    ("∼3. 31.(금)이며", "∼3. 31.(목)이며", "date-weekday", "general", Severity.ERROR, False),
    ("2023. 3. 22.(수)까지", "2023. 2. 30.까지", "date-invalid", "general", Severity.ERROR, None),
    ("2023. 3. 22.(수)까지", "2023. 3. 22일(수)까지", "date-format", "general", Severity.WARNING, True),
    # times and ranges
    ("14:00∼16:00", "14 : 00∼16:00", "time-format", "general", Severity.WARNING, True),
    ("14:00∼16:00", "오후 2시∼16:00", "time-24h", "gongmun", Severity.WARNING, True),
    ("14:00∼16:00", "14시∼16:00", "time-24h", "gongmun", Severity.WARNING, True),
    ("14:00∼16:00", "2:00 PM∼16:00", "time-24h", "general", Severity.WARNING, True),
    ("14:00∼16:00", "14:00 ∼ 16:00", "range-spacing", "press", Severity.WARNING, True),
    ("∼3. 31.(금)이며", "∼3. 31.(금)까지이며", "range-kkaji", "general", Severity.WARNING, False),
    # money
    ("금1,200,000원(금일백이십만원)", "금 1,200,000원(금일백이십만원)", "money-format", "gongmun", Severity.WARNING, True),
    ("금1,200,000원(금일백이십만원)", "일금1,200,000원정(금일백이십만원)", "money-format", "gongmun", Severity.WARNING,
     True),
    ("금1,200,000원(금일백이십만원)", "금1200000원(금일백이십만원)", "money-comma", "gongmun", Severity.WARNING, True),
    ("금1,200,000원(금일백이십만원)", "금1,200,000원(금백이십만원)", "money-reading-form", "gongmun", Severity.WARNING,
     True),
    ("금1,200,000원(금일백이십만원)", "금1,200,000원(금일백이십삼만원)", "money-reading", "gongmun", Severity.ERROR,
     False),
    ("금1,200,000원(금일백이십만원)", "금1,200,000원", "money-format", "gongmun", Severity.WARNING, False),
    # items
    ("  마. 소요", "  바. 소요", "item-number", "general", Severity.WARNING, False),
    ("    2) 생성형", "    3) 생성형", "item-number", "gongmun", Severity.WARNING, False),
    ("      가) 업무", "      (가) 업무", "item-level", "general", Severity.WARNING, False),
    ("    1) 개인정보", "   1) 개인정보", "item-indent", "gongmun", Severity.WARNING, True),
    ("  가. 일시", "  가.  일시", "item-space", "general", Severity.WARNING, True),
    ("  가. 일시", "  가.일시", "item-space", "general", Severity.WARNING, True),
    ("3. 교육 기간은", "3.교육 기간은", "item-space", "general", Severity.WARNING, True),
    # 붙임 and 끝.
    ("1부.  끝.", "1부.", "end-mark-missing", "gongmun", Severity.WARNING, False),
    ("1부.  끝.", "1부. 끝.", "end-mark-spacing", "gongmun", Severity.WARNING, True),
    ("1부.  끝.", "1부.끝", "end-mark-spacing", "gongmun", Severity.WARNING, True),
    ("붙임  1.", "붙임: 1.", "attachment-colon", "general", Severity.WARNING, True),
    ("붙임  1.", "붙임 1.", "attachment-spacing", "gongmun", Severity.WARNING, True),
    ("붙임  1.", "첨부  1.", "attachment-label", "gongmun", Severity.WARNING, True),
    ("교육 계획서 1부.", "교육 계획서 1부", "attachment-period", "gongmun", Severity.WARNING, True),
    ("교육 계획서 1부.", "교육 계획서.", "attachment-quantity", "gongmun", Severity.WARNING, False),
    # marks, 제-, law names, foreign words
    ("관련: 총무과", "관련 : 총무과", "colon-spacing", "general", Severity.WARNING, True),
    ("관련: 총무과", "관련:총무과", "colon-spacing", "gongmun", Severity.WARNING, True),
    ("총무과-1234(2023. 3. 2.)", "총무과 - 1234 (2023. 3. 2.)", "doc-ref", "gongmun", Severity.WARNING, True),
    ("제29조와", "제 29조와", "prefix-je", "general", Severity.WARNING, True),
    ("「개인정보 보호법」 제29조", "개인정보 보호법 제29조", "law-name", "general", Severity.WARNING, False),
    ("「공공기록물 관리에 관한 법률」", "공공기록물 관리에 관한 법률", "law-name", "gongmun", Severity.WARNING, False),
    ("「당진시 개인정보 보호 조례」", "당진시 개인정보 보호 조례", "law-name", "gongmun", Severity.WARNING, False),
    ("업무 협약(MOU)", "MOU(업무 협약)", "foreign-order", "general", Severity.INFO, False),
]


@pytest.mark.parametrize(("correct", "planted", "rule", "mode", "severity", "safe"), PLANTED)
def test_planted_error_is_caught_and_fixed_right(correct, planted, rule, mode, severity, safe):
    assert GONGMUN.count(correct) == 1
    at = GONGMUN.index(correct)
    text = GONGMUN.replace(correct, planted)
    findings = check_official_style(text, mode=mode)
    hits = [f for f in findings if f.rule_id == f"official.{rule}"]
    assert hits, findings
    hit = hits[0]
    assert hit.severity is severity
    assert hit.source == "official_style"
    assert hit.text == text[hit.start : hit.end]
    assert "근거:" in hit.message
    if safe is not None:
        assert hit.safe_fix is safe
    if hit.suggestion is not None:
        assert _apply(text, hit) == GONGMUN
    # precision: nothing is reported away from the planted change
    for f in findings:
        assert f.start <= at + len(planted) and f.end >= at, f


def test_wrong_weekday_is_an_error_and_never_a_safe_fix():
    text = GONGMUN.replace("2023. 3. 27.(월) 14:00", "2023. 3. 27.(화) 14:00")
    [hit] = [f for f in check_official_style(text) if f.rule_id == "official.date-weekday"]
    assert hit.severity is Severity.ERROR and not hit.safe_fix
    assert hit.suggestion == "2023. 3. 27.(월)" and hit.extra["weekday"] == "월"


def test_hangul_dates_are_only_flagged_in_gongmun_mode():
    text = "회의는 2023년 3월 27일(월)에 열린다."
    assert check_official_style(text, mode="press") == []
    assert check_official_style(text, mode="general") == []
    [hit] = _without_end_mark(check_official_style(text, mode="gongmun"))
    assert hit.suggestion == "2023. 3. 27.(월)"
    wrong = check_official_style("회의는 2023년 3월 27일(화)에 열린다.", mode="press")
    assert [f.rule_id for f in wrong] == ["official.date-weekday"]


def test_times_by_mode():
    text = "행사는 오후 3시 20분에 시작한다."
    press = check_official_style(text, mode="press")
    gongmun = _without_end_mark(check_official_style(text, mode="gongmun"))
    assert [(f.severity, f.safe_fix, f.suggestion) for f in press] == [(Severity.INFO, False, "15:20")]
    assert [(f.severity, f.safe_fix, f.suggestion) for f in gongmun] == [(Severity.WARNING, True, "15:20")]
    # an hour without 오전/오후 cannot be converted safely
    [bare] = _without_end_mark(check_official_style("회의는 3시에 시작한다.", mode="gongmun"))
    assert bare.severity is Severity.INFO and not bare.safe_fix and "15:00" in bare.message
    assert check_official_style("회의는 3시에 시작한다.", mode="general") == []
    assert _without_end_mark(check_official_style("인구 5만 이상 5시 3군이 참여했다.", mode="gongmun")) == []


def test_money_in_press_and_general_modes():
    for mode in ("press", "general"):
        [unit] = check_official_style("사업비는 345천원이다.", mode=mode)
        assert (unit.rule_id, unit.suggestion, unit.safe_fix) == ("official.money-unit", "345,000원", True)
        [comma] = check_official_style("사업비는 1200만 원이다.", mode=mode)
        assert (comma.rule_id, comma.suggestion, comma.safe_fix) == ("official.money-comma", "1,200", True)
        [spacing] = check_official_style("사업비는 5억원이다.", mode=mode)
        assert (spacing.rule_id, spacing.severity) == ("official.money-spacing", Severity.INFO)
        assert (spacing.text, spacing.suggestion) == ("억원", "억 원")
        both = check_official_style("사업비는 1200만원이다.", mode=mode)
        assert [(f.text, f.suggestion, f.safe_fix) for f in both] == [("1200", "1,200", True), ("만원", "만 원", True)]
        assert check_official_style("지원금 113,560원을 5억 원 사업에 더했다.", mode=mode) == []
    [gongmun] = _without_end_mark(check_official_style("사업비는 5억 원이다.", mode="gongmun"))
    assert gongmun.severity is Severity.INFO and gongmun.suggestion == "금500,000,000원(금오억원)"


def test_bare_amounts_in_gongmun_suggest_the_full_form():
    [plain] = _without_end_mark(check_official_style("참가비는 113,560원입니다.", mode="gongmun"))
    assert plain.severity is Severity.INFO
    assert plain.suggestion == "금113,560원(금일십일만삼천오백육십원)"
    assert check_official_style("참가비는 금113,560원(금일십일만삼천오백육십원)입니다.  끝.", mode="gongmun") == []


@pytest.mark.parametrize(
    ("value", "reading"),
    [
        (113_560, "일십일만삼천오백육십"),
        (234_580, "이십삼만사천오백팔십"),
        (18_980, "일만팔천구백팔십"),
        (1_200_000, "일백이십만"),
        (10_001, "일만일"),
        (100_000_000, "일억"),
        (2_000_030_000_000, "이조삼천만"),
        (0, "영"),
    ],
)
def test_hangul_reading(value, reading):
    assert hangul_reading(value) == reading
    assert parse_hangul_number(reading) == value


def test_hangul_reading_round_trips_and_parses_without_il():
    for value in list(range(0, 2_000, 7)) + [10**k + d for k in range(4, 14) for d in (0, 1, 10_001, 999)]:
        assert parse_hangul_number(hangul_reading(value)) == value
    assert parse_hangul_number("십일만삼천오백육십") == 113_560
    assert parse_hangul_number("만") == 10_000
    assert parse_hangul_number("일이") is None
    assert parse_hangul_number("일십원") is None


def test_item_markers_continue_after_ha_with_geo():
    lines = [f"  {ch}. 내용" for ch in "가나다라마바사아자차카타파하거"]
    text = "1. 다음과 같이 알립니다.\n" + "\n".join(lines) + "\n2. 끝으로 확인합니다.\n"
    assert [f for f in check_official_style(text) if f.rule_id.startswith("official.item")] == []
    skipped = text.replace("  거. 내용", "  너. 내용")
    [hit] = [f for f in check_official_style(skipped) if f.rule_id == "official.item-number"]
    assert hit.suggestion == "거."


def test_items_without_indentation_are_not_judged_for_indentation():
    flat = "\n".join(line.lstrip() for line in GONGMUN.splitlines())
    assert "official.item-indent" not in {f.rule_id for f in check_official_style(flat, mode="gongmun")}


def test_single_item_and_single_attachment_in_gongmun():
    text = "1. 교육을 실시합니다.\n  가. 일시: 2023. 3. 27.(월) 14:00\n2. 참석 바랍니다.\n\n붙임  1. 교육 계획서 1부.  끝.\n"
    findings = check_official_style(text, mode="gongmun")
    single = [f for f in findings if f.rule_id == "official.item-single"]
    assert [f.text for f in single] == ["가. "]
    [number] = [f for f in findings if f.rule_id == "official.attachment-number"]
    assert number.severity is Severity.INFO and number.safe_fix
    assert _apply(text, number).endswith("붙임  교육 계획서 1부.  끝.\n")
    two = "본문입니다.\n\n붙임  교육 계획서 1부.\n      참석자 명단 1부.  끝.\n"
    findings = check_official_style(two, mode="gongmun")
    [unnumbered] = [f for f in findings if f.rule_id == "official.attachment-number"]
    assert unnumbered.severity is Severity.WARNING


def test_end_mark_only_in_gongmun_mode():
    text = GONGMUN.replace("  끝.", "")
    assert "official.end-mark-missing" in {f.rule_id for f in check_official_style(text, mode="gongmun")}
    assert check_official_style(text, mode="general") == []
    # a table filled partway ends with 이하 빈칸 instead
    table = "1. 명단은 다음과 같습니다.\n2. 빈칸은 채우지 않습니다.\n| 김민수 | 정보통신과 |\n| 이하 빈칸 | |\n"
    assert check_official_style(table, mode="gongmun") == []


def test_foreign_words_and_hanja_are_information_only():
    findings = check_official_style("시는 MOU를 맺고 旣보증 잔액을 점검했다.", mode="general")
    assert {(f.rule_id, f.severity) for f in findings} == {
        ("official.foreign-hangul", Severity.INFO), ("official.foreign-hanja", Severity.INFO)}
    assert check_official_style("시는 업무 협약(MOU)을 맺고 MOU 이행을 점검했다.", mode="general") == []


def test_law_names_in_press_mode_are_information():
    [hit] = check_official_style("시는 개인정보 보호법에 따라 교육을 한다.", mode="press")
    assert hit.severity is Severity.INFO and hit.suggestion == "「개인정보 보호법」"
    [hit] = check_official_style("이번 지방자치법 개정으로 권한이 늘었다.", mode="general")
    assert hit.text == "지방자치법"


def test_unknown_mode_is_an_input_error():
    with pytest.raises(InputError):
        check_official_style("본문", mode="report")  # type: ignore[arg-type]


def _apply_all_safe(text, findings):
    """Apply non-overlapping safe fixes right to left (the contract proofread's apply_safe_fixes relies on)."""
    chosen = []
    for f in sorted((f for f in findings if f.safe_fix), key=lambda f: (f.start, f.end)):
        if chosen and f.start < chosen[-1].end:
            continue
        chosen.append(f)
    for f in reversed(chosen):
        text = _apply(text, f)
    return text


def test_all_safe_fixes_together_restore_the_document():
    broken = GONGMUN
    for good, bad in [
        ("관련: 총무과-1234(2023. 3. 2.)", "관련 : 총무과 - 1234 (2023.3.2.)"),
        ("제29조와", "제 29조와"),
        ("  가. 일시: 2023. 3. 27.(월) 14:00∼16:00", "  가.  일시:2023. 03. 27 (월) 14 : 00 ∼ 16:00"),
        ("    1) 개인정보", "   1) 개인정보"),
        ("금1,200,000원(금일백이십만원)", "일금 1200000원정(금 일백이십만 원)"),
        ("붙임  1.", "붙임: 1."),
        ("1부.  끝.", "1부. 끝."),
    ]:
        assert good in broken
        broken = broken.replace(good, bad)
    findings = check_official_style(broken, mode="gongmun")
    assert all(f.safe_fix for f in findings), [f for f in findings if not f.safe_fix]
    assert _apply_all_safe(broken, findings) == GONGMUN
