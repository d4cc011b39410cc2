"""Identifiers with structure or check digits: 주민·외국인등록번호, 카드, 사업자등록번호, 운전면허, 여권, 차량번호.

Each detector takes the normalised text and yields candidates with a confidence. A valid check digit raises
the confidence; an invalid one lowers it only where the check digit is reliable (주민등록번호 issued since
October 2020 carry no valid check digit, so a valid birth date and gender digit are enough).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from mokmin.checks.pii_types import LEFT, RIGHT, SEP, Candidate, digits_of, is_grouped, near

_RRN = re.compile(LEFT + r"(\d{6})" + SEP + r"([1-8]\d{6})" + RIGHT)
_RRN_CONTEXT = re.compile(r"주민|등록\s*번호|외국인|생년월일|주민번호|RRN", re.IGNORECASE)
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def birth_date(digits: str, today: date | None = None) -> date | None:
    """The birth date a 13-digit 주민/외국인등록번호 encodes, or None when it is not a real, past date."""
    century = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}
    base = century.get(digits[6])
    if base is None:
        return None
    try:
        born = date(base + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return None
    return born if born <= (today or date.today()) else None


def rrn_check_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:12], _WEIGHTS, strict=True))
    return (11 - total % 11) % 10 == int(digits[12])


def arn_check_ok(digits: str) -> bool:
    """The check digit of 외국인등록번호 issued before October 2020."""
    total = sum(int(d) * w for d, w in zip(digits[:12], _WEIGHTS, strict=True))
    return (13 - total % 11) % 10 == int(digits[12])


def find_registration_numbers(text: str) -> Iterator[Candidate]:
    for m in _RRN.finditer(text):
        digits = m.group(1) + m.group(2)
        if birth_date(digits) is None:
            continue
        foreign = digits[6] in "5678"
        check = arn_check_ok(digits) if foreign else rrn_check_ok(digits)
        grouped = is_grouped(m.group(0))
        context = near(text, m.start(), m.end(), _RRN_CONTEXT)
        confidence = 0.99 if check else 0.9 if grouped or context else 0.7
        yield Candidate("arn" if foreign else "rrn", m.start(), m.end(), confidence, check)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_CARD = re.compile(
    LEFT
    + r"(?:\d{4}" + SEP + r"\d{4}" + SEP + r"\d{4}" + SEP + r"\d{4}"  # 4-4-4-4
    + r"|3[47]\d{2}" + SEP + r"\d{6}" + SEP + r"\d{5})"  # American Express 4-6-5
    + RIGHT
)
_CARD_CONTEXT = re.compile(r"카드|card|결제|신용|체크", re.IGNORECASE)


def _consistent(matched: str, grouped_runs: tuple[int, ...]) -> bool:
    """Written as one run of digits or in exactly the expected groups (not 821098012410 2023)."""
    runs = tuple(len(r) for r in re.findall(r"\d+", matched))
    return len(runs) == 1 or runs == grouped_runs


def find_cards(text: str) -> Iterator[Candidate]:
    for m in _CARD.finditer(text):
        digits = digits_of(m.group(0))
        if not (_consistent(m.group(0), (4, 4, 4, 4)) or _consistent(m.group(0), (4, 6, 5))):
            continue
        check = luhn_ok(digits)
        grouped = is_grouped(m.group(0))
        context = near(text, m.start(), m.end(), _CARD_CONTEXT)
        issuer_like = digits[0] in "345689"
        if check:
            confidence = 0.97 if grouped or context else 0.85 if issuer_like else 0.6
        elif grouped:
            confidence = 0.85 if context else 0.7 if issuer_like else 0.55
        else:
            confidence = 0.6 if context else 0.0
        if confidence:
            yield Candidate("card", m.start(), m.end(), confidence, check)


_BRN = re.compile(LEFT + r"(\d{3})" + SEP + r"(\d{2})" + SEP + r"(\d{5})" + RIGHT)
_BRN_CONTEXT = re.compile(r"사업자|등록\s*번호|법인|상호|대표자|업체|BRN", re.IGNORECASE)


def brn_check_ok(digits: str) -> bool:
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    total = sum(int(d) * w for d, w in zip(digits[:9], weights, strict=True))
    total += int(digits[8]) * 5 // 10
    return (10 - total % 10) % 10 == int(digits[9])


def find_business_numbers(text: str) -> Iterator[Candidate]:
    for m in _BRN.finditer(text):
        digits = digits_of(m.group(0))
        if digits[0] == "0" or not _consistent(m.group(0), (3, 2, 5)):  # 세무서 코드 starts at 101
            continue
        check = brn_check_ok(digits)
        hyphenated = "-" in m.group(0)
        context = near(text, m.start(), m.end(), _BRN_CONTEXT)
        if check:
            confidence = 0.95 if hyphenated or context else 0.75 if is_grouped(m.group(0)) else 0.0
        else:
            confidence = 0.9 if context else 0.6 if hyphenated else 0.0
        if confidence:
            yield Candidate("brn", m.start(), m.end(), confidence, check)


_REGIONS = "서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주"
_LICENSE_NUM = re.compile(
    LEFT + r"(1[1-9]|2[0-68])" + SEP + r"(\d{2})" + SEP + r"(\d{6})" + SEP + r"(\d{2})" + RIGHT
)
_LICENSE_NAMED = re.compile(
    r"(?<![가-힣])(?:" + _REGIONS + r"|경기남부|경기북부)[ \t]?(\d{2})" + SEP + r"(\d{6})" + SEP + r"(\d{2})" + RIGHT
)
_LICENSE_CONTEXT = re.compile(r"면허|운전", re.IGNORECASE)


def find_driver_licenses(text: str) -> Iterator[Candidate]:
    for m in _LICENSE_NUM.finditer(text):
        if not _consistent(m.group(0), (2, 2, 6, 2)):
            continue
        context = near(text, m.start(), m.end(), _LICENSE_CONTEXT)
        grouped = "-" in m.group(0) or is_grouped(m.group(0))
        confidence = 0.95 if context else 0.85 if grouped else 0.0
        if confidence:
            yield Candidate("driver_license", m.start(), m.end(), confidence)
    for m in _LICENSE_NAMED.finditer(text):
        yield Candidate("driver_license", m.start(), m.end(), 0.9)


_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[MSRODG](?:\d{8}|\d{3}[A-Z]\d{4})(?![A-Za-z0-9])")
_PASSPORT_ANYCASE = re.compile(r"(?<![A-Za-z0-9])[MSRODGmsrodg](?:\d{8}|\d{3}[A-Za-z]\d{4})(?![A-Za-z0-9])")
_PASSPORT_CONTEXT = re.compile(r"여권|passport", re.IGNORECASE)


def find_passports(text: str) -> Iterator[Candidate]:
    for m in _PASSPORT_ANYCASE.finditer(text):
        context = near(text, m.start(), m.end(), _PASSPORT_CONTEXT)
        if _PASSPORT.fullmatch(m.group(0)):
            yield Candidate("passport", m.start(), m.end(), 0.97 if context else 0.85)
        elif context:
            yield Candidate("passport", m.start(), m.end(), 0.8)


# the use letters on Korean number plates (private, commercial, rental, delivery)
_PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호"
_VEHICLE = re.compile(
    r"(?<![\d가-힣])(?:(?:" + _REGIONS + r")[ \t]?)?\d{2,3}[ \t]?[" + _PLATE_LETTERS + r"][ \t]?\d{4}(?!\d)"
    r"(?!(?:년|월|일|명|개|원|억|만|천|건|회|호|번|세|시|분|곳|가구|대|톤|%|㎡|m|km|kg|t\b))"
)
_VEHICLE_CONTEXT = re.compile(r"차량|자동차|번호판|차주|주차|운전|승용|화물|트럭|버스|택시|오토바이|렌터카")


def find_vehicles(text: str) -> Iterator[Candidate]:
    for m in _VEHICLE.finditer(text):
        spaced = bool(re.search(r"\s", m.group(0)))
        regional = bool(re.match(r"[가-힣]", m.group(0)))
        context = near(text, m.start(), m.end(), _VEHICLE_CONTEXT)
        confidence = 0.95 if context else 0.85 if (regional or not spaced) else 0.6
        yield Candidate("vehicle", m.start(), m.end(), confidence)
