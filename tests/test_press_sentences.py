"""보도자료 sentence style: length, hype, hearsay/hedged endings, boilerplate closings, tense around the event."""

from __future__ import annotations

import datetime as dt

import pytest

from mokmin.checks.finding import Severity
from mokmin.checks.press_style import check_press_sentences, check_press_style
from mokmin.press.layout import parse_layout

EVENT = dt.date(2024, 5, 7)
BEFORE = dt.date(2024, 5, 6)
AFTER = dt.date(2024, 5, 8)

RELEASE = """당진시, 전직원 생성형 인공지능 교육 연다
- 직원 300명 대상, 개인정보 보호 수칙 함께 다뤄 -

당진시는 5월 7일(화) 14:00 시청 대회의실에서 직원 300명을 대상으로 생성형 인공지능 활용 교육을 연다.

교육은 행정 문서 작성 보조, 민원 안내문 초안 작성, 번역 등 세 가지 실습으로 진행한다.

시는 지난 3월 간부회의에서 교육 계획을 논의했으며, 교육 뒤 설문 결과를 반영해 9월에 2차 교육을 열 계획이다.

오성환 시장은 "직원 모두가 새로운 기술을 안전하게 쓰도록 돕겠다"라고 말했다.

담당 부서: 정보통신과
담당자: 김민수 (☎ 041-360-0000)
"""
HELD = RELEASE.replace("교육을 연다.", "교육을 열었다.").replace("진행한다.", "진행했다.")


def _rules(findings):
    return {f.rule_id for f in findings}


def test_correct_release_is_untouched_before_and_after_the_event():
    assert check_press_sentences(RELEASE, event_date=EVENT, release_date=BEFORE) == []
    assert check_press_sentences(HELD, event_date=EVENT, release_date=AFTER) == []
    assert check_press_sentences(RELEASE) == []


def test_seed_human_release_has_only_long_sentence_warnings(fixtures_dir):
    text = (fixtures_dir / "seed_human_release.txt").read_text(encoding="utf-8")
    findings = check_press_sentences(text, event_date=dt.date(2023, 3, 27), release_date=dt.date(2023, 3, 27))
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert {f.rule_id for f in findings} == {"press.sentence-length"}
    assert sorted(f.extra["chars"] for f in findings) == [102, 106, 119, 144]
    for f in findings:
        assert text[f.start : f.end] == f.text and f.severity is Severity.WARNING


def test_seed_chatgpt_release_boilerplate_without_a_brief(fixtures_dir):
    text = (fixtures_dir / "seed_chatgpt_release.txt").read_text(encoding="utf-8")
    findings = check_press_sentences(text)
    closing = [f for f in findings if f.rule_id == "press.boilerplate-closing"]
    assert len(closing) >= 4 and all(f.severity is Severity.ERROR for f in closing)
    assert any("앞으로도 당진시는" in f.text for f in closing)
    assert "press.hedge" not in _rules(findings)  # its '…할 것' claims are reported once, as effect claims


@pytest.mark.parametrize(
    ("old", "new", "rule", "severity"),
    [
        ("교육을 연다.", "교육을 개최했다.", "press.tense", Severity.WARNING),
        ("실습으로 진행한다.", "실습으로 진행한다고 한다.", "press.hearsay", Severity.WARNING),
        ("실습으로 진행한다.", "실습으로 진행하는 것으로 알려졌다.", "press.hearsay", Severity.WARNING),
        ("실습으로 진행한다.", "실습으로 진행할 듯하다.", "press.hedge", Severity.WARNING),
        ("실습으로 진행한다.", "실습으로 진행하는 것 같다.", "press.hedge", Severity.WARNING),
        ("실습으로 진행한다.", "실습으로 진행할 것이다.", "press.hedge", Severity.WARNING),
        ("라고 말했다.", "라고 전했다.", "press.quote-verb", Severity.INFO),
        ("교육은 행정", "교육은 전국 최초로 행정", "press.hype", Severity.WARNING),
        ("3월 간부회의", "3월 간부회의", None, None),
    ],
)
def test_planted_sentence_errors(old, new, rule, severity):
    assert old in RELEASE
    text = RELEASE.replace(old, new, 1)
    findings = check_press_sentences(text, event_date=EVENT, release_date=BEFORE)
    if rule is None:
        assert findings == []
        return
    hits = [f for f in findings if f.rule_id == rule]
    assert hits, findings
    assert hits[0].severity is severity
    assert hits[0].text == text[hits[0].start : hits[0].end]
    start = text.index(new)
    assert all(start <= f.start and f.end <= start + len(new) for f in findings), findings


