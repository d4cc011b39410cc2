"""Document readers: every format read back from real files, and every bad input refused clearly."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import docgen
import pytest

from mokmin.errors import DocumentError
from mokmin.knowledge.readers import SUPPORTED_SUFFIXES, read_document

SENTENCE = "서울시는 2024년 예산을 확정했다."
TABLE = [["구분", "2023년", "2024년"], ["예산", "10억", "12억"]]
ROWS = ["구분 | 2023년 | 2024년", "예산 | 10억 | 12억"]

needs_font = pytest.mark.skipif(not docgen.NANUM.is_file(), reason=f"Korean font missing: {docgen.NANUM}")


def kinds(document, kind):
    return [block for block in document.blocks if block.kind == kind]


def assert_table(document, index=0):
    rows = [block for block in document.blocks if block.kind == "table_row" and block.table == index]
    assert [row.text for row in rows] == ROWS
    assert [row.header for row in rows] == [True, False]


def assert_clean(document):
    for block in document.blocks:
        assert block.text and block.text == block.text.strip() and "  " not in block.text
        assert unicodedata.is_normalized("NFC", block.text)


def refused(path, **kwargs) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_document(path, **kwargs)
    assert Path(path).name in str(caught.value)
    assert caught.value.hint
    return caught.value


# --- HWP 5 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("compressed", [True, False])
def test_hwp5_paragraphs_table_and_controls(tmp_path, compressed):
    path = docgen.make_hwp5(
        tmp_path / "예산.hwp",
        [SENTENCE, "둘째\t문단입니다."],
        compressed=compressed,
        table=TABLE,
        header_text="머리말은 본문이 아니다",
    )
    document = read_document(path)
    assert document.format == "hwp" and document.pages is None
    texts = [block.text for block in document.blocks]
    assert texts[:2] == [SENTENCE, "둘째 문단입니다."]  # section controls skipped, tab → space
    assert_table(document)
    assert texts[-1] == "표 끝"
    assert "머리말은 본문이 아니다" not in document.text
    assert all(block.page is None for block in document.blocks)
    assert document.title == "예산"  # no summary title, no heading: the file name
    assert_clean(document)


def test_hwp5_from_an_independent_writer_keeps_heading_styles(tmp_path):
    hwpx = docgen.make_hwpx(tmp_path / "src.hwpx", [SENTENCE], table=TABLE, heading="2024년 예산 개요")
    document = read_document(docgen.make_hwp5_via_hwpx(tmp_path / "변환.hwp", hwpx))
    assert document.format == "hwp"
    assert [(h.text, h.level) for h in kinds(document, "heading")] == [("2024년 예산 개요", 1)]
    assert SENTENCE in [p.text for p in kinds(document, "paragraph")]
    assert_table(document)
    assert document.title == "2024년 예산 개요"


def test_encrypted_hwp5_is_refused(tmp_path):
    error = refused(docgen.make_hwp5(tmp_path / "암호.hwp", [SENTENCE], encrypted=True))
    assert "암호" in error.reason


def test_hwp3_and_hwpml_are_refused_with_a_resave_hint(tmp_path):
    old = refused(docgen.make_hwp3(tmp_path / "옛문서.hwp"))
    assert "HWP 3.0" in old.reason and "HWPX" in old.hint
    xml = refused(docgen.make_hwpml(tmp_path / "문서.hml"))
    assert "HWPML" in xml.reason and "HWPX" in xml.hint


def test_truncated_ole_is_refused(tmp_path):
    whole = docgen.make_hwp5(tmp_path / "whole.hwp", [SENTENCE * 300], compressed=False).read_bytes()
    cut = tmp_path / "잘림.hwp"
    cut.write_bytes(whole[: len(whole) // 2])
    assert "손상" in refused(cut).reason


def test_other_ole_files_are_named(tmp_path):
    path = tmp_path / "옛워드.doc"
    path.write_bytes(docgen.write_compound_file({"WordDocument": b"\0" * 600}))
    assert ".doc" in refused(path).reason


# --- HWPX ----------------------------------------------------------------------------------------
def test_hwpx_paragraphs_heading_and_table(tmp_path):
    path = docgen.make_hwpx(
        tmp_path / "보고.hwpx", [SENTENCE, "둘째 문단."], table=TABLE, heading="예산 개요"
    )
    document = read_document(path)
    assert document.format == "hwpx"
    assert [(b.kind, b.text) for b in document.blocks[:3]] == [
        ("heading", "예산 개요"),
        ("paragraph", SENTENCE),
        ("paragraph", "둘째 문단."),
    ]
    assert_table(document)
    assert document.blocks[-1].text == "표 끝"
    assert document.title == "예산 개요"
    assert_clean(document)


def test_corrupt_zip_named_hwpx_is_refused(tmp_path):
    good = docgen.make_hwpx(tmp_path / "good.hwpx", [SENTENCE]).read_bytes()
    path = tmp_path / "깨짐.hwpx"
    path.write_bytes(good[: len(good) // 3])
    assert "손상" in refused(path).reason


def test_hwpx_with_a_dtd_is_refused(tmp_path):
    section = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><sec><p><run><t>&a;</t></run></p></sec>'
    path = tmp_path / "엔티티.hwpx"
    path.write_bytes(docgen.zip_bytes({"mimetype": b"application/hwp+zip", "Contents/section0.xml": section}))
    assert "DTD" in refused(path).reason


def test_hwpx_renamed_hwp_is_read_by_content(tmp_path):
    path = tmp_path / "사실은hwpx.hwp"
    path.write_bytes(docgen.make_hwpx(tmp_path / "x.hwpx", [SENTENCE]).read_bytes())
    document = read_document(path)
    assert document.format == "hwpx" and SENTENCE in document.text
    assert "HWPX" in document.warnings[0]


# --- PDF -----------------------------------------------------------------------------------------
@needs_font
def test_pdf_pages_paragraphs_and_heading(tmp_path):
    pages = [[SENTENCE + " 시민 의견을 반영했다." * 8, "둘째 문단입니다."], ["당진시 인구는 17만 명이다."]]
    document = read_document(docgen.make_pdf(tmp_path / "보고서.pdf", pages, heading="2024년 예산 보고서"))
    assert document.format == "pdf" and document.pages == 2
    assert [(h.text, h.level, h.page) for h in kinds(document, "heading")] == [("2024년 예산 보고서", 1, 1)]
    paragraphs = kinds(document, "paragraph")
    assert paragraphs[0].text.startswith(SENTENCE) and paragraphs[0].text.endswith("반영했다.")
    assert [(p.text, p.page) for p in paragraphs[1:]] == [
        ("둘째 문단입니다.", 1),
        ("당진시 인구는 17만 명이다.", 2),
    ]
    assert document.title == "2024년 예산 보고서"
    assert_clean(document)


@needs_font
def test_pdf_splits_korean_outline_lines_without_gaps(tmp_path):
    lines = [
        "□ 추진 배경",
        "○ 시민 의견을 폭넓게 수렴하여 예산 편성에 반영하고자 함",
        "  - 읍면동 설명회 14회 개최",
        "가. 목적",
        "긴 문장이 줄을 넘겨 이어지는 경우에는 " * 6 + "한 문단으로 읽는다.",
        "다음 문단이다.",
    ]
    document = read_document(docgen.make_pdf(tmp_path / "개조식.pdf", [lines], gap=0))
    texts = [block.text for block in document.blocks]
    assert texts[:4] == ["□ 추진 배경", lines[1], "- 읍면동 설명회 14회 개최", "가. 목적"]
    assert texts[4].endswith("한 문단으로 읽는다.") and texts[5] == "다음 문단이다."


@needs_font
def test_encrypted_pdf_is_refused_but_permission_only_pdf_opens(tmp_path):
    error = refused(docgen.make_encrypted_pdf(tmp_path / "암호.pdf", [[SENTENCE]]))
    assert "암호" in error.reason
    for aes in (False, True):
        path = docgen.make_encrypted_pdf(
            tmp_path / f"권한만{aes}.pdf", [[SENTENCE]], user_password=None, aes=aes
        )
        assert read_document(path).blocks[0].text == SENTENCE


def test_pdf_without_text_is_refused_with_an_ocr_hint(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a "scan": graphics, no text layer
    path = tmp_path / "스캔.pdf"
    pdf.output(str(path))
    assert "OCR" in refused(path).hint


@needs_font
def test_pdf_named_docx_is_read_by_content(tmp_path):
    path = tmp_path / "사실은pdf.docx"
    path.write_bytes(docgen.make_pdf(tmp_path / "x.pdf", [[SENTENCE]]).read_bytes())
    document = read_document(path)
    assert document.format == "pdf" and document.blocks[0].text == SENTENCE
    assert ".docx" in document.warnings[0] and "PDF" in document.warnings[0]


def test_random_bytes_named_pdf_are_refused(tmp_path):
    path = tmp_path / "가짜.pdf"
    path.write_bytes(os.urandom(4096))
    error = refused(path)
    assert "알 수 없는 형식" in error.reason and "PDF" in error.reason


# --- DOCX, HTML, TXT, Markdown --------------------------------------------------------------------
def test_docx_keeps_document_order_headings_and_table(tmp_path):
    document = read_document(docgen.make_docx(tmp_path / "보고.docx", "예산 보고", [SENTENCE], TABLE))
    assert document.format == "docx"
    assert [(b.kind, b.text, b.level) for b in document.blocks] == [
        ("heading", "예산 보고", 1),
        ("paragraph", SENTENCE, 0),
        ("table_row", ROWS[0], 0),
        ("table_row", ROWS[1], 0),
        ("heading", "표 다음", 2),
        ("paragraph", "표 끝", 0),
    ]
    assert_table(document)
    assert document.title == "예산 보고"


@pytest.mark.parametrize("encoding", ["utf-8", "euc-kr"])
def test_html_drops_boilerplate_and_keeps_structure(tmp_path, encoding):
    path = docgen.make_html(
        tmp_path / "소식.html", "시정 소식", "2024년 예산", [SENTENCE], TABLE, encoding=encoding
    )
    document = read_document(path)
    assert document.format == "html" and document.title == "시정 소식"
    assert [(b.kind, b.text) for b in document.blocks[:3]] == [
        ("heading", "2024년 예산"),
        ("paragraph", SENTENCE),
        ("paragraph", "느슨한 글도 읽는다"),
    ]
    assert_table(document)
    for boilerplate in ("스크립트", "color", "메뉴", "바닥글"):
        assert boilerplate not in document.text


def test_text_paragraphs_nfc_and_cp949(tmp_path):
    nfd = unicodedata.normalize("NFD", SENTENCE)
    assert nfd != SENTENCE
    path = tmp_path / "메모.txt"
    path.write_text(f"{nfd}\n이어지는 줄\n\n\n둘째   문단\n", encoding="utf-8")
    document = read_document(path)
    assert [b.text for b in document.blocks] == [f"{SENTENCE} 이어지는 줄", "둘째 문단"]
    assert document.format == "txt" and document.title == "메모"
    legacy = tmp_path / "옛메모.txt"
    legacy.write_bytes(f"{SENTENCE}\r\n\r\n당진시 소식".encode("cp949"))
    assert [b.text for b in read_document(legacy).blocks] == [SENTENCE, "당진시 소식"]
    bom16 = tmp_path / "유니코드.txt"
    bom16.write_bytes(SENTENCE.encode("utf-16"))
    assert read_document(bom16).blocks[0].text == SENTENCE


def test_markdown_headings_lists_and_tables(tmp_path):
    path = tmp_path / "메모.md"
    path.write_text(
        f"# 예산 메모\n\n{SENTENCE}\n이어짐\n\n## 세부\n\n- 첫째 항목\n- 둘째 항목\n\n"
        "| 구분 | 2023년 | 2024년 |\n|---|---|---|\n| 예산 | 10억 | 12억 |\n",
        encoding="utf-8",
    )
    document = read_document(path)
    assert [(b.kind, b.text, b.level) for b in document.blocks if b.kind != "table_row"] == [
        ("heading", "예산 메모", 1),
        ("paragraph", f"{SENTENCE} 이어짐", 0),
        ("heading", "세부", 2),
        ("paragraph", "첫째 항목", 0),
        ("paragraph", "둘째 항목", 0),
    ]
    assert_table(document)
    assert document.format == "md" and document.title == "예산 메모"


def test_undecodable_text_is_refused(tmp_path):
    path = tmp_path / "이상함.txt"
    path.write_bytes(b"\x80\xff\xfe\x81" * 50)
    assert "인코딩" in refused(path).reason


# --- limits and odd inputs -----------------------------------------------------------------------
def test_empty_missing_and_oversize_files_are_refused(tmp_path):
    empty = tmp_path / "빈파일.hwpx"
    empty.write_bytes(b"")
    assert "빈 파일" in refused(empty).reason
    assert "없습니다" in refused(tmp_path / "없는파일.pdf").reason
    big = tmp_path / "큰파일.txt"
    big.write_text(SENTENCE * 100, encoding="utf-8")
    assert "너무 큽니다" in refused(big, max_bytes=1000).reason
    assert read_document(big).blocks  # the default limit lets it through
    blank = tmp_path / "내용없음.html"
    blank.write_text("<html><body><script>var a = 1;</script><nav>메뉴</nav></body></html>", encoding="utf-8")
    assert "글자가 없습니다" in refused(blank).reason


def test_other_zip_and_office_files_are_refused(tmp_path):
    xlsx = tmp_path / "표.xlsx"
    xlsx.write_bytes(docgen.zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}))
    assert "XLSX" in refused(xlsx).reason
    archive = tmp_path / "묶음.zip"
    archive.write_bytes(docgen.zip_bytes({"a.txt": SENTENCE.encode()}))
    assert "ZIP" in refused(archive).reason


def test_supported_suffixes_cover_every_reader():
    assert {".hwp", ".hwpx", ".pdf", ".docx", ".html", ".htm", ".txt", ".md"} <= set(SUPPORTED_SUFFIXES)
