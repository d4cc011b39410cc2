"""Spelling and spacing checks: planted errors are found, correct official text is left alone."""

from __future__ import annotations

import logging
import re
import sys

import pytest

from mokmin.checks import spelling_hunspell
from mokmin.checks.finding import Severity
from mokmin.checks.spelling import base_custom_words, check_spelling, profile_words
from mokmin.profile import load_profile

CORRECT_OFFICIAL = """\
당진시는 2023. 3. 27.(월) 시청 대회의실에서 행정복지센터 업무 담당자 30명을 대상으로 챗GPT 활용 교육을 실시했다고 밝혔다.
이번 교육은 생성형 인공지능을 행정에 접목할 수 있는 방안을 찾기 위해 마련됐으며, 참석자들은 3개 분과로 나뉘어 실습을 진행했다.
시는 올해 5억 원을 투입해 읍면동 12곳의 민원 응대 서비스를 개선할 계획이다.
바쁘신 가운데 참석해 주신 모든 분께 감사드립니다. 궁금한 점은 언제든지 연락 주시기 바랍니다.
관련 부서에서는 검토 결과를 2023. 4. 14.(금)까지 제출하여 주시기 바랍니다.
붙임  교육 계획서 1부.  끝.
앞으로도 시민들께 더 나은 서비스를 제공하기 위해 노력하겠다고 말했다.
담당자는 개인정보를 외부에 제공하지 않되, 법령에 따른 경우에는 그러하지 아니하다.
행정안전부장관은 일주일 동안 실수 없이 준비한 직원 한 명 한 명에게 부탁드립니다.
몇 일본 기업이 참여했는지는 아직 확인되지 않았으며, 제작년도는 자료에 적혀 있다.
6월 1일부로 조직이 바뀌었고, 한번 해 보자는 의견이 많았다.
추진하고 있는데 어렵다는 말도 있었지만 모두 잘될 것 같다고 했다.
"""


def _safe_applied(text: str, findings) -> str:
    out, pos = [], 0
    for f in sorted((f for f in findings if f.safe_fix), key=lambda f: f.start):
        assert f.start >= pos, "safe fixes must not overlap"
        out += [text[pos : f.start], f.suggestion]
        pos = f.end
    return "".join(out) + text[pos:]


@pytest.fixture(params=["binding", "dictionary"])
def no_hunspell(request, monkeypatch, tmp_path):
    """Take away the hunspell binding or the Korean dictionary for one test (fresh caches before and after)."""
    caches = (spelling_hunspell.speller, spelling_hunspell.known, spelling_hunspell.compound_known)
    for fn in caches:
        fn.cache_clear()
    if request.param == "binding":
        monkeypatch.setitem(sys.modules, "hunspell", None)  # import hunspell raises ImportError
    else:
        monkeypatch.setattr(spelling_hunspell, "DICTIONARY_DIRS", (tmp_path,))
    yield
    monkeypatch.undo()
    for fn in caches:
        fn.cache_clear()


# ------------------------------------------------------------------ correct text stays untouched


def test_correct_official_paragraph_has_no_safe_fix_and_no_error():
    findings = check_spelling(CORRECT_OFFICIAL)
    assert [f for f in findings if f.safe_fix] == []
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def test_seed_human_release_has_no_safe_fix_and_no_error(fixtures_dir):
    text = (fixtures_dir / "seed_human_release.txt").read_text(encoding="utf-8")
    findings = check_spelling(text)
    assert [f for f in findings if f.safe_fix or f.severity is Severity.ERROR] == []


