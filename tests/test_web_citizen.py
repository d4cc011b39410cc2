"""The citizen chat: public documents only, masked storage, notices, own history, limits and streaming."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading

import pytest
from docgen import make_docx, make_hwpx
from fakes import ObedientBackend
from web_helpers import WebClient, close_app, staff_client

from mokmin.checks.bias import check_bias
from mokmin.knowledge.index import KnowledgeBase
from mokmin.profile import Contact, Department, load_profile
from mokmin.settings import load_settings
from mokmin.web.app import create_app
from mokmin.web.ratelimit import RateLimited, SlidingWindow

SECRET = "파란고래"  # only in the staff document
RENT_Q = "청년 월세 지원 금액은 한 달에 최대 얼마인가요?"
POOL_Q = "수영장 운영 시간 변경안의 암호명은 무엇인가요?"


# ---- a small knowledge base: two public documents and one staff document -----------------------------------
@pytest.fixture(scope="module")
def kb_template(tmp_path_factory):
    """A knowledge base built once per module (BM25 only) and copied into each test's data folder."""
    home = tmp_path_factory.mktemp("citizen-kb-home")
    docs = tmp_path_factory.mktemp("citizen-docs")
    (docs / "public").mkdir()
    (docs / "staff").mkdir()
    make_docx(docs / "public" / "청년월세.docx", "청년 월세 지원 안내",
              ["청년 월세 지원 사업은 만 19세부터 34세까지의 무주택 청년을 대상으로 한다.",
               "지원 금액은 월 최대 20만 원이며 최장 12개월 동안 지원한다.",
               "신청은 주소지 행정복지센터에서 받는다."])
    make_hwpx(docs / "public" / "도서관.hwpx", ["시립도서관 자료실은 평일 09:00부터 22:00까지 운영한다."],
              heading="도서관 이용 안내")
    make_docx(docs / "staff" / "내부검토.docx", "수영장 운영 내부 검토",
              [f"수영장 운영 시간 변경안의 암호명은 {SECRET}이며 비공개 내부 검토 중이다."])
    kb = KnowledgeBase(load_settings(home=home))
    kb.add([docs / "public"], audience="public", embed=False, progress=False)
    kb.add([docs / "staff"], audience="staff", embed=False, progress=False)
    return home / "kb"


def install_kb(kb_template, settings) -> None:
    shutil.copytree(kb_template, settings.home / "kb")


def chunk_of(settings, query: str, audience: str) -> int:
    return KnowledgeBase(settings).search(query, 1, audience)[0].chunk_id


def open_app(kb_template, backend=None, profile=None, **overrides):
    settings = load_settings(**overrides)
    install_kb(kb_template, settings)
    return create_app(settings, backend=backend or ObedientBackend(), profile=profile)


@pytest.fixture
def app(kb_template):
    app = open_app(kb_template)
    yield app
    close_app(app)


def citizen(app) -> WebClient:
    client = WebClient(app, follow_redirects=False)
    client.refresh_csrf("/chat")
    return client


def events(response) -> list[tuple[str, object]]:
    """The (event, data) pairs of a server-sent event stream."""
    out = []
    for block in response.text.split("\n\n"):
        lines = block.strip().splitlines()
        if not lines:
            continue
        name = next(line[7:] for line in lines if line.startswith("event: "))
        data = "".join(line[6:] for line in lines if line.startswith("data: "))
        out.append((name, json.loads(data) if data else None))
    return out


def ask(client, message: str, **headers):
    response = client.post_csrf("/api/public/chat", json={"message": message}, headers=headers)
    return response, events(response) if response.status_code == 200 else []


def done_of(evts) -> dict:
    assert evts and evts[-1][0] == "done", evts
    return evts[-1][1]


def all_rows(app) -> str:
    """Every value of every table of the web database, as one string."""
    conn = sqlite3.connect(app.state.services.settings.home / "web.sqlite")
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(repr(row) for name in names for row in conn.execute(f'SELECT * FROM "{name}"'))
    finally:
        conn.close()


# ---- the page ----------------------------------------------------------------------------------------------
def test_chat_page_shows_the_disclosure_before_any_message(app):
    response = WebClient(app).get("/chat")
    assert response.status_code == 200
    html = response.text
    disclosure = app.state.services.profile.ai_answer_disclosure
    assert html.index('id="disclosure"') < html.index('id="chat-log"') < html.index('id="chat-form"')
    assert disclosure in html[html.index('id="disclosure"'):html.index('id="chat-log"')]
    for element in ("chat-input", "chat-send", "chat-status", "chat-clear", "source-panel", "source-text"):
        assert f'id="{element}"' in html
    assert "/static/chat.js" in html and "mokmin_citizen" in response.headers["set-cookie"]
    assert 'style="' not in html and "onclick" not in html  # the CSP forbids inline styles and scripts
    assert WebClient(app).get("/static/chat.js").status_code == 200


