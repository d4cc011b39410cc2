"""The 보도자료 page and /api/v1/press-release: typed and free briefs, streamed drafts, held drafts, DOCX export."""

from __future__ import annotations

import io

import docx
import pytest
from fakes import ObedientBackend
from web_helpers import api_client, close_app, done_of, events, make_app, staff_client

from mokmin.guard.audit import open_log
from mokmin.settings import load_settings

BODY = "교육에서는 생성형 AI 행정 활용 사례와 개인정보 보호 수칙을 다뤘다."
FIELDS = {
    "when": "2024. 5. 7.(화) 14:00", "where": "시청 대회의실", "event": "전직원 생성형 AI 교육",
    "host": "오성환 시장", "attendees": "직원 300명",
    "content": ["생성형 AI 행정 활용 사례와 개인정보 보호 수칙 교육"],
    "quotes": [{"speaker": "오성환 시장", "text": "직원 모두가 새로운 기술을 안전하게 쓰도록 돕겠다"}],
    "plans": ["6월 부서별 실습"], "department": "정보통신과", "officer": "김민수", "phone": "041-360-0000",
}








def audit_records(app) -> list[dict]:
    return list(open_log(app.state.services.settings).records())


@pytest.fixture
def app():
    app = make_app(backend=ObedientBackend(default=BODY))
    yield app
    close_app(app)


def test_typed_brief_streams_a_checked_draft_that_downloads_as_an_audited_docx(app):
    kim = staff_client(app)
    response = kim.post_csrf("/staff/api/press/draft", json={"mode": "fields", "fields": FIELDS})
    found = events(response.text)
    assert [k for k, _ in found][0] == "queued"
    streamed = "".join(v for k, v in found if k == "token")
    assert streamed == BODY  # the model's words arrive as tokens before the checked draft
    draft = done_of(response)
    assert "시청 대회의실" in draft["text"] and "직원 모두가 새로운 기술을 안전하게 쓰도록 돕겠다" in draft["text"]
    assert {"label": "장소", "value": "시청 대회의실", "origin": "브리프"} in draft["facts"]
    assert draft["held_for_review"] is False
    for f in draft["findings"]:
        assert {"rule_id", "severity", "start", "end", "message", "label"} <= set(f)
    ref = draft["feedback"]
    assert ref["kind"] == "press" and isinstance(ref["audit_seq"], int) and ref["item_id"]
    record = next(r for r in audit_records(app) if r["seq"] == ref["audit_seq"])
    assert record["hash"] == ref["audit_hash"] and record["actor"] == "web:kim"
    assert record["workflow"] == "press_release"
    # "DOCX로 내려받기": the kept draft as a Word file, the export audited under kim's name
    response = kim.post_form(draft["download"], {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "시청 대회의실" in text
    export = [r for r in audit_records(app) if r["kind"] == "export"]
    assert len(export) == 1 and export[0]["actor"] == "web:kim"
    # another user cannot fetch kim's draft
    lee = staff_client(app, "lee")
    assert lee.post_form(draft["download"], {}).status_code == 400


def test_a_held_draft_is_not_downloadable_without_the_review_confirmation(app):
    kim = staff_client(app)
    fields = dict(FIELDS, event="장애우와 함께하는 한마음 체육대회", quotes=[], content=[])
    draft = done_of(kim.post_csrf("/staff/api/press/draft", json={"mode": "fields", "fields": fields}))
    assert draft["held_for_review"] is True
    assert any(f["source"] == "discrimination" for f in draft["held"])
    refused = kim.post_form(draft["download"], {}, headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "검토 보류" in refused.json()["detail"]
    assert not [r for r in audit_records(app) if r["kind"] == "export"]
    reviewed = kim.post_form(draft["download"], {"reviewed": "1"})
    assert reviewed.status_code == 200 and reviewed.content[:2] == b"PK"
    # the CSRF token is required for the download form as for every state-changing request
    assert kim.post(draft["download"], data={"reviewed": "1"}).status_code == 403


def test_free_text_brief_and_a_brief_without_a_date_is_refused_before_the_model(app):
    kim = staff_client(app)
    no_date = kim.post_csrf("/staff/api/press/draft", json={"mode": "free", "free_text": "시청 대회의실에서 AI 교육을 했다."})
    assert no_date.status_code == 400 and no_date.json()["hint"]
    empty = kim.post_csrf("/staff/api/press/draft", json={"mode": "fields", "fields": {}})
    assert empty.status_code == 400 and "비어" in empty.json()["detail"]
    calls = len(app.state.services.backend().calls)
    assert calls == 0
    free = "2024년 5월 7일(화) 14시 시청 대회의실에서 오성환 시장 주재로 전직원 생성형 AI 교육을 했다."
    draft = done_of(kim.post_csrf("/staff/api/press/draft", json={"mode": "free", "free_text": free,
                                                                  "model_extract": False}))
    assert "시청 대회의실" in draft["text"]


def test_rest_press_release_with_a_staff_key_and_docx_with_reviewed_flag(app):
    robot = api_client(app)
    response = robot.post("/api/v1/press-release", json={"fields": FIELDS})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["download"] == f"/api/v1/press-release/{data['id']}/docx"
    assert data["feedback"]["audit_seq"] is not None
    got = robot.post(data["download"])
    assert got.status_code == 200 and got.content[:2] == b"PK"
    public = api_client(app, scope="public", username="kiosk")
    assert public.post("/api/v1/press-release", json={"fields": FIELDS}).status_code == 401


def test_real_model_drafts_through_the_page(llama_backend):
    app = make_app(settings=load_settings(max_tokens=48), backend=llama_backend)
    try:
        kim = staff_client(app)
        draft = done_of(kim.post_csrf("/staff/api/press/draft", json={"mode": "fields", "fields": FIELDS}))
        assert draft["backend"] == "llamacpp"
        assert "시청 대회의실" in draft["text"] and draft["feedback"]["audit_seq"]
        # every model sentence that reached the page either passed the checks or is listed with its reasons
        for removed in draft["removed"]:
            assert removed["reasons"]
    finally:
        close_app(app)