def test_tense_suggestions_and_past_markers():
    text = RELEASE.replace("교육을 연다.", "교육을 개최했다.")
    [hit] = check_press_sentences(text, event_date=EVENT, release_date=BEFORE)
    assert (hit.text, hit.suggestion) == ("개최했다", "개최할 예정이다")
    # past events and reported speech keep their past tense
    assert check_press_sentences(RELEASE.replace("연다.", "연다고 밝혔다."), event_date=EVENT,
                                 release_date=BEFORE) == []
    # no event date: no tense judgement
    assert check_press_sentences(text) == []
    # after the event, 'will be held' on the event day is wrong
    late = RELEASE.replace("교육을 연다.", "교육을 열 예정이다.")
    [hit] = check_press_sentences(late, event_date=EVENT, release_date=AFTER)
    assert hit.rule_id == "press.tense"
    # but plans for later stay plans (the 9월 2차 교육 sentence)
    assert check_press_sentences(HELD, event_date=EVENT, release_date=AFTER) == []


def test_hedges_inside_quotes_are_the_speakers_words():
    text = RELEASE.replace("안전하게 쓰도록 돕겠다", "업무가 한결 편해질 것이다. 주민들도 좋아할 듯하다")
    assert check_press_sentences(text, event_date=EVENT, release_date=BEFORE) == []


def test_hype_with_a_figure_is_accepted():
    text = RELEASE.replace("교육을 연다.", "교육을 도내 최초로 연다.")
    assert check_press_sentences(text) == []


def test_effect_claims_are_reported_once():
    text = RELEASE.replace("진행한다.", "진행한다. 이를 통해 업무 효율이 크게 향상될 것으로 기대된다.")
    findings = check_press_sentences(text)
    assert "press.unsupported-effect" in _rules(findings)
    assert "press.hedge" not in _rules(findings)


def test_sentence_length_limits_count_characters_including_quotes():
    def with_sentence(n):
        head = '오성환 시장은 "'
        tail = '"라고 말했다.'
        body = "가" * (n - len(head) - len(tail))
        return RELEASE.replace('오성환 시장은 "직원 모두가 새로운 기술을 안전하게 쓰도록 돕겠다"라고 말했다.', head + body + tail)

    assert check_press_sentences(with_sentence(100)) == []
    [warn] = check_press_sentences(with_sentence(101))
    assert (warn.rule_id, warn.severity) == ("press.sentence-length", Severity.WARNING)
    assert warn.extra["chars"] == 101
    [error] = check_press_sentences(with_sentence(151))
    assert error.severity is Severity.ERROR
    assert check_press_sentences(with_sentence(150))[0].severity is Severity.WARNING


def test_boilerplate_closing_paragraph():
    text = RELEASE.replace("\n담당 부서", "\n앞으로도 시는 직원 역량 강화를 위해 최선을 다하겠다.\n\n담당 부서")
    findings = check_press_sentences(text)
    [closing] = [f for f in findings if f.rule_id == "press.boilerplate-closing"]
    assert closing.text.startswith("앞으로도 시는") and closing.severity is Severity.ERROR


def test_works_on_text_without_a_release_layout():
    [hit] = check_press_sentences("교육 신청자가 300명을 넘었다고 한다.")
    assert hit.rule_id == "press.hearsay" and hit.text == "다고 한다"


def test_check_press_style_reports_sentence_style_too():
    long_sentence = "당진시는 " + "교육 내용을 자세히 설명하고 " * 12 + "진행한다."
    text = RELEASE.replace("교육은 행정 문서 작성 보조, 민원 안내문 초안 작성, 번역 등 세 가지 실습으로 진행한다.",
                           long_sentence + " 참석 인원은 늘어날 것 같다.")
    findings = check_press_style(text, parse_layout(text), event_date=EVENT, release_date=BEFORE)
    rules = _rules(findings)
    assert {"press.sentence-length", "press.hedge"} <= rules
    assert [f.severity for f in findings if f.rule_id == "press.sentence-length"] == [Severity.ERROR]
    tense = RELEASE.replace("교육을 연다.", "교육을 개최했다.")
    assert "press.tense" in _rules(check_press_style(tense, parse_layout(tense), event_date=EVENT,
                                                     release_date=BEFORE))
    assert "press.tense" not in _rules(check_press_style(tense, parse_layout(tense)))
