"""Fixture helpers of the browser tests: the real app under uvicorn on 127.0.0.1, and Debian's Chromium.

The server runs in a thread of the test process (so tests can look into its database), with a scripted
backend from tests/fakes.py, a small knowledge base (one public and one staff document) and staff
accounts. Chromium is the system's ``/usr/bin/chromium`` driven by Playwright; nothing is downloaded
(``playwright install`` is never run). A missing Chromium fails the tests with a message, never skips them.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from docgen import make_docx
from fakes import ObedientBackend, free_port

from mokmin.knowledge.index import KnowledgeBase
from mokmin.settings import load_settings
from mokmin.web.app import create_app

CHROMIUM = os.environ.get("MOKMIN_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "correct-horse-7"
PRESS_BODY = "교육에서는 생성형 AI 행정 활용 사례와 개인정보 보호 수칙을 다뤘다."
RENT_QUESTION = "청년 월세 지원 금액은 한 달에 최대 얼마인가요?"
RENT_FACT = "지원 금액은 월 최대 20만 원이며 최장 12개월 동안 지원한다."
STAFF_FACT = "수영장 운영 시간 변경안은 7월부터 오전 6시 개장으로 검토 중이다."


def require_chromium() -> str:
    """The Chromium executable, or a failed test that says how to install it."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium이 없습니다({CHROMIUM}). 'sudo apt-get install chromium' 또는 scripts/bootstrap.sh로 "
                    "설치하세요(브라우저 시험은 건너뛰지 않습니다).", pytrace=False)
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.fail("Python 'playwright' 패키지가 없습니다. pip install -e '.[test]'로 설치하세요 "
                    "(브라우저는 내려받지 않고 시스템 chromium을 씁니다).", pytrace=False)
    return CHROMIUM


def scripted_backend() -> ObedientBackend:
    """Answers cite passage [1] (its first sentence); a 보도자료 body request gets :data:`PRESS_BODY`."""
    return ObedientBackend(obey={"공보 담당 주무관": PRESS_BODY}, default="{supported}")


def build_home(home: Path, docs: Path) -> None:
    """A data folder with a BM25 knowledge base: a public 청년 월세 guide and a staff-only memo."""
    (docs / "public").mkdir(parents=True)
    (docs / "staff").mkdir(parents=True)
    make_docx(docs / "public" / "청년월세.docx", "청년 월세 지원 안내",
              [RENT_FACT, "청년 월세 지원 사업은 만 19세부터 34세까지의 무주택 청년을 대상으로 한다.",
               "신청은 주소지 행정복지센터에서 받는다."])
    make_docx(docs / "staff" / "수영장검토.docx", "수영장 운영 내부 검토", [STAFF_FACT])
    kb = KnowledgeBase(load_settings(home=home))
    kb.add([docs / "public"], audience="public", embed=False, progress=False)
    kb.add([docs / "staff"], audience="staff", embed=False, progress=False)
    if hasattr(kb, "close"):
        kb.close()


class LiveServer:
    """``create_app`` served by uvicorn in a thread on a free loopback port."""

    def __init__(self, home: Path, backend=None):
        import uvicorn

        self.app = create_app(load_settings(home=home), backend=backend or scripted_backend())
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="browser-test-server", daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)

    @property
    def services(self):
        return self.app.state.services

    def add_user(self, username: str, role: str = "staff") -> None:
        users = self.services.users
        if users.by_username(username) is None:
            users.create(username, PASSWORD, role)  # type: ignore[arg-type]


def live_server(tmp_path_factory) -> LiveServer:
    """A started server over a fresh data folder with users kim (staff) and boss (admin)."""
    home = tmp_path_factory.mktemp("browser-home")
    build_home(home, tmp_path_factory.mktemp("browser-docs"))
    server = LiveServer(home).__enter__()
    server.add_user("kim")
    server.add_user("boss", "admin")
    return server
