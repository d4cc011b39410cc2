"""민원 web pages: the citizen form, the staff desk (list, detail, route, draft, approve, sent) and import."""

from __future__ import annotations

import re

import pytest
from fakes import ObedientBackend
from web_helpers import api_client, citizen_client, close_app, make_app, staff_client

from mokmin.web.routes.minwon import SUBMITS_PER_WINDOW, build_desk

PHONE = "010-2345-6789"
COMPLAINT = f"우리 집 앞 골목에 불법 주정차 차량이 매일 세워져 있어 통행이 어렵습니다. 단속해 주세요. 연락처 {PHONE}"
NOT_APPROVED = "승인되지 않은 답변은 발송 처리할 수 없습니다"
PAST_CSV = (
    "제목,내용,부서,답변\n"
    "불법 주차 신고,아파트 단지 앞 도로에 불법 주차된 차량 때문에 통행이 어렵습니다 (연락 010-9876-5432),교통과,"
    "신고하신 장소는 불법 주정차 단속 구역으로 단속 차량을 배치하여 계도와 단속을 하겠습니다.\n"
    "쓰레기 미수거,골목에 음식물 쓰레기가 며칠째 수거되지 않았습니다,자원순환과,수거 업체에 즉시 수거하도록 조치하였습니다.\n"
)


@pytest.fixture
def world():
    backend = ObedientBackend(default="해당 구간의 불법 주정차 단속을 검토하겠습니다.")
    app = make_app(backend=backend)
    services = app.state.services
    services.__dict__["_minwon_desk"] = build_desk(services, embed=False)  # no embedding model on a busy CPU
    yield app, backend
    close_app(app)


def desk_of(app):
    return app.state.services.__dict__["_minwon_desk"]


def submit(client, content: str = COMPLAINT, title: str = "불법 주정차 신고"):
    return client.post_csrf("/api/public/minwon", json={"title": title, "content": content})


def assert_csp_clean(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=", html) and "<style" not in html, "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_a_citizen_files_a_complaint_gets_a_receipt_and_the_phone_number_is_masked(world, isolated_home):
    app, _ = world
    citizen = citizen_client(app)
    page = citizen.get("/minwon")
    assert page.status_code == 200 and 'id="minwon-form"' in page.text and "담당 공무원" in page.text
    assert_csp_clean(page.text)
    response = submit(citizen)
    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data) == {"receipt", "message", "pii_masked"}  # nothing of the desk comes back
    assert "담당 공무원" in data["message"] and str(data["receipt"]) in data["message"]
    stored = desk_of(app).get(data["receipt"])
    assert PHONE not in stored.text and "[전화1]" in stored.text and "불법 주정차" in stored.text
    assert stored.channel == "web" and stored.received_by.startswith("citizen:")
    raw = b"".join(p.read_bytes() for p in isolated_home.glob("minwon.sqlite*"))
    assert PHONE.encode() not in raw
    assert stored.route and stored.department  # recommended after the receipt (profile departments)


def test_a_complaint_without_the_csrf_token_or_content_is_refused(world):
    app, _ = world
    citizen = citizen_client(app)
    assert citizen.post("/api/public/minwon", json={"title": "", "content": COMPLAINT}).status_code == 403
    empty = submit(citizen, content="   ")
    assert empty.status_code == 400 and "비어" in empty.json()["detail"]
    assert desk_of(app).list() == []


def test_citizens_are_limited_per_client_with_a_korean_message(world):
    app, _ = world
    citizen = citizen_client(app)
    for _ in range(SUBMITS_PER_WINDOW):
        assert submit(citizen).status_code == 200
    refused = submit(citizen)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "민원 접수가 너무 잦습니다" in refused.json()["detail"]
    assert len(desk_of(app).list()) == SUBMITS_PER_WINDOW


def test_citizens_and_public_keys_reach_nothing_of_the_staff_desk(world):
    app, _ = world
    cid = submit(citizen_client(app)).json()["receipt"]
    citizen = citizen_client(app)
    gets = ["/staff/minwon", f"/staff/minwon/{cid}", "/staff/minwon?status=received",
            "/api/v1/minwon", f"/api/v1/minwon/{cid}"]
    posts = [f"/staff/minwon/{cid}/{a}" for a in ("route", "assign", "draft", "approve", "sent")]
    posts += [f"/api/v1/minwon/{cid}/{a}" for a in ("route", "assign", "draft", "approve", "sent")]
    posts += ["/staff/minwon/import", "/api/v1/minwon/import"]
    for url in gets:
        r = citizen.get(url, headers={"Accept": "text/html"})
        assert r.status_code in (401, 303), (url, r.status_code)
        if r.status_code == 303:
            assert r.headers["location"].startswith("/login")
        assert COMPLAINT[:10] not in r.text
    for url in posts:
        r = citizen.post_csrf(url, json={"department": "교통과", "text": "승인", "note": ""})
        assert r.status_code == 401, (url, r.status_code)
    public_key = api_client(app, scope="public")
    assert public_key.get("/api/v1/minwon").status_code == 401
    assert public_key.post(f"/api/v1/minwon/{cid}/approve", json={"text": "x"}).status_code == 401
    assert desk_of(app).get(cid).status == "received"