# ---- answers -----------------------------------------------------------------------------------------------
def test_answer_streams_in_order_and_cites_a_public_passage_that_opens(app):
    client = citizen(app)
    response, evts = ask(client, RENT_Q)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    names = [name for name, _ in evts]
    assert names[0] == "queued" and names[-1] == "done" and "token" in names
    assert set(names[1:-1]) == {"token"}  # no notice for an ordinary question
    streamed = "".join(data for name, data in evts if name == "token")
    done = done_of(evts)
    assert not done["refused"] and "34세" in done["text"] and "[1]" in done["text"]
    assert "[1]" in streamed  # what the model wrote, as it wrote it
    assert done["disclosure"] == app.state.services.profile.ai_answer_disclosure
    cited = [s for s in done["sources"] if s["cited"]]
    assert cited and cited[0]["n"] == 1 and cited[0]["title"] == "청년 월세 지원 안내"
    passage = client.get(f"/api/public/source/{cited[0]['chunk_id']}")
    assert passage.status_code == 200
    assert "20만 원" in passage.json()["text"] and passage.json()["file"] == "청년월세.docx"
    assert "/" not in passage.json()["file"]  # no server paths for citizens

    feedback = done["feedback"]
    assert feedback["kind"] == "citizen_answer" and feedback["item_id"] and feedback["audit_hash"]
    rated = client.post_csrf("/api/feedback", json={**feedback, "rating": 1, "comment": "고맙습니다"})
    assert rated.status_code == 200, rated.text


def test_staff_documents_never_reach_citizens(app):
    settings = app.state.services.settings
    secret_chunk = chunk_of(settings, POOL_Q, "staff")
    client = citizen(app)
    response, evts = ask(client, POOL_Q)
    done = done_of(evts)
    assert done["refused"] and SECRET not in response.text
    assert all(c["chunk_id"] != secret_chunk for c in done["closest"])
    assert "찾지 못했습니다" in done["text"]
    # the model was never shown the staff document
    assert not any(SECRET in m.content for call in app.state.services.backend().calls for m in call)
    hidden = client.get(f"/api/public/source/{secret_chunk}")
    assert hidden.status_code == 404 and SECRET not in hidden.text
    assert client.get("/api/public/source/999999").status_code == 404
    assert SECRET not in client.get("/api/public/history").text
    # a signed-in official may open it (their audience is staff)
    kim = staff_client(app)
    assert SECRET in kim.get(f"/api/public/source/{secret_chunk}").json()["text"]


def test_a_refusal_names_the_department_to_ask(kb_template):
    profile = load_profile().model_copy(update={"departments": [
        Department(name="체육진흥과", duties="공공 체육시설, 수영장 운영", phone="041-360-1234")]})
    app = open_app(kb_template, profile=profile)
    try:
        done = done_of(ask(citizen(app), "시민 수영장 운영 시간이 어떻게 되나요?")[1])
        assert done["refused"]
        assert done["contact"] == {"department": "체육진흥과", "phone": "041-360-1234",
                                   "duties": "공공 체육시설, 수영장 운영"}
        assert "체육진흥과" in done["note"] and "041-360-1234" in done["note"]
        assert not done["disclosure"]  # nothing generated, nothing to disclose
    finally:
        close_app(app)


def test_without_a_department_the_refusal_points_to_the_city(kb_template):
    profile = load_profile().model_copy(update={"departments": [], "default_contact": Contact()})
    app = open_app(kb_template, profile=profile)
    try:
        done = done_of(ask(citizen(app), "시민 수영장 운영 시간이 어떻게 되나요?")[1])
        assert done["refused"] and done["contact"] is None
        assert f"{profile.organization.name} 대표 민원 창구" in done["note"]
    finally:
        close_app(app)


