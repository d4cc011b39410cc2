"""Personal-data detection, masking and the ``mokmin pii`` commands."""

from __future__ import annotations

import json
import os
import stat

import pytest
from docgen import make_docx
from pii_corpus import TYPES, generate_records
from typer.testing import CliRunner

from mokmin.checks.finding import Severity
from mokmin.checks.pii import find_pii, mask_pii, profile_exceptions, unmask
from mokmin.checks.pii_ids import birth_date, brn_check_ok, luhn_ok, rrn_check_ok
from mokmin.checks.pii_text import NormalizedText
from mokmin.cli.main import app
from mokmin.errors import InputError
from mokmin.profile import load_profile

runner = CliRunner()


def _found(text: str, **kwargs) -> list[tuple[str, str]]:
    findings = find_pii(text, **kwargs)
    for f in findings:
        assert text[f.start : f.end] == f.text
    return [(f.extra["type"], f.text) for f in findings]


# --- every type in a realistic sentence, with its exact span --------------------------------------------

_VALID_RRN = "900101-1234568"  # check digit valid
_VALID_ARN = "900101-5234561"


@pytest.mark.parametrize(
    ("sentence", "kind", "value"),
    [
        (f"민원인의 주민등록번호는 {_VALID_RRN}입니다.", "rrn", _VALID_RRN),
        (f"외국인등록번호 {_VALID_ARN}로 조회했습니다.", "arn", _VALID_ARN),
        ("여권번호 M12345678로 예약되어 있습니다.", "passport", "M12345678"),
        ("새 여권(M123A4567) 사본을 첨부합니다.", "passport", "M123A4567"),
        ("운전면허번호 11-12-345678-90 (1종 보통)", "driver_license", "11-12-345678-90"),
        ("면허번호는 서울 12-345678-90입니다.", "driver_license", "서울 12-345678-90"),
        ("휴대전화 010-1234-5678로 연락 주세요.", "phone", "010-1234-5678"),
        ("연락처 01012345678로 문자 주세요.", "phone", "01012345678"),
        ("서울 사무소 02-123-4567, 평일 9시부터", "phone", "02-123-4567"),
        ("야간에는 041-360-1234로 전화하세요.", "phone", "041-360-1234"),
        ("해외에서는 +82 10 1234 5678로 걸면 됩니다.", "phone", "+82 10 1234 5678"),
        ("결과는 hong.gildong@korea.kr 주소로 보내 주세요.", "email", "hong.gildong@korea.kr"),
        ("환불 계좌: 국민은행 123456-01-123456", "account", "123456-01-123456"),
        ("지원금은 신한은행 계좌 110-123-456789로 이체됩니다.", "account", "110-123-456789"),
        ("카드번호 4111-1111-1111-1111로 결제했습니다.", "card", "4111-1111-1111-1111"),
        ("업체(사업자등록번호 220-81-62517)가 입찰했습니다.", "brn", "220-81-62517"),
        ("차량번호 12가3456 불법 주차 신고", "vehicle", "12가3456"),
        ("123가4567 차량이 민원실 앞에 서 있습니다.", "vehicle", "123가4567"),
        ("견인 차량: 서울12가3456", "vehicle", "서울12가3456"),
        ("접속 IP 192.168.0.15에서 로그인이 시도되었습니다.", "ip", "192.168.0.15"),
        ("서버 주소는 2001:db8::8a2e:370:7334입니다.", "ip", "2001:db8::8a2e:370:7334"),
        ("주소: 충청남도 당진시 시청1로 1 (수청동)", "address", "충청남도 당진시 시청1로 1 (수청동)"),
        ("서울특별시 종로구 세종대로 209에 있습니다.", "address", "서울특별시 종로구 세종대로 209"),
        ("당진시 송악읍 기지시리 123-4번지에 거주", "address", "당진시 송악읍 기지시리 123-4번지"),
        ("배송지는 천안시 서북구 번영로 12 101동 1203호입니다.", "address", "천안시 서북구 번영로 12 101동 1203호"),
        ("민원인 김철수 씨가 방문했습니다.", "name", "김철수"),
        ("성명: 이영희", "name", "이영희"),
        ("담당자 홍길동 주무관이 처리했습니다.", "name", "홍길동"),
        ("박지민(45) 씨는 이렇게 말했다.", "name", "박지민"),
        ("남궁민수 과장이 회의를 주재했다.", "name", "남궁민수"),
        ("김훈 과장이 회의를 주재했다.", "name", "김훈"),  # two syllables, but a rank marks a person
        ("신청인 김훈의 서류를 검토했습니다.", "name", "김훈"),  # 의 is a particle, not part of the name
        ("민원인 차동은 씨가 방문했습니다.", "name", "차동은"),  # 은 ends many names
        ("신청인 황보은우의 서류", "name", "황보은우"),
        ("성명: 홍 길 동", "name", "홍 길 동"),
        ("해외 연락처 +821012345678 2023년 3월", "phone", "+821012345678"),
        ("환불 계좌: 새마을금고 4762 - 4782 - 6430 - 6 2023년 3월", "account", "4762 - 4782 - 6430 - 6"),
    ],
)
def test_each_type_is_found_with_its_exact_span(sentence, kind, value):
    findings = find_pii(sentence)
    hits = [f for f in findings if f.extra["type"] == kind]
    assert [f.text for f in hits] == [value]
    start = sentence.index(value)
    assert (hits[0].start, hits[0].end) == (start, start + len(value))
    assert hits[0].rule_id == f"pii.{kind}"
    assert hits[0].source == "pii"
    assert hits[0].severity is (Severity.WARNING if kind in ("name", "address") else Severity.ERROR)
    assert 0.5 <= hits[0].extra["confidence"] <= 1


