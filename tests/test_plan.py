"""사업 기획안: brief parsing, the skeleton, cited 현황 from a real knowledge base, proposals checked, DOCX, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from docgen import make_docx, make_pdf
from docx import Document
from fakes import ScriptedServer, sse

from mokmin.checks.finding import Severity
from mokmin.cli.main import app
from mokmin.errors import InputError
from mokmin.knowledge.index import KnowledgeBase
from mokmin.llm.base import GenerationOptions
from mokmin.llm.openai import OpenAIBackend
from mokmin.profile import load_profile
from mokmin.settings import load_settings
from mokmin.workflows.plan import NO_KB, build_plan, draft_plan
from mokmin.workflows.plan_brief import Budget, budget_sum_problem, parse_plan_brief, parse_won, read_plan_brief
from mokmin.workflows.plan_docx import write_plan_docx
from mokmin.workflows.plan_status import find_statements, verify_statements

EXAMPLE = Path(__file__).parents[1] / "src" / "mokmin" / "data" / "examples" / "plan_brief.yaml"
BRIEF = """사업명: 어르신 스마트 경로당 시범 운영
부서: 노인복지과
배경:
- 경로당 어르신의 여가 프로그램이 단조롭다는 의견이 많음
목적: 경로당 어르신의 여가와 건강 관리 지원
대상: 관내 경로당 10곳, 어르신 300명
기간: 2025. 3. ~ 2025. 12.
추진 내용:
- 경로당 10곳에 화상 교육 장비 설치
기대 효과:
- 어르신의 사회적 고립 완화
"""
IDEAS = [
    "추진: 경로당별 이용 안내 강화\n",
    "추진: 경로당 50곳으로 확대 운영\n",          # a figure the brief never gave
    "추진: 서울시와 공동 운영\n",                 # an invented name
    "효과: 어르신 건강 관리 습관 형성\n",
    "효과: 어르신 만족도가 크게 높아졌다\n",        # a proposal stated as a past fact
    "이상입니다.\n",                              # not a proposal at all
]


def scripted(replies):
    return ScriptedServer([sse(r) for r in replies])


def backend_for(server):
    return OpenAIBackend(base_url=server.url, model="scripted", max_retries=0, is_local=True)


# --- brief ---------------------------------------------------------------------------------------------


def test_brief_formats_give_the_same_fields(tmp_path):
    lines = parse_plan_brief(BRIEF)
    assert lines.title == "어르신 스마트 경로당 시범 운영" and lines.department == "노인복지과"
    assert lines.background == ["경로당 어르신의 여가 프로그램이 단조롭다는 의견이 많음"]
    assert lines.purpose == ["경로당 어르신의 여가와 건강 관리 지원"] and lines.actions == ["경로당 10곳에 화상 교육 장비 설치"]
    toml = tmp_path / "brief.toml"
    toml.write_text('"사업명" = "어르신 스마트 경로당 시범 운영"\n"대상" = "관내 경로당 10곳, 어르신 300명"\n'
                    '"일정" = ["2025. 3.: 시범 경로당 선정"]\n["예산"]\n"총액" = "1억 원"\n"재원" = "시비"\n',
                    encoding="utf-8")
    parsed = read_plan_brief(toml)
    assert parsed.target == lines.target
    assert parsed.schedule == [("2025. 3.", "시범 경로당 선정")]
    assert parsed.budget.total == "1억 원" and parsed.budget.source == "시비"
    example = read_plan_brief(EXAMPLE)
    assert example.budget.items == [("화상 교육 장비 설치", "7,000만 원"), ("프로그램 운영비", "5,000만 원")]
    assert budget_sum_problem(example.budget) is None  # the bundled example adds up


def test_bad_briefs_are_refused_with_a_hint():
    with pytest.raises(InputError, match="알 수 없는 항목") as exc:
        parse_plan_brief("사업명: 경로당 운영\n예산액수: 1억 원\n")
    assert "사업명" in exc.value.hint
    with pytest.raises(InputError, match="사업명"):
        parse_plan_brief("대상: 경로당 10곳\n목적: 여가 지원\n")
    with pytest.raises(InputError, match="비어"):
        parse_plan_brief("   ")
    free = parse_plan_brief("경로당 어르신의 여가 프로그램이 부족하다.\n화상 교육을 시범 운영하려 한다.")
    assert free.title == "" and len(free.background) == 2


def test_money_and_budget_arithmetic():
    assert parse_won("1억 2,000만 원") == 120_000_000
    assert parse_won("총 7,000만원 (시비)") == 70_000_000
    assert parse_won("12,000천원") == 12_000_000
    assert parse_won("2.5억 원") == 250_000_000
    assert parse_won("예산 미정") is None
    assert "1억 2,000만 원" in budget_sum_problem(Budget(total="1억 원", items=[("장비", "7,000만 원"),
                                                                          ("운영", "5,000만 원")]))
    assert budget_sum_problem(Budget(total="1억 원", items=[("장비", "7,000만 원"), ("운영", "3,000만 원")])) is None
    assert budget_sum_problem(Budget(total="1억 원", items=[("장비", "미정"), ("운영", "3,000만 원")])) is None


# --- skeleton ------------------------------------------------------------------------------------------


def test_skeleton_keeps_brief_facts_verbatim_and_leaves_visible_gaps():
    brief = parse_plan_brief(BRIEF)
    doc = build_plan(brief, load_profile(), [], [], [("추진", "이용 안내 강화"), ("효과", "건강 관리 습관 형성")],
                     kb_used=False)
    text = doc.to_text()
    assert [s.title for s in doc.sections] == ["배경", "현황과 문제점", "목적", "추진 내용", "일정", "소요 예산",
                                               "기대 효과", "향후 계획"]
    assert text.startswith("어르신 스마트 경로당 시범 운영 기획안\n당진시 노인복지과\n")
    assert "□ 대상: 관내 경로당 10곳, 어르신 300명" in text
    assert "□ (제안) 이용 안내 강화" in text and "□ (제안) 건강 관리 습관 형성" in text
    assert "확인된 사실이 아닙니다" in text  # the note that explains "(제안)"
    for gap in ("현황과 문제점 — 지식베이스를 쓰지 않아", "추진 일정", "총사업비·재원", "향후 계획"):
        assert f"【입력 필요: {gap}" in text
    assert load_profile().ai_disclosure in text
    without_ideas = build_plan(brief, load_profile(), [], [], [], kb_used=True).to_text()
    assert "(제안)" not in without_ideas and "확인된 사실이 아닙니다" not in without_ideas
    assert NO_KB in without_ideas


# --- the workflow with a scripted model that invents ---------------------------------------------------


@pytest.fixture(scope="module")
def invented_draft():
    brief = parse_plan_brief(BRIEF.replace("기간: 2025. 3. ~ 2025. 12.\n",
                                           "기간: 2025. 3. ~ 2025. 12.\n예산:\n  총액: 1억 원\n  내역:\n"
                                           "    - 장비: 7,000만 원\n    - 운영: 5,000만 원\n"))
    with scripted([IDEAS]) as server:
        return draft_plan(brief, load_profile(), backend_for(server))


def test_invented_figures_names_and_past_facts_are_dropped(invented_draft):
    draft = invented_draft
    assert draft.proposals == [("추진", "경로당별 이용 안내 강화"), ("효과", "어르신 건강 관리 습관 형성")]
    assert "(제안) 경로당별 이용 안내 강화" in draft.text
    reasons = {r.text: r.reasons for r in draft.removed}
    assert any("수치" in x for x in reasons["[추진 제안] 경로당 50곳으로 확대 운영"])
    assert any("서울시" in x for x in reasons["[추진 제안] 서울시와 공동 운영"])
    assert reasons["[효과 제안] 어르신 만족도가 크게 높아졌다"] == ["제안을 이미 일어난 사실처럼 씀"]
    assert "이상입니다." in reasons
    for invented in ("50곳", "서울시", "높아졌다"):
        assert invented not in draft.text
    assert draft.prompt_id.startswith("plan_ideas@") and draft.backend == "openai"


def test_final_text_is_checked(invented_draft):
    draft = invented_draft
    errors = {f.rule_id for f in draft.errors}
    assert not {r for r in errors if r.startswith("factlock.")}, draft.errors
    budget = [f for f in draft.findings if f.rule_id == "plan.budget-sum"]
    assert budget and budget[0].severity is Severity.ERROR and "1억 2,000만 원" in budget[0].message
    assert budget[0].text == "1억 원" and draft.text[budget[0].start:budget[0].end] == "1억 원"
    assert any(f.rule_id == "plan.placeholder" and "추진 일정" in f.text for f in draft.findings)
    assert not draft.held_for_review


def test_a_number_changed_on_the_way_is_caught_by_the_fact_lock():
    """The checker judges the rendered text, not the brief: a figure that is not the brief's is an error."""
    from mokmin.checks.support import Support
    from mokmin.workflows.plan import check_plan

    brief = parse_plan_brief(BRIEF)
    doc = build_plan(brief, load_profile(), [], [], [], kb_used=False)
    doc.section("추진 내용").lines[1].text = "대상: 관내 경로당 15곳, 어르신 300명"
    text, spans = doc.render()
    findings = check_plan(text, spans, brief, load_profile(), [], Support.build(brief.support_text()))
    assert any(f.rule_id == "factlock.number" and f.text.startswith("15") for f in findings)


