"""자료조사: staff answers over every document, cited passages that open, honest refusals, /api/v1/kb/search."""

from __future__ import annotations


import pytest
from fakes import ObedientBackend
from web_helpers import api_client, citizen_client, close_app, done_of, events, make_app, staff_client

from mokmin.guard.audit import open_log

RENT = ("청년 월세 지원 사업은 만 19세부터 34세까지의 무주택 청년에게 월 20만 원을 최대 12개월 지원한다. "
        "신청은 당진시청 주택과에서 받는다.")
BUDGET = "내부 예산 검토: 2025년 청사 보수 예산은 12억 원으로 잡았다. 이 문서는 직원만 본다."








@pytest.fixture
def app(tmp_path):
    app = make_app(backend=ObedientBackend())
    kb = app.state.services.kb()
    (tmp_path / "rent.txt").write_text(RENT, encoding="utf-8")
    (tmp_path / "budget.txt").write_text(BUDGET, encoding="utf-8")
    kb.add([tmp_path / "rent.txt"], audience="public", embed=False, progress=False)
    kb.add([tmp_path / "budget.txt"], audience="staff", embed=False, progress=False)
    yield app
    close_app(app)


def test_staff_answer_cites_a_staff_only_document_and_the_passage_opens(app):
    kim = staff_client(app)
    answer = done_of(kim.post_csrf("/staff/api/research", json={"question": "2025년 청사 보수 예산은 얼마인가?"}))
    assert answer["refused"] is False and "[1]" in answer["text"]
    first = answer["sources"][0]
    assert first["n"] == 1 and first["cited"] is True and first["audience"] == "staff"
    assert first["location"].startswith("budget")
    passage = kim.get(f"/api/v1/kb/passages/{first['chunk_id']}")
    assert passage.status_code == 200 and "12억 원" in passage.json()["text"]
    assert kim.get("/api/v1/kb/passages/999999").status_code == 404
    ref = answer["feedback"]
    assert ref["kind"] == "answer" and isinstance(ref["audit_seq"], int)
    record = next(r for r in open_log(app.state.services.settings).records() if r["seq"] == ref["audit_seq"])
    assert record["actor"] == "web:kim" and record["workflow"] == "answer" and record["hash"] == ref["audit_hash"]
    # a citizen may not read the staff passage through this route
    assert citizen_client(app).get(f"/api/v1/kb/passages/{first['chunk_id']}").status_code == 401


def test_a_question_the_documents_do_not_answer_is_refused_honestly(app):
    kim = staff_client(app)
    calls = len(app.state.services.backend().calls)
    answer = done_of(kim.post_csrf("/staff/api/research", json={"question": "반려견 놀이터 개장 시간은?"}))
    assert answer["refused"] is True and answer["sources"] == []
    assert "찾지 못했습니다" in answer["text"]
    assert len(app.state.services.backend().calls) == calls  # no model call for a refusal
    assert answer["feedback"]["kind"] == "answer"
    empty = kim.post_csrf("/staff/api/research", json={"question": "   "})
    assert empty.status_code == 400 and "비어" in empty.json()["detail"]


def test_rest_search_sees_what_the_key_may_see_and_is_audited(app):
    robot = api_client(app)
    found = robot.post("/api/v1/kb/search", json={"query": "청사 보수 예산", "k": 3, "mode": "bm25"})
    assert found.status_code == 200, found.text
    assert found.json()["results"][0]["title"].startswith("budget")
    searches = [r for r in open_log(app.state.services.settings).records() if r["kind"] == "search"]
    assert searches and searches[-1]["actor"] == "web:robot"
    public = api_client(app, scope="public", username="kiosk")
    assert public.post("/api/v1/kb/search", json={"query": "청사 보수 예산"}).status_code == 401