# --- spellings that must not hide a number --------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "０１０-１２３４-５６７８",  # full-width digits
        "０１０－１２３４－５６７８",  # full-width hyphen too
        "010 1234 5678",
        "010.1234.5678",
        "010 - 1234 - 5678",
        "010–1234—5678",  # en and em dashes
        "010-1234-\n5678",  # broken across a line
        "0 1 0 - 1 2 3 4 - 5 6 7 8",  # spaced digit by digit
        "0 1 0 1 2 3 4 5 6 7 8",
        "010\u200b-1234-5678",  # zero-width space
        "(010) 1234-5678",
    ],
)
def test_phone_spellings_are_caught_and_mapped_back_to_the_original(written):
    text = f"연락처: {written} (평일)"
    assert _found(text) == [("phone", written)]


def test_fullwidth_rrn_span_points_at_the_original_characters():
    text = "주민번호 ９００１０１－１２３４５６８ 확인"
    [finding] = find_pii(text)
    assert finding.text == "９００１０１－１２３４５６８"
    assert finding.extra["check_digit"] is True


def test_normalized_view_maps_spans_back():
    norm = NormalizedText("가\u200bＡ０１ ㄱ① 홍")
    assert norm.text == "가A01 ㄱ① 홍"  # compatibility jamo and circled numbers are kept
    start = norm.text.index("A01")
    assert norm.span(start, start + 3) == (2, 5)
    assert norm.span(norm.text.index("홍"), len(norm.text)) == (9, 10)


# --- check digits and dates -----------------------------------------------------------------------------


def test_post_2020_rrn_without_a_valid_check_digit_is_still_caught():
    number = "210315-3987654"  # born 2021-03-15, random tail as issued since October 2020
    assert not rrn_check_ok(number.replace("-", ""))
    [finding] = find_pii(f"신생아 주민등록번호 {number}")
    assert finding.rule_id == "pii.rrn"
    assert finding.extra["check_digit"] is False
    assert "검증 숫자" in finding.message


def test_arn_with_gender_digit_5_to_8_is_a_foreigner_number():
    assert _found("등록번호 850505-6123456 확인") == [("arn", "850505-6123456")]


@pytest.mark.parametrize(
    "number",
    [
        "901301-1234567",  # month 13
        "900230-1234567",  # 30 February
        "010229-3234567",  # 2001 was not a leap year
        "990101-9234567",  # gender digit 9 (1800s) is not issued any more
        "990101-0234567",
        "991231-3234567",  # 2099-12-31: born in the future
    ],
)
def test_registration_numbers_with_impossible_dates_are_rejected(number):
    assert _found(f"번호 {number} 확인") == []


