"""Street (도로명) and lot (지번) addresses, from the administrative units down to the building number.

도로명: [시·도] 시·군·구 [읍·면] …로/…길 건물번호 — e.g. "충청남도 당진시 시청1로 1", "세종대로 209" after 주소:.
지번:   [시·도] [시·군·구] [읍·면] …동/…리/…가 [산] 번지 — e.g. "당진시 송악읍 기지시리 123-4번지".
A unit in an apartment (101동 1203호, 2층) and a trailing "(수청동)" are part of the finding. A road or 동 name
without an administrative unit in front counts only after a label such as 주소, or with 번지/산.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mokmin.checks.pii_types import Candidate

_SIDO = (
    r"(?:서울특별시|부산광역시|대구광역시|인천광역시|광주광역시|대전광역시|울산광역시|세종특별자치시|경기도|강원도"
    r"|강원특별자치도|충청북도|충청남도|전라북도|전북특별자치도|전라남도|경상북도|경상남도|제주특별자치도|제주도"
    r"|(?:서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주)(?:시|도)?)"
)
_SGG = r"[가-힣]{1,5}(?:시|군|구)"
_EUPMYEON = r"[가-힣]{1,5}(?:읍|면)"
_ROAD = r"[가-힣A-Za-z]{1,12}\d{0,4}(?:번|대)?(?:로|길)(?:[ \t]?\d{1,4}(?:번|[가-힣])?(?:로|길))?"
_DONG = r"(?:[가-힣]{1,6}\d{0,2}(?:동|리)|[가-힣]{1,5}\d{1,2}가)"
_NUMBER = r"(?:지하[ \t]?)?\d{1,5}(?:-\d{1,5})?"
_NOT_A_QUANTITY = (
    r"(?!-?\d|[.,]\d)(?!(?:년|월|일|명|개|원|억|만|천|건|회|세|시간|분|곳|가구|%|대|km|m\b|kg|번째|차|위|배|퍼센트"
    r"|개월|주년|쪽|장|권|편|종|척|마리|그루|석|표))"
)
_DETAIL = (
    r"(?:[ \t]*,?[ \t]*(?:[가-힣A-Za-z0-9]{1,15}(?:아파트|빌라|빌딩|타워|오피스텔|맨션|하이츠|캐슬|주택|상가)[ \t]*)?"
    r"(?:\d{1,4}[ \t]?동[ \t]*)?\d{1,5}[ \t]?호(?!선)|[ \t]*,?[ \t]*\d{1,3}[ \t]?층)?"
    r"(?:[ \t]*\([가-힣0-9,· ]{1,30}\))?"
)
_ADMIN = rf"(?:(?P<sido>{_SIDO})[ \t]+)?(?P<sgg>(?:{_SGG}[ \t]+){{0,2}})(?P<eup>{_EUPMYEON}[ \t]+)?"
_LABEL = r"(?P<label>(?:주소|거주지|주거지|소재지|주소지|도로명|지번|사는\s?곳|배송지|현주소)[ \t]*[:：]?[ \t]*)?"
_ROAD_ADDRESS = re.compile(
    rf"(?<![가-힣]){_LABEL}{_ADMIN}(?P<road>{_ROAD})[ \t]*(?P<num>{_NUMBER}){_NOT_A_QUANTITY}{_DETAIL}"
)
_LOT_ADDRESS = re.compile(
    rf"(?<![가-힣]){_LABEL}{_ADMIN}(?P<dong>{_DONG})[ \t]+(?P<san>산[ \t]?)?(?P<num>\d{{1,5}}(?:-\d{{1,5}})?)"
    rf"(?P<bunji>[ \t]?번지)?{_NOT_A_QUANTITY}{_DETAIL}"
)
_NOT_A_ROAD = re.compile(
    r"[가-힣]*으로|대로|그대로|제대로|마음대로|스스로|새로|서로|주로|바로|실로|따로|날로|별로|홀로|함부로|억지로"
    r"|저절로|절로|도로|경로|진로|통로|항로|활로|판로|퇴로|수로|선로|회로|철로|기로|고로|길"
)


# every address has a road name or a 동·리 name right before its number: lines without one are skipped
_ANCHOR = re.compile(r"(?:로|길)[ \t]*(?:지하[ \t]?)?\d|(?:동|리|\d가)[ \t]+(?:산[ \t]?)?\d")


def find_addresses(text: str) -> Iterator[Candidate]:
    line_start = 0
    for anchor in _ANCHOR.finditer(text):
        if anchor.start() < line_start:
            continue  # this line was searched already
        line_start = text.rfind("\n", 0, anchor.start()) + 1
        line_end = text.find("\n", anchor.end())
        line_end = len(text) if line_end < 0 else line_end
        yield from _find_in_line(text, line_start, line_end)
        line_start = line_end


def _find_in_line(text: str, start: int, end: int) -> Iterator[Candidate]:
    for m in _ROAD_ADDRESS.finditer(text, start, end):
        road = m.group("road")
        if _NOT_A_ROAD.fullmatch(road):
            continue
        admin = bool(m.group("sido") or m.group("sgg").strip() or m.group("eup"))
        if not (admin or m.group("label")):
            continue
        yield _candidate(m, 0.9 if admin and m.group("sgg").strip() else 0.8)
    for m in _LOT_ADDRESS.finditer(text, start, end):
        admin = bool(m.group("sgg").strip() or m.group("eup"))
        if not (admin or m.group("label") or m.group("bunji") or m.group("san")):
            continue
        yield _candidate(m, 0.9 if admin else 0.75)


def _candidate(m: re.Match, confidence: float) -> Candidate:
    start = m.start("label") + len(m.group("label")) if m.group("label") else m.start()
    end = m.end()
    while end > start and m.string[end - 1] in " \t,":
        end -= 1
    return Candidate("address", start, end, confidence)
