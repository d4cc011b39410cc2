"""The web core: the single-writer database, accounts and sessions, CSRF, cookies, redirects, the model
queue, streaming, security headers and the account commands (``mokmin serve`` / ``mokmin user``)."""

from __future__ import annotations

import asyncio
import hashlib
import stat
import threading
import time

import pytest
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError
from argon2 import extract_parameters
from fastapi import Depends, Request
from typer.testing import CliRunner

import web_helpers
from mokmin.errors import InputError
from mokmin.web import users as web_users
from mokmin.web.db import WebDB
from mokmin.web.model_queue import ModelQueue, QueueFull
from mokmin.web.security import SESSION_COOKIE, Caller, identify, router
from mokmin.web.streaming import stream_job
from mokmin.web.users import Users
from web_helpers import (PASSWORD, WebClient, api_client, citizen_client, close_app, make_app, sign_in,
                         staff_client)


@pytest.fixture
def app():
    app = make_app()
    yield app
    close_app(app)


@pytest.fixture
def db(tmp_path):
    db = WebDB(tmp_path / "web.sqlite")
    yield db
    db.close()


@pytest.fixture
def users(db):
    return Users(db)


# ---- WebDB: one writer, many readers -------------------------------------------------------------------------
ROWS = "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, who TEXT NOT NULL, n INTEGER NOT NULL UNIQUE)"


