"""교정, 번역, 요약 pages and their REST endpoints, over real files from docgen and a scripted model."""

from __future__ import annotations

import io

import docx
import pytest
from docgen import make_docx, make_pdf
from fakes import ObedientBackend
from web_helpers import api_client, close_app, done_of, events, make_app, staff_client

WRONG = "지난 점검에서 누락됬던 항목은 익일까지 제출하여 주시기 바랍니다."
CORRECT = "지난 점검에서 빠진 항목은 다음 날까지 내 주세요."








@pytest.fixture
def app():
    app = make_app(backend=ObedientBackend(default="Dangjin City held a meeting on March 27."))
    yield app
    close_app(app)


# ---- 교정 ----------------------------------------------------------------------------------------------------
def test_proofread_finds_applies_safe_fixes_and_one_finding_and_leaves_correct_text_alone(app):
    kim = staff_client(app)
    checked = kim.post_csrf("/api/v1/proofread", json={"text": WRONG, "mode": "gongmun"})
    assert checked.status_code == 200, checked.text
    data = checked.json()
    spelling = next(f for f in data["findings"] if f["text"] == "됬")
    assert spelling["severity"] == "error" and spelling["safe"] and spelling["replacement"] == "됐"
    assert (spelling["line"], spelling["column"]) == (1, WRONG.index("됬") + 1)
    assert data["counts"]["error"] >= 1 and "총점" in data["score"]["summary"]
    everything = kim.post_csrf("/api/v1/proofread/apply", json={"text": WRONG, "mode": "gongmun"}).json()
    assert everything["fixed_text"] == "지난 점검에서 누락됐던 항목은 다음 날까지 제출하여 주시기 바랍니다."
    assert everything["applied"] == 2 and everything["counts"]["error"] == 0
    one = kim.post_csrf("/api/v1/proofread/apply",
                        json={"text": WRONG, "mode": "gongmun", "only": [spelling["index"]]}).json()
    assert one["fixed_text"] == WRONG.replace("됬", "됐") and one["applied"] == 1
    clean = kim.post_csrf("/api/v1/proofread", json={"text": CORRECT, "mode": "general", "fix": "safe"}).json()
    assert clean["fixed_text"] == CORRECT and clean["applied"] == 0 and clean["counts"]["error"] == 0
    bad = kim.post_csrf("/api/v1/proofread/apply", json={"text": WRONG, "only": [999]})
    assert bad.status_code == 400 and "번호" in bad.json()["detail"]


