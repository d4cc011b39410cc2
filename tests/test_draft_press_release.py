"""Drafting a release: the real embedded model on the seed brief, and a scripted model that invents."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document
from fakes import ScriptedServer, sse

from mokmin.checks.finding import Severity
from mokmin.cli.main import app
from mokmin.llm.openai import OpenAIBackend
from mokmin.press.brief import parse_structured, read_brief_file
from mokmin.profile import load_profile
from mokmin.workflows.press_release import draft_press_release

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def seed_draft(llama_backend, fixtures_dir):
    brief = read_brief_file(fixtures_dir / "seed_brief.txt")
    return draft_press_release(brief, load_profile(), llama_backend, today=TODAY)


@pytest.mark.model
def test_seed_brief_gives_an_official_release_whose_facts_trace_to_the_brief(seed_draft):
    draft = seed_draft
    release = draft.release
    assert release.title.startswith("당진시,") and len(release.title) <= 40
    assert "챗GPT 행정 활용방안" in release.title
    assert release.subtitles and release.subtitles[0].startswith("- ") and release.subtitles[0].endswith(" -")
    lead = release.paragraphs[0]
    for fact in ("당진시는", "3월 27일(월)", "당진시청 7층 접견실", "2023년 3월 월요 티타임", "오성환 시장"):
        assert fact in lead
    assert "오전" not in draft.text  # the seed's ChatGPT added a morning nobody mentioned
    # the quotation is not invented: a visible placeholder stands where the head's words go
    assert '"【입력 필요: 인용문' in release.paragraphs[-1]
    assert release.disclosure in draft.text
    # every fact traces: no fact-lock error and no boilerplate in the final text
    rules = {f.rule_id for f in draft.findings if f.severity is Severity.ERROR}
    assert not {r for r in rules if r.startswith("factlock.")}, draft.findings
    assert "press.boilerplate-closing" not in rules
    # unknown contacts are flagged, not invented
    assert "press.placeholder" in rules
    assert draft.backend == "llamacpp" and draft.prompt_id.startswith("press_body@")


@pytest.mark.model
def test_seed_draft_shows_what_was_extracted(seed_draft):
    facts = {f.label: f for f in seed_draft.facts}
    assert facts["장소"].value == "당진시청 7층 접견실"
    assert facts["주재·주최"].value == "오성환 시장"
    assert facts["연도"].value == "2023"


INVENTING_MODEL = [
    "회의에서는 챗GPT의 행정 활용 분야를 논의했다. ",
    "또한 챗GPT를 활용한 고객 응대 시스템과 온라인 상담 서비스 도입을 검토했다. ",
    "오성환 시장은 \"시민 만족도를 높이겠다\"고 강조했다. ",
    "회의는 오전 10시에 시작됐다. ",
    "앞으로도 당진시는 시민을 위해 최선을 다할 계획이다.",
]


def test_invented_model_sentences_are_removed_with_reasons(fixtures_dir):
    brief = read_brief_file(fixtures_dir / "seed_brief.txt")
    with ScriptedServer([sse(INVENTING_MODEL)]) as server:
        backend = OpenAIBackend(base_url=server.url, model="scripted", max_retries=0, is_local=True)
        draft = draft_press_release(brief, load_profile(), backend, today=TODAY, use_model_extraction=False)
    assert "회의에서는 챗GPT의 행정 활용 분야를 논의했다." in draft.text
    for invented in ("고객 응대 시스템", "시민 만족도를 높이겠다", "오전 10시", "최선을 다할"):
        assert invented not in draft.text
        assert any(invented in r.text for r in draft.removed)
    assert all(r.reasons for r in draft.removed)
    assert not [f for f in draft.findings if f.rule_id.startswith("factlock.") and f.severity is Severity.ERROR]


def test_structured_brief_quote_is_used_verbatim(fixtures_dir):
    brief = read_brief_file(fixtures_dir / "seed_human_brief.yaml")
    with ScriptedServer([sse(["없음"])]) as server:
        backend = OpenAIBackend(base_url=server.url, model="scripted", max_retries=0, is_local=True)
        draft = draft_press_release(brief, load_profile(), backend, today=TODAY)
    quote = brief.quotes[0].text
    assert f'오성환 시장은 "{quote}"라고 말했다.' in draft.release.paragraphs[-1]
    assert draft.release.title == "당진시, '챗GPT' 행정 활용방안 논의"
    assert "factlock.quote" not in {f.rule_id for f in draft.findings}


def test_cli_drafts_and_writes_docx(fixtures_dir, tmp_path, monkeypatch, capsys):
    """The whole CLI path over a scripted OpenAI-compatible server (the real model is tested above)."""
    with ScriptedServer([sse(["회의에서는 챗GPT의 행정 활용 분야를 논의했다."])]) as server:
        monkeypatch.setenv("MOKMIN_BACKEND", "openai")
        monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", server.url)
        monkeypatch.setenv("MOKMIN_OPENAI__IS_LOCAL", "true")
        out = tmp_path / "release.docx"
        result = _invoke(["draft", "press-release", str(fixtures_dir / "seed_brief.txt"), "--docx", str(out),
                          "--no-model-extract"])
    assert result.exit_code == 0, result.output
    assert "당진시, '챗GPT 행정 활용방안' 논의" in result.output
    assert "press.placeholder" in result.output
    doc = Document(str(out))
    assert any("챗GPT 행정 활용방안" in p.text for p in doc.paragraphs)
    assert "인공지능" in doc.core_properties.comments


def test_cli_check_exit_codes_and_json(fixtures_dir):
    bad = _invoke(["check", "press-release", str(fixtures_dir / "seed_chatgpt_release.txt"),
                   "--brief", str(fixtures_dir / "seed_brief.txt"), "--format", "json"])
    assert bad.exit_code == 1
    import json

    data = json.loads(bad.stdout)
    assert any(item["rule_id"] == "factlock.time" and item["text"] == "오전" for item in data)
    good = _invoke(["check", "press-release", str(fixtures_dir / "seed_human_release.txt"),
                    "--brief", str(fixtures_dir / "seed_human_brief.yaml")])
    assert good.exit_code == 0, good.output


def test_cli_bad_input_gives_a_message_not_a_traceback(tmp_path):
    import subprocess
    import sys

    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    nodate = tmp_path / "nodate.txt"
    nodate.write_text("시청 접견실에서 챗GPT 활용 방안을 논의했다.", encoding="utf-8")
    for path, needle in ((empty, "비어 있습니다"), (nodate, "날짜"), (tmp_path / "missing.txt", "없습니다")):
        proc = subprocess.run([sys.executable, "-m", "mokmin", "draft", "press-release", str(path)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2
        assert needle in proc.stderr
        assert "Traceback" not in proc.stderr


def _invoke(args):
    from typer.testing import CliRunner

    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_model_extraction_keeps_only_supported_values():
    """A long free-text brief: the model proposes facts; only those the brief supports are used."""
    from mokmin.press.brief import parse_free_text

    brief = parse_free_text(
        "11월 30일(월) 시청 대회의실에서 겨울철 제설 대책 회의를 열었어. 도로과와 안전총괄과 직원 20명이 참석했어. "
        "제설제 살포 구간을 점검했어. 12월에는 제설 장비 점검을 할 예정이야. 보도자료를 써줘."
    )
    extraction = sse(["참석: 도로과와 안전총괄과 직원 20명\n", "주요 내용: 제설제 살포 구간 점검\n",
                      "향후 계획: 12월 제설 장비 점검과 시민 제설 봉사단 모집\n"])
    with ScriptedServer([extraction, sse(["없음"])]) as server:
        backend = OpenAIBackend(base_url=server.url, model="scripted", max_retries=0, is_local=True)
        draft = draft_press_release(brief, load_profile(), backend, today=TODAY)
    facts = {(f.label, f.value): f.origin for f in draft.facts}
    assert facts[("참석", "도로과와 안전총괄과 직원 20명")] == "브리프"  # the rules found it first
    assert facts[("행사", "겨울철 제설 대책 회의")] == "브리프"
    assert facts[("내용", "제설제 살포 구간 점검")] == "모델(검증됨)"
    assert not any("봉사단" in value for _, value in facts)
    assert any("봉사단" in r.text for r in draft.removed)
    assert "도로과와 안전총괄과 직원 20명이 참석했다" in draft.text


def test_check_exit_code_through_the_real_entry_point(fixtures_dir):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "mokmin", "check", "press-release",
                           str(fixtures_dir / "seed_chatgpt_release.txt"), "--brief", str(fixtures_dir / "seed_brief.txt")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "고객 응대 시스템" in proc.stdout


def test_a_draft_with_a_discriminatory_expression_is_held_until_reviewed(tmp_path, monkeypatch):
    brief = tmp_path / "brief.yaml"
    brief.write_text("일시: 2024. 5. 7.(화) 14:00\n장소: 시청 대회의실\n행사: 장애우와 함께하는 한마음 체육대회\n"
                     "주재: 오성환 시장\n참석: 시민 300명\n", encoding="utf-8")
    out = tmp_path / "release.docx"
    with ScriptedServer([sse(["없음"]), sse(["없음"])]) as server:
        monkeypatch.setenv("MOKMIN_BACKEND", "openai")
        monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", server.url)
        monkeypatch.setenv("MOKMIN_OPENAI__IS_LOCAL", "true")
        held = _invoke(["draft", "press-release", str(brief), "--docx", str(out), "--no-model-extract"])
        assert held.exit_code == 0, held.output
        assert "검토 보류" in held.output and "discrimination.term" in held.output and "장애인" in held.output
        assert not out.exists()  # nothing leaves as a document until an official has looked
        reviewed = _invoke(["draft", "press-release", str(brief), "--docx", str(out), "--no-model-extract",
                            "--reviewed"])
    assert reviewed.exit_code == 0, reviewed.output
    assert out.exists()
