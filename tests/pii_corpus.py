"""Synthetic Korean records with planted personal data, for tests and benchmarks (never real people).

``generate_records(n, seed)`` returns ``PlantedRecord``s: short administrative texts (민원, 신청서, 공문 메모)
where each planted value is written in one of many ways — canonical, without separators, with spaces, dots,
odd dashes, full-width digits, broken across a line, spaced digit by digit — and identifiers come with valid
and invalid check digits (주민등록번호 issued since October 2020 have no valid check digit; a typed card or
사업자등록번호 may be mistyped). Look-alike numbers that are not personal data (dates, amounts, 조례·공문
번호, 대표번호, 우편번호, outline numbers) are mixed in as ``decoys`` to measure precision.

    from pii_corpus import generate_records          # tests/ on sys.path
    for rec in generate_records(100, seed=1):
        for (kind, value), (start, end) in zip(rec.planted, rec.spans):
            assert rec.text[start:end] == value
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

TYPES = (
    "rrn", "arn", "passport", "driver_license", "phone", "email", "account", "card", "brn", "vehicle", "ip",
    "address", "name",
)


@dataclass
class PlantedRecord:
    text: str
    planted: list[tuple[str, str]]  # (type, value exactly as written in text)
    spans: list[tuple[int, int]] = field(default_factory=list)  # where each planted value is, aligned with planted
    variants: list[str] = field(default_factory=list)  # how each planted value was written
    decoys: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) of look-alikes that are not PII


# ---------------------------------------------------------------- check digits

_W = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def _rrn_check(d12: str, foreign: bool) -> str:
    total = sum(int(d) * w for d, w in zip(d12, _W, strict=True))
    return str(((13 if foreign else 11) - total % 11) % 10)


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def _brn_check(d9: str) -> str:
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    total = sum(int(d) * w for d, w in zip(d9, weights, strict=True)) + int(d9[8]) * 5 // 10
    return str((10 - total % 10) % 10)


def _wrong(digit: str, rng: random.Random) -> str:
    return rng.choice([d for d in "0123456789" if d != digit])


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# ---------------------------------------------------------------- values (canonical form, valid?)


def _registration(rng: random.Random, foreign: bool) -> tuple[str, bool]:
    born = date(1935, 1, 1) + timedelta(days=rng.randrange((date(2023, 12, 31) - date(1935, 1, 1)).days))
    male = rng.random() < 0.5
    if born.year < 2000:
        gender = ("5" if male else "6") if foreign else ("1" if male else "2")
    else:
        gender = ("7" if male else "8") if foreign else ("3" if male else "4")
    body = born.strftime("%y%m%d") + gender + _digits(rng, 5)
    check = _rrn_check(body, foreign)
    valid = rng.random() < 0.6
    digits = body + (check if valid else _wrong(check, rng))
    return f"{digits[:6]}-{digits[6:]}", valid


def _phone(rng: random.Random) -> tuple[str, bool]:
    kind = rng.random()
    if kind < 0.55:
        return f"010-{rng.randint(2000, 9999)}-{_digits(rng, 4)}", True
    if kind < 0.7:
        return f"02-{rng.choice([rng.randint(200, 999), rng.randint(2000, 9999)])}-{_digits(rng, 4)}", True
    if kind < 0.9:
        area = rng.choice(["031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "055", "061", "063"])
        return f"{area}-{rng.randint(200, 999)}-{_digits(rng, 4)}", True
    return f"070-{rng.randint(2000, 9999)}-{_digits(rng, 4)}", True


_BANKS = {
    "국민은행": (6, 2, 6), "신한은행": (3, 3, 6), "우리은행": (4, 3, 6), "하나은행": (3, 6, 5), "농협": (3, 4, 4, 2),
    "기업은행": (3, 6, 2, 3), "카카오뱅크": (4, 2, 7), "SC제일은행": (3, 2, 6), "새마을금고": (4, 4, 4, 1),
    "우체국": (6, 2, 6), "케이뱅크": (3, 3, 6), "대구은행": (3, 2, 2, 6),
}


def _account(rng: random.Random) -> tuple[str, str]:
    bank = rng.choice(sorted(_BANKS))
    groups = [str(rng.randint(1, 9)) + _digits(rng, n - 1) for n in _BANKS[bank]]
    return bank, "-".join(groups)


def _card(rng: random.Random) -> tuple[str, bool]:
    if rng.random() < 0.15:
        body = rng.choice(["34", "37"]) + _digits(rng, 12)
        digits = body + _luhn_digit(body)
        valid = rng.random() < 0.7
        digits = digits if valid else digits[:-1] + _wrong(digits[-1], rng)
        return f"{digits[:4]}-{digits[4:10]}-{digits[10:]}", valid
    body = rng.choice(["4", "51", "52", "53", "54", "55", "9", "6"])
    body += _digits(rng, 15 - len(body))
    digits = body + _luhn_digit(body)
    valid = rng.random() < 0.7
    digits = digits if valid else digits[:-1] + _wrong(digits[-1], rng)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4)), valid


def _brn(rng: random.Random) -> tuple[str, bool]:
    d9 = str(rng.randint(101, 999)) + f"{rng.randint(1, 99):02d}" + _digits(rng, 4)
    check = _brn_check(d9)
    valid = rng.random() < 0.6
    digits = d9 + (check if valid else _wrong(check, rng))
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}", valid


_REGION_CODES = [str(c) for c in [*range(11, 27), 28]]
_REGION_NAMES = ["서울", "부산", "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주", "대구", "인천", "광주",
                 "대전", "울산"]


def _license(rng: random.Random) -> str:
    tail = f"{_digits(rng, 2)}-{_digits(rng, 6)}-{_digits(rng, 2)}"
    if rng.random() < 0.3:
        return f"{rng.choice(_REGION_NAMES)} {tail}"
    return f"{rng.choice(_REGION_CODES)}-{tail}"


def _passport(rng: random.Random) -> str:
    letter = rng.choice("MMMMSRODG")
    if rng.random() < 0.4:
        return f"{letter}{_digits(rng, 3)}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{_digits(rng, 4)}"
    return letter + _digits(rng, 8)


_PLATE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호"


def _vehicle(rng: random.Random) -> tuple[str, str]:
    letter = rng.choice(_PLATE)
    kind = rng.random()
    if kind < 0.4:
        return f"{rng.randint(10, 99)}{letter}{_digits(rng, 4)}", "old"
    if kind < 0.75:
        return f"{rng.randint(100, 699)}{letter}{_digits(rng, 4)}", "new"
    if kind < 0.9:
        return f"{rng.choice(_REGION_NAMES)}{rng.randint(10, 99)}{letter}{_digits(rng, 4)}", "regional"
    return f"{rng.randint(100, 699)}{letter} {_digits(rng, 4)}", "spaced"


def _ip(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.75:
        first = rng.choice([rng.randint(11, 126), rng.randint(128, 223), 192])
        second = 168 if first == 192 else rng.randint(0, 255)
        return f"{first}.{second}.{rng.randint(0, 255)}.{rng.randint(1, 254)}", "v4"
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)]
    if rng.random() < 0.5:
        return "2001:db8::" + ":".join(groups[:2]), "v6-short"
    return ":".join(groups), "v6"


_LOCALS = ["hong", "kim.minsu", "jiyoung.lee", "park_sh", "choi2023", "yoon.hj", "s.kang", "jung-dh", "seoyeon88"]
_DOMAINS = ["naver.com", "daum.net", "gmail.com", "korea.kr", "hanmail.net", "example.co.kr", "kakao.com"]


def _email(rng: random.Random) -> tuple[str, str]:
    value = f"{rng.choice(_LOCALS)}{rng.randint(1, 99) if rng.random() < 0.4 else ''}@{rng.choice(_DOMAINS)}"
    kind = rng.random()
    if kind < 0.15:
        return value.replace("@", "＠"), "fullwidth-at"
    if kind < 0.25:
        return value.replace("@", " (at) "), "obfuscated"
    if kind < 0.35:
        return value.replace("@", " @ "), "spaced"
    return value, "canonical"


_SIDO = ["충청남도", "충남", "서울특별시", "경기도", "부산광역시", "대전광역시", "전라북도", "경상남도"]
_SGG = ["당진시", "천안시 서북구", "아산시", "서산시", "종로구", "수원시 팔달구", "해운대구", "유성구", "전주시 완산구",
        "창원시 의창구", "예산군", "홍성군"]
_ROADS = ["시청1로", "중앙로", "번영로", "문예로", "서해로", "남부순환로", "세종대로", "당진중앙2로", "원당로", "정자로12번길",
          "수청로", "대호지로", "송악로", "해나루로", "무수동길"]
_EUP = ["송악읍", "합덕읍", "신평면", "면천면", "우강면", "석문면"]
_DONGS = ["읍내동", "수청동", "원당동", "채운동", "역삼동", "대흥동", "봉명동", "성산동"]
_RIS = ["기지시리", "한진리", "운정리", "금암리", "삼봉리"]


def _address(rng: random.Random) -> tuple[str, str]:
    detail = ""
    if rng.random() < 0.3:
        detail = f" {rng.randint(101, 120)}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호"
    number = str(rng.randint(1, 350)) + (f"-{rng.randint(1, 30)}" if rng.random() < 0.3 else "")
    sido = (rng.choice(_SIDO) + " ") if rng.random() < 0.6 else ""
    kind = rng.random()
    if kind < 0.55:
        return f"{sido}{rng.choice(_SGG)} {rng.choice(_ROADS)} {number}{detail}", "road"
    if kind < 0.8:
        return f"{sido}{rng.choice(_SGG)} {rng.choice(_DONGS)} {number}{rng.choice(['', '번지'])}", "lot"
    return f"{sido}당진시 {rng.choice(_EUP)} {rng.choice(_RIS)} {rng.choice(['', '산 '])}{number}번지", "lot-ri"


_SURNAMES = "김김김김이이이박박최정정강조윤장임한오서신권황안송류전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방"
_GIVEN = "민서준지현우수영진희은경철호성연예하윤도재동훈혜승태정아주원상미선용석빈나유다건"


# two-syllable full names are rare (about 2%) and, made up at random, often spell a word (강도, 차진):
# take them from real ones
_SHORT_NAMES = ["김훈", "이준", "박진", "최율", "류훈", "조현", "오준", "신혁", "황윤", "허준", "임윤", "송현"]


def _name(rng: random.Random) -> str:
    if rng.random() < 0.04:
        return rng.choice(["남궁", "황보", "제갈", "선우"]) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
    if rng.random() < 0.03:
        return rng.choice(_SHORT_NAMES)
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)


# ---------------------------------------------------------------- how a value is written

_FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _written(rng: random.Random, value: str, kind: str) -> tuple[str, str]:
    """Rewrite a hyphenated number the way people (or evaders) type it."""
    options = ["canonical"] * 4 + ["compact", "spaces", "dots", "fullwidth", "dash", "linebreak", "digit-spaced"]
    if kind in ("card", "brn", "account", "driver_license"):
        options = ["canonical"] * 4 + ["spaces", "fullwidth", "dash"]
    if kind in ("rrn", "arn"):
        options = ["canonical"] * 4 + ["compact", "spaces", "fullwidth", "dash", "linebreak", "digit-spaced"]
    style = rng.choice(options)
    if style == "compact":
        return value.replace("-", ""), style
    if style == "spaces":
        return value.replace("-", rng.choice([" ", " - "])), style
    if style == "dots":
        return value.replace("-", "."), style
    if style == "fullwidth":
        return value.translate(_FULLWIDTH), style
    if style == "dash":
        return value.replace("-", rng.choice(["–", "—", "‐", "−"])), style
    if style == "linebreak":
        cut = value.rfind("-")
        return value[:cut] + "-\n" + value[cut + 1 :], style
    if style == "digit-spaced":
        return " ".join(value.replace("-", "")), style
    return value, style


# ---------------------------------------------------------------- sentences

_TEMPLATES: dict[str, list[str]] = {
    "rrn": ["민원인의 주민등록번호는 {v}입니다.", "신청인 주민번호: {v}", "주민등록번호 {v} 확인 바랍니다.",
            "본인 확인을 위해 주민등록번호({v})를 적었습니다.", "생년월일과 주민등록번호 뒷자리 {v}"],
    "arn": ["외국인등록번호 {v}로 조회했습니다.", "신청인(외국인) 등록번호: {v}", "외국인 근로자 {v} 체류 연장 신청"],
    "passport": ["여권번호 {v}로 예약되어 있습니다.", "여권 번호: {v}", "출국자 여권({v}) 사본을 첨부합니다."],
    "driver_license": ["운전면허번호 {v}", "면허번호: {v} (1종 보통)", "운전면허증 번호는 {v}입니다."],
    "phone": ["연락처: {v}", "휴대전화 {v}로 연락 주세요.", "{v}로 문자 주시면 안내해 드립니다.", "야간 연락처는 {v}입니다.",
              "민원인 전화번호 {v}"],
    "email": ["이메일 {v}로 회신 부탁드립니다.", "전자우편: {v}", "결과는 {v} 주소로 보내 주세요."],
    "account": ["환불 계좌: {bank} {v}", "{bank} {v}(예금주 본인)으로 입금해 주세요.", "지원금은 {bank} 계좌 {v}로 이체됩니다."],
    "card": ["카드번호 {v}로 결제했습니다.", "결제 카드: {v}", "신용카드 {v} 승인 취소 요청"],
    "brn": ["사업자등록번호 {v}", "업체(사업자 {v})가 입찰에 참여했습니다.", "상호 ○○상사, 사업자등록번호: {v}"],
    "vehicle": ["차량번호 {v} 불법 주차 신고", "{v} 차량이 민원실 앞에 주차되어 있습니다.", "견인 차량: {v}"],
    "ip": ["접속 IP {v}에서 로그인이 시도되었습니다.", "서버 주소는 {v}입니다.", "접속 기록: {v}"],
    "address": ["주소: {v}", "{v}에 거주하는 주민이 민원을 냈습니다.", "현주소 {v}", "배송지는 {v}입니다."],
    "name": ["민원인 {v} 씨가 방문했습니다.", "성명: {v}", "{v} 님께 안내문을 발송했습니다.", "담당자 {v} 주무관이 처리했습니다.",
             "{v}(45) 씨는 이렇게 말했다.", "신청인 {v}의 서류를 검토했습니다.", "보호자 {v}에게 연락했습니다.",
             "이름: {v}", "{v} 과장이 회의를 주재했다."],
}

_DECOYS = [
    ("date", "회의는 2023. 3. 27.(월) 10:00 시청 7층 접견실에서 열렸다."),
    ("date", "사업 기간은 2023-03-27부터 2025.12.31.까지입니다."),
    ("date", "2023년 3월 27일 오후 2시 30분~4시"),
    ("amount", "총사업비 1,234,500,000원(국비 12억 3,450만 원 포함)을 투입한다."),
    ("amount", "지원금은 1인당 300,000원이며 예산은 3억 2천만 원이다."),
    ("ordinance", "「당진시 개인정보 보호 조례」(조례 제1234호) 제3조 제1항 제2호에 따라"),
    ("doc_no", "공문 번호 총무과-1234(2023. 3. 20.)에 따라 회신합니다."),
    ("doc_no", "문서번호 정책기획과-2023-0012, 시행 2023. 3. 27."),
    ("case_no", "사건번호 2023가합12345 판결에 따라"),
    ("notice_no", "당진시 공고 제2023-456호 및 고시 제2023-78호"),
    ("rep_phone", "고객센터 1588-1234 또는 1577-1000으로 문의"),
    ("postcode", "우편번호 31789"),
    ("outline", "세부 내용은 1.2.3.4 항목과 2.1.5절을 참고"),
    ("percent", "참여율은 12.5%로 전년 대비 3.2%p 늘었다."),
    ("area", "면적 1,234.5㎡, 연장 12.5km 구간"),
    ("count", "인구 167,000명, 2023~2025년 3개년 계획"),
    ("version", "행정 시스템 v2.1.3 업데이트(빌드 20230327.1)"),
    ("receipt", "접수번호 20230327-000123 처리 완료"),
    ("statute", "개인정보 보호법 제24조의2 및 같은 법 시행령 제19조"),
    ("people", "오늘 행사에는 시민 200여 명과 관계 공무원이 참석했다."),
    ("people", "시는 한국전력공사 담당자와 협의해 정책기획과장 주재로 회의를 열었다."),
    ("org", "충청남도와 당진시, 한국농어촌공사가 업무 협약을 맺었다."),
    ("time", "운영 시간은 09:00~18:00이며 점심시간은 12:00~13:00입니다."),
    ("coordinates", "위치 좌표 36.8898, 126.6459 일대"),
    ("isbn", "ISBN 978-89-1234-567-8 도서 구입"),
    ("serial", "제품 일련번호 A12-345-6789"),
]


def _plant(rng: random.Random, kind: str) -> tuple[str, str, str]:
    """(sentence, value as written, variant)."""
    bank = ""
    if kind in ("rrn", "arn"):
        value, valid = _registration(rng, foreign=kind == "arn")
        value, style = _written(rng, value, kind)
        variant = style + ("" if valid else "+invalid-check")
    elif kind == "phone":
        value, _ = _phone(rng)
        if value.startswith("010") and rng.random() < 0.2:
            d = value.replace("-", "")
            value = rng.choice([f"+82 {d[1:3]} {d[3:7]} {d[7:]}", f"+82-{d[1:3]}-{d[3:7]}-{d[7:]}", f"+8210{d[3:]}"])
            variant = "intl"
        else:
            value, variant = _written(rng, value, kind)
    elif kind == "card":
        value, valid = _card(rng)
        value, style = _written(rng, value, kind)
        variant = style + ("" if valid else "+invalid-check")
    elif kind == "brn":
        value, valid = _brn(rng)
        value, style = _written(rng, value, kind)
        variant = style + ("" if valid else "+invalid-check")
    elif kind == "account":
        bank, value = _account(rng)
        value, variant = _written(rng, value, kind)
    elif kind == "driver_license":
        value, variant = _written(rng, _license(rng), kind)
    elif kind == "passport":
        value, variant = _passport(rng), "canonical"
    elif kind == "vehicle":
        value, variant = _vehicle(rng)
    elif kind == "ip":
        value, variant = _ip(rng)
    elif kind == "email":
        value, variant = _email(rng)
    elif kind == "address":
        value, variant = _address(rng)
    else:
        value, variant = _name(rng), "name"
    template = rng.choice(_TEMPLATES[kind])
    return template.replace("{bank}", bank), value, variant


def generate_records(n: int, seed: int = 0) -> list[PlantedRecord]:
    """``n`` records; every type is planted about equally often, each record holds 1–3 values and decoys."""
    rng = random.Random(seed)
    records = []
    turn = 0
    for _ in range(n):
        pieces: list[tuple[str, str | None, str, str]] = []  # (template, value, type, variant)
        for _ in range(rng.randint(1, 3)):
            kind = TYPES[turn % len(TYPES)]
            turn += 1
            template, value, variant = _plant(rng, kind)
            pieces.append((template, value, kind, variant))
        decoys = rng.sample(_DECOYS, rng.randint(1, 2))
        pieces.extend((text, None, kind, "") for kind, text in decoys)
        rng.shuffle(pieces)
        text, planted, spans, variants = "", [], [], []
        for template, value, kind, variant in pieces:
            if text:
                text += rng.choice([" ", "\n", "\n\n"])
            if value is None:
                text += template
                continue
            head, _, tail = template.partition("{v}")
            start = len(text) + len(head)
            text += head + value + tail
            planted.append((kind, value))
            spans.append((start, start + len(value)))
            variants.append(variant)
        records.append(PlantedRecord(text, planted, spans, variants, [(k, t) for k, t in decoys]))
    return records
