"""The fact-lock checker on the seed's two releases and on planted errors."""

import json

import pytest

from mokmin.checks.finding import Severity
from mokmin.checks.press_release import check_press_release
from mokmin.press.brief import parse_free_text, parse_structured, read_brief_file
from mokmin.profile import load_profile


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def _errors(findings):
    return [f for f in findings if f.severity is Severity.ERROR]


@pytest.fixture(scope="module")
def chatgpt_findings(fixtures_dir, profile):
    text = (fixtures_dir / "seed_chatgpt_release.txt").read_text(encoding="utf-8")
    brief = read_brief_file(fixtures_dir / "seed_brief.txt")
    return text, check_press_release(text, brief, profile)


@pytest.mark.parametrize("invented", ["고객 응대 시스템", "온라인 상담 서비스", "실시간 피드백 시스템"])
def test_chatgpt_release_invented_systems_are_errors(chatgpt_findings, invented):
    text, findings = chatgpt_findings
    hits = [f for f in _errors(findings) if f.rule_id == "factlock.term" and invented in f.text]
    assert hits, f"{invented} not flagged"
    assert text[hits[0].start : hits[0].end] == hits[0].text


def test_chatgpt_release_added_morning_is_an_error(chatgpt_findings):
    text, findings = chatgpt_findings
    times = [f for f in _errors(findings) if f.rule_id == "factlock.time"]
    assert [f.text for f in times] == ["오전"]
    assert text[times[0].start : times[0].end] == "오전"


def test_chatgpt_release_boilerplate_ending(chatgpt_findings):
    text, findings = chatgpt_findings
    closing = [f for f in findings if f.rule_id == "press.boilerplate-closing"]
    assert len(closing) >= 4
    assert all(f.severity is Severity.ERROR for f in closing)
    last_paragraph = "이를 계기로 당진시의 행정 업무는 더욱 발전하고"
    assert any(f.text.startswith(last_paragraph) for f in closing)
    assert any("앞으로도 당진시는" in f.text for f in closing)
    # the paragraphs before the quotation are not boilerplate
    assert not any("고객 응대 시스템" in f.text for f in closing)


def test_chatgpt_release_quotes_not_in_brief(chatgpt_findings):
    _, findings = chatgpt_findings
    quotes = [f for f in findings if f.rule_id == "factlock.quote"]
    assert len(quotes) == 2
    assert "주력하겠다" in quotes[1].text


def test_chatgpt_release_supported_facts_are_not_flagged(chatgpt_findings):
    _, findings = chatgpt_findings
    flagged = " ".join(f.text for f in findings if f.rule_id.startswith("factlock.") and f.rule_id != "factlock.sentence")
    for supported in ("27일", "7층", "오성환 시장", "2023년 3월 월요 티타임"):
        assert supported not in flagged


def test_human_release_against_human_facts_has_no_error(fixtures_dir, profile):
    text = (fixtures_dir / "seed_human_release.txt").read_text(encoding="utf-8")
    brief = read_brief_file(fixtures_dir / "seed_human_brief.yaml")
    findings = check_press_release(text, brief, profile)
    assert _errors(findings) == []
    assert [f.rule_id for f in findings if f.rule_id.startswith("factlock.")] == []


def test_human_release_against_the_short_brief_is_not_blindly_accepted(fixtures_dir, profile):
    """The checker is not vacuous: facts the short brief lacks are caught in the human text too."""
    text = (fixtures_dir / "seed_human_release.txt").read_text(encoding="utf-8")
    brief = read_brief_file(fixtures_dir / "seed_brief.txt")
    flagged = " ".join(f.text for f in _errors(check_press_release(text, brief, profile)))
    assert "오픈에이아이" in flagged
    assert "5월" in flagged
    assert "인공지능 기술의 발전을" in flagged  # the quotation


BRIEF = """일시: 2024. 5. 7.(화) 14:00
장소: 시청 대회의실
행사: 전직원 생성형 AI 교육
주재: 오성환 시장
참석: 직원 300명
내용:
  - 생성형 AI 행정 활용 사례와 개인정보 보호 수칙 교육
인용:
  - 발언자: 오성환 시장
    내용: 직원 모두가 새로운 기술을 안전하게 쓰도록 돕겠다
담당:
  부서: 정보통신과
  담당자: 김민수
  연락처: 041-360-0000
"""
CLEAN = """당진시, 전직원 생성형 AI 교육 개최
- 직원 300명 참석 -

당진시는 5월 7일(화) 14:00 시청 대회의실에서 전직원 생성형 AI 교육을 개최했다.

이날 교육은 생성형 AI 행정 활용 사례와 개인정보 보호 수칙을 다뤘으며 직원 300명이 참석했다.

오성환 시장은 "직원 모두가 새로운 기술을 안전하게 쓰도록 돕겠다"라고 말했다.

담당 부서: 정보통신과
담당자: 김민수 (☎ 041-360-0000)

※ 이 자료는 생성형 인공지능(목민)이 작성한 초안을 담당 공무원이 검토·수정한 것입니다.
"""


