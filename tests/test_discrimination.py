"""Discriminatory expressions: found with their alternatives, and lookalike words left alone."""

from __future__ import annotations

import pytest

from mokmin.checks.discrimination import RULE_ID, check_discrimination, load_terms
from mokmin.checks.finding import Severity


def flagged(text: str) -> list[tuple[str, str | None]]:
    return [(f.text, f.suggestion) for f in check_discrimination(text)]


@pytest.mark.parametrize(
    ("text", "term", "alternative"),
    [
        ("복지관은 장애우와 함께하는 나눔 행사를 열었다.", "장애우", "장애인"),
        ("중증장애우들의 자립을 돕는다.", "장애우", "장애인"),
        ("정상인과 장애인이 함께 달리는 마라톤이다.", "정상인", "비장애인"),
        ("결손가정 아동에게 급식을 지원한다.", "결손가정", "한부모 가정"),
        ("결손 가정 청소년 상담", "결손 가정", "한부모 가정"),
        ("미혼모 시설을 찾았다.", "미혼모", "비혼모"),
        ("살색 크레파스 대신 여러 피부색을 준비했다.", "살색", "살구색"),
        ("겨울철 벙어리장갑 나눔 행사", "벙어리장갑", "손모아장갑"),
        ("저출산 문제에 대응하기 위한 정책", "저출산", "저출생"),
        ("외국인 노동자 상담 창구를 늘린다.", "외국인 노동자", "이주 노동자"),
        ("외국인노동자 쉼터", "외국인노동자", "이주 노동자"),
        ("혼혈아에 대한 편견을 없애자.", "혼혈아", "다문화 가정 자녀"),
        ("학부형 여러분께 알립니다.", "학부형", "학부모"),
        ("간질 환자를 위한 응급 처치 교육", "간질", "뇌전증"),
        ("그는 지체장애를 앓고 있다.", "장애를 앓", "장애가 있다"),
        ("요즘 주린이가 늘었다.", "주린이", "초보자"),
    ],
)
def test_finds_expression_with_alternative(text, term, alternative):
    findings = check_discrimination(text)
    assert len(findings) == 1
    f = findings[0]
    assert (f.text, f.suggestion) == (term, alternative)
    assert text[f.start : f.end] == term
    assert f.rule_id == RULE_ID and f.severity is Severity.WARNING and f.source == "discrimination"
    assert not f.safe_fix
    assert alternative in f.extra["alternatives"] and alternative in f.message
    assert f.extra["basis"]


@pytest.mark.parametrize(
    "text",
    [
        "네트워크 장애우회 기능을 점검했다.",  # 장애 우회
        "검사 결과가 정상인 경우 추가 검사는 없다.",  # 정상+이+ㄴ
        "수치가 비정상인 상태가 이어졌다.",
        "혈압이 정상인지 확인하세요.",
        "청소부터 시작하겠습니다.",  # 청소+부터
        "안전운전수칙을 지킵시다.",  # 운전+수칙
        "시장님 말씀을 전해 드립니다.",  # 시장+님
        "부장님과 과장님이 참석했다.",
        "발바닥을 간질이는 느낌이 간질간질하다.",
        "어린이 교통안전 교육을 한다.",
        "외국인근로자 고용허가제 안내",  # statutory term
        "저출산고령사회위원회와 협의했다.",  # an organisation's name
        "「저출산ㆍ고령사회기본법」 제5조에 따라",
        "보건복지부는 장애인과 비장애인이 함께하는 행사를 열었다.",
    ],
)
def test_lookalikes_and_correct_text_are_untouched(text):
    assert check_discrimination(text) == []


def test_positions_in_a_longer_text_and_longest_form_first():
    text = "시는 벙어리장갑을 나눴다.\n결손가정과 편부모 가정을 방문했다."
    found = flagged(text)
    assert found == [("벙어리장갑", "손모아장갑"), ("결손가정", "한부모 가정"), ("편부모", "한부모")]
    for f in check_discrimination(text):
        assert text[f.start : f.end] == f.text


def test_press_release_paragraph_has_no_findings():
    text = ("당진시는 3월 27일 시청 대회의실에서 민원 서비스 개선을 위한 간담회를 열었다. "
            "이번 간담회에는 관계 부서 공무원 20여 명이 참석해 장애인 편의시설 확충 방안을 논의했다. "
            "시는 4월부터 읍면동 행정복지센터에서 무인 민원 발급기를 시범 운영할 계획이다.")
    assert check_discrimination(text) == []


def test_word_list_entries_are_complete_and_sourced():
    terms = load_terms()
    assert len(terms) >= 30
    for t in terms:
        assert t.forms and t.alternatives and t.source, t.term
        assert t.match in {"morph", "word", "phrase"}
        assert t.term not in t.alternatives
    every_form = [form for t in terms for form in t.forms]
    assert len(every_form) == len(set(every_form))
