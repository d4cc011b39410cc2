"""Briefs: free text like the seed's, structured YAML/TOML, and bad input with clear messages."""

import datetime as dt

import pytest

from mokmin.errors import InputError
from mokmin.press.brief import parse_free_text, parse_structured, read_brief_file
from mokmin.press.facts import build_fact_sheet
from mokmin.profile import load_profile


def test_seed_brief_facts_are_extracted_by_rules(fixtures_dir):
    brief = read_brief_file(fixtures_dir / "seed_brief.txt")
    assert brief.when == "3월 27일(월)"
    assert brief.where == "당진시청 7층 접견실"
    assert brief.event == "2023년 3월 월요 티타임"
    assert brief.topic == "챗GPT 행정 활용방안"
    assert brief.host == "당진시장님"
    assert brief.quotes == []


def test_fact_sheet_resolves_the_head_and_the_year(fixtures_dir):
    sheet = build_fact_sheet(read_brief_file(fixtures_dir / "seed_brief.txt"), load_profile(), dt.date(2026, 11, 27))
    assert sheet.date == dt.date(2023, 3, 27)  # the year comes from the event name, the weekday agrees
    assert sheet.host == "오성환 시장"
    labels = {f.label: f for f in sheet.facts}
    assert "기관 프로필" in labels["주재·주최"].origin
    assert labels["연락처"].value.startswith("(없음")  # the profile leaves unknown contacts empty


def test_year_is_inferred_from_the_weekday_when_the_brief_has_none():
    brief = parse_free_text("11월 30일(월) 시청 대회의실에서 '겨울철 제설 대책 회의'를 열었다.")
    sheet = build_fact_sheet(brief, load_profile(), dt.date(2026, 11, 27))
    assert sheet.date == dt.date(2026, 11, 30)
    assert any(f.label == "연도" and "요일" in f.origin for f in sheet.facts)


def test_structured_yaml_brief(fixtures_dir):
    brief = read_brief_file(fixtures_dir / "seed_human_brief.yaml")
    assert brief.structured
    assert brief.quotes[0].speaker == "오성환 시장"
    assert brief.quotes[0].text.startswith("인공지능 기술의 발전을")
    assert len(brief.plans) == 4
    assert "오픈에이아이" in brief.support_text()


def test_structured_toml_brief_with_contact(tmp_path):
    path = tmp_path / "brief.toml"
    path.write_text(
        # TOML bare keys are ASCII only, so Korean keys are quoted
        '"일시" = "2024. 5. 7.(화) 14:00"\n"장소" = "시청 대회의실"\n"행사" = "전직원 교육"\n'
        '"내용" = ["생성형 AI 활용 교육"]\n["담당"]\n"부서" = "정보통신과"\n"담당자" = "김민수"\n'
        '"연락처" = "041-360-0000"\n',
        encoding="utf-8",
    )
    brief = read_brief_file(path)
    sheet = build_fact_sheet(brief, load_profile())
    assert sheet.time_text == "14:00"
    assert sheet.contact.department == "정보통신과"
    assert sheet.contact.phone == "041-360-0000"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "비어 있습니다"),
        ("   \n  ", "비어 있습니다"),
        ("We discussed ChatGPT at city hall on Monday.", "한국어"),
    ],
)
def test_bad_free_text_briefs(text, needle):
    with pytest.raises(InputError) as exc:
        parse_free_text(text)
    assert needle in exc.value.message
    assert exc.value.hint


def test_brief_without_a_date_is_refused_with_an_example():
    brief = parse_free_text("시청 접견실에서 챗GPT 활용 방안을 논의했다.")
    with pytest.raises(InputError) as exc:
        build_fact_sheet(brief, load_profile())
    assert "날짜" in exc.value.message
    assert "예:" in exc.value.hint


def test_wrong_weekday_in_brief_is_refused():
    brief = parse_free_text("2023년 3월 27일(화) 시청에서 회의를 했다.")
    with pytest.raises(InputError, match="요일"):
        build_fact_sheet(brief, load_profile())


def test_binary_and_cp949_files(tmp_path):
    binary = tmp_path / "brief.txt"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    with pytest.raises(InputError, match="이진 파일"):
        read_brief_file(binary)
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("3월 27일(월) 시청에서 회의를 했다.".encode("cp949"))
    assert read_brief_file(legacy).when == "3월 27일(월)"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("일시: [unclosed", "YAML"),
        ("- just\n- a list\n", "항목: 값"),
        ("일시: 3월 27일\n예산: 5억 원\n", "알 수 없는 항목"),
        ("일시: 3월 27일\n담당: 김민수\n", "담당"),
    ],
)
def test_bad_structured_briefs(text, needle):
    with pytest.raises(InputError) as exc:
        parse_structured(text, fmt="yaml")
    assert needle in exc.value.message