def test_many_threads_write_at_once_without_losing_rows_or_locking(db, tmp_path):
    db.ensure_schema(ROWS)
    other = WebDB(tmp_path / "web.sqlite")  # a second writer on the same file (e.g. `mokmin user add`)
    problems: list[BaseException] = []

    def writer(w: int, target: WebDB) -> None:
        try:
            for i in range(40):
                n = w * 1000 + i
                target.execute("INSERT INTO rows (who, n) VALUES (?, ?)", (f"w{w}", n))
                # a reader in this thread sees the write it was told is committed
                assert target.query_one("SELECT who FROM rows WHERE n = ?", (n,))["who"] == f"w{w}"
        except BaseException as exc:  # noqa: BLE001
            problems.append(exc)

    threads = [threading.Thread(target=writer, args=(w, db if w % 4 else other)) for w in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    other.close()
    assert problems == []
    assert db.query_one("SELECT COUNT(*) AS c FROM rows")["c"] == 12 * 40
    assert {r["who"] for r in db.query("SELECT DISTINCT who FROM rows")} == {f"w{w}" for w in range(12)}


def test_a_failing_write_rolls_back_and_raises_to_its_caller(db):
    db.ensure_schema(ROWS)

    def half_done(conn):
        conn.execute("INSERT INTO rows (who, n) VALUES ('a', 1)")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        db.write(half_done)
    assert db.query("SELECT * FROM rows") == []
    db.execute("INSERT INTO rows (who, n) VALUES ('b', 2)")
    with pytest.raises(Exception, match="UNIQUE"):
        db.execute("INSERT INTO rows (who, n) VALUES ('c', 2)")
    # the writer is still alive and the good row is kept
    assert db.execute("INSERT INTO rows (who, n) VALUES ('d', 3)") == 2
    assert [r["who"] for r in db.query("SELECT who FROM rows ORDER BY n")] == ["b", "d"]


def test_async_write_and_write_after_close(tmp_path):
    db = WebDB(tmp_path / "a.sqlite")
    db.ensure_schema(ROWS)
    rowid = asyncio.run(db.awrite(lambda conn: conn.execute("INSERT INTO rows (who, n) VALUES ('x', 7)").lastrowid))
    assert db.query_one("SELECT n FROM rows WHERE id = ?", (rowid,))["n"] == 7
    db.close()
    with pytest.raises(RuntimeError):
        db.execute("INSERT INTO rows (who, n) VALUES ('y', 8)")


def test_readers_cannot_write(db):
    db.ensure_schema(ROWS)
    with pytest.raises(Exception, match="readonly|read-only|query_only"):
        db.query("INSERT INTO rows (who, n) VALUES ('x', 1)")


# ---- accounts ------------------------------------------------------------------------------------------------
def test_passwords_are_argon2id_and_production_parameters_are_strong(users, db):
    users.create("kim", PASSWORD)
    stored = db.query_one("SELECT password_hash FROM users WHERE username = 'kim'")["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    production = web_helpers.PRODUCTION_HASHER
    assert production.type is Type.ID
    assert production.time_cost >= 2 and production.memory_cost >= 19 * 1024  # OWASP minimum for Argon2id


def test_sign_in_rehashes_when_parameters_change(users, db, monkeypatch):
    users.create("kim", PASSWORD)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(web_users, "_hasher", stronger)
    assert users.authenticate("kim", PASSWORD).username == "kim"
    stored = db.query_one("SELECT password_hash FROM users WHERE username = 'kim'")["password_hash"]
    assert extract_parameters(stored).time_cost == 2


def test_wrong_password_unknown_and_inactive_users_cannot_sign_in(users):
    kim = users.create("kim", PASSWORD, display_name="김주무관")
    assert users.authenticate("kim", PASSWORD) == kim
    assert users.authenticate("KIM", PASSWORD) == kim  # user names ignore case
    assert users.authenticate("kim", PASSWORD + "x") is None
    assert users.authenticate("nobody", PASSWORD) is None
    users.update(kim.id, active=False)
    assert users.authenticate("kim", PASSWORD) is None


@pytest.mark.parametrize("password, message", [
    ("short7", "비밀번호가 너무 짧습니다(6자)."),
    ("abcdefghijkl", "비밀번호가 너무 단순합니다."),
    ("123456789012", "비밀번호가 너무 단순합니다."),
])
def test_password_policy_messages(users, password, message):
    with pytest.raises(InputError) as caught:
        users.create("kim", password)
    assert caught.value.message == message and caught.value.hint
    assert users.by_username("kim") is None


def test_bad_or_duplicate_user_names_are_refused(users):
    users.create("kim", PASSWORD)
    for name, message in (("Kim", "이미 있는 사용자 이름"), ("k m", "사용자 이름이 올바르지 않습니다"),
                          ("", "사용자 이름이 올바르지 않습니다"), ("x" * 65, "사용자 이름이 올바르지 않습니다")):
        with pytest.raises(InputError, match=message):
            users.create(name, PASSWORD)


def test_last_admin_cannot_be_demoted_or_deactivated(users):
    boss = users.create("boss", PASSWORD, "admin")
    for change in ({"role": "staff"}, {"active": False}):
        with pytest.raises(InputError, match="마지막 관리자"):
            users.update(boss.id, **change)
    assert users.get(boss.id).role == "admin" and users.get(boss.id).active
    second = users.create("second", PASSWORD, "admin")
    assert users.update(boss.id, role="staff").role == "staff"
    with pytest.raises(InputError, match="마지막 관리자"):
        users.update(second.id, active=False)


def test_two_admins_demoting_each_other_at_once_leave_one_admin(users):
    for _round in range(5):
        a = users.create(f"a{_round}", PASSWORD, "admin")
        b = users.create(f"b{_round}", PASSWORD, "admin")
        for u in users.all():  # exactly these two admins are active
            if u.is_admin and u.id not in (a.id, b.id):
                users.update(u.id, role="staff")
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def demote(user_id: int) -> None:
            barrier.wait()
            try:
                users.update(user_id, role="staff")
                outcomes.append("ok")
            except InputError:
                outcomes.append("refused")

        threads = [threading.Thread(target=demote, args=(uid,)) for uid in (a.id, b.id)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert sorted(outcomes) == ["ok", "refused"]
        assert users.count_admins() == 1


def test_sessions_expire_and_old_ones_are_cleaned(users, db):
    kim = users.create("kim", PASSWORD)
    token, csrf = users.start_session(kim, hours=0.5 / 3600)  # half a second
    assert users.session(token) == (kim, csrf)
    time.sleep(0.6)
    assert users.session(token) is None
    users.start_session(kim, hours=1)
    assert db.query_one("SELECT COUNT(*) AS c FROM sessions")["c"] == 1  # the expired one is gone
    assert users.session(None) is None and users.session("made-up") is None


def test_password_change_and_role_change_end_sessions(users):
    kim = users.create("kim", PASSWORD)
    boss = users.create("boss", PASSWORD, "admin")
    first, _ = users.start_session(kim, 1)
    second, _ = users.start_session(kim, 1)
    bosses, _ = users.start_session(boss, 1)
    users.set_password(kim.id, "another-pass-5")
    assert users.session(first) is None and users.session(second) is None
    assert users.session(bosses) is not None  # other people stay signed in
    again, _ = users.start_session(kim, 1)
    users.update(kim.id, role="admin")
    assert users.session(again) is None
    assert users.authenticate("kim", "another-pass-5").is_admin


def test_api_keys_are_shown_once_stored_hashed_scoped_and_revocable(users, db):
    kim = users.create("kim", PASSWORD)
    lee = users.create("lee", PASSWORD)
    key = users.create_api_key(kim, "연동", "public")
    assert key.startswith("mk-") and len(key) > 40
    stored = [tuple(r) for r in db.query("SELECT * FROM api_keys")]
    assert all(key not in str(value) for row in stored for value in row)
    assert db.query_one("SELECT key_hash FROM api_keys")["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert users.api_key(key) == (kim, "public")
    assert users.api_key(key + "x") is None and users.api_key("") is None
    [listed] = users.api_keys_of(kim.id)
    assert listed["scope"] == "public" and listed["revoked"] == 0
    assert users.revoke_api_key(lee.id, listed["key_id"]) is False  # not lee's key
    assert users.revoke_api_key(kim.id, "%" * 12) is False and users.revoke_api_key(kim.id, "") is False
    assert users.api_key(key) is not None
    assert users.revoke_api_key(kim.id, listed["key_id"]) is True
    assert users.api_key(key) is None
    with pytest.raises(InputError, match="알 수 없는 범위"):
        users.create_api_key(kim, "x", "root")  # type: ignore[arg-type]


def test_deactivated_users_keys_stop_working(users):
    kim = users.create("kim", PASSWORD)
    users.create("boss", PASSWORD, "admin")
    key = users.create_api_key(kim, "k")
    users.update(kim.id, active=False)
    assert users.api_key(key) is None


# ---- sign-in, sign-out, CSRF and cookies through the app -----------------------------------------------------
def test_sign_out_ends_the_session_on_the_server(app):
    kim = staff_client(app)
    token = kim.cookies.get(SESSION_COOKIE)
    assert app.state.services.users.session(token) is not None
    response = kim.post_form("/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert app.state.services.users.session(token) is None
    replay = WebClient(app, follow_redirects=False, cookies={SESSION_COOKIE: token})
    assert replay.get("/staff").status_code == 303


def test_wrong_password_page(app):
    app.state.services.users.create("kim", PASSWORD)
    response = sign_in(WebClient(app, follow_redirects=False), "kim", "not-the-password-1")
    assert response.status_code == 401
    assert "사용자 이름이나 비밀번호가 맞지 않습니다" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_cookie_posts_need_the_right_csrf_token(app):
    kim = staff_client(app)
    assert kim.post("/logout").status_code == 403
    assert kim.post("/logout", headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert kim.post("/logout", data={"csrf_token": kim.csrf + "x"}).status_code == 403
    assert "보안 토큰(CSRF)" in kim.post("/logout", headers={"Accept": "application/json"}).json()["detail"]
    assert kim.get("/staff").status_code == 200  # still signed in
    assert kim.post_csrf("/logout").status_code == 303


def test_sign_in_form_needs_the_citizens_csrf_token(app):
    app.state.services.users.create("kim", PASSWORD)
    browser = citizen_client(app)
    form = {"username": "kim", "password": PASSWORD, "next": "/staff"}
    assert browser.post("/login", data=form).status_code == 403
    other = citizen_client(app)  # another browser's token does not fit this browser's cookie
    assert browser.post("/login", data=form | {"csrf_token": other.csrf}).status_code == 403
    assert browser.post("/login", data=form | {"csrf_token": browser.csrf}).status_code == 303


def test_api_key_posts_need_no_csrf_token(app):
    robot = api_client(app, scope="staff")
    assert robot.post("/logout").status_code == 303


def _cookie_header(response, name: str) -> str:
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith(name + "=")]
    assert found, f"no {name} cookie in {response.headers.get_list('set-cookie')}"
    return found[0].lower()


def test_session_cookie_flags_over_http(app):
    app.state.services.users.create("kim", PASSWORD)
    cookie = _cookie_header(sign_in(WebClient(app, follow_redirects=False), "kim"), SESSION_COOKIE)
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie.replace("samesite", "")


@pytest.mark.parametrize("mode, base_url, secure", [
    ("always", "http://testserver", True),
    ("auto", "https://testserver", True),
    ("never", "https://testserver", False),
])
def test_secure_cookie_setting(mode, base_url, secure):
    app = make_app(web={"cookie_secure": mode})
    try:
        app.state.services.users.create("kim", PASSWORD)
        # behind a TLS proxy the app may see http while the browser uses https: send the cookie by hand
        browser = WebClient(app, follow_redirects=False, base_url=base_url)
        login_page = browser.get("/login")
        citizen_cookie = _cookie_header(login_page, "mokmin_citizen")
        citizen = login_page.cookies.get("mokmin_citizen")
        assert citizen
        browser.cookies.clear()
        response = browser.post("/login", headers={"Cookie": f"mokmin_citizen={citizen}"},
                                data={"csrf_token": web_helpers.csrf_of(login_page.text), "username": "kim",
                                      "password": PASSWORD})
        session_cookie = _cookie_header(response, SESSION_COOKIE)
        for cookie in (citizen_cookie, session_cookie):
            assert ("; secure" in cookie) is secure
            assert "httponly" in cookie and "samesite=lax" in cookie
    finally:
        close_app(app)


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/x", "/\\evil.example",
                                    "\\\\evil.example", "/\t/evil.example", "javascript:alert(1)"])
def test_sign_in_refuses_open_redirects(app, target):
    app.state.services.users.create("kim", PASSWORD)
    browser = WebClient(app, follow_redirects=False)
    page = browser.get("/login", params={"next": target})
    assert 'name="next" value="/staff"' in page.text
    response = sign_in(browser, "kim", next_path=target)
    location = response.headers["location"]
    assert response.status_code == 303
    assert location.startswith("/") and not location.replace("\t", "").startswith("//")
    assert "evil" not in location or location == "/staff"


def test_sign_in_follows_a_local_next(app):
    app.state.services.users.create("kim", PASSWORD)
    response = sign_in(WebClient(app, follow_redirects=False), "kim", next_path="/staff/account")
    assert response.headers["location"] == "/staff/account"


def test_pages_ask_to_sign_in_and_apis_answer_401(app):
    browser = WebClient(app, follow_redirects=False)
    response = browser.get("/staff/account")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/staff/account"
    assert browser.post("/logout", headers={"Accept": "application/json"}).status_code in (401, 403)


# ---- security headers ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/mokmin.css", "/staff", "/no-such-page"])
def test_security_headers_on_every_kind_of_response(app, path):
    response = WebClient(app, follow_redirects=False).get(path)
    csp = response.headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                      "form-action 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_templates_carry_no_inline_scripts_or_styles(app):
    boss = web_helpers.admin_client(app)
    for path in ("/login", "/staff", "/staff/account", "/admin/users", "/admin/keys", "/admin/profile"):
        html = boss.get(path).text
        assert " style=" not in html and " onclick=" not in html and "<style" not in html, path
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), path


# ---- the model queue -----------------------------------------------------------------------------------------
def _blocked(queue: ModelQueue) -> threading.Event:
    """Occupy the worker until the returned event is set."""
    gate, started = threading.Event(), threading.Event()

    def hold(_emit):
        started.set()
        gate.wait(10)

    queue.submit("holder", hold)
    assert started.wait(5)
    return gate


def test_queue_is_fair_a_busy_client_cannot_starve_another():
    queue = ModelQueue(max_waiting=20, per_client=10)
    try:
        gate = _blocked(queue)
        order: list[str] = []
        tickets = [queue.submit("A", lambda _e, i=i: order.append(f"A{i}")) for i in range(5)]
        tickets.append(queue.submit("B", lambda _e: order.append("B0")))
        tickets.append(queue.submit("B", lambda _e: order.append("B1")))
        tickets.append(queue.submit("C", lambda _e: order.append("C0")))
        gate.set()
        for t in tickets:
            t.future.result(10)
        assert order == ["A0", "B0", "C0", "A1", "B1", "A2", "A3", "A4"]
        assert queue.stats().served == 9
    finally:
        queue.stop()


def test_queue_is_bounded_in_total_and_per_client():
    queue = ModelQueue(max_waiting=3, per_client=2)
    try:
        gate = _blocked(queue)
        waiting = [queue.submit("A", lambda _e: "a1"), queue.submit("A", lambda _e: "a2")]
        with pytest.raises(QueueFull) as per_client:
            queue.submit("A", lambda _e: "a3")
        assert "이 접속에서" in per_client.value.message and per_client.value.retry_after >= 1
        waiting.append(queue.submit("B", lambda _e: "b1"))
        with pytest.raises(QueueFull) as total:
            queue.submit("C", lambda _e: "c1")
        assert "대기열이 찼습니다" in total.value.message
        assert total.value.retry_after >= 1 and f"{total.value.retry_after}초" in total.value.hint
        assert queue.stats().rejected == 2 and queue.stats().waiting == 3
        gate.set()
        assert [t.future.result(10) for t in waiting] == ["a1", "a2", "b1"]
        assert queue.run("C", lambda _e: "c1") == "c1"  # room again once the queue drains
    finally:
        queue.stop()


def test_a_failing_job_raises_to_its_caller_and_the_worker_goes_on():
    queue = ModelQueue()
    try:
        def broken(_emit):
            raise InputError("잘못된 입력입니다.", "고치세요.")

        with pytest.raises(InputError, match="잘못된 입력"):
            queue.run("A", broken)
        assert queue.run("A", lambda _e: 42) == 42
        assert queue.stats().failed == 1 and queue.stats().served == 1
    finally:
        queue.stop()


def test_stream_events_come_in_order_and_errors_after_their_tokens():
    queue = ModelQueue()

    def speaking(emit):
        for piece in ("가", "나", "다"):
            emit(piece)
        return {"text": "가나다"}

    def failing(emit):
        emit("반쯤")
        raise InputError("실패했습니다.", "다시 하세요.")

    async def collect(job):
        events = []
        try:
            async for event in queue.start_stream("A", job):
                events.append(event)
        except InputError as exc:
            events.append(("raised", exc.message))
        return events

    try:
        assert asyncio.run(collect(speaking)) == [("token", "가"), ("token", "나"), ("token", "다"),
                                                  ("result", {"text": "가나다"})]
        assert asyncio.run(collect(failing)) == [("token", "반쯤"), ("raised", "실패했습니다.")]
        assert queue.run("A", lambda _e: "still working") == "still working"
    finally:
        queue.stop()


def _queue_routes(app):
    """Routes like the feature modules write: a blocking queue.run and a streamed job."""
    extra = router("staff", prefix="/api/v1/test-queue")

    @extra.post("/run")
    def run(request: Request, caller: Caller = Depends(identify)) -> dict:
        return {"value": request.app.state.services.queue.run(caller.client_id, lambda _e: "done")}

    @extra.post("/stream")
    def stream(request: Request, fail: bool = False, caller: Caller = Depends(identify)):
        def job(emit):
            emit("첫")
            emit("째")
            if fail:
                raise InputError("모델이 답하지 못했습니다.", "다시 시도하세요.")
            return "첫째"

        return stream_job(request.app.state.services.queue, caller.client_id, job, lambda r: {"text": r})

    app.include_router(extra)


def _sse(text: str) -> list[tuple[str, str]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], lines["data"]))
    return events