def _check(text, origin="ai", writing=False):
    return check_press_release(text, parse_structured(BRIEF, fmt="yaml"), load_profile(), origin=origin,
                               writing=writing)


def test_a_correct_release_stays_clean():
    assert _check(CLEAN) == []


def test_the_proofreader_runs_on_the_release_body_only_and_only_suggests():
    findings = _check(CLEAN, writing=True)
    assert {f.source for f in findings} <= {"spelling", "public_language"}
    assert all(f.severity is not Severity.ERROR and not f.safe_fix for f in findings)
    assert {f.text for f in findings} == {"전직원", "AI"}  # 전 직원 (띄어쓰기), 인공 지능 (공공언어)
    assert not any("김민수" in f.text or "정보통신과" in f.text for f in findings)  # not in the 담당 table
    spaced = _check(CLEAN.replace("전직원", "전 직원"), writing=True)
    assert {f.text for f in spaced} == {"AI"}


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("5월 7일(화)", "5월 8일(화)", "factlock.date"),
        ("14:00", "15:00", "factlock.time"),
        ("직원 300명이", "직원 350명이", "factlock.number"),
        ("041-360-0000", "041-360-1234", "factlock.phone"),
        ("오성환 시장은", "오성환 부시장은", "factlock.title"),
        ("정보통신과", "미래전략과", "factlock.term"),
        ("오성환 시장은 \"", "김철수 시장은 \"", "factlock.name"),
        ("안전하게 쓰도록 돕겠다", "적극 활용하도록 지원하겠다", "factlock.quote"),
        ("다뤘으며", "다뤘고, 스마트 민원 안내 챗봇 시범 도입도 발표했으며", "factlock.term"),
    ],
)
def test_planted_errors_are_caught(old, new, rule):
    assert old in CLEAN
    findings = _check(CLEAN.replace(old, new, 1))
    assert rule in {f.rule_id for f in findings if f.severity is Severity.ERROR}, findings


def test_weekday_that_does_not_match_the_date():
    text = CLEAN.replace("5월 7일(화)", "2024. 5. 7.(수)")
    assert "factlock.weekday" in {f.rule_id for f in _check(text)}


def test_form_rules():
    long_title = CLEAN.replace("당진시, 전직원 생성형 AI 교육 개최", "당진시, 전직원 생성형 AI 교육 개최 " + "교육 " * 10)
    assert "press.title-length" in {f.rule_id for f in _check(long_title)}
    no_disclosure = CLEAN.split("※")[0]
    ai = {f.rule_id: f.severity for f in _check(no_disclosure, origin="ai")}
    assert ai["press.disclosure-missing"] is Severity.ERROR
    assert "press.disclosure-missing" not in {f.rule_id for f in _check(no_disclosure, origin="human")}
    no_contact = CLEAN.replace("담당 부서: 정보통신과\n담당자: 김민수 (☎ 041-360-0000)\n", "")
    assert "press.contact-missing" in {f.rule_id for f in _check(no_contact)}
    placeholder = CLEAN.replace("김민수 (☎ 041-360-0000)", "【입력 필요: 직위·이름·연락처】")
    errors = {f.rule_id for f in _check(placeholder) if f.severity is Severity.ERROR}
    assert "press.placeholder" in errors


def test_hype_and_effect_claims():
    text = CLEAN.replace("참석했다.", "참석했다. 이번 교육은 획기적인 변화를 가져올 것으로 기대된다.")
    rules = {f.rule_id for f in _check(text)}
    assert {"press.hype", "press.unsupported-effect"} <= rules


def test_free_text_brief_support():
    brief = parse_free_text("3월 27일(월) 시청에서 회의를 열어 예산 5억 원을 확정했다.")
    text = "당진시, 예산 확정\n\n당진시는 3월 27일(월) 회의를 열어 예산 7억 원을 확정했다.\n"
    findings = check_press_release(text, brief, load_profile())
    assert [f.text for f in findings if f.rule_id == "factlock.number"] == ["7억"]


def test_findings_serialise_to_the_documented_json_shape(chatgpt_findings):
    _, findings = chatgpt_findings
    data = json.loads(json.dumps([f.to_dict() for f in findings], ensure_ascii=False))
    for item in data:
        assert {"rule_id", "severity", "start", "end", "text", "message", "suggestion"} <= item.keys()
        assert item["severity"] in ("error", "warning", "info")