# --- 현황 cited from a knowledge base built from real documents ----------------------------------------


@pytest.fixture
def elderly_kb(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "경로당실태조사.pdf", [
        ["2024년 경로당 실태조사 결과를 정리했다."],
        ["관내 경로당은 모두 412곳이며 등록 회원은 1만 2천여 명이다.",
         "경로당 이용 어르신의 62%가 여가 프로그램이 부족하다고 응답했다.",
         "경로당 건강 관리 프로그램은 보건소 방문 교육에 그치고 있다."],
    ], heading="경로당 실태조사")
    make_docx(folder / "도서관.docx", "시립도서관 운영", [
        "시립도서관은 매주 월요일에 휴관한다.", "자료실 좌석은 모두 120석이다."])
    kb = KnowledgeBase(load_settings())
    kb.add([folder], audience="staff", embed=False, progress=False)
    return kb


def test_status_sentences_come_from_documents_with_checked_citations(elderly_kb):
    brief = parse_plan_brief(BRIEF)
    statements, passages, removed = find_statements(brief.search_query(), elderly_kb.search)
    assert statements and not removed
    assert all(Path(p.source_path).name == "경로당실태조사.pdf" for p in passages)
    assert passages[0].page == 2
    texts = [s.cited() for s in statements]
    assert "경로당 이용 어르신의 62%가 여가 프로그램이 부족하다고 응답했다 [1]." in texts
    assert not any("도서관" in t for t in texts)
    problem = next(s for s in statements if "부족" in s.text)
    assert problem.problem
    # a statement that says more than its passage fails the citation check and is dropped
    problem.text = "경로당 이용 어르신의 85%가 여가 프로그램이 부족하다고 응답했다."
    kept, used, dropped = verify_statements(statements, passages)
    assert problem not in kept and dropped and "85" in dropped[0].reasons[0]


