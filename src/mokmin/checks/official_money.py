"""Money: 공문서 금113,560원(금일십일만삼천오백육십원), 보도자료 5억 원 · 1,200만 원, never 345천원."""

from __future__ import annotations

import re

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.official_common import Mode, make

DIGITS = "영일이삼사오육칠팔구"
SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
BIG_UNITS = {"만": 10**4, "억": 10**8, "조": 10**12, "경": 10**16}

_WON_END = r"원(?=$|[\s,.()·/∼~]|을|를|이|은|의|에|으로|과|와|씩|짜리|까지|부터|도|만|당|정|입니다|이다|이며|이고)"
FULL = re.compile(
    r"(?<![가-힣])(?P<pre>일금|금)?(?P<sp> ?)(?P<num>\d[\d,]*)(?P<sp2> ?)원(?P<jeong>정)?(?P<sp3> ?)"
    r"\((?P<rpre>일금|금)?(?P<reading>[영일이삼사오육칠팔구십백천만억조경 ]+?)(?P<rwon> ?원)?(?P<rjeong>정)?\)"
)
BARE = re.compile(
    r"(?<![\d,.])(?:(?<![가-힣])(?P<pre>일금|금)(?P<sp> ?))?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<sp2> ?)"
    + _WON_END.replace("원(?=", "원(?P<jeong>정)?(?=")
)
MIXED = re.compile(
    r"(?<![\d,.])(?P<amount>\d[\d,]*(?:\.\d+)?(?: ?(?:조|억|천|백|만) ?(?:\d[\d,]*(?:\.\d+)?)?)+?) ?" + _WON_END
)
_MIXED_TOKEN = re.compile(r"(\d[\d,]*(?:\.\d+)?)|(조|억|천|백|만)")
THOUSANDS = re.compile(r"(?<![\d,.])(?P<num>\d{1,3}(?:,\d{3})+|\d{2,}) ?천 ?(?!만)" + _WON_END)
_AMOUNT_AHEAD = r"(?= ?(?:억 ?|만 ?|천만 ?)?" + _WON_END + ")"  # 345천원 belongs to the unit rule
NO_COMMA = re.compile(r"(?<![\d,.])(?P<num>\d{4,})" + _AMOUNT_AHEAD)
BAD_COMMA = re.compile(r"(?<![\d,.])(?P<num>\d+(?:,\d+)+)" + _AMOUNT_AHEAD)
GOOD_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+")
UNIT_SPACING = re.compile(r"(?<![\d,.])\d[\d,]*(?P<unit>억|천만|만)" + _WON_END)


