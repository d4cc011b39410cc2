"""기획안·연설문 pages (/staff/plan, /staff/speech) and 코드 도우미 (/staff/code) with their REST endpoints."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from fakes import ObedientBackend
from web_helpers import api_client, citizen_client, close_app, done_of, events, make_app, staff_client

from mokmin.guard.audit import open_log
from mokmin.workflows.plan import NO_KB

PLAN = {
    "title": "어르신 스마트 경로당 시범 운영", "department": "노인복지과",
    "background": ["경로당 어르신의 여가 프로그램이 단조롭다는 의견이 많음"],
    "purpose": ["경로당 어르신의 여가와 건강 관리 지원"], "target": "관내 경로당 10곳, 어르신 300명",
    "period": "2025. 3. ~ 2025. 12.",
    "budget": {"total": "1억 2,000만 원", "source": "시비 100%",
               "items": ["장비 설치: 7,000만 원", "프로그램 운영비: 5,000만 원"]},
    "actions": ["경로당 10곳에 화상 교육 장비 설치"], "schedule": ["2025. 3.: 시범 경로당 선정"],
    "effects": ["어르신의 사회적 고립 완화"],
}
IDEAS = ("추진: 경로당별 이용 안내 강화\n"
         "추진: 경로당 50곳으로 확대 운영\n"  # a figure the brief never gave
         "효과: 어르신 건강 관리 습관 형성\n")
SPEECH = {
    "event": "제20회 당진시 생활체육대회", "when": "2025. 5. 10.(토) 10:00", "where": "당진종합운동장",
    "audience": "시민", "content": ["시민 1,500명이 12개 종목에서 기량을 겨룸"],
    "thanks": ["대회를 준비한 당진시체육회 관계자"],
}
SPEECH_OUT = ("의미: 생활체육대회는 시민 모두가 함께 어울리는 화합의 장입니다. 올해는 시민 3,000명이 참가했습니다.\n"
              "다짐: 시민 여러분의 건강한 생활을 위해 힘쓰겠습니다.")
CSV = "이름,부서,점수\n홍길동,총무과,85\n김영희,재무과,92\n이철수,총무과,70\n"
SCRIPT = ("```python\nimport csv\nrows = list(csv.DictReader(open('점수표.csv', encoding='utf-8')))\n"
          "print('합계', sum(int(r['점수']) for r in rows))\n```")


def audit_records(app) -> list[dict]:
    return list(open_log(app.state.services.settings).records())


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


@pytest.fixture
def plan_app():
    app = make_app(backend=ObedientBackend(default=IDEAS))
    yield app
    close_app(app)


def test_plan_from_typed_fields_drops_an_invented_figure_and_downloads_docx(plan_app):
    kim = staff_client(plan_app)
    response = kim.post_csrf("/staff/api/plan/draft", json={"mode": "fields", "fields": PLAN, "use_kb": True})
    assert "".join(v for k, v in events(response.text) if k == "token") == IDEAS
    draft = done_of(response)
    assert draft["title"] == "어르신 스마트 경로당 시범 운영 기획안"
    assert "(제안) 경로당별 이용 안내 강화" in draft["text"] and "50곳" not in draft["text"]
    removed = {r["text"]: r["reasons"] for r in draft["removed"]}
    assert any("수치" in reason for reason in removed["[추진 제안] 경로당 50곳으로 확대 운영"])
    assert {"section": "추진", "text": "경로당별 이용 안내 강화"} in draft["proposals"]
    sections = {s["title"]: s["lines"] for s in draft["sections"]}
    assert {"text": "사업비: 1억 2,000만 원 (시비 100%)", "kind": "fact", "level": 1} in sections["소요 예산"]
    status = sections["현황과 문제점"]  # empty knowledge base: said plainly, nothing invented
    assert status[0]["kind"] == "placeholder" and NO_KB in status[0]["text"] and draft["sources"] == []
    assert not [f for f in draft["findings"] if f["rule_id"].startswith("factlock.") and f["severity"] == "error"]
    assert draft["held_for_review"] is False
    ref = draft["feedback"]
    record = next(r for r in audit_records(plan_app) if r["seq"] == ref["audit_seq"])
    assert ref["kind"] == "plan" and record["actor"] == "web:kim" and record["workflow"] == "plan"
    got = kim.post_form(draft["download"], {})
    assert got.status_code == 200, got.text
    text = docx_text(got.content)
    assert "어르신 스마트 경로당 시범 운영 기획안" in text and "경로당별 이용 안내 강화" in text and "50곳" not in text
    assert [r["actor"] for r in audit_records(plan_app) if r["kind"] == "export"] == ["web:kim"]
    assert staff_client(plan_app, "lee").post_form(draft["download"], {}).status_code == 400


def test_a_held_plan_needs_the_review_confirmation_and_free_yaml_briefs_work(plan_app):
    kim = staff_client(plan_app)
    fields = dict(PLAN, target="관내 장애우 300명")
    draft = done_of(kim.post_csrf("/staff/api/plan/draft", json={"fields": fields, "use_kb": False}))
    assert draft["held_for_review"] and any(f["source"] == "discrimination" for f in draft["held"])
    refused = kim.post_form(draft["download"], {}, headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "검토 보류" in refused.json()["detail"]
    assert kim.post_form(draft["download"], {"reviewed": "1"}).content[:2] == b"PK"
    free = "사업명: 스마트 버스정류장 확대\n목적: 대기 환경 개선\n추진 내용:\n- 정류장 온열 의자 설치\n"
    draft = done_of(kim.post_csrf("/staff/api/plan/draft", json={"mode": "free", "free_text": free, "use_kb": False}))
    assert "스마트 버스정류장 확대 기획안" in draft["text"] and "정류장 온열 의자 설치" in draft["text"]
    calls = len(plan_app.state.services.backend().calls)
    no_title = kim.post_csrf("/staff/api/plan/draft", json={"fields": {"purpose": ["목적만"]}})
    assert no_title.status_code == 400 and "사업명" in no_title.json()["detail"]
    assert len(plan_app.state.services.backend().calls) == calls  # refused before the model


def test_speech_page_and_rest_drop_invented_numbers_and_export_docx():
    app = make_app(backend=ObedientBackend(default=SPEECH_OUT))
    try:
        kim = staff_client(app)
        draft = done_of(kim.post_csrf("/staff/api/speech/draft",
                                      json={"kind": "축사", "fields": SPEECH}))
        assert draft["kind"] == "축사" and draft["title"] == "제20회 당진시 생활체육대회 축사"
        assert "제20회 당진시 생활체육대회를 진심으로 축하드립니다." in draft["text"]
        assert "화합의 장입니다" in draft["text"] and "3,000명" not in draft["text"]
        assert any("3,000명" in r["text"] for r in draft["removed"])
        assert draft["feedback"]["kind"] == "speech"
        got = kim.post_form(draft["download"], {})
        assert got.status_code == 200 and "진심으로 축하드립니다" in docx_text(got.content)
        robot = api_client(app)
        data = robot.post("/api/v1/speech", json={"kind": "기념사", "fields": SPEECH}).json()
        assert data["download"] == f"/api/v1/speech/{data['id']}/docx" and "기념하며" in data["text"]
        assert robot.post(data["download"]).content[:2] == b"PK"
        bad = robot.post("/api/v1/speech", json={"kind": "조사", "fields": SPEECH})
        assert bad.status_code in (400, 422)
        plan = robot.post("/api/v1/plan", json={"fields": PLAN, "use_kb": False})
        assert plan.status_code == 200 and plan.json()["download"].startswith("/api/v1/plan/")
    finally:
        close_app(app)


def upload_leftovers(app) -> list[Path]:
    root = Path(app.state.services.settings.home) / "uploads" / "code"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_code_page_runs_the_python_answer_on_the_uploaded_csv_and_deletes_it():
    app = make_app(backend=ObedientBackend(default=SCRIPT))
    try:
        kim = staff_client(app)
        response = kim.post_csrf("/staff/api/code", data={"task": "점수 합계를 구해 줘", "mode": "python"},
                                 files={"file": ("점수표.csv", CSV.encode("utf-8"), "text/csv")})
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["mode"] == "python" and data["sample"] == "점수표.csv" and "csv.DictReader" in data["code"]
        assert data["executed"] and data["ok"] is True
        assert data["run"]["stdout"].strip() == "합계 247"
        assert "isolated_python" in data["run"]["layers"] and "audit_hook" in data["run"]["layers"]
        assert data["run"]["message"] and data["feedback"]["kind"] == "code"
        assert upload_leftovers(app) == []  # the sample was deleted after the answer
        record = next(r for r in audit_records(app) if r["seq"] == data["feedback"]["audit_seq"])
        assert record["actor"] == "web:kim"
        # a sample of the wrong type is refused before the model and nothing is left behind
        calls = len(app.state.services.backend().calls)
        bad = kim.post_csrf("/staff/api/code", data={"task": "합계"}, files={"file": ("x.exe", b"MZ", "x")})
        assert bad.status_code == 400 and "형식" in bad.json()["detail"]
        assert len(app.state.services.backend().calls) == calls and upload_leftovers(app) == []
    finally:
        close_app(app)


def test_code_formula_answer_is_evaluated_on_the_sample_via_rest():
    app = make_app(backend=ObedientBackend(default="```excel\n=SUM(C2:C4)\n```\n점수 합계"))
    try:
        robot = api_client(app)
        response = robot.post("/api/v1/code", data={"task": "점수 합계 엑셀 수식", "mode": "formula"},
                              files={"file": ("점수표.csv", CSV.encode("utf-8"), "text/csv")})
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["code"] == "=SUM(C2:C4)" and data["ok"] is True and data["formula"]["value"] == 247
        assert data["run"] is None and upload_leftovers(app) == []
        no_sample = robot.post("/api/v1/code", data={"task": "B열 합계 수식", "mode": "formula"}).json()
        assert no_sample["executed"] is False
        assert [f["rule_id"] for f in no_sample["findings"]] == ["code.not-executed"]
    finally:
        close_app(app)


def test_citizens_and_public_keys_are_turned_away(plan_app):
    citizen = citizen_client(plan_app)
    for page in ("/staff/plan", "/staff/speech", "/staff/code"):
        assert citizen.get(page).status_code == 303
    for url in ("/staff/api/plan/draft", "/staff/api/speech/draft", "/staff/api/code", "/api/v1/plan",
                "/api/v1/speech", "/api/v1/code", "/staff/plan/x/docx", "/api/v1/speech/x/docx"):
        assert citizen.post_csrf(url, json={}).status_code == 401, url
    public = api_client(plan_app, scope="public", username="kiosk")
    assert public.post("/api/v1/plan", json={"fields": PLAN}).status_code == 401
    assert plan_app.state.services.backend().calls == []


def test_pages_have_their_forms_and_no_inline_scripts_or_styles(plan_app):
    kim = staff_client(plan_app)
    for page, ids in (("/staff/plan", ("plan-form", "plan-budget-total", "plan-use-kb", "plan-download")),
                      ("/staff/speech", ("speech-form", "speech-kind", "speech-wishes", "speech-reviewed")),
                      ("/staff/code", ("code-form", "code-file", "code-output", "code-layers"))):
        html = kim.get(page).text
        for element in ids:
            assert f'id="{element}"' in html, (page, element)
        assert " style=" not in html and " onclick=" not in html and "<script>" not in html
    assert 'href="/staff/plan"' in html and 'href="/staff/code"' in html  # menu entries