def test_staff_list_filter_detail_route_and_assign(world):
    app, _ = world
    cid = submit(citizen_client(app)).json()["receipt"]
    kim = staff_client(app)
    listing = kim.get("/staff/minwon?status=received")
    assert listing.status_code == 200 and f'id="minwon-row-{cid}"' in listing.text
    assert 'href="/staff/minwon"' in listing.text  # in the staff menu
    assert_csp_clean(listing.text)
    assert f'id="minwon-row-{cid}"' not in kim.get("/staff/minwon?status=sent").text
    detail = kim.get(f"/staff/minwon/{cid}")
    assert detail.status_code == 200 and "[전화1]" in detail.text and PHONE not in detail.text
    assert 'id="minwon-candidates"' in detail.text and 'id="minwon-history"' in detail.text
    assert_csp_clean(detail.text)

    routed = kim.post_csrf(f"/api/v1/minwon/{cid}/route")
    assert routed.status_code == 200, routed.text
    candidates = routed.json()["candidates"]
    assert len(candidates) == 3 and all(c["reason"] for c in candidates)
    assert routed.json()["department"] == candidates[0]["department"]
    got = kim.get(f"/api/v1/minwon/{cid}").json()
    assert got["complaint"]["department"] == candidates[0]["department"]
    assert [e["action"] for e in got["history"]][:1] == ["received"] and "routed" in [e["action"] for e in got["history"]]

    assigned = kim.post_form(f"/staff/minwon/{cid}/assign", {"department": "자원순환과"})
    assert assigned.status_code == 303 and assigned.headers["location"] == f"/staff/minwon/{cid}?done=assigned"
    after = kim.get(assigned.headers["location"])
    assert "부서를 배정했습니다" in after.text and desk_of(app).get(cid).department == "자원순환과"
    assert kim.post(f"/staff/minwon/{cid}/assign", data={"department": "교통과"}).status_code == 403  # no CSRF
    items = kim.get("/api/v1/minwon", params={"status": "received"}).json()["items"]
    assert [c["id"] for c in items] == [cid] and PHONE not in items[0]["text"]


def test_a_draft_goes_through_the_model_with_the_masked_text_then_approve_and_send(world):
    app, backend = world
    cid = submit(citizen_client(app)).json()["receipt"]
    kim = staff_client(app)
    drafted = kim.post_csrf(f"/api/v1/minwon/{cid}/draft")
    assert drafted.status_code == 200, drafted.text
    d = drafted.json()
    assert d["status"] == "drafted" and d["text"].startswith("1.") and d["feedback"]["kind"] == "minwon_reply"
    assert isinstance(d["feedback"]["audit_seq"], int)
    assert len(backend.calls) == 1
    prompt = "\n".join(m.content for m in backend.calls[0])
    assert PHONE not in prompt and "불법 주정차" in prompt
    page = kim.get(f"/staff/minwon/{cid}")
    assert 'id="minwon-reply"' in page.text and 'id="minwon-draft-submit"' in page.text

    again = kim.post_form(f"/staff/minwon/{cid}/draft")  # the form: a second draft, back to the page
    assert again.status_code == 303 and again.headers["location"].endswith("done=drafted")
    assert len(backend.calls) == 2

    edited = "1. 귀하의 민원을 잘 받았습니다.\n2. 해당 골목의 불법 주정차 단속을 강화하겠습니다.\n3. 감사합니다."
    approved = kim.post_form(f"/staff/minwon/{cid}/approve", {"text": edited})
    assert approved.status_code == 303, approved.text
    c = desk_of(app).get(cid)
    assert c.status == "approved" and c.approved_by == "web:kim" and c.approved_reply.startswith(edited)
    sent = kim.post_form(f"/staff/minwon/{cid}/sent", {"note": "문자"})
    assert sent.status_code == 303 and desk_of(app).get(cid).status == "sent"
    final = kim.get(f"/staff/minwon/{cid}?done=sent")
    assert "발송 처리했습니다" in final.text and 'id="minwon-approved-reply"' in final.text
    assert 'id="minwon-sent-form"' not in final.text
    assert [e.action for e in desk_of(app).history(cid)][-2:] == ["approved", "sent"]
    late = kim.post_csrf(f"/api/v1/minwon/{cid}/draft")  # nothing is redrafted after approval
    assert late.status_code == 400 and "승인되었거나 발송된" in late.json()["detail"]