# ---- personal data -----------------------------------------------------------------------------------------
def test_personal_data_is_masked_in_everything_stored_and_the_citizen_is_told(app):
    client = citizen(app)
    phone, rrn = "010-2345-6789", "900101-1234567"
    response, evts = ask(client, f"제 전화번호는 {phone}이고 주민번호는 {rrn}입니다. {RENT_Q}")
    assert evts[0][0] == "notice" and evts[1][0] == "queued"
    assert set(evts[0][1]["pii_masked"]) >= {"전화번호", "주민등록번호"}, evts[0][1]
    done = done_of(evts)
    assert not done["refused"] and "34세" in done["text"]
    assert phone not in done["question"] and "[전화1]" in done["question"]
    client.post_csrf("/api/feedback", json={**done["feedback"], "rating": -1, "comment": f"연락 주세요 {phone}"})
    stored = all_rows(app)
    assert "청년 월세" in stored  # the question is kept, masked
    for raw in (phone, rrn, "2345-6789", "1234567"):
        assert raw not in stored
    audit_dir = app.state.services.settings.home / "audit"
    audit = "".join(p.read_text(encoding="utf-8") for p in audit_dir.rglob("*") if p.is_file())
    assert phone not in audit and rrn not in audit
    history = client.get("/api/public/history").json()["items"]
    assert history[-1]["pii_masked"] and phone not in json.dumps(history, ensure_ascii=False)


def test_the_citizens_own_data_echoed_by_the_model_is_not_kept(kb_template):
    phone = "010-8765-4321"
    app = open_app(kb_template, backend=ObedientBackend(default=f"{{supported}} 회신 번호 {phone}로 연락드립니다."))
    try:
        client = citizen(app)
        ask(client, f"{RENT_Q} 제 번호는 {phone}입니다.")
        assert phone not in all_rows(app)
    finally:
        close_app(app)


# ---- discrimination and bias -------------------------------------------------------------------------------
def test_discriminatory_words_get_a_gentle_notice_and_an_answer(app):
    client = citizen(app)
    response, evts = ask(client, "결손가정 청년도 월세 지원 금액을 받을 수 있나요?")
    assert evts[0][0] == "notice"
    (message,) = evts[0][1]["discrimination"]
    assert "한부모 가정" in message
    done = done_of(evts)
    assert not done["refused"] and done["notices"] == [message]
    row = app.state.services.db.query_one("SELECT findings FROM citizen_chat ORDER BY id DESC LIMIT 1")
    assert [f["rule_id"] for f in json.loads(row["findings"])][:1] == ["discrimination.term"]


def test_bias_is_recorded_but_not_shown_and_not_refused(app):
    client = citizen(app)
    biased = "여자들은 감정적이에요. 도서관 자료실은 몇 시까지 운영하나요?"
    expected = [(f.start, f.end, f.extra["probability"]) for f in check_bias(biased)]
    assert expected, "the classifier no longer flags the sample sentence; pick another"
    response, evts = ask(client, biased)
    assert evts[0][0] == "queued"  # no notice for the classifier's guess
    done = done_of(evts)
    assert not done["refused"] and done["notices"] == []
    row = app.state.services.db.query_one("SELECT findings FROM citizen_chat ORDER BY id DESC LIMIT 1")
    stored = json.loads(row["findings"])
    assert {f["rule_id"] for f in stored} == {"bias.social"}
    assert [(f["start"], f["end"], f["extra"]["probability"]) for f in stored] == expected
    ask(client, "도서관 자료실은 몇 시까지 운영하나요?")
    row = app.state.services.db.query_one("SELECT findings FROM citizen_chat ORDER BY id DESC LIMIT 1")
    assert json.loads(row["findings"]) == []  # an ordinary question is left alone


# ---- history -----------------------------------------------------------------------------------------------
def test_no_other_citizens_history_is_reachable_by_any_url(app):
    alice, bob = citizen(app), citizen(app)
    done = done_of(ask(alice, RENT_Q)[1])
    assert [i["question"] for i in alice.get("/api/public/history").json()["items"]] == [RENT_Q]
    assert bob.get("/api/public/history").json() == {"items": []}
    row_id = app.state.services.db.query_one("SELECT id FROM citizen_chat")["id"]
    item_id = done["feedback"]["item_id"]
    values = {"chunk_id": done["sources"][0]["chunk_id"], "item_id": item_id, "id": row_id}
    for route in app.routes:
        methods = getattr(route, "methods", None) or set()
        if "GET" not in methods or route.path.startswith(("/static", "/docs", "/redoc")):
            continue
        path = route.path
        for name, value in values.items():
            path = path.replace("{" + name + "}", str(value))
        if "{" in path:
            path = path.split("{")[0] + str(row_id)
        for query in ("", f"?item_id={item_id}&client_id=citizen:{alice.cookies['mokmin_citizen']}"):
            response = bob.get(path + query)
            assert "청년 월세 지원 금액은" not in response.text, (path, response.status_code)
    rated = bob.post_csrf("/api/feedback", json={**done["feedback"], "rating": -1})
    assert rated.status_code == 404
    # clearing is one's own too
    assert bob.post_csrf("/api/public/history/clear", json={}).json() == {"deleted": 0}
    assert len(alice.get("/api/public/history").json()["items"]) == 1
    assert alice.post_csrf("/api/public/history/clear", json={}).json() == {"deleted": 1}
    assert alice.get("/api/public/history").json() == {"items": []}


