"""인사말·축사·기념사: brief parsing, the formal skeleton, invented facts dropped, DOCX, CLI, the real model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from fakes import ScriptedServer, sse

from mokmin.checks.support import Support
from mokmin.cli.main import app
from mokmin.errors import InputError
from mokmin.llm.base import GenerationOptions
from mokmin.llm.openai import OpenAIBackend
from mokmin.profile import load_profile
from mokmin.workflows.plan_docx import write_speech_docx
from mokmin.workflows.plan_judge import FACT_RULES
from mokmin.workflows.speech import (
    build_skeleton,
    draft_speech,
    judge_speech,
    parse_speech_brief,
    read_speech_brief,
    resolve_kind,
    speaker_line,
)

EXAMPLE = Path(__file__).parents[1] / "src" / "mokmin" / "data" / "examples" / "speech_brief.yaml"
BRIEF = """행사명: 제20회 당진시 생활체육대회
일시: 2025. 5. 10.(토) 10:00
장소: 당진종합운동장
청중: 시민
행사 내용:
- 시민 1,500명이 12개 종목에서 기량을 겨룸
감사:
- 대회를 준비한 당진시체육회 관계자
"""
INVENTING = [
    "의미: 생활체육대회는 시민 모두가 함께 어울리는 화합의 장입니다. ",
    "올해는 시민 3,000명이 참가했습니다. ",                       # a number not in the brief
    "김철수 의장님께서 큰 힘이 되어 주셨습니다. ",                 # an invented person
    "이번 대회는 2025년 6월 1일까지 이어집니다. ",                 # an invented date
    "체육은 건강의 기본이다.\n",                                  # not the formal register
    "다짐: 시민 여러분의 건강한 생활을 위해 힘쓰겠습니다. ",
    "내년에는 충남체육진흥재단과 함께 대회를 키우겠습니다.",         # an invented institution
]


def test_brief_parsing_and_kinds(tmp_path):
    brief = parse_speech_brief(BRIEF)
    assert brief.event == "제20회 당진시 생활체육대회" and brief.where == "당진종합운동장"
    assert brief.content == ["시민 1,500명이 12개 종목에서 기량을 겨룸"]
    example = read_speech_brief(EXAMPLE)
    assert example.kind == "축사" and example.guests == ["당진시체육회 회장님"]
    assert resolve_kind(None, example) == "축사" and resolve_kind("기념사", example) == "기념사"
    assert resolve_kind(None, brief) == "인사말"
    with pytest.raises(InputError, match="종류"):
        resolve_kind("격려사", brief)
    with pytest.raises(InputError, match="행사명"):
        parse_speech_brief("일시: 2025. 5. 10.\n장소: 운동장\n")
    with pytest.raises(InputError, match="행사명"):
        parse_speech_brief("생활체육대회 축사를 써 주세요.")
    with pytest.raises(InputError, match="알 수 없는 항목"):
        parse_speech_brief("행사명: 체육대회\n날씨: 맑음\n")


def test_skeleton_for_each_kind_is_formal_and_uses_only_the_brief():
    profile = load_profile()
    brief = parse_speech_brief(BRIEF)
    assert speaker_line(brief, profile) == "당진시장 오성환"  # from the profile when the brief names nobody
    texts = {kind: build_skeleton(brief, kind, profile, [], []).to_text() for kind in ("인사말", "축사", "기념사")}
    for text in texts.values():
        assert text.startswith("제20회 당진시 생활체육대회 ")
        assert "존경하는 시민 여러분!" in text and "반갑습니다. 당진시장 오성환입니다." in text
        assert "대회를 준비한 당진시체육회 관계자 여러분께 깊이 감사드립니다." in text
        assert "\n\n2025. 5. 10.(토)\n\n당진시장 오성환\n" in text and profile.ai_disclosure in text
        assert text.count("감사합니다.") == 1
    assert "제20회 당진시 생활체육대회를 진심으로 축하드립니다." in texts["축사"]
    assert "뜻깊은 제20회 당진시 생활체육대회를 맞아" in texts["기념사"] and "기념하며" in texts["기념사"]
    assert "함께해 주신 여러분을 진심으로 환영합니다." in texts["인사말"] and "축하" not in texts["인사말"]
    guests = build_skeleton(read_speech_brief(EXAMPLE), "축사", profile, [], []).to_text()
    assert "존경하는 당진시체육회 회장님, 그리고 시민 여러분!" in guests and "오성환 당진시장입니다." in guests


def test_invented_facts_and_informal_sentences_are_dropped():
    brief = parse_speech_brief(BRIEF)
    support = Support.build(brief.support_text() + "\n" + load_profile().support_text())
    meaning, resolve, removed = judge_speech("".join(INVENTING), support, [])
    assert meaning == ["생활체육대회는 시민 모두가 함께 어울리는 화합의 장입니다."]
    assert resolve == ["시민 여러분의 건강한 생활을 위해 힘쓰겠습니다."]
    reasons = {r.text: " ".join(r.reasons) for r in removed}
    assert "3,000명" in reasons["[의미] 올해는 시민 3,000명이 참가했습니다."]
    assert "김철수" in reasons["[의미] 김철수 의장님께서 큰 힘이 되어 주셨습니다."]
    assert "날짜" in reasons["[의미] 이번 대회는 2025년 6월 1일까지 이어집니다."]
    assert "격식체" in reasons["[의미] 체육은 건강의 기본이다."]
    assert "충남체육진흥재단" in reasons["[다짐] 내년에는 충남체육진흥재단과 함께 대회를 키우겠습니다."]
    # correct sentences with the brief's own facts stay
    kept, _, none = judge_speech("의미: 시민 1,500명이 12개 종목에서 기량을 겨룹니다.", support, [])
    assert kept == ["시민 1,500명이 12개 종목에서 기량을 겨룹니다."] and not none


@pytest.fixture(scope="module")
def scripted_speech():
    with ScriptedServer([sse(INVENTING)]) as server:
        backend = OpenAIBackend(base_url=server.url, model="scripted", max_retries=0, is_local=True)
        return draft_speech(parse_speech_brief(BRIEF), load_profile(), backend, kind="축사")


def test_draft_keeps_only_checked_sentences(scripted_speech):
    draft = scripted_speech
    assert "화합의 장입니다." in draft.text and "건강한 생활을 위해 힘쓰겠습니다." in draft.text
    for invented in ("3,000명", "김철수", "6월 1일", "충남체육진흥재단", "기본이다"):
        assert invented not in draft.text
    assert len(draft.removed) == 5 and all(r.reasons for r in draft.removed)
    assert not [f for f in draft.findings if f.rule_id in FACT_RULES], draft.findings
    assert draft.prompt_id.startswith("speech_body@") and not draft.held_for_review


def test_docx_export(scripted_speech, tmp_path):
    path = write_speech_docx(scripted_speech.speech, tmp_path / "speech.docx", author="당진시")
    word = Document(path)
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "제20회 당진시 생활체육대회 축사"
    assert "당진시장 오성환" in texts and word.core_properties.category == "축사"
    assert word.core_properties.comments == load_profile().ai_disclosure


def _invoke(args):
    from typer.testing import CliRunner

    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_cli_speech(tmp_path, monkeypatch):
    brief = tmp_path / "brief.txt"
    brief.write_text(BRIEF, encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "mokmin", "draft", "speech", str(brief), "--kind", "격려사"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "인사말, 축사, 기념사" in bad.stderr and "Traceback" not in bad.stderr
    with ScriptedServer([sse(["의미: 시민 모두가 함께하는 자리입니다."])]) as server:
        monkeypatch.setenv("MOKMIN_BACKEND", "openai")
        monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", server.url)
        monkeypatch.setenv("MOKMIN_OPENAI__IS_LOCAL", "true")
        result = _invoke(["draft", "speech", str(brief), "--kind", "기념사", "--format", "json", "--no-docx"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "기념사" and "시민 모두가 함께하는 자리입니다." in data["text"]
    assert data["docx"] is None


@pytest.mark.model
def test_real_model_writes_a_checked_speech(llama_backend):
    draft = draft_speech(read_speech_brief(EXAMPLE), load_profile(), llama_backend,
                         options=GenerationOptions(max_tokens=60))
    assert draft.backend == "llamacpp" and draft.speech.kind == "축사"
    assert draft.text.startswith("제20회 당진시 생활체육대회 축사\n")
    model_parts = [text for part, text in draft.speech.paragraphs if part == "model"]
    for part in model_parts:
        assert part.rstrip().endswith(("니다.", "니다", "십시오.", "시오."))
    assert model_parts or draft.removed  # the model said something, and it was judged
    assert not [f for f in draft.findings if f.rule_id in FACT_RULES], draft.findings
