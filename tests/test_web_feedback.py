"""Feedback storage, POST /api/feedback (who may rate what) and the staff dashboard."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from web_helpers import api_client, citizen_client, close_app, make_app, staff_client

from mokmin.errors import InputError
from mokmin.web.feedback import UnknownItem, record_feedback, record_interaction, store
from mokmin.web.security import CITIZEN_COOKIE, Caller


@pytest.fixture
def app():
    app = make_app()
    yield app
    close_app(app)


def citizen_caller(client) -> Caller:
    return Caller(None, "citizen", "public", client.csrf, f"citizen:{client.cookies[CITIZEN_COOKIE]}")


def staff_caller(client) -> Caller:
    return Caller(client.user, "session", "staff", client.csrf, f"user:{client.user.id}")


def rate(client, item_id, rating=1, kind="citizen_answer", **extra):
    return client.post_csrf("/api/feedback", json={"kind": kind, "item_id": item_id, "rating": rating, **extra})


def test_question_and_comment_are_stored_masked_with_audit_reference(app):
    citizen = citizen_client(app)
    services = app.state.services
    item = record_interaction(services, "citizen_answer", "제 번호 010-2345-6789로 연락 주세요. 쓰레기 배출 요일은?",
                              False, 17, "ab" * 32, citizen_caller(citizen), sources=[{"title": "생활안내"}])
    found = store(services).interaction(item)
    assert "010-2345-6789" not in found.question and "[전화1]" in found.question
    assert "쓰레기 배출 요일" in found.question
    assert (found.audit_seq, found.audit_hash, found.sources) == (17, "ab" * 32, [{"title": "생활안내"}])

    response = rate(citizen, item, -1, comment="담당자 홍길동 010-9876-5432 연결이 안 돼요", audit_seq=17)
    assert response.status_code == 200, response.text
    row = services.db.query_one("SELECT comment, rating FROM feedback WHERE item_id=?", (item,))
    assert row["rating"] == -1 and "010-9876-5432" not in row["comment"] and "연결이 안 돼요" in row["comment"]


def test_plain_question_is_kept_as_written(app):
    citizen = citizen_client(app)
    text = "여권 재발급에 필요한 서류는 무엇인가요?"
    item = record_interaction(app.state.services, "citizen_answer", text, False, None, None, citizen_caller(citizen))
    assert store(app.state.services).interaction(item).question == text


def test_citizen_rates_only_their_own_answers(app):
    alice, bob = citizen_client(app), citizen_client(app)
    item = record_interaction(app.state.services, "citizen_answer", "도서관 휴관일은?", False, 3, "c" * 64,
                              citizen_caller(alice))
    assert rate(bob, item).status_code == 404
    kim = staff_client(app)
    assert rate(kim, item).status_code == 404  # staff do not rate citizens' answers
    assert rate(alice, item).status_code == 200
    assert rate(alice, "no-such-item").status_code == 404
    assert rate(alice, item, kind="press").status_code == 404  # kind must match what was recorded
    assert rate(alice, item, audit_seq=4).status_code == 404  # so must the audit reference
    assert rate(alice, item, audit_hash="d" * 64).status_code == 404
    assert rate(alice, item, audit_seq=3, audit_hash="c" * 64).status_code == 200


def test_staff_rate_their_own_work_by_session_or_key(app):
    kim = staff_client(app)
    lee = staff_client(app, "lee")
    item = record_interaction(app.state.services, "press", "", False, None, None, staff_caller(kim))
    assert rate(lee, item, kind="press").status_code == 404
    assert rate(kim, item, kind="press").status_code == 200
    robot = api_client(app, username="kim")  # the same account through an API key
    assert robot.post("/api/feedback", json={"kind": "press", "item_id": item, "rating": -1}).status_code == 200


def test_rating_again_replaces_and_bad_values_are_refused(app):
    citizen = citizen_client(app)
    item = record_interaction(app.state.services, "citizen_answer", "질문", False, None, None,
                              citizen_caller(citizen))
    first = rate(citizen, item, 1).json()
    second = rate(citizen, item, -1, comment="틀렸어요").json()
    assert first["id"] == second["id"]
    rows = app.state.services.db.query("SELECT rating, comment FROM feedback")
    assert [(r["rating"], r["comment"]) for r in rows] == [(-1, "틀렸어요")]
    assert rate(citizen, item, 0).status_code == 422
    assert rate(citizen, item, 2).status_code == 422
    assert rate(citizen, item, 1, comment="가" * 501).status_code == 422
    assert rate(citizen, item, 1, comment="가" * 500).status_code == 200


def test_csrf_is_required_for_cookie_callers(app):
    citizen = citizen_client(app)
    item = record_interaction(app.state.services, "citizen_answer", "질문", False, None, None,
                              citizen_caller(citizen))
    response = citizen.post("/api/feedback", json={"kind": "citizen_answer", "item_id": item, "rating": 1})
    assert response.status_code == 403


def test_runaway_rating_is_told_to_wait(app):
    citizen = citizen_client(app)
    item = record_interaction(app.state.services, "citizen_answer", "질문", False, None, None,
                              citizen_caller(citizen))
    codes = [rate(citizen, item, 1).status_code for _ in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    other = citizen_client(app)  # another citizen is not affected
    assert rate(other, item).status_code == 404


def test_record_feedback_records_an_unknown_item_and_guards_a_known_one(app):
    services = app.state.services
    kim = staff_client(app)
    caller = staff_caller(kim)
    fid = record_feedback(services, kind="proofread", item_id="proof-1", rating=-1, comment="어색함",
                          audit_seq=5, audit_hash="e" * 64, question="공문 교정", refused=False, caller=caller)
    assert fid > 0
    found = store(services).interaction("proof-1")
    assert (found.kind, found.audit_seq, found.question, found.user_id) == ("proofread", 5, "공문 교정", kim.user.id)
    lee = staff_client(app, "lee")
    with pytest.raises(UnknownItem):
        record_feedback(services, kind="proofread", item_id="proof-1", rating=1, audit_seq=5,
                        audit_hash="e" * 64, caller=staff_caller(lee))
    with pytest.raises(InputError):
        record_feedback(services, kind="proofread", item_id="proof-1", rating=1, comment="x" * 501,
                        audit_seq=None, audit_hash=None, caller=caller)


def seed(services, caller, now: datetime) -> dict[str, str]:
    """Three days of citizen answers: two liked yesterday, one disliked with a comment today, one refused."""
    items = {}
    yesterday = now - timedelta(days=1)
    for name, question, day in [("a", "쓰레기 배출 요일", yesterday), ("b", "주차 요금", yesterday),
                                ("c", "여권 발급 수수료", now)]:
        items[name] = record_interaction(services, "citizen_answer", question, False, None, None, caller, at=day)
    items["r"] = record_interaction(services, "citizen_answer", "드론 비행 허가 절차", True, None, None, caller, at=now)
    for name, rating, comment, day in [("a", 1, "", yesterday), ("b", 1, "", yesterday),
                                       ("c", -1, "수수료가 틀렸어요", now)]:
        record_feedback(services, kind="citizen_answer", item_id=items[name], rating=rating, comment=comment,
                        caller=caller, at=day)
    return items


def test_store_summaries(app):
    services = app.state.services
    citizen = citizen_client(app)
    now = datetime.now().replace(hour=12)
    items = seed(services, citizen_caller(citizen), now)
    feedback = store(services)
    since = (now - timedelta(days=7)).timestamp()
    days = feedback.daily_satisfaction(since)
    assert [(d["ratings"], d["up"], d["share"]) for d in days] == [(2, 2, 1.0), (1, 0, 0.0)]
    assert days[1]["day"] == now.strftime("%Y-%m-%d")
    worst = feedback.least_liked(since)
    assert [w["item_id"] for w in worst] == [items["c"]] and worst[0]["comments"] == ["수수료가 틀렸어요"]
    assert [r["question"] for r in feedback.refused_questions(since)] == ["드론 비행 허가 절차"]
    counts = feedback.counts_by_kind(since)
    assert [(c["kind"], c["interactions"], c["refused"], c["up"], c["down"]) for c in counts] == [
        ("citizen_answer", 4, 1, 2, 1)]


def test_dashboard_shows_feedback_to_staff_only(app):
    services = app.state.services
    citizen = citizen_client(app)
    seed(services, citizen_caller(citizen), datetime.now())
    for path in ("/staff/dashboard", "/staff/api/dashboard", "/staff/api/dashboard/stream?once=1"):
        refused = citizen.get(path)  # the page sends them to sign in, the APIs answer 401; no data either way
        if "/api/" in path:
            assert refused.status_code == 401, path
        else:
            assert refused.status_code == 303 and refused.headers["location"].startswith("/login"), path
        assert "수수료" not in refused.text
    kim = staff_client(app)
    page = kim.get("/staff/dashboard")
    assert page.status_code == 200
    html = page.text
    for element in ('id="dashboard"', 'id="satisfaction-chart"', 'id="least-liked"', 'id="refused-questions"',
                    'id="kind-counts"', "<svg", "수수료가 틀렸어요", "드론 비행 허가 절차", "/static/dashboard.js"):
        assert element in html, element
    assert "<script>" not in html and " style=" not in html  # CSP: no inline scripts or styles
    data = kim.get("/staff/api/dashboard").json()
    assert data["totals"]["ratings"] == 3 and data["totals"]["down"] == 1
    assert data["least_liked"][0]["comments"] == ["수수료가 틀렸어요"]
    assert "<svg" in data["chart_svg"]
    assert data["version"]


def test_dashboard_stream_sends_a_snapshot(app):
    services = app.state.services
    citizen = citizen_client(app)
    seed(services, citizen_caller(citizen), datetime.now())
    kim = staff_client(app)
    with kim.stream("GET", "/staff/api/dashboard/stream?once=1") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    event, data = body.strip().split("\n", 1)
    assert event == "event: snapshot"
    snapshot = json.loads(data.removeprefix("data: "))
    assert snapshot["totals"]["ratings"] == 3