@pytest.mark.parametrize(
    "text",
    [
        "이를 허용하지 않되, 예외로 한다.",  # matchum: 않되 → 안 되
        "시민들께 감사드립니다.",  # matchum: 들께 → 들게
        "몇 일본 기업이 왔다.",  # matchum: 몇 일 → 며칠
        "제작년도를 적는다.",  # matchum: 제작년 → 재작년
        "6월 6일부로 시행한다.",  # matchum: 일부로 → 일부러
        "빈틈과 실수 없이 진행했다.",  # matchum: 실수 없 → 실 수 없
        "말수 없는 사람도 별수 없다고 했다.",
        "훌륭한 사람이 되라고 말했다.",
        "되도록 빨리 돼지고기를 사 와서 그렇게 되었다.",
        "공부가 안돼서 돼요라고 답했다.",
        "좋은 일을 하는 데 필요한 돈이다.",
        "하는 듯하다. 아는 척했다. 할 만하다.",
        "그렇게 할게요. 그때 할걸 그랬다.",
        "검토한바 적정하다.",
        "집 밖에 없다. 이 수 밖에 없다.",
    ],
)
def test_known_false_triggers_are_not_fixed(text):
    assert [f for f in check_spelling(text) if f.safe_fix or f.severity is Severity.ERROR] == []


@pytest.mark.parametrize(
    "text",
    ["감사드립니다", "연락드리겠습니다", "3개", "10명에게", "5억 원을", "12곳에", "2023. 3. 27.(월)",
     "행정안전부장관", "한번 해 보자", "한곳에 모였다", "추진하고 있는데 어렵다", "일주일가량"],
)
def test_spacing_leaves_protected_forms_alone(text):
    assert [f for f in check_spelling(text) if f.rule_id.startswith("spacing.")] == []


# ------------------------------------------------------------------ planted errors are found and fixed


@pytest.mark.parametrize(
    ("wrong", "right", "rule"),
    [
        ("이렇게 하면 되요.", "이렇게 하면 돼요.", "spelling.doe-dwae"),
        ("그렇게 되서 다행이다.", "그렇게 돼서 다행이다.", "spelling.doe-dwae"),
        ("그러면 안 되.", "그러면 안 돼.", "spelling.doe-dwae"),
        ("행사가 취소됬다.", "행사가 취소됐다.", "spelling.doe-dwae"),
        ("몇일 뒤에 만나요.", "며칠 뒤에 만나요.", "spelling.adverb"),
        ("어떻해 하지?", "어떡해 하지?", "spelling.adverb"),
        ("설겆이를 했다.", "설거지를 했다.", "spelling.word"),
        ("내일 연락할께요.", "내일 연락할게요.", "spelling.ending"),
        ("역활을 맡았다.", "역할을 맡았다.", "spelling.word"),
        ("정말 어의없다.", "정말 어이없다.", "spelling.conjugation"),
        ("숙제를 않하고 놀았다.", "숙제를 안 하고 놀았다.", "spelling.an-anh"),
        ("그러면 않 된다.", "그러면 안 된다.", "spelling.ending"),
        ("우리는 할수있다.", "우리는 할 수 있다.", "spacing.dependent-noun"),
        ("이 옷이면 괜찮을것 같아요.", "이 옷이면 괜찮을 것 같아요.", "spacing.dependent-noun"),
        ("불만을 최소화하는데에 있다.", "불만을 최소화하는 데에 있다.", "spacing.dependent-noun"),
        ("그건 할줄 안다.", "그건 할 줄 안다.", "spacing.dependent-noun"),
        ("사과 두개를 샀다.", "사과 두 개를 샀다.", "spacing.unit-noun"),
        ("위원장 한명을 둔다.", "위원장 한 명을 둔다.", "spacing.unit-noun"),
        ("그림은 아름답지않았습니다.", "그림은 아름답지 않았습니다.", "spacing.auxiliary-verb"),
        ("기다릴 수 밖에 없다.", "기다릴 수밖에 없다.", "spacing.particle"),
    ],
)
def test_planted_error_is_fixed_safely(wrong, right, rule):
    findings = check_spelling(wrong)
    assert rule in {f.rule_id for f in findings if f.safe_fix}
    assert _safe_applied(wrong, findings) == right


def test_meuro_sseo_is_suggested_not_applied():
    (finding,) = check_spelling("꾸준히 노력하므로써 이루었다.")
    assert finding.rule_id == "spelling.meuro-sseo"
    assert finding.suggestion == "함으로써" and not finding.safe_fix