def test_plan_with_knowledge_base_cites_its_sources(elderly_kb):
    brief = parse_plan_brief(BRIEF)
    with scripted([["추진: 이용 안내 강화\n"]]) as server:
        draft = draft_plan(brief, load_profile(), backend_for(server), search=elderly_kb.search)
    section = draft.text.split("2. 현황과 문제점\n")[1].split("3. 목적")[0]
    assert "□ 문제점" in section and "62%가 여가 프로그램이 부족하다고 응답했다 [1]." in section
    assert "출처: [1] 경로당 실태조사, 2쪽" in section
    assert "【입력 필요" not in section
    assert not [f for f in draft.findings if f.source == "citations" and f.severity is Severity.ERROR]
    # the figures of the documents do not count as the brief's: they only appear as cited statements
    assert not [f for f in draft.errors if f.rule_id.startswith("factlock.")]
    assert draft.passages and draft.passages[0].page == 2


def test_empty_knowledge_base_says_so_instead_of_inventing():
    brief = parse_plan_brief(BRIEF)
    with scripted([["효과: 건강 관리 습관 형성\n"]]) as server:
        draft = draft_plan(brief, load_profile(), backend_for(server), search=KnowledgeBase(load_settings()).search)
    assert f"【입력 필요: 현황과 문제점 — {NO_KB}" in draft.text and not draft.passages