def test_streamed_job_over_http_and_error_event(app):
    _queue_routes(app)
    robot = api_client(app)
    response = robot.post("/api/v1/test-queue/stream")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = _sse(response.text)
    assert events[0][0] == "queued" and '"waiting"' in events[0][1]
    assert events[1:] == [("token", '"첫"'), ("token", '"째"'), ("done", '{"text": "첫째"}')]
    failed = _sse(robot.post("/api/v1/test-queue/stream", params={"fail": True}).text)
    assert [e for e, _ in failed] == ["queued", "token", "token", "error"]
    assert "모델이 답하지 못했습니다" in failed[-1][1]


def test_full_queue_answers_429_with_retry_after():
    app = make_app(web={"queue_size": 1, "queue_per_client": 1})
    try:
        _queue_routes(app)
        robot = api_client(app)
        queue = app.state.services.queue
        gate = _blocked(queue)
        queue.submit("someone else", lambda _e: None)
        for path in ("/api/v1/test-queue/run", "/api/v1/test-queue/stream"):
            response = robot.post(path)
            assert response.status_code == 429
            assert int(response.headers["retry-after"]) >= 1
            assert response.json()["retry_after"] == int(response.headers["retry-after"])
            assert "대기열" in response.json()["detail"]
        gate.set()
        time.sleep(0.2)
        assert robot.post("/api/v1/test-queue/run").json() == {"value": "done"}
    finally:
        close_app(app)