def hangul_reading(value: int) -> str:
    """공문서 reading of a won amount, keeping 일 before every unit: 113560 → 일십일만삼천오백육십."""
    if value == 0:
        return "영"
    parts, index = [], 0
    big = ["", *BIG_UNITS]
    while value:
        value, group = divmod(value, 10_000)
        if group:
            places = [(group // 10**p % 10, ("", "십", "백", "천")[p]) for p in (3, 2, 1, 0)]
            digits = "".join(DIGITS[d] + unit for d, unit in places if d)
            parts.append(digits + big[index])
        index += 1
    return "".join(reversed(parts))


def parse_hangul_number(reading: str) -> int | None:
    """The value of a Hangul number with or without the leading 일 (십일만 = 일십일만 = 110000)."""
    total = section = 0
    digit: int | None = None
    reading = reading.replace(" ", "")
    if not reading:
        return None
    for ch in reading:
        if ch in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS.index(ch)
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        elif ch in BIG_UNITS:
            section += digit or 0
            total += (section or 1) * BIG_UNITS[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def official_amount(value: int) -> str:
    return f"금{value:,}원(금{hangul_reading(value)}원)"


def check_money(text: str, mode: Mode) -> list[Finding]:
    out: list[Finding] = []
    taken: list[tuple[int, int]] = []
    if mode == "gongmun":
        for m in FULL.finditer(text):
            if m.group("num").replace(",", "").isdigit():
                taken.append((m.start(), m.end()))
                out += _full_form(text, m)
        for m in MIXED.finditer(text):
            if _free(m, taken) and not THOUSANDS.match(m.group(0)):  # 345천원 has its own rule
                taken.append((m.start(), m.end()))
                value = mixed_value(m.group("amount"))
                if value:
                    out.append(make("money-format", Severity.INFO, m.start(), m.end(), text,
                                    "공문서의 금액은 아라비아 숫자로 쓰고 괄호 안에 한글로 적습니다.", "money",
                                    official_amount(value)))
        for m in BARE.finditer(text):
            if _free(m, taken) and not text[m.end() : m.end() + 2].lstrip().startswith("("):
                value = int(m.group("num").replace(",", ""))
                severity = Severity.WARNING if m.group("pre") else Severity.INFO
                out.append(make("money-format", severity, m.start(), m.end(), text,
                                "공문서의 금액은 숫자 다음에 괄호를 하고 한글로도 적습니다.", "money",
                                official_amount(value)))
    else:
        for m in UNIT_SPACING.finditer(text):  # the span leaves the digits to the comma rule
            out.append(make("money-spacing", Severity.INFO, m.start("unit"), m.end(), text,
                            f"'{m.group('unit')}' 같은 수 단위 뒤의 '원'은 띄어 씁니다.", "spacing",
                            m.group("unit") + " 원", safe=True))
    for m in THOUSANDS.finditer(text):
        value = int(m.group("num").replace(",", "")) * 1000
        fixed = official_amount(value) if mode == "gongmun" else f"{value:,}원"
        out.append(make("money-unit", Severity.WARNING, m.start(), m.end(), text,
                        "'천원' 단위 표기는 표의 단위 표시에만 씁니다. 본문에는 금액을 그대로 씁니다.", "money",
                        fixed, safe=mode != "gongmun"))
    for m in NO_COMMA.finditer(text):
        if _inside(m.start(), taken):
            continue
        out.append(make("money-comma", Severity.WARNING, m.start(), m.end(), text,
                        "금액은 세 자리마다 쉼표를 찍습니다.", "money", f"{int(m.group('num')):,}", safe=True))
    for m in BAD_COMMA.finditer(text):
        if not GOOD_COMMA.fullmatch(m.group("num")) and not _inside(m.start(), taken):
            digits = int(m.group("num").replace(",", ""))
            out.append(make("money-comma", Severity.WARNING, m.start(), m.end(), text,
                            "쉼표는 오른쪽부터 세 자리마다 찍습니다. 숫자가 맞는지도 확인하세요.", "money",
                            f"{digits:,}"))
    return out


def _full_form(text: str, m: re.Match) -> list[Finding]:
    out: list[Finding] = []
    raw = m.group("num")
    value = int(raw.replace(",", ""))
    issues: list[tuple[str, str, bool]] = []
    if not m.group("pre"):
        issues.append(("money-format", "금액 숫자 앞에 '금'을 붙여 씁니다", False))
    elif m.group("pre") == "일금" or m.group("jeong") or m.group("rjeong") or m.group("rpre") == "일금":
        issues.append(("money-format", "'일금 …원정'이 아니라 '금…원'으로 씁니다", True))
    if m.group("sp") or m.group("sp2") or m.group("sp3"):
        issues.append(("money-format", "'금', 숫자, '원', 괄호는 붙여 씁니다", True))
    if "," in raw and not GOOD_COMMA.fullmatch(raw) or "," not in raw and len(raw) > 3:
        issues.append(("money-comma", "금액은 세 자리마다 쉼표를 찍습니다", "," not in raw))
    reading = m.group("reading")
    read_value = parse_hangul_number(reading)
    canonical = hangul_reading(value)
    if read_value is not None and read_value != value:
        s, e = m.start("reading"), m.end("reading")
        out.append(make("money-reading", Severity.ERROR, m.start(), m.end(), text,
                        f"숫자({value:,}원)와 한글 표기({read_value:,}원)가 다릅니다. 어느 쪽이 맞는지 확인하세요.",
                        "money", official_amount(value), reading_start=s, reading_end=e))
    elif read_value is None:
        out.append(make("money-reading", Severity.ERROR, m.start(), m.end(), text,
                        "괄호 안의 한글 금액을 읽을 수 없습니다.", "money", official_amount(value)))
    elif reading != canonical or m.group("rpre") != "금" or m.group("rwon") != "원":
        issues.append(("money-reading-form", f"한글 금액은 '금{canonical}원'처럼 '일'을 살려 붙여 씁니다", True))
    if issues and not out:  # a wrong reading is reported once, with the whole corrected form
        safe = all(ok for _, _, ok in issues)
        message = "; ".join(msg for _, msg, _ in issues) + "."
        out.append(make(issues[0][0], Severity.WARNING, m.start(), m.end(), text, message, "money",
                        official_amount(value), safe=safe, issues=[r for r, _, _ in issues]))
    return out


def mixed_value(amount: str) -> int | None:
    """The value of a number written with unit words: '7천800만' → 78000000, '108만1920' → 1081920."""
    total = section = 0.0
    pending: float | None = None
    units = 0
    for number, unit in _MIXED_TOKEN.findall(amount):
        if number:
            if pending is not None:
                return None
            pending = float(number.replace(",", ""))
        elif unit in SMALL_UNITS:
            section += (1 if pending is None else pending) * SMALL_UNITS[unit]
            pending, units = None, units + 1
        else:
            section += pending or 0
            total += (section or 1) * BIG_UNITS[unit]
            section, pending, units = 0, None, units + 1
    value = total + section + (pending or 0)
    return int(value) if units and value == int(value) else None


def _free(m: re.Match, taken: list[tuple[int, int]]) -> bool:
    return not any(s < m.end() and m.start() < e for s, e in taken)


def _inside(pos: int, taken: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in taken)
