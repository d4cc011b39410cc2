"""A folder of mixed HWP/HWPX/PDF/DOCX/HTML files goes in with one command, and is searched and cited."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from docgen import make_docx, make_hwp3, make_hwp5, make_html, make_hwpx, make_pdf

from mokmin.checks.finding import Severity
from mokmin.knowledge.index import KnowledgeBase
from mokmin.profile import load_profile
from mokmin.settings import load_settings
from mokmin.workflows.answer import answer_question


@pytest.fixture(scope="module")
def city_docs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city-docs")
    make_hwp5(folder / "주차.hwp", ["공유 주차장 사업은 공영주차장 12곳을 야간에 주민에게 개방한다."])
    make_hwpx(folder / "통학버스.hwpx", ["어린이 통학버스 안전 점검은 매년 3월에 실시한다."], heading="통학버스 점검")
    make_pdf(folder / "도서관.pdf", [["시립도서관 이용 안내"],
                                     ["스마트 도서관은 24시간 무인 대출 서비스를 제공하며 지하철역 3곳에 설치되어 있다."]])
    make_docx(folder / "창업.docx", "청년 창업 지원", ["청년 창업 지원 사업의 항목별 금액은 다음과 같다."],
              table=[["항목", "금액"], ["창업 지원금", "1,500만 원"], ["임대료 지원", "월 50만 원"]])
    make_html(folder / "폐가전.html", "폐가전 수거", "폐가전 무상 방문 수거",
              ["폐가전 무상 방문 수거는 전화나 누리집으로 신청한다."])
    make_hwp3(folder / "옛문서.hwp")
    return folder


@pytest.fixture(scope="module")
def kb_home(tmp_path_factory):
    return tmp_path_factory.mktemp("kb-home")


def _mokmin(home, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOKMIN_")} | {"MOKMIN_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "mokmin", *args], capture_output=True, text=True, timeout=600,
                          env=env)


@pytest.fixture(scope="module")
def ingested(city_docs, kb_home):
    return _mokmin(kb_home, "kb", "add", str(city_docs), "--audience", "public", "--format", "json")


def test_one_command_ingests_every_format_and_reports_the_bad_file(city_docs, kb_home, ingested):
    proc = ingested
    summary = json.loads(proc.stdout)
    assert proc.returncode != 0  # one file failed: the exit code says so
    assert len(summary["indexed"]) == 5
    assert [f["path"] for f in summary["failed"]] == [str(city_docs / "옛문서.hwp")]
    assert "3.0" in summary["failed"][0]["message"] and "옛문서.hwp" in summary["failed"][0]["message"]
    listed = json.loads(_mokmin(kb_home, "kb", "list", "--format", "json").stdout)
    assert {d["format"] for d in listed} == {"hwp", "hwpx", "pdf", "docx", "html"}


@pytest.mark.parametrize(
    ("query", "doc", "page", "needle"),
    [
        ("야간 개방 공영주차장", "주차.hwp", None, "12곳"),
        ("통학버스 안전 점검 시기", "통학버스.hwpx", None, "3월"),
        ("무인 대출 스마트 도서관", "도서관.pdf", 2, "24시간"),
        ("창업 지원금 금액", "창업.docx", None, "1,500만 원"),
        ("폐가전 수거 신청", "폐가전.html", None, "전화"),
    ],
)
def test_each_format_is_found_with_document_and_page(kb_home, ingested, query, doc, page, needle):
    proc = _mokmin(kb_home, "kb", "search", query, "--audience", "public", "--format", "json", "--k", "3")
    hits = json.loads(proc.stdout)
    top = hits[0] if isinstance(hits, list) else hits["results"][0]
    assert top["source_path"].endswith(doc)
    assert top["page"] == page
    assert needle in top["text"]


@pytest.mark.model
def test_ask_cites_the_pdf_page(kb_home, ingested, llama_backend):
    kb = KnowledgeBase(load_settings(home=kb_home))
    answer = answer_question("스마트 도서관은 몇 곳에 설치되어 있나요?", kb.search, llama_backend, load_profile(),
                             audience="public")
    assert not answer.refused
    assert "3곳" in answer.text or "세 곳" in answer.text
    cited = [answer.passages[n - 1] for n in answer.cited()]
    assert cited and cited[0].source_path.endswith("도서관.pdf") and cited[0].page == 2
    assert not [f for f in answer.findings if f.severity is Severity.ERROR]