def test_leap_day_2000_is_a_valid_birth_date():
    assert birth_date("0002293234567") is not None
    assert [k for k, _ in _found("주민등록번호 000229-3234567")] == ["rrn"]


def test_card_numbers_follow_luhn():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert _found("결제 4111111111111111 완료") == [("card", "4111111111111111")]
    assert _found("일련번호 4111111111111112 완료") == []  # 16 digits, no grouping, no card context
    grouped = find_pii("카드 4111-1111-1111-1112 결제")  # a typo in a card number is still a card number
    assert [f.extra["check_digit"] for f in grouped] == [False]


def test_business_number_check_digit():
    assert brn_check_ok("2208162517") and not brn_check_ok("2208162518")
    [valid] = find_pii("사업자등록번호 220-81-62517")
    [invalid] = find_pii("사업자등록번호 220-81-62518")
    assert valid.extra["check_digit"] is True and invalid.extra["check_digit"] is False
    assert valid.extra["confidence"] > invalid.extra["confidence"]


# --- correct text that must stay untouched --------------------------------------------------------------

_PRESS_RELEASE = """당진시 보도자료
보도시점: 배포 즉시
배포일시: 2023. 3. 27.(월)

당진시, '챗GPT' 행정 활용방안 논의

당진시가 2023. 3. 27.(월) 10:00 시청 7층 접견실에서 열린 '2023년 3월 월요 티타임'에서 국·소장들과
함께 인공지능 활용 방안을 논의했다. 시는 총사업비 1,234,500,000원(국비 12억 3,450만 원 포함)을 들여
「당진시 정보화 조례」(조례 제1234호) 제3조 제1항 제2호에 따라 2023~2025년 3개년 계획을 세운다.
공문 번호 총무과-1234(2023. 3. 20.)와 당진시 공고 제2023-456호에 따른 것으로, 참여율은 12.5%였다.
세부 내용은 1.2.3.4 항목과 2.1.5절을 참고하고, 일반 문의는 고객센터 1588-1234로 하면 된다.
시민 200여 명과 관계 공무원이 참석했으며, 정책기획과장 주재로 회의를 열었다.

오성환 시장은 "행정의 효율성을 높이겠다"고 밝혔다.

담당 부서: 정책기획과
책임자: 과장 김영수 (041-360-1000)
담당자: 주무관 홍길동 (041-360-1234)
"""


def test_press_release_with_dates_amounts_and_document_numbers_has_no_identifiers():
    findings = find_pii(_PRESS_RELEASE)
    assert not [f for f in findings if f.severity is Severity.ERROR and f.extra["type"] != "phone"]
    phones = [f.text for f in findings if f.extra["type"] == "phone"]
    assert phones == ["041-360-1000", "041-360-1234"]  # office numbers are found unless exempted


def test_press_release_is_untouched_when_officials_are_exempted():
    findings = find_pii(_PRESS_RELEASE, exceptions=["오성환"], exempt_contacts=True)
    assert findings == []
    assert mask_pii(_PRESS_RELEASE, exceptions=["오성환"], exempt_contacts=True).text == _PRESS_RELEASE


def test_contact_block_exempts_office_numbers_but_not_mobiles_or_text_outside_it():
    text = (
        "민원인 김철수 씨가 041-360-1234로 전화했다.\n\n"
        "| 담당 부서 | 직위 | 이름 | 연락처 |\n|---|---|---|---|\n"
        "| 정책기획과 | 주무관 | 홍길동 | 041-360-1234 |\n"
        "담당자: 주무관 이영희 (010-9876-5432, lee@korea.kr)\n"
    )
    found = _found(text, exempt_contacts=True)
    assert found == [("name", "김철수"), ("phone", "041-360-1234"), ("phone", "010-9876-5432")]
    assert text.index("041-360-1234") == find_pii(text, exempt_contacts=True)[1].start  # the one in the body