# --- export and CLI ------------------------------------------------------------------------------------


def test_docx_has_sections_gaps_and_disclosure(tmp_path):
    brief = parse_plan_brief(BRIEF)
    doc = build_plan(brief, load_profile(), [], [], [("추진", "이용 안내 강화")], kb_used=False)
    path = write_plan_docx(doc, tmp_path / "plan.docx", author="당진시")
    word = Document(path)
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "어르신 스마트 경로당 시범 운영 기획안"
    assert "4. 추진 내용" in texts and "□ (제안) 이용 안내 강화" in texts
    highlighted = [r.text for p in word.paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert any(t.startswith("【입력 필요: 추진 일정") for t in highlighted)
    assert word.core_properties.comments == load_profile().ai_disclosure
    assert word.core_properties.category == "기획안"


def _invoke(args):
    from typer.testing import CliRunner

    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_cli_plan_json_and_docx(tmp_path, monkeypatch):
    brief = tmp_path / "brief.txt"
    brief.write_text(BRIEF, encoding="utf-8")
    out = tmp_path / "plan.docx"
    with scripted([["추진: 이용 안내 강화\n추진: 100곳 확대\n"]]) as server:
        monkeypatch.setenv("MOKMIN_BACKEND", "openai")
        monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", server.url)
        monkeypatch.setenv("MOKMIN_OPENAI__IS_LOCAL", "true")
        result = _invoke(["draft", "plan", str(brief), "--no-kb", "-o", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["proposals"] == [{"section": "추진", "text": "이용 안내 강화"}]
    assert data["removed"][0]["text"] == "[추진 제안] 100곳 확대"
    assert data["docx"] == str(out) and out.exists() and not data["held_for_review"]
    assert data["prompt_id"].startswith("plan_ideas@")
    missing = subprocess.run([sys.executable, "-m", "mokmin", "draft", "plan", str(tmp_path / "none.yaml")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "없습니다" in missing.stderr and "Traceback" not in missing.stderr


# --- the real model ------------------------------------------------------------------------------------


@pytest.mark.model
def test_real_model_proposals_are_marked_and_hold_no_figures(llama_backend):
    brief = read_plan_brief(EXAMPLE)
    draft = draft_plan(brief, load_profile(), llama_backend, options=GenerationOptions(max_tokens=60))
    assert draft.backend == "llamacpp"
    for kind, idea in draft.proposals:
        assert kind in ("추진", "효과") and not any(ch.isdigit() for ch in idea)
        assert f"(제안) {idea}" in draft.text
    assert draft.proposals or draft.removed  # the model said something, and it was judged
    assert not [f for f in draft.errors if f.rule_id.startswith("factlock.")], draft.errors
    assert "사업비: 1억 2,000만 원 (시비 100%)" in draft.text


def test_a_plan_with_a_discriminatory_expression_is_held_until_reviewed(tmp_path, monkeypatch):
    brief = tmp_path / "brief.txt"
    brief.write_text(BRIEF.replace("대상: 관내 경로당 10곳, 어르신 300명", "대상: 관내 장애우 300명"), encoding="utf-8")
    out = tmp_path / "plan.docx"
    with scripted([["없음"], ["없음"]]) as server:
        monkeypatch.setenv("MOKMIN_BACKEND", "openai")
        monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", server.url)
        monkeypatch.setenv("MOKMIN_OPENAI__IS_LOCAL", "true")
        held = _invoke(["draft", "plan", str(brief), "--no-kb", "-o", str(out)])
        assert held.exit_code == 0, held.output
        assert "검토 보류" in held.output and "discrimination.term" in held.output
        assert not out.exists()
        reviewed = _invoke(["draft", "plan", str(brief), "--no-kb", "-o", str(out), "--reviewed"])
    assert reviewed.exit_code == 0, reviewed.output
    assert out.exists()
