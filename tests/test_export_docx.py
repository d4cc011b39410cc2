"""The .docx export of a 보도자료: content, layout markers, properties and safe writing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX

from mokmin.errors import InputError
from mokmin.export import write_press_release_docx
from mokmin.press.document import PLACEHOLDER_RE, ContactRow, PressRelease, placeholder

DISCLOSURE = "※ 이 자료는 생성형 인공지능(목민)이 작성한 초안을 담당 공무원이 검토·수정한 것입니다."


def make_release(body_style: str = "문단식") -> PressRelease:
    return PressRelease(
        organization="당진시",
        release_timing="2026. 10. 7.(수) 조간",
        distributed_at="2026. 10. 6.(화) 10:00",
        title="당진시, 어르신 무료 셔틀버스 시범 운영",
        subtitles=["- 10월 7일부터 3개 노선 하루 12회 운행 -", "- 65세 이상 누구나 무료 -"],
        paragraphs=[
            "당진시는 10월 7일(수)부터 어르신 무료 셔틀버스를 시범 운영한다고 밝혔다.",
            f"시범 운영 예산은 {placeholder('예산 금액')}이며, 시는 이용 실적을 분석할 계획이다.",
            '김○○ 당진시장은 "어르신들의 이동 불편을 덜어 드리겠다"라고 말했다.',
        ],
        department="교통과",
        contacts=[
            ContactRow(role="책임자", title="과장", name="이○○", phone="041-350-0000"),
            ContactRow(role="담당자", title="주무관", name="박○○", phone=""),
        ],
        disclosure=DISCLOSURE,
        body_style=body_style,
    )


def body_paragraphs(doc) -> list:
    return [p for p in doc.paragraphs if p.text.strip()]


@pytest.mark.parametrize("body_style", ["문단식", "□식"])
def test_text_in_order(tmp_path: Path, body_style: str):
    release = make_release(body_style)
    out = write_press_release_docx(release, tmp_path / "out" / "release.docx", author="교통과")
    assert out == tmp_path / "out" / "release.docx"
    doc = Document(str(out))
    texts = [p.text for p in body_paragraphs(doc)]
    assert texts == [release.title, *release.subtitles, *release.body_lines(), DISCLOSURE]
    if body_style == "□식":
        assert all(line.startswith("□ ") for line in texts[3:6])
    title = body_paragraphs(doc)[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in title.runs)
    assert title.runs[0].font.size.pt == 18
    for para in body_paragraphs(doc)[3:6]:
        assert para.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert para.paragraph_format.line_spacing == pytest.approx(1.6)


def test_header_banner_and_dates(tmp_path: Path):
    release = make_release()
    doc = Document(str(write_press_release_docx(release, tmp_path / "r.docx")))
    banner = doc.tables[0]
    assert [c.text for c in banner.rows[0].cells] == ["당진시", "보도자료"]
    header = doc.tables[1]
    assert [[c.text for c in row.cells] for row in header.rows] == [
        ["보도시점", release.release_timing],
        ["배포일시", release.distributed_at],
    ]
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "맑은 고딕"


def test_contact_table(tmp_path: Path):
    doc = Document(str(write_press_release_docx(make_release(), tmp_path / "r.docx")))
    table = doc.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["담당 부서", "구분", "직위", "이름", "연락처"]
    assert rows[1] == ["교통과", "책임자", "과장", "이○○", "041-350-0000"]
    assert rows[2] == ["교통과", "담당자", "주무관", "박○○", placeholder("연락처")]
    assert table.cell(1, 0)._tc is table.cell(2, 0)._tc  # department merged vertically
    empty_phone = table.cell(2, 4).paragraphs[0].runs
    assert empty_phone[0].font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_placeholder_is_highlighted(tmp_path: Path):
    doc = Document(str(write_press_release_docx(make_release(), tmp_path / "r.docx")))
    para = next(p for p in doc.paragraphs if "예산" in p.text)
    runs = para.runs
    marked = [r for r in runs if PLACEHOLDER_RE.fullmatch(r.text)]
    others = [r for r in runs if not PLACEHOLDER_RE.fullmatch(r.text)]
    assert [r.text for r in marked] == [placeholder("예산 금액")]
    assert marked[0].font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert len(others) == 2 and all(r.font.highlight_color is None for r in others)
    assert "".join(r.text for r in runs) == para.text


def test_core_and_custom_properties(tmp_path: Path):
    release = make_release()
    out = write_press_release_docx(release, tmp_path / "r.docx", author="교통과 박○○")
    props = Document(str(out)).core_properties
    assert props.title == release.title
    assert props.author == "교통과 박○○"
    assert props.subject == "보도자료"
    assert "AI" in props.keywords
    assert DISCLOSURE in props.comments
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        assert "word/document.xml" in archive.namelist()
        custom = archive.read("docProps/custom.xml").decode("utf-8")
    assert 'name="AIGenerated"><vt:bool>true' in custom
    assert DISCLOSURE in custom


def test_disclosure_override_and_human_draft(tmp_path: Path):
    release = make_release()
    release.disclosure = ""
    out = write_press_release_docx(release, tmp_path / "h.docx", ai_generated=False)
    doc = Document(str(out))
    assert "AI" not in doc.core_properties.keywords
    assert body_paragraphs(doc)[-1].text == release.body_lines()[-1]  # no disclosure box
    out = write_press_release_docx(release, tmp_path / "o.docx", disclosure="※ 별도 고지문")
    doc = Document(str(out))
    assert body_paragraphs(doc)[-1].text == "※ 별도 고지문"
    assert doc.core_properties.comments == "※ 별도 고지문"


def test_overwrites_atomically_without_leftovers(tmp_path: Path):
    target = tmp_path / "r.docx"
    target.write_bytes(b"old")
    write_press_release_docx(make_release(), target)
    assert zipfile.is_zipfile(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mokmin-home", "r.docx"]


def test_unwritable_path_is_input_error(tmp_path: Path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    target = blocker / "r.docx"
    with pytest.raises(InputError) as info:
        write_press_release_docx(make_release(), target)
    assert str(target) in info.value.message
    assert info.value.hint
    existing_dir = tmp_path / "dir.docx"
    existing_dir.mkdir()
    with pytest.raises(InputError):
        write_press_release_docx(make_release(), existing_dir)
    assert list(tmp_path.glob(".dir.docx.*")) == []