def test_exceptions_compare_numbers_by_digits():
    assert _found("문의 041 360 1234", exceptions=["041-360-1234"]) == []
    assert _found("문의 041 360 1235", exceptions=["041-360-1234"]) == [("phone", "041 360 1235")]
    assert _found("담당자 홍길동 주무관", exceptions=["홍길동"]) == []


def test_profile_exceptions_list_the_officials():
    profile = load_profile()
    assert "오성환" in profile_exceptions(profile)
    assert find_pii("오성환 시장은 밝혔다.", exceptions=profile_exceptions(profile)) == []


@pytest.mark.parametrize(
    "text",
    [
        "성매매 여성 김모(33)씨 등 16명을 입건했다.",  # anonymised
        "민원인 홍○○ 씨가 방문했다.",
        "담당 과장이 회의를 주재했다.",  # 담당 is a common word, not a name
        "서산시 시장이 참석했다.",  # a place before a title
        "정부 대표단이 도착했다.",
        "신체검사 결과를 통보했다.",
        "회의는 2023. 3. 27. 14:00~16:00 시청에서 열린다.",
        "2023-03-27부터 2025.12.31.까지, 우편번호 31789",
        "사건번호 2023가합12345, ISBN 978-89-1234-567-8",
        "인구 167,000명, 면적 1,234.5㎡, 연장 12.5km",
        "30조 2000억 원 규모, 제12조 3456",
        "예산 12억 3,456만 원, 3.2%p 증가",
    ],
)
def test_non_personal_text_is_not_flagged(text):
    assert _found(text) == []


# --- masking --------------------------------------------------------------------------------------------


def test_mask_uses_typed_placeholders_and_one_placeholder_per_value():
    text = "김철수 씨(010-1234-5678)가 01012345678로 다시 전화했다. 이영희 씨도 왔다. 김철수 씨는 돌아갔다."
    masked = mask_pii(text)
    assert masked.text == "[이름1] 씨([전화1])가 [전화1]로 다시 전화했다. [이름2] 씨도 왔다. [이름1] 씨는 돌아갔다."
    assert masked.mapping == {"[이름1]": "김철수", "[전화1]": "010-1234-5678", "[이름2]": "이영희"}


def test_mask_unmask_round_trip_on_generated_records():
    checked = 0
    for record in generate_records(40, seed=11):
        masked = mask_pii(record.text)
        for _, value in record.planted:
            assert value not in masked.text
        if len({f.text for f in masked.findings}) == len(masked.mapping):  # one spelling per value
            assert unmask(masked.text, masked.mapping) == record.text
            checked += 1
    assert checked >= 35


def test_unmask_tolerates_spaces_and_full_width_brackets():
    mapping = {"[이름1]": "홍길동", "[전화12]": "010-1234-5678"}
    assert unmask("[ 이름 1 ] 님, ［전화１２］로 연락", mapping) == "홍길동 님, 010-1234-5678로 연락"
    assert unmask("[이름2]와 [기타1]은 그대로", mapping) == "[이름2]와 [기타1]은 그대로"


def test_mask_never_reuses_a_placeholder_already_in_the_text():
    text = "양식의 [이름1] 칸에 김철수 씨를 적었다."
    masked = mask_pii(text)
    assert masked.text == "양식의 [이름1] 칸에 [이름2] 씨를 적었다."
    assert unmask(masked.text, masked.mapping) == text


# --- the generator used by this test, the egress test and the benchmark --------------------------------


def test_generator_is_deterministic_and_spans_are_exact():
    first, second = generate_records(50, seed=3), generate_records(50, seed=3)
    assert [r.text for r in first] == [r.text for r in second]
    assert {kind for r in first for kind, _ in r.planted} == set(TYPES)
    for record in first:
        assert len(record.planted) == len(record.spans) == len(record.variants)
        for (_, value), (start, end) in zip(record.planted, record.spans, strict=True):
            assert record.text[start:end] == value