def test_run_together_words_get_a_spacing_suggestion_that_is_not_applied():
    text = "우리음악과 미술을 배운다."
    (finding,) = [f for f in check_spelling(text) if f.rule_id == "spacing.word-boundary"]
    assert finding.suggestion == "우리 음악과" and not finding.safe_fix
    assert finding.severity is Severity.INFO


def test_loanword_is_a_warning_outside_titles_only():
    (finding,) = check_spelling("새 메세지를 보냈다.")
    assert (finding.suggestion, finding.severity, finding.safe_fix) == ("메시지", Severity.WARNING, False)
    assert [f for f in check_spelling("영화 《위플래쉬》를 봤다.") if f.rule_id == "spelling.loanword"] == []


# ------------------------------------------------------------------ hunspell unknown words


def test_typo_unknown_to_both_dictionaries_is_a_warning_never_safe():
    text = "표창 조례를 준뇽하여 부상을 수여할 수 있다."
    (finding,) = [f for f in check_spelling(text) if f.rule_id == "spelling.unknown-word"]
    assert finding.text == "준뇽하여" and finding.severity is Severity.WARNING and not finding.safe_fix


def test_unknown_word_suggestions_only_when_asked():
    text = "조례를 준뇽하여 시행한다."
    (plain,) = [f for f in check_spelling(text) if f.rule_id == "spelling.unknown-word"]
    (suggested,) = [f for f in check_spelling(text, suggest_unknown=1) if f.rule_id == "spelling.unknown-word"]
    assert plain.suggestion is None
    assert suggested.suggestion == "준용하여" and not suggested.safe_fix


def test_custom_words_silence_the_unknown_word_flag():
    text = "2023년 3월 월요 티타임에서 논의했다."
    assert any(f.text == "월요" for f in check_spelling(text))
    assert not any(f.text == "월요" for f in check_spelling(text, custom_words=["월요 티타임"]))


def test_base_list_holds_administrative_words():
    words = base_custom_words()
    assert {"행정복지센터", "챗GPT", "읍면동"} <= set(words)
    assert not any(w.startswith("#") or w != w.strip() for w in words)
    assert check_spelling("읍면동 행정복지센터에서 챗봇과 챗GPT를 안내한다.") == []


def test_profile_words_bring_the_citys_own_words(tmp_path):
    profile = load_profile()
    assert profile.custom_words == []
    custom = profile.model_copy(update={"custom_words": ["해나루"]})
    words = profile_words(custom)
    assert "해나루" in words and "당진시" in words and "당진시청" in words


def test_without_hunspell_the_rest_still_works_and_says_so_once(no_hunspell, caplog):
    with caplog.at_level(logging.WARNING, logger="mokmin.checks.spelling_hunspell"):
        first = check_spelling("조례를 준뇽하여 시행한다. 행사가 취소됬다.")
        second = check_spelling("우리는 할수있다.")
    assert not any(f.rule_id == "spelling.unknown-word" for f in first)
    assert any(f.rule_id == "spelling.doe-dwae" for f in first)
    assert [f.rule_id for f in second] == ["spacing.dependent-noun"]
    messages = [r.getMessage() for r in caplog.records if "hunspell" in r.getMessage()]
    assert len(messages) == 1


# ------------------------------------------------------------------ the Finding contract


def test_findings_follow_the_contract():
    text = "몇일 뒤에 할수있다고 했는데 행사가 취소됬다. 조례를 준뇽하여 공사기간중 메세지를 보냈다."
    findings = check_spelling(text)
    assert len(findings) >= 5
    for f in findings:
        assert re.fullmatch(r"(spelling|spacing)\.[a-z-]+", f.rule_id)
        assert f.source == "spelling"
        assert f.text == text[f.start : f.end]
        assert re.search("[가-힣]", f.message)
        assert not (f.safe_fix and f.suggestion is None)
    spans = sorted((f.start, f.end) for f in findings)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "findings must not overlap"


def test_empty_text():
    assert check_spelling("") == [] and check_spelling("  \n ") == []