# ---- the city profile the app loads --------------------------------------------------------------------------
def test_app_loads_the_saved_profile_when_none_is_configured(isolated_home, tmp_path):
    from mokmin.profile import bundled_profile_path

    text = bundled_profile_path().read_text(encoding="utf-8")
    app = make_app()
    assert app.state.services.profile.organization.name == "당진시"
    close_app(app)
    (isolated_home / "profile.toml").write_text(text.replace('name = "당진시"', 'name = "새봄시"', 1), "utf-8")
    app = make_app()
    assert app.state.services.profile.organization.name == "새봄시"
    close_app(app)
    configured = tmp_path / "other.toml"
    configured.write_text(text.replace('name = "당진시"', 'name = "가온시"', 1), "utf-8")
    app = make_app(profile=configured)  # a configured file wins over the saved one
    assert app.state.services.profile.organization.name == "가온시"
    close_app(app)


def test_profile_from_toml_errors_are_korean():
    from mokmin.errors import ConfigError
    from mokmin.profile import profile_from_toml

    with pytest.raises(ConfigError, match="TOML 문법"):
        profile_from_toml("[organization")
    with pytest.raises(ConfigError, match="ai_disclosure"):
        profile_from_toml('[organization]\nname = "x"\n')
    assert profile_from_toml('ai_disclosure = "검토함"\n[organization]\nname = "x"\n').organization.name == "x"