def test_generated_records_are_found():
    records = generate_records(300, seed=2024)
    missed = []
    names = found_names = 0
    for record in records:
        findings = find_pii(record.text)
        for (kind, value), (start, end) in zip(record.planted, record.spans, strict=True):
            hit = any(f.extra["type"] == kind and f.start <= start and f.end >= end for f in findings)
            if kind == "name":
                names += 1
                found_names += hit
            elif not hit:
                missed.append((kind, value))
    assert missed == []
    assert found_names / names >= 0.9


# --- command line ---------------------------------------------------------------------------------------


def test_cli_scan_reports_and_exits_1(tmp_path):
    path = tmp_path / "민원.txt"
    path.write_text("민원인 김철수 씨, 연락처 010-1234-5678\n", encoding="utf-8")
    result = runner.invoke(app, ["pii", "scan", str(path), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["rule_id"], d["text"]) for d in data] == [("pii.name", "김철수"), ("pii.phone", "010-1234-5678")]
    clean = tmp_path / "clean.txt"
    clean.write_text("회의는 2023. 3. 27. 10:00에 열린다.\n", encoding="utf-8")
    result = runner.invoke(app, ["pii", "scan", str(clean)])
    assert result.exit_code == 0
    assert "찾지 못했습니다" in result.stdout


def test_cli_scan_officials_option_uses_the_profile(tmp_path):
    path = tmp_path / "보도자료.txt"
    path.write_text(_PRESS_RELEASE, encoding="utf-8")
    assert runner.invoke(app, ["pii", "scan", str(path)]).exit_code == 1
    result = runner.invoke(app, ["pii", "scan", str(path), "--officials"])
    assert result.exit_code == 0, result.stdout


def test_cli_mask_writes_new_files_and_unmask_restores(tmp_path):
    source = tmp_path / "in.txt"
    text = "신청인 이영희, 주민등록번호 900101-1234568, 휴대전화 010-1234-5678\n"
    source.write_text(text, encoding="utf-8")
    out, table = tmp_path / "masked.txt", tmp_path / "map.json"
    result = runner.invoke(app, ["pii", "mask", str(source), "-o", str(out), "--mapping", str(table)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "신청인 [이름1], 주민등록번호 [주민번호1], 휴대전화 [전화1]\n"
    assert "010-1234-5678" not in result.output  # the mapping is not shown unless asked
    assert stat.S_IMODE(os.stat(table).st_mode) == 0o600
    assert json.loads(table.read_text(encoding="utf-8"))["[주민번호1]"] == "900101-1234568"
    restored = tmp_path / "restored.txt"
    result = runner.invoke(app, ["pii", "unmask", str(out), "--mapping", str(table), "-o", str(restored)])
    assert result.exit_code == 0, result.output
    assert restored.read_text(encoding="utf-8") == text


def test_cli_mask_never_overwrites(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("연락처 010-1234-5678\n", encoding="utf-8")
    result = runner.invoke(app, ["pii", "mask", str(source), "-o", str(source), "--force"])
    assert isinstance(result.exception, InputError)
    assert source.read_text(encoding="utf-8") == "연락처 010-1234-5678\n"
    existing = tmp_path / "out.txt"
    existing.write_text("keep", encoding="utf-8")
    result = runner.invoke(app, ["pii", "mask", str(source), "-o", str(existing)])
    assert isinstance(result.exception, InputError)
    assert existing.read_text(encoding="utf-8") == "keep"


def test_cli_mask_show_mapping_goes_to_stderr():
    result = runner.invoke(app, ["pii", "mask", "-", "--show-mapping"], input="연락처 010-1234-5678\n")
    assert result.exit_code == 0
    assert result.stdout == "연락처 [전화1]\n"
    assert '"[전화1]": "010-1234-5678"' in result.stderr


def test_cli_reads_docx(tmp_path):
    path = make_docx(tmp_path / "민원.docx", "민원 접수", ["민원인 김철수 씨의 연락처는 010-1234-5678입니다."])
    result = runner.invoke(app, ["pii", "mask", str(path)])
    assert result.exit_code == 0, result.output
    assert "[이름1]" in result.stdout and "[전화1]" in result.stdout
    assert "010-1234-5678" not in result.stdout
