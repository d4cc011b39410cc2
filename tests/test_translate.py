"""Translation: the verifier on given (source, translation) pairs, glossary forcing, the CLI, one real model call."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mokmin.checks.finding import Severity
from mokmin.checks.translation import (
    check_register,
    check_translation,
    find_terms,
    glossary_terms,
    is_compound,
)
from mokmin.checks.translation_values import extract_values
from mokmin.cli.main import app
from mokmin.errors import InputError
from mokmin.profile import GlossaryEntry, load_profile
from mokmin.text.english import split_english_sentences
from mokmin.text.korean import split_sentences
from mokmin.workflows.translate import (
    _drop_repeated_sentences,
    clean_output,
    cut_loop,
    detect_direction,
    protect,
    restore,
    translate,
    validate_text,
)

GLOSSARY = load_profile().glossary + [GlossaryEntry(ko="행정복지센터", en="Administrative Welfare Center")]
runner = CliRunner()


def rules(findings, severity=None):
    return sorted(f.rule_id for f in findings if severity is None or f.severity is severity)


def ko2en(src, tgt, context=None):
    return check_translation(src, tgt, direction="ko2en", glossary=GLOSSARY, context=context)


def en2ko(src, tgt, context=None):
    return check_translation(src, tgt, direction="en2ko", glossary=GLOSSARY, context=context)


# --- correct translations stay untouched -------------------------------------------------------------

@pytest.mark.parametrize("src, tgt", [
    ("당진시는 27일 시청 상황실에서 월요 티타임을 열고 챗GPT 활용 방안을 논의했다.",
     ("Dangjin City held the Monday Tea Time in the city hall situation room on the 27th and discussed ways to use "
     "ChatGPT.")),
    ("신청은 2023. 3. 27.(월)부터 주소지 행정복지센터에서 받으며, 지원금은 1인당 30만 원이다.",
     ("Applications are accepted from Monday, March 27, 2023 at the local Administrative Welfare Center, and the "
     "subsidy is 300,000 won per person.")),
    ("행사는 오후 3시 30분에 시작하며 주민 1,200명이 참석했다.", "The event starts at 3:30 p.m. and 1,200 residents attended."),
    ("총사업비는 3억 5천만 원이며 2.5% 늘었다.", "The total budget is 350 million won, up 2.5%."),
    ("예산안을 1조 2천억 원 규모로 편성했다.", "The budget was set at 1 trillion 200 billion won."),
    ("세 명이 참석했다.", "Three people attended."),
    ("제3회 회의는 2023년 3월에 열린다.", "The 3rd meeting will be held in March 2023."),
])
def test_correct_korean_to_english_translations_have_no_findings(src, tgt):
    assert ko2en(src, tgt) == []


@pytest.mark.parametrize("src, tgt", [
    ("Dangjin City opened the center on Monday, March 27.", "당진시는 3월 27일(월) 센터를 열었다."),
    ("About 1,200 residents attended the festival at 2 p.m.", "주민 약 1,200명이 오후 2시 축제에 참석했습니다."),
    ("The subsidy is 300,000 won per household.", "지원금은 가구당 30만 원이다."),
    ("Apply at the Administrative Welfare Center.", "행정복지센터에 신청하십시오."),
    ("In June, the Commission published the results.", "6월에 위원회는 결과를 발표했다."),
])
def test_correct_english_to_korean_translations_have_no_findings(src, tgt):
    assert en2ko(src, tgt) == []


# --- the known failures are errors ---------------------------------------------------------------------

def test_a_different_city_for_the_glossary_term_is_an_error():
    findings = ko2en("당진시는 월요 티타임을 열었다.", "Gwangju held the Monday Tea Time.")
    assert rules(findings, Severity.ERROR) == ["translation.glossary", "translation.place"]
    glossary = next(f for f in findings if f.rule_id == "translation.glossary")
    assert glossary.extra["target_term"] == "Dangjin City" and "'Dangjin City'로" in glossary.message
    place = next(f for f in findings if f.rule_id == "translation.place")
    assert place.text == "Gwangju"


def test_a_different_city_in_korean_output_is_an_error():
    findings = en2ko("Dangjin City opened the center.", "대전시는 센터를 열었다.")
    assert rules(findings, Severity.ERROR) == ["translation.glossary", "translation.place"]


def test_a_term_inside_a_longer_english_name_is_only_a_warning_korean_compounds_are_errors():
    assert is_compound("at Dangjin City Hall.", 15, "en") and not is_compound("Dangjin City held it.", 12, "en")
    [f] = en2ko("The office of Dangjin City Hall opens at 9 a.m.", "당진 시청 민원실은 오전 9시에 문을 연다.")
    assert f.rule_id == "translation.glossary" and f.severity is Severity.WARNING
    [f] = ko2en("오성환 당진시장은 혁신을 강조했다.", "Mayor Oh Seong-hwan emphasized innovation.")
    assert f.rule_id == "translation.glossary" and f.severity is Severity.ERROR


def test_a_region_named_in_the_source_is_not_flagged():
    assert ko2en("당진시는 서울에서 설명회를 열었다.", "Dangjin City held a briefing in Seoul.") == []


def test_a_place_name_the_source_does_not_have_is_flagged():
    [glossary, place] = ko2en("당진시 보건소는 독감 예방접종을 실시한다.", "The Paju City Health Center provides flu shots.")
    assert glossary.rule_id == "translation.glossary"
    assert place.rule_id == "translation.place" and place.severity is Severity.WARNING and place.text == "Paju"
    # romanized names of the source, and glossary names, are not
    assert ko2en("천안시와 송악읍은 협약을 맺었다.", "Cheonan City and Songak-eup signed an agreement.") == []
    assert en2ko("Dangjin City and Cheonan City signed an agreement.", "당진시와 천안시는 협약을 맺었다.") == []
    assert rules(en2ko("Cheonan City signed an agreement.", "파주시는 협약을 맺었다.")) == ["translation.place"]


def test_a_changed_amount_is_an_error_with_both_values():
    [f] = ko2en("지원금은 1인당 30만 원이다.", "The support amount is 30 million won per person.")
    assert f.rule_id == "translation.number" and f.severity is Severity.ERROR
    assert f.text == "30 million" and "300,000" in f.message and "30,000,000" in f.message


def test_missing_and_invented_numbers():
    assert rules(ko2en("주민 1,200명이 참석했다.", "Many residents attended.")) == ["translation.number-missing"]
    assert rules(ko2en("주민이 참석했다.", "About 500 residents attended.")) == ["translation.number"]


def test_an_invented_month_is_an_error_unless_the_document_gives_it():
    context = "당진시는 2023. 3. 27.(월) 회의를 열었다. 이날 27일 회의에서 논의했다."
    wrong = ko2en("이날 27일 회의에서 논의했다.", "They discussed it at the meeting on December 27.", context)
    assert rules(wrong) == ["translation.date"] and wrong[0].text == "December 27"
    assert ko2en("이날 27일 회의에서 논의했다.", "They discussed it at the meeting on March 27.", context) == []
    assert rules(ko2en("27일 회의에서 논의했다.", "They discussed it at the meeting on May 27.")) == ["translation.date"]


def test_changed_and_missing_dates_and_times():
    assert rules(ko2en("2023. 3. 27. 회의를 열었다.", "The meeting was held on March 28, 2023.")) == ["translation.date"]
    assert rules(ko2en("2023. 3. 27. 회의를 열었다.", "The meeting was held.")) == ["translation.date-missing"]
    partial = ko2en("2023. 3. 27. 회의를 열었다.", "The meeting was held on March 27.")
    assert rules(partial, Severity.WARNING) == ["translation.date-partial"]
    assert rules(ko2en("오후 3시에 시작한다.", "It starts at 4 p.m."), Severity.ERROR) == ["translation.time"] * 2


def test_placeholders_loops_and_untranslated_korean_are_reported():
    assert "translation.placeholder" in rules(ko2en("당진시는 회의를 열었다.", "⟦T1⟧ held a meeting."))
    looped = en2ko("Residents attended the festival.", "주민들이 축축한 축축한 축축한 축축한 축축한 축축한")
    assert "translation.repetition" in rules(looped, Severity.ERROR)
    leftover = ko2en("월요 티타임은 시장 주재 회의이다.", "The Monday Tea Time is a meeting chaired by the 시장.")
    assert rules(leftover, Severity.WARNING) == ["translation.untranslated"] and leftover[0].text == "시장"
    assert rules(ko2en("회의를 열었다.", "  ")) == ["translation.missing"]
    mixed = en2ko("Members preferred the MWP option.", "의원들은 MWPの選択肢를 선호했다.")
    assert rules(mixed) == ["translation.script"] and mixed[0].text == "の選択肢"
    assert en2ko("The 「漢字」 sign stayed.", "「漢字」 표지판은 그대로였다.") == []  # characters the source has


def test_register_banmal_is_an_error_haeyo_a_warning_formal_endings_pass():
    assert rules(check_register("주민 약 1,200명이 축제에 참석했어.")) == ["register.banmal"]
    assert rules(check_register("신청은 행정복지센터에서 받아요.")) == ["register.haeyo"]
    formal = "회의를 열었다. 신청을 받습니다. 신청하십시오. 가능합니까? 참석 인원 30명. 개최 예정임. “같이 가자.”"
    assert check_register(formal) == []
    assert rules(check_register("회의를 열었습니다.", accept=("da",))) == ["register.style"]
    # kiwi splits this sentence after the connective "같아"; a split without punctuation is no ending
    connective = "전문가들은 협의를 이룰 수 없을 것 같아 주제관의 주관성을 높일 수 있는 힘들어 보일 것 같습니다."
    assert len(split_sentences(connective)) == 2 and check_register(connective) == []


# --- values, terms and sentences -------------------------------------------------------------------------

def test_values_are_read_in_both_languages():
    ko = extract_values("총 3억 5천만 원, 1인당 30만 원, 2023. 3. 27.(월) 오후 3시, 2023년", "ko")
    assert sorted(n.value for n in ko.numbers) == [1, 2023, 300_000, 350_000_000]
    assert [(d.year, d.month, d.day, d.weekday) for d in ko.dates] == [(2023, 3, 27, "월")]
    assert [t.minutes for t in ko.times] == [15 * 60]
    en = extract_values("KRW 1.2 billion on Monday, March 27, 2023 at 3 p.m., the 4th", "en")
    assert [n.value for n in en.numbers] == [1_200_000_000]
    assert [(d.year, d.month, d.day, d.weekday) for d in en.dates] == [(2023, 3, 27, "월"), (None, None, 4, None)]


def test_glossary_matching_prefers_longer_terms_and_ignores_spacing():
    terms = glossary_terms([*GLOSSARY, GlossaryEntry(ko="당진시의회", en="Dangjin City Council")], "ko2en")
    found = find_terms("당진시의회와 당진시는 월요티타임에서", terms, "ko")
    assert [t.source for _, _, t in found] == ["당진시의회", "당진시", "월요 티타임"]


def test_english_sentences_keep_abbreviations_and_decimals():
    text = "Mr. Kim met Dr. Lee on Monday. The budget rose 2.5% to $3.2 million! Was it enough?\nU.S. guests came."
    assert [text[s:e] for s, e in split_english_sentences(text)] == [
        "Mr. Kim met Dr. Lee on Monday.", "The budget rose 2.5% to $3.2 million!", "Was it enough?",
        "U.S. guests came."]


def test_forcing_puts_official_terms_in_and_restores_spelling_and_particles():
    ko_terms = glossary_terms(GLOSSARY, "ko2en")
    sentence = "당진시는 월요 티타임을 열었다."
    mentions = find_terms(sentence, ko_terms, "ko")
    used = [t for _, _, t in mentions]
    assert protect(sentence, mentions, "inline") == "Dangjin City는 Monday Tea Time을 열었다."
    assert protect(sentence, mentions, "placeholder") == "⟦T1⟧는 ⟦T2⟧을 열었다."
    assert restore("⟦T1⟧ held the monday tea time.", used, "placeholder", "en") == "Dangjin City held the Monday Tea Time."
    en_terms = glossary_terms(GLOSSARY, "en2ko")
    mentions = find_terms("Dangjin City and OpenAI met at the Administrative Welfare Center.", en_terms, "en")
    used = [t for _, _, t in mentions]
    assert restore("⟦T1⟧은 ⟦T2⟧과 ⟦T3⟧을 찾았다.", used, "placeholder", "ko") == "당진시는 오픈에이아이와 행정복지센터를 찾았다."


def test_output_cleanup():
    assert _drop_repeated_sentences("회의를 열었다. 주민이 왔다. 회의를 열었다.", "ko") == "회의를 열었다. 주민이 왔다."
    assert _drop_repeated_sentences("It rained. It rained again.", "en") == "It rained. It rained again."
    assert clean_output("Translation: \"Dangjin City held a meeting.\"\nNote: literal", "당진시는 회의를 열었다.") == \
        "Dangjin City held a meeting."
    assert cut_loop("주민들이 축축한 축축한 축축한 축축한 축축한") == ("주민들이 축축한", True)
    assert cut_loop("회의를 열었다.") == ("회의를 열었다.", False)


def test_direction_and_bad_input():
    assert detect_direction("당진시는 ChatGPT 활용 방안을 논의했다.") == "ko2en"
    assert detect_direction("Dangjin City discussed 챗GPT.") == "en2ko"
    for bad in ["", "  \n ", "abc\x00def", "가" * 5001]:
        with pytest.raises(InputError) as exc:
            validate_text(bad, limit=5000, what="번역")
        assert exc.value.hint


def test_a_direction_that_does_not_fit_the_text_is_refused():
    class Unused:  # refused before any model call
        name, is_local, context_length = "unused", True, 0

        def stream(self, messages, options):
            raise AssertionError("the model must not be called")

    for text, direction in [("Dangjin City held a meeting.", "ko2en"), ("당진시는 회의를 열었다.", "en2ko")]:
        with pytest.raises(InputError) as exc:
            translate(text, direction=direction, profile=load_profile(), backend=Unused())
        assert "--to" in exc.value.hint


def test_cli_rejects_empty_binary_and_long_input(tmp_path):
    binary = tmp_path / "x.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    long = tmp_path / "long.txt"
    long.write_text("가나다라. " * 1200, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    for path, word in [(binary, "텍스트가 아닙니다"), (long, "너무 깁니다"), (empty, "비어 있습니다")]:
        result = runner.invoke(app, ["translate", str(path)])
        assert result.exit_code != 0 and isinstance(result.exception, InputError)
        assert word in result.exception.message


def test_cli_exit_code_follows_the_verifier(monkeypatch, tmp_path):
    """A scripted server answers like the model; a wrong city gives exit 1, the official term exit 0."""
    from fakes import ScriptedServer, sse

    source = tmp_path / "in.txt"
    source.write_text("당진시는 월요 티타임을 열었다.", encoding="utf-8")
    for answer, code in [("Gwangju held the Monday Tea Time.", 1), ("Dangjin City held the Monday Tea Time.", 0)]:
        with ScriptedServer(default=sse([answer])) as server:
            monkeypatch.setenv("MOKMIN_BACKEND", "openai")
            monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", server.url)
            monkeypatch.setenv("MOKMIN_OPENAI__IS_LOCAL", "true")
            monkeypatch.setenv("MOKMIN_OPENAI__MAX_RETRIES", "0")
            result = runner.invoke(app, ["translate", str(source), "--to", "en", "--format", "json"])
            prompts = [r.body["messages"][-1]["content"] for r in server.requests]
        assert result.exit_code == code, result.output
        data = json.loads(result.stdout)
        assert data["direction"] == "ko2en" and data["alignment"][0]["source"] == "당진시는 월요 티타임을 열었다."
        assert prompts[0].endswith("Dangjin City는 Monday Tea Time을 열었다.")  # forced inline
        if code:
            assert len(prompts) == 2 and "Must use exactly: Dangjin City" in prompts[1]  # one retry
            assert {"translation.glossary", "translation.place"} <= {f["rule_id"] for f in data["findings"]}


@pytest.mark.model
def test_real_model_translation_keeps_the_official_terms(llama_backend):
    result = translate("당진시는 월요 티타임을 열었다.", direction="auto", profile=load_profile(), backend=llama_backend)
    assert result.direction == "ko2en" and len(result.alignment) == 1
    assert "Dangjin City" in result.text and "Monday Tea Time" in result.text
    assert not [f for f in result.findings if f.rule_id == "translation.glossary"]
    assert result.prompt_id.startswith("translate_ko2en@")
