"""The web app in a real headless Chromium (Debian's, driven by Playwright) against a real uvicorn server.

Flows: staff sign-in; a 보도자료 drafted and downloaded as DOCX; a 자료조사 question whose citation opens
the passage; a citizen who asks in /chat, opens a citation and gives 👎 with a comment that staff then see
appear on the live dashboard; a citizen sent to sign-in (or refused) on staff and admin pages. The model is
scripted (tests/fakes.py); see tests/browser_server.py for the server and the knowledge base.
"""

from __future__ import annotations

import io
import re

import pytest
from browser_server import (
    CHROMIUM_ARGS,
    PASSWORD,
    PRESS_BODY,
    RENT_QUESTION,
    STAFF_FACT,
    live_server,
    require_chromium,
)

TIMEOUT_MS = 30_000


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = live_server(tmp_path_factory)
    yield srv
    srv.__exit__(None, None, None)


@pytest.fixture(scope="module")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser profile (no cookies) per test; CSP violations are collected in ``page.csp``."""
    context = browser.new_context(base_url=server.url, accept_downloads=True, locale="ko-KR")
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    pg.csp = []
    pg.on("console", lambda msg: pg.csp.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield pg
    context.close()


def sign_in(page, username: str = "kim", next_path: str = "/staff") -> None:
    page.goto(f"/login?next={next_path}")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('form[action="/login"] button[type="submit"]')
    page.wait_for_url(re.compile(re.escape(next_path) + "$"))


def test_staff_sign_in_and_out(page):
    page.goto("/login")
    page.fill('input[name="username"]', "kim")
    page.fill('input[name="password"]', "wrong-password-1")
    page.click('form[action="/login"] button[type="submit"]')
    assert "사용자 이름이나 비밀번호가 맞지 않습니다" in page.inner_text('[role="alert"]')
    sign_in(page)
    assert page.is_visible("nav.menu") and "로그아웃" in page.inner_text("header")
    page.click('form.who button[type="submit"]')
    page.wait_for_url(re.compile(r"/login"))
    page.goto("/staff")
    assert "/login" in page.url  # the session is gone


def test_press_release_is_drafted_and_downloaded_as_docx(page):
    import docx

    sign_in(page)
    page.goto("/staff/press")
    page.fill("#brief-when", "2024. 5. 7.(화) 14:00")
    page.fill("#brief-where", "시청 대회의실")
    page.fill("#brief-event", "전직원 생성형 AI 교육")
    page.fill("#brief-host", "오성환 시장")
    page.fill("#brief-attendees", "직원 300명")
    page.fill("#brief-content", "생성형 AI 행정 활용 사례와 개인정보 보호 수칙 교육")
    page.fill("#brief-department", "정보통신과")
    page.fill("#brief-officer", "김민수")
    page.fill("#brief-phone", "041-360-0000")
    page.click("#press-submit")
    page.wait_for_selector("#press-result:not(.hidden)")
    draft = page.inner_text("#press-draft")
    assert "시청 대회의실" in draft
    with page.expect_download() as info:
        page.click("#press-download")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(open(download.path(), "rb").read())).paragraphs)
    assert "시청 대회의실" in text and PRESS_BODY.split()[0] in text


def test_research_answer_cites_a_passage_that_opens(page):
    sign_in(page)
    page.goto("/staff/research")
    page.fill("#research-input", "수영장 운영 시간 변경안은 무엇인가요?")
    page.click("#research-submit")
    page.wait_for_selector("#research-answer .cite")
    assert "[1]" in page.inner_text("#research-answer")
    page.click("#research-answer .cite")
    page.wait_for_selector("#passage-view:not(.hidden)")
    assert STAFF_FACT.split("은")[0] in page.inner_text("#passage-view")  # staff may read the staff memo


def test_citizen_feedback_reaches_the_live_dashboard(browser, server, page):
    # staff open the dashboard first: the feedback must appear without reloading
    staff = browser.new_context(base_url=server.url)
    staff.set_default_timeout(TIMEOUT_MS)
    board = staff.new_page()
    sign_in(board, next_path="/staff/dashboard")
    assert board.is_visible("#satisfaction-chart svg")
    comment = "금액 설명이 헷갈려요 010-2345-6789"

    page.goto("/chat")
    assert page.is_visible("#disclosure")
    page.fill("#chat-input", RENT_QUESTION)
    page.click("#chat-send")
    page.wait_for_selector("#chat-log .answer .cite")
    page.click("#chat-log .answer .cite")
    page.wait_for_selector("#source-panel:not(.hidden)")
    assert "20만 원" in page.inner_text("#source-text")
    page.click('#chat-log .feedback [data-rating="-1"]')
    page.fill("#chat-log .feedback .fb-comment", comment)
    page.click("#chat-log .feedback .fb-send")
    expect(page.locator("#chat-log .fb-status")).to_contain_text("고맙습니다")  # (no eval: the CSP forbids it)

    expect(board.locator("#least-liked tbody")).to_contain_text("금액 설명이 헷갈려요", timeout=20_000)
    row = board.inner_text("#least-liked tbody")
    assert "청년 월세 지원 금액" in row and "010-2345-6789" not in row and "[전화1]" in row
    assert board.inner_text('#dashboard-totals [data-field="down"]') == "1"
    assert board.locator("#satisfaction-chart svg rect.bar").count() >= 1
    staff.close()


def test_citizen_is_sent_to_sign_in_and_staff_kept_out_of_admin(page):
    for path in ("/staff", "/staff/dashboard", "/staff/press", "/admin/users"):
        page.goto(path)
        assert re.search(r"/login\?next=", page.url), (path, page.url)
        assert page.is_visible('form[action="/login"]')
    sign_in(page)  # a staff member without the admin role
    response = page.goto("/admin/users")
    assert response.status == 403 and "관리자" in page.inner_text("main")


def test_pages_break_no_content_security_policy_rule(page):
    """Inline scripts and inline style attributes are refused by the CSP; no page may depend on them."""
    page.goto("/chat")
    page.fill("#chat-input", RENT_QUESTION)
    page.click("#chat-send")
    page.wait_for_selector("#chat-log .feedback")
    sign_in(page)
    for path in ("/staff/press", "/staff/research", "/staff/dashboard"):
        page.goto(path)
        page.wait_for_load_state("load")  # not "networkidle": the dashboard keeps a stream open
        page.wait_for_timeout(300)
    assert page.csp == []
