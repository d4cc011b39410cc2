"""지식베이스 관리: uploads indexed in the background with progress, per-file errors, audience, removal;
files over the limit or of a wrong type are refused with the index untouched."""

from __future__ import annotations

import time

import pytest
from docgen import make_docx
from web_helpers import api_client, close_app, make_app, staff_client

from mokmin.guard.audit import open_log

RENT = "청년 월세 지원 사업은 무주택 청년에게 월 20만 원을 지원한다. 신청은 주택과에서 받는다."


def wait_for(client, url: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(url).json()
        if job["status"] == "done":
            return job
        time.sleep(0.2)
    raise AssertionError(f"indexing did not finish: {job}")


def index_state(app) -> tuple[int, list]:
    kb = app.state.services.kb()
    return kb.store.generation(), [(d.id, d.path, d.audience) for d in kb.list()]


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("MOKMIN_WEB__MAX_UPLOAD_MB", "1")
    app = make_app()
    yield app
    close_app(app)


def test_upload_indexes_good_files_reports_the_bad_one_and_lists_with_badges(app, tmp_path):
    kim = staff_client(app)
    guide = make_docx(tmp_path / "guide.docx", "청년 월세 안내", [RENT])
    files = [("files", ("../../etc/청년 월세.txt", RENT.encode())),
             ("files", ("guide.docx", guide.read_bytes())),
             ("files", ("깨진.pdf", b"%PDF-1.4 not really a pdf"))]
    started = kim.post_csrf("/api/v1/kb/documents", files=files, data={"audience": "public", "embed": "false"})
    assert started.status_code == 202, started.text
    assert started.json()["files"] == ["청년 월세.txt", "guide.docx", "깨진.pdf"]  # no folders from the client
    job = wait_for(kim, started.json()["status_url"])
    assert (job["total"], job["done"]) == (3, 3)
    by_name = {r["name"]: r for r in job["results"]}
    assert by_name["청년 월세.txt"]["ok"] and by_name["guide.docx"]["ok"] and by_name["guide.docx"]["chunks"] >= 1
    bad = by_name["깨진.pdf"]
    assert not bad["ok"] and "문서를 읽을 수 없습니다" in bad["message"] and "/uploads/" not in bad["message"]
    docs = kim.get("/api/v1/kb/documents").json()
    assert sorted(d["name"] for d in docs) == ["guide.docx", "청년 월세.txt"]
    assert all(d["audience"] == "public" and d["uploaded"] for d in docs)
    root = app.state.services.settings.home / "uploads" / "kb"
    saved = sorted(p.name for p in root.rglob("*") if p.is_file())
    assert saved == ["guide.docx", "청년 월세.txt"]  # the unreadable file is not kept
    page = kim.get("/staff/kb")
    assert page.status_code == 200 and 'id="kb-table"' in page.text and "청년 월세 안내" in page.text
    assert 'class="badge public"' in page.text
    # the upload is searchable at once, and every file is in the audit log under kim's name
    assert kim.post_csrf("/api/v1/kb/search", json={"query": "청년 월세", "mode": "bm25"}).json()["results"]
    added = [r for r in open_log(app.state.services.settings).records() if r["details"].get("action") == "kb.add"]
    assert [(r["actor"], r["details"]["ok"]) for r in added] == [("web:kim", True), ("web:kim", True),
                                                                  ("web:kim", False)]


def test_audience_change_and_removal(app, tmp_path):
    kim = staff_client(app)
    started = kim.post_csrf("/api/v1/kb/documents", files=[("files", ("rent.txt", RENT.encode()))],
                            data={"audience": "staff", "embed": "false"})
    wait_for(kim, started.json()["status_url"])
    doc = kim.get("/api/v1/kb/documents").json()[0]
    assert doc["audience"] == "staff" and doc["audience_label"] == "직원용"
    changed = kim.post_csrf(f"/api/v1/kb/documents/{doc['id']}/audience", json={"audience": "public"})
    assert changed.status_code == 200 and changed.json()["audience"] == "public"
    wrong = kim.post_csrf(f"/api/v1/kb/documents/{doc['id']}/audience", json={"audience": "everyone"})
    assert wrong.status_code == 422
    gone = kim.delete(f"/api/v1/kb/documents/{doc['id']}", headers=kim.csrf_headers())
    assert gone.status_code == 200 and kim.get("/api/v1/kb/documents").json() == []
    assert not any(p.is_file() for p in (app.state.services.settings.home / "uploads").rglob("*"))
    assert kim.delete(f"/api/v1/kb/documents/{doc['id']}", headers=kim.csrf_headers()).status_code == 404
    # without the CSRF header the session cannot change anything
    assert kim.delete("/api/v1/kb/documents/1").status_code == 403


def test_over_the_limit_or_wrong_type_is_refused_and_the_index_is_unchanged(app, tmp_path):
    kim = staff_client(app)
    first = kim.post_csrf("/api/v1/kb/documents", files=[("files", ("rent.txt", RENT.encode()))],
                          data={"embed": "false"})
    wait_for(kim, first.json()["status_url"])
    before = index_state(app)
    big = ("big.txt", ("가나다라 " * 300_000).encode())  # about 3.9 MB, over the 1 MB limit
    too_big = kim.post_csrf("/api/v1/kb/documents", files=[("files", ("ok.txt", RENT.encode())), ("files", big)],
                            data={"embed": "false"})
    assert too_big.status_code == 400
    assert "너무 큽니다" in too_big.json()["detail"] and "1MB" in too_big.json()["hint"]
    wrong = kim.post_csrf("/api/v1/kb/documents", files=[("files", ("virus.exe", b"MZ\x90\x00"))])
    assert wrong.status_code == 400 and "형식" in wrong.json()["detail"] and ".hwp" in wrong.json()["hint"]
    nameless = kim.post_csrf("/api/v1/kb/documents", files=[("files", ("README", b"text"))])
    assert nameless.status_code == 400
    assert index_state(app) == before
    kept = [p.name for p in (app.state.services.settings.home / "uploads").rglob("*") if p.is_file()]
    assert kept == ["rent.txt"]  # nothing of the refused requests stays on disk


def test_rest_kb_with_a_staff_key_and_not_with_a_public_key(app):
    robot = api_client(app)
    started = robot.post("/api/v1/kb/documents", files=[("files", ("rent.txt", RENT.encode()))],
                         data={"embed": "false"})
    assert started.status_code == 202
    assert wait_for(robot, started.json()["status_url"])["results"][0]["ok"]
    assert len(robot.get("/api/v1/kb/documents").json()) == 1
    kim = staff_client(app)
    assert kim.get(started.json()["status_url"]).status_code == 404  # a job is its starter's
    public = api_client(app, scope="public", username="kiosk")
    assert public.get("/api/v1/kb/documents").status_code == 401
    assert public.post("/api/v1/kb/documents", files=[("files", ("x.txt", b"x"))]).status_code == 401
