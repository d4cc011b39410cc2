"""Public-language checker: listed hard words are found, unrelated words that contain them are not."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pytest

from mokmin.checks.finding import Severity
from mokmin.checks.public_language import PublangTerm, check_public_language, is_drop_in, load_terms
from mokmin.errors import ConfigError
from mokmin.profile import load_profile


def flagged(text: str, **kwargs) -> list[tuple[str, str | None, bool]]:
    return [(f.text, f.suggestion, f.safe_fix) for f in check_public_language(text, **kwargs)]


# --- the bundled list ---------------------------------------------------------------------------
def test_bundled_list_covers_the_150_listed_words_with_their_list_and_source():
    path = resources.files("mokmin") / "data" / "wordlists" / "publang_terms.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    headwords = {(row["list"], row["headword"]) for row in rows}
    assert Counter(name for name, _ in headwords) == {"admin100": 100, "japanese50": 50}
    assert all(row["source"] and row["refined"] and row["raw"] for row in rows)
    assert len(load_terms()) == len(rows)


def test_every_plain_form_is_found_in_a_neutral_sentence():
    missed = []
    for term in load_terms():
        if term.patterns or term.match == "noun":
            continue
        for form in term.forms or [term.term]:
            sentence = f"이번 {form} 관련 자료를 검토했다."
            if not any(f.text == form for f in check_public_language(sentence)):
                missed.append(form)
    assert missed == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("금번 행사는 시청에서 열린다.", "금번"),
        ("민관 거버넌스를 구축한다.", "거버넌스"),
        ("두 기관이 MOU를 맺었다.", "MOU"),
        ("올해 망년회는 생략한다.", "망년회"),
        ("마스터플랜을 세웠다.", "마스터플랜"),
        ("마스터 플랜을 세웠다.", "마스터 플랜"),
        ("재난매뉴얼을 고쳤다.", "매뉴얼"),
        ("당해 연도 예산을 편성한다.", "당해"),
        ("물품 불출 대장을 정리했다.", "불출"),
        ("인력풀을 새로 만든다.", "풀"),
        ("성명 불상의 남성이 다녀갔다.", "불상"),
        ("동일 오후 3시에 다시 모인다.", "동일"),
        ("동조 제2항에 따른다.", "동조"),
        ("예가 산정 결과를 알린다.", "예가"),
        ("TF팀을 꾸렸다.", "TF팀"),
        ("생성형AI를 활용한다.", "AI"),
        ("교통 허브로 키운다.", "허브"),
        ("콘크리트 양생 기간을 지킨다.", "양생"),
    ],
)
def test_listed_words_are_flagged_as_warnings(text, expected):
    findings = check_public_language(text)
    assert [f.text for f in findings] == [expected]
    f = findings[0]
    assert f.severity is Severity.WARNING and f.rule_id == "publang.term" and f.source == "public_language"
    assert text[f.start : f.end] == expected
    assert f.suggestion and f.extra["alternatives"]


@pytest.mark.parametrize(
    "text",
    [
        "그는 이번 선거에 불출마를 선언했다.",
        "허브티를 마시고 허브 농장을 둘러봤다.",
        "피해를 당해 왔다고 호소했다.",
        "좋은 예가 있다.",
        "동일한 조건에서 다시 시험한다.",
        "그의 의견에 동조했다.",
        "배가 가라앉았다.",
        "안드로이드 앱과 AIDS 예방 교육",
        "보험계리사 시험과 기부채납 협의",
        "시스템 가용성을 높인다.",
        "불상의 조성 연대를 밝혔다.",
        "본사 헤드쿼터를 옮겼다.",
        "글을 적기 위해 펜을 들었다.",
        "「드론 활용의 촉진 및 기반조성에 관한 법률」에 따른다.",
        "두 기관이 업무 협약(MOU)을 맺었다.",
        "인공지능(AI) 기반 민원 서비스를 연다.",
        "자세한 내용은 https://www.korea.kr/AI 에서 볼 수 있다.",
        "견습생과 동년배 직원이 함께 일한다.",
    ],
)
def test_unrelated_words_containing_a_listed_word_stay_untouched(text):
    assert check_public_language(text) == []


def test_correct_official_paragraph_has_no_findings():
    text = (
        "당진시는 3월 27일(월) 시청 접견실에서 이번 회의를 열고 다음 해 예산 편성 방향을 논의했다.\n"
        "회의에는 국·소장 12명이 참석했으며, 잠금장치 교체와 안전 점검 일정도 함께 다뤘다.\n"
        "시는 다음 날까지 부서별 의견을 받아 종합 계획에 반영할 예정이다."
    )
    assert check_public_language(text) == []


# --- suggestions and safe fixes -------------------------------------------------------------------
def test_single_drop_in_alternative_is_a_safe_fix():
    assert flagged("금번 행사") == [("금번", "이번", True)]
    assert flagged("시건장치를 교체") == [("시건장치", "잠금장치", True)]


def test_word_listed_twice_merges_both_lists():
    [f] = check_public_language("익일 오전에 연다.")
    assert f.extra["lists"] == ["admin100", "japanese50"]
    assert (f.suggestion, f.safe_fix) == ("다음 날", True)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("금회에는 참석한다.", "금회"),  # 이번: the particle after it would change (금회는 → 이번는)
        ("드론을 띄웠다.", "드론"),  # one alternative, but not a drop-in everywhere
        ("거버넌스를 만든다.", "거버넌스"),  # several alternatives
        ("규제 샌드박스를 도입한다.", "규제 샌드박스"),  # alternative with a parenthesis
    ],
)
def test_other_findings_are_never_safe(text, word):
    [f] = check_public_language(text)
    assert f.text == word and f.safe_fix is False


def test_drop_in_checks_the_final_consonant():
    assert is_drop_in("금번", "이번")
    assert not is_drop_in("금회", "이번")
    assert not is_drop_in("노견", "갓길")  # ㄴ vs ㄹ: 노견으로 → 갓길로
    assert not is_drop_in("규제 샌드박스", "규제 유예 (제도)")


def test_foreign_abbreviation_message_explains_the_gloss_order():
    [f] = check_public_language("MOU를 체결했다.")
    assert "업무 협약(MOU)" in f.message


# --- the city's own terms ---------------------------------------------------------------------------
def test_city_terms_from_the_profile_are_checked(tmp_path):
    bundled = (resources.files("mokmin") / "data" / "profiles" / "dangjin.toml").read_text(encoding="utf-8")
    extra = '\n[[public_language]]\nterm = "컨트롤타워"\nrefined = ["총괄 조정 기구"]\nforms = ["컨트롤타워", "컨트롤 타워"]\n'
    path = tmp_path / "city.toml"
    path.write_text(bundled + extra, encoding="utf-8")
    profile = load_profile(path)
    text = "재난 컨트롤 타워를 세운다."
    assert check_public_language(text) == []
    [f] = check_public_language(text, extra_terms=profile.public_language)
    assert (f.text, f.suggestion, f.safe_fix) == ("컨트롤 타워", "총괄 조정 기구", False)
    assert "기관 지정" in f.message


def test_city_term_with_a_broken_pattern_is_a_config_error(tmp_path):
    bundled = (resources.files("mokmin") / "data" / "profiles" / "dangjin.toml").read_text(encoding="utf-8")
    path = tmp_path / "city.toml"
    broken = '\n[[public_language]]\nterm = "x"\nrefined = ["y"]\npatterns = ["(unclosed"]\n'
    path.write_text(bundled + broken, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_profile(path)


def test_city_term_can_be_built_in_code():
    term = PublangTerm(term="원팀", refined=["한 팀"])
    assert flagged("우리는 원팀이다.", extra_terms=[term]) == [("원팀", "한 팀", False)]
    assert flagged("우리는 원팀이다.") == []
