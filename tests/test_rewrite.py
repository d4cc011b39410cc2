"""Rewriting: changed facts between (original, rewritten) pairs, register per style, the CLI, one real model call."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mokmin.checks.finding import Severity
from mokmin.checks.support import Support
from mokmin.checks.translation_values import extract_values
from mokmin.cli.main import app
from mokmin.errors import InputError
from mokmin.llm.base import GenerationOptions
from mokmin.profile import load_profile
from mokmin.workflows.rewrite import check_register_for, check_rewrite, rewrite

PROFILE = load_profile()
ORIGINAL = "당진시는 2023. 3. 27.(월) 시청 상황실에서 월요 티타임을 열고 국·소장 12명과 챗GPT 활용 방안을 논의했다."
QUOTED = "오성환 시장은 \"챗GPT를 행정에 적극 활용하겠다\"고 밝혔다."
runner = CliRunner()


def changed(original, rewritten, context=None):
    support = Support.build((context or original) + "\n" + PROFILE.support_text())
    return check_rewrite(original, rewritten, support, context=context or original)


def rules(findings):
    return sorted(f.rule_id for f in findings)


@pytest.mark.parametrize("rewritten", [
    # plain language: different words, the same facts
    "당진시는 2023. 3. 27.(월) 시청 상황실에서 월요 티타임을 열었습니다. 국·소장 12명과 챗GPT를 어떻게 쓸지 이야기했습니다.",
    # press register with the date written another way
    "당진시는 2023년 3월 27일(월) 시청 상황실에서 월요 티타임을 열어 국·소장 12명과 챗GPT 활용 방안을 논의했다.",
    ORIGINAL,
])
def test_a_rewrite_that_keeps_every_fact_has_no_findings(rewritten):
    assert changed(ORIGINAL, rewritten) == []


def test_amounts_in_another_notation_are_the_same_fact():
    assert changed("지원금은 1인당 30만 원입니다.", "한 사람에게 300,000원을 드립니다.") == []


def test_every_changed_fact_is_an_error_with_the_original_as_suggestion():
    number = changed(ORIGINAL, ORIGINAL.replace("12명", "20명"))
    assert rules(number) == ["rewrite.number"] and number[0].text == "20"
    assert number[0].severity is Severity.ERROR and ORIGINAL in number[0].suggestion
    # 2023-03-28 was a Tuesday: the kept "(월)" is wrong as well
    assert rules(changed(ORIGINAL, ORIGINAL.replace("3. 27.", "3. 28."))) == ["factlock.weekday", "rewrite.date"]
    assert rules(changed(ORIGINAL, ORIGINAL.replace("2023. 3. 27.(월) ", ""))) == ["rewrite.date-missing"]
    assert rules(changed("오후 3시에 시작합니다.", "오후 4시에 시작합니다.")) == ["rewrite.time", "rewrite.time"]


def test_names_must_survive_and_no_new_name_may_appear():
    dropped = changed(ORIGINAL, ORIGINAL.replace("당진시는", "시는"))
    assert rules(dropped) == ["rewrite.name"] and "당진시" in dropped[0].message
    invented = changed(ORIGINAL, ORIGINAL.replace("당진시는", "당진시와 대전시는"))
    assert "factlock.name" in rules(invented)


def test_quoted_speech_is_kept_word_for_word():
    assert changed(QUOTED, "오성환 시장은 \"챗GPT를 행정에 적극 활용하겠다\"고 말했습니다.") == []
    altered = changed(QUOTED, "오성환 시장은 \"챗GPT를 행정에 활용하겠다\"고 말했습니다.")
    assert rules(altered) == ["rewrite.quote", "rewrite.quote"]
    assert any(f.text == "\"챗GPT를 행정에 활용하겠다\"" for f in altered)
    unquoted = changed(QUOTED, "오성환 시장은 챗GPT를 행정에 적극 쓰겠다고 말했습니다.")
    assert rules(unquoted) == ["rewrite.quote"]


def test_register_follows_the_style():
    assert check_register_for("회의를 열었습니다.", "plain") == []
    assert [f.rule_id for f in check_register_for("회의를 열었다.", "plain")] == ["register.style"]
    assert [f.rule_id for f in check_register_for("회의를 열었습니다.", "press")] == ["register.style"]
    assert check_register_for("회의를 열었다. 회의를 열었습니다.", "formal") == []
    assert [f.rule_id for f in check_register_for("회의를 열었어.", "formal")] == ["register.banmal"]


def test_bad_input_is_a_korean_input_error():
    class Unused:  # rewrite must refuse before any model call
        name, is_local, context_length = "unused", True, 0

        def stream(self, messages, options: GenerationOptions):
            raise AssertionError("the model must not be called")

    for text, word in [("", "비어"), ("Only English here.", "한국어 글이 아닙니다"), ("가" * 3001, "너무 깁니다")]:
        with pytest.raises(InputError) as exc:
            rewrite(text, style="plain", profile=PROFILE, backend=Unused())
        assert word in exc.value.message
    with pytest.raises(InputError):
        rewrite("회의를 열었다.", style="casual", profile=PROFILE, backend=Unused())  # type: ignore[arg-type]


def test_cli_flags_a_changed_number_and_exits_1(monkeypatch, tmp_path):
    from fakes import ScriptedServer, sse

    source = tmp_path / "in.txt"
    source.write_text("주민 1,200명이 참석했다.", encoding="utf-8")
    for answer, code in [("주민 1,500명이 참석했습니다.", 1), ("주민 1,200명이 참석했습니다.", 0)]:
        with ScriptedServer(default=sse([answer])) as server:
            monkeypatch.setenv("MOKMIN_BACKEND", "openai")
            monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", server.url)
            monkeypatch.setenv("MOKMIN_OPENAI__IS_LOCAL", "true")
            monkeypatch.setenv("MOKMIN_OPENAI__MAX_RETRIES", "0")
            result = runner.invoke(app, ["rewrite", str(source), "--style", "plain", "--format", "json"])
        assert result.exit_code == code, result.output
        assert result.stdout.startswith("{"), (result.stdout, result.stderr, result.exception)
        data = json.loads(result.stdout)
        assert data["text"] == answer and data["style"] == "plain"
        errors = [f for f in data["findings"] if f["severity"] == "error"]
        assert [f["rule_id"] for f in errors] == (["rewrite.number"] if code else [])


@pytest.mark.model
def test_real_model_rewrite_reports_every_number_it_changed(llama_backend):
    original = "행정복지센터는 3월 27일부터 주민 40명을 대상으로 스마트폰 활용 교육을 실시한다."
    result = rewrite(original, style="plain", profile=PROFILE, backend=llama_backend,
                     options=GenerationOptions(temperature=0.0, max_tokens=90))
    assert len(result.alignment) == 1 and result.alignment[0][0] == original
    assert result.text.strip() and result.prompt_id.startswith("rewrite@")
    kept = {n.value for n in extract_values(result.text, "ko").numbers} | {
        v for d in extract_values(result.text, "ko").dates for v in d.parts().values()}
    flagged = {f.rule_id for f in result.errors}
    for value in (27, 40):  # each fact is either kept or reported as an error
        assert value in kept or flagged & {"rewrite.number", "rewrite.number-missing", "rewrite.date",
                                            "rewrite.date-missing"}