def test_proofread_upload_of_a_docx_downloads_the_corrected_docx(app, tmp_path):
    kim = staff_client(app)
    path = make_docx(tmp_path / "공문.docx", "점검 안내", [WRONG])
    with path.open("rb") as fh:
        response = kim.post_csrf("/api/v1/proofread/file", files={"file": ("공문.docx", fh)}, data={"mode": "gongmun"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["format"] == "docx" and data["name"] == "공문.docx"
    spelling = next(f for f in data["findings"] if f["text"] == "됬")
    assert spelling["paragraph"] == 2  # the heading is paragraph 1
    fixed = kim.post_form(data["download"], {"mode": "gongmun"})
    assert fixed.status_code == 200, fixed.text
    paragraphs = [p.text for p in docx.Document(io.BytesIO(fixed.content)).paragraphs]
    assert paragraphs[1] == "지난 점검에서 누락됐던 항목은 다음 날까지 제출하여 주시기 바랍니다."
    assert paragraphs[0] == "점검 안내"
    # another staff member cannot fetch kim's upload
    assert staff_client(app, "lee").post_form(data["download"], {"mode": "gongmun"}).status_code == 400


def test_proofread_refuses_a_wrong_type_and_saves_nothing(app, tmp_path):
    kim = staff_client(app)
    pdf = make_pdf(tmp_path / "a.pdf", [[WRONG]])
    with pdf.open("rb") as fh:
        response = kim.post_csrf("/api/v1/proofread/file", files={"file": ("a.pdf", fh)})
    assert response.status_code == 400
    assert "형식" in response.json()["detail"] and ".hwpx" in response.json()["hint"]
    uploads = app.state.services.settings.home / "uploads"
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


# ---- 번역 ----------------------------------------------------------------------------------------------------
def test_translate_streams_sentences_and_flags_a_changed_date(app):
    kim = staff_client(app)
    ok = kim.post_csrf("/staff/api/translate", json={"task": "translate", "text": "당진시는 3월 27일 회의를 열었다."})
    found = events(ok.text)
    assert "Dangjin City held a meeting on March 27.\n" in [v for k, v in found if k == "token"]
    result = done_of(ok)
    assert result["direction"] == "ko2en" and result["text"] == "Dangjin City held a meeting on March 27."
    assert not [f for f in result["findings"] if f["severity"] == "error"]
    assert result["feedback"]["kind"] == "translate" and result["feedback"]["audit_seq"]
    wrong = done_of(kim.post_csrf("/staff/api/translate", json={"text": "당진시는 4월 3일 회의를 열었다.",
                                                                "direction": "ko2en"}))
    assert [f for f in wrong["findings"] if f["severity"] == "error"]  # April 3 became March 27: caught
    too_long = kim.post_csrf("/staff/api/translate", json={"text": "가" * 6000})
    assert too_long.status_code == 400 and "너무 깁니다" in too_long.json()["detail"]


def test_rest_translate_and_rewrite(app):
    robot = api_client(app)
    got = robot.post("/api/v1/translate", json={"text": "당진시는 3월 27일 회의를 열었다.", "direction": "ko2en"})
    assert got.status_code == 200, got.text
    assert got.json()["alignment"][0]["source"] == "당진시는 3월 27일 회의를 열었다."
    rewritten = robot.post("/api/v1/rewrite", json={"text": "당진시는 3월 27일 회의를 개최하였다.", "style": "plain"})
    assert rewritten.status_code == 200, rewritten.text
    assert rewritten.json()["style"] == "plain" and rewritten.json()["findings"]  # the English reply is flagged


# ---- 요약 ----------------------------------------------------------------------------------------------------
def test_summarize_a_pdf_section_by_section_with_pages(tmp_path):
    app = make_app(backend=ObedientBackend(default="청년 월세 지원 사업을 안내한다."))
    try:
        kim = staff_client(app)
        pdf = make_pdf(tmp_path / "안내.pdf", [["청년 월세 지원 사업은 무주택 청년에게 월세를 지원하는 사업이다."],
                                              ["청사 보수 공사는 2025년 봄에 시작한다."]])
        with pdf.open("rb") as fh:
            up = kim.post_csrf("/staff/api/summarize/upload", files={"file": ("안내.pdf", fh)})
        assert up.status_code == 200, up.text
        assert up.json()["sections"] == 2
        summary = done_of(kim.post_csrf("/staff/api/summarize", json={"upload_id": up.json()["upload_id"]}))
        labels = [p["page_label"] for p in summary["parts"]]
        assert labels == ["1쪽", "2쪽"]
        assert not summary["parts"][0]["findings"]  # supported by page 1
        assert summary["parts"][1]["findings"][0]["rule_id"] == "summary.unsupported"  # not said on page 2
        assert summary["feedback"]["kind"] == "summarize" and summary["feedback"]["audit_seq"]
        broken = kim.post_csrf("/staff/api/summarize/upload", files={"file": ("깨진.pdf", b"%PDF-1.4 garbage")})
        assert broken.status_code == 400 and "문서를 읽을 수 없습니다" in broken.json()["detail"]
        assert "깨진.pdf" in broken.json()["detail"] and "/uploads/" not in broken.json()["detail"]
        assert not list((app.state.services.settings.home / "uploads").rglob("깨진.pdf"))  # not kept
        robot = api_client(app)
        with pdf.open("rb") as fh:
            rest = robot.post("/api/v1/summarize", files={"file": ("안내.pdf", fh)})
        assert rest.status_code == 200 and len(rest.json()["parts"]) == 2
    finally:
        close_app(app)