def test_a_question_without_the_csrf_token_is_refused(app):
    client = citizen(app)
    response = client.post("/api/public/chat", json={"message": RENT_Q})
    assert response.status_code == 403


@pytest.mark.parametrize("message", ["   ", "가" * 1001])
def test_bad_questions_get_a_korean_message(app, message):
    response = citizen(app).post_csrf("/api/public/chat", json={"message": message})
    assert response.status_code == 400 and response.json()["hint"]


# ---- limits ------------------------------------------------------------------------------------------------
def test_rate_limit_per_client_and_per_address(kb_template):
    app = open_app(kb_template, web={"citizen_per_minute": 2, "trust_proxy": True})
    try:
        here = {"X-Forwarded-For": "203.0.113.7"}
        client = citizen(app)
        assert ask(client, RENT_Q, **here)[0].status_code == 200
        assert ask(client, RENT_Q, **here)[0].status_code == 200
        limited, _ = ask(client, RENT_Q, **here)
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert "초 뒤에 다시 시도하세요" in limited.json()["detail"]
        # new cookies, same address: still limited
        assert ask(citizen(app), RENT_Q, **here)[0].status_code == 429
        # same cookie, another address: the cookie is still limited
        assert ask(client, RENT_Q, **{"X-Forwarded-For": "198.51.100.9"})[0].status_code == 429
        # someone else elsewhere is not affected
        assert ask(citizen(app), RENT_Q, **{"X-Forwarded-For": "198.51.100.9"})[0].status_code == 200
    finally:
        close_app(app)


def test_a_full_queue_answers_429_with_retry_after(kb_template):
    app = open_app(kb_template, web={"queue_size": 1, "queue_per_client": 1})
    started, release = threading.Event(), threading.Event()
    queue = app.state.services.queue
    tickets = []
    try:
        tickets.append(queue.submit("other-1", lambda _emit: (started.set(), release.wait(10))))
        assert started.wait(10)  # one job runs …
        tickets.append(queue.submit("other-2", lambda _emit: release.wait(10)))  # … and one waits: full
        response, _ = ask(citizen(app), RENT_Q)
        assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
        assert "대기열" in response.json()["detail"]
    finally:
        release.set()
        for ticket in tickets:
            ticket.future.result(timeout=10)
        close_app(app)


def test_sliding_window_counts_every_key_and_not_refusals():
    now = [1000.0]
    window = SlidingWindow(2, 60, clock=lambda: now[0])
    assert window.check(["a", "addr:x"]) is None
    now[0] += 10
    assert window.check(["a", "addr:x"]) is None
    now[0] += 5
    assert window.check(["b", "addr:x"]) == 45  # the address is full until the first hit leaves the window
    assert window.check(["b", "addr:y"]) is None  # refusals were not counted against "b"
    now[0] += 45
    assert window.check(["a", "addr:x"]) is None
    with pytest.raises(RateLimited) as raised:
        window.hit(["a"])
    assert raised.value.status_code == 429 and raised.value.headers["Retry-After"] == "10"


# ---- the real model, once ----------------------------------------------------------------------------------
@pytest.mark.model
def test_real_model_answers_a_citizen_from_the_public_document(kb_template, llama_backend):
    app = open_app(kb_template, backend=llama_backend)
    try:
        client = citizen(app)
        response, evts = ask(client, RENT_Q)
        done = done_of(evts)
        assert [n for n, _ in evts].count("token") >= 2  # streamed as it was generated
        assert not done["refused"], done
        assert "20만" in done["text"]
        cited = [s for s in done["sources"] if s["cited"]]
        assert cited and all(s["audience"] == "public" for s in done["sources"])
        assert client.get(f"/api/public/source/{cited[0]['chunk_id']}").status_code == 200
    finally:
        close_app(app)