def test_sending_before_approval_is_refused_with_the_desks_message(world):
    app, _ = world
    cid = submit(citizen_client(app)).json()["receipt"]
    kim = staff_client(app)
    rest = kim.post_csrf(f"/api/v1/minwon/{cid}/sent", json={"note": ""})
    assert rest.status_code == 400 and NOT_APPROVED in rest.json()["detail"]
    form = kim.post_form(f"/staff/minwon/{cid}/sent", {"note": ""}, headers={"Accept": "text/html"})
    assert form.status_code == 400 and NOT_APPROVED in form.text
    robot = api_client(app)  # a staff API key: same rule
    assert robot.post(f"/api/v1/minwon/{cid}/sent", json={}).status_code == 400
    assert desk_of(app).get(cid).status == "received"
    empty = kim.post_form(f"/staff/minwon/{cid}/approve", {"text": ""}, headers={"Accept": "text/html"})
    assert empty.status_code == 400 and "승인할 답변이 없습니다" in empty.text


def test_import_past_complaints_from_csv_then_similar_answers_show(world):
    app, _ = world
    kim = staff_client(app)
    files = {"file": ("../../etc/과거민원.csv", PAST_CSV.encode("utf-8"), "text/csv")}
    page = kim.post("/staff/minwon/import", data={"csrf_token": kim.csrf, "kind": "auto"}, files=files)
    assert page.status_code == 200, page.text
    assert 'id="minwon-import-report"' in page.text and "과거 민원 2건" in page.text
    past = desk_of(app).store.past()
    assert len(past) == 2 and "010-9876-5432" not in past[0].text and past[0].source == "과거민원.csv"

    cid = submit(citizen_client(app), content="아파트 앞 도로 불법 주차 차량 단속 부탁드립니다").json()["receipt"]
    similar = kim.get(f"/api/v1/minwon/{cid}").json()["similar"]
    assert similar and similar[0]["department"] == "교통과" and "단속" in similar[0]["answer"]
    assert "계도와 단속" in kim.get(f"/staff/minwon/{cid}").text


def test_import_new_complaints_by_api_key_and_bad_uploads_are_refused(world):
    app, _ = world
    robot = api_client(app)
    csv = f"제목,내용\n가로등 고장,우리 동네 가로등이 꺼져 있습니다 {PHONE}\n".encode()
    r = robot.post("/api/v1/minwon/import", data={"kind": "new"}, files={"file": ("new.csv", csv, "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "new" and r.json()["added"] == 1 and r.json()["masked"] >= 1
    c = desk_of(app).get(r.json()["ids"][0])
    assert c.channel == "import" and PHONE not in c.text
    wrong = robot.post("/api/v1/minwon/import", files={"file": ("x.exe", b"MZ", "application/octet-stream")})
    assert wrong.status_code == 400 and "올릴 수 없는 파일 형식" in wrong.json()["detail"]
    bad_kind = robot.post("/api/v1/minwon/import", data={"kind": "all"}, files={"file": ("a.csv", csv, "text/csv")})
    assert bad_kind.status_code == 400


def test_an_import_over_the_upload_limit_is_refused():
    app = make_app(web={"max_upload_mb": 1})
    app.state.services.__dict__["_minwon_desk"] = build_desk(app.state.services, embed=False)
    try:
        robot = api_client(app)
        big = ("제목,내용\n" + "가,나" * 400_000 + "\n").encode()
        r = robot.post("/api/v1/minwon/import", files={"file": ("big.csv", big, "text/csv")})
        assert r.status_code == 400 and "너무 큽니다" in r.json()["detail"]
        assert app.state.services.__dict__["_minwon_desk"].list() == []
    finally:
        close_app(app)


def test_the_rest_endpoints_are_documented_with_response_models(world):
    app, _ = world
    paths = app.openapi()["paths"]
    for path, method, model in [("/api/v1/minwon", "get", "ListOut"), ("/api/v1/minwon/{complaint_id}", "get", "DetailOut"),
                                ("/api/v1/minwon/{complaint_id}/route", "post", "RouteOut"),
                                ("/api/v1/minwon/{complaint_id}/draft", "post", "DraftOut"),
                                ("/api/v1/minwon/{complaint_id}/approve", "post", "ComplaintOut"),
                                ("/api/v1/minwon/{complaint_id}/sent", "post", "ComplaintOut"),
                                ("/api/public/minwon", "post", "ReceiptOut")]:
        schema = paths[path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith(model), (path, schema)