# ---- `mokmin serve` and `mokmin user` ------------------------------------------------------------------------
def test_first_admin_is_made_once_with_a_private_password_file(isolated_home, users):
    from mokmin.cli.web import ensure_first_admin

    password = ensure_first_admin(users, isolated_home)
    path = isolated_home / "initial-admin.txt"
    assert password and password in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert users.authenticate("admin", password).is_admin
    assert ensure_first_admin(users, isolated_home) is None
    assert [u.username for u in users.all()] == ["admin"]


def test_serve_creates_the_first_admin_and_starts_uvicorn(isolated_home, monkeypatch):
    import uvicorn

    from mokmin.cli.main import app as cli

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: started.update(app=app_, **kw))
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert started["port"] == 8123 and started["host"] == "127.0.0.1"
    services = started["app"].state.services
    try:
        password = (isolated_home / "initial-admin.txt").read_text(encoding="utf-8").split("비밀번호: ")[1].split()[0]
        assert password in result.output
        assert services.users.authenticate("admin", password).is_admin
    finally:
        services.close()
    # a second start makes no new admin and prints no password
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: app_.state.services.close())
    again = CliRunner().invoke(cli, ["serve"])
    assert again.exit_code == 0 and "비밀번호" not in again.output


def test_user_commands(isolated_home):
    from mokmin.cli.main import app as cli

    runner = CliRunner()
    made = runner.invoke(cli, ["user", "add", "kim", "--role", "admin", "--name", "김과장", "--department",
                               "홍보과", "--password", PASSWORD])
    assert made.exit_code == 0 and "만들었습니다: kim (admin)" in made.output
    prompted = runner.invoke(cli, ["user", "add", "lee"], input="lee-pass-123\nlee-pass-123\n")
    assert prompted.exit_code == 0, prompted.output
    listing = runner.invoke(cli, ["user", "list"])
    assert listing.exit_code == 0
    rows = [line.split("\t") for line in listing.output.splitlines() if line]
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [("kim", "admin", "김과장", "홍보과"), ("lee", "staff", "lee", "")]
    weak = runner.invoke(cli, ["user", "add", "park", "--password", "short"])
    assert isinstance(weak.exception, InputError)
    changed = runner.invoke(cli, ["user", "passwd", "lee", "--password", "changed-pass-4"])
    assert changed.exit_code == 0 and "바꿨습니다" in changed.output
    missing = runner.invoke(cli, ["user", "passwd", "nobody", "--password", "changed-pass-4"])
    assert isinstance(missing.exception, InputError)

    db = WebDB(isolated_home / "web.sqlite")
    try:
        check = Users(db)
        assert check.authenticate("lee", "changed-pass-4") is not None
        assert check.authenticate("lee", "lee-pass-123") is None
        assert check.by_username("park") is None
    finally:
        db.close()


def test_invalid_hash_in_database_does_not_crash_sign_in(users, db):
    kim = users.create("kim", PASSWORD)
    db.execute("UPDATE users SET password_hash = 'not-a-hash' WHERE id = ?", (kim.id,))
    assert users.authenticate("kim", PASSWORD) is None
    with pytest.raises(InvalidHashError):
        web_users._hasher.verify("not-a-hash", PASSWORD)
