"""Ways to reach or pay a person: 전화번호, 이메일, IP 주소, 계좌번호."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from mokmin.checks.pii_types import LEFT, RIGHT, SEP, Candidate, digits_of, is_grouped, near

# mobile 01X, Seoul 02, area codes 031–064, internet phones 070, safe numbers 050X (not 080 or 1588 lines)
_AREA = r"01[016789]|02|03[1-3]|04[1-4]|05[1-5]|06[1-4]|070|050[2-8]"
_PHONE = re.compile(
    LEFT + r"(?:\((?P<paren>" + _AREA + r")\)[ \t]*|(?P<area>" + _AREA + r"))"
    + SEP + r"(?P<mid>\d{3,4})" + SEP + r"\d{4}" + RIGHT
)
_PHONE_INTL = re.compile(
    r"(?<![\w+])(?:\+[ \t]?|00)82[ \t]*-?[ \t]*(?:\(0\)[ \t]*)?(1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70)"
    + SEP + r"(\d{3,4})" + SEP + r"(\d{4})" + RIGHT
)


def is_mobile(value: str) -> bool:
    digits = digits_of(value)
    if digits.startswith("82"):
        digits = "0" + digits[2:].removeprefix("0")
    return digits.startswith("01")


def find_phones(text: str) -> Iterator[Candidate]:
    for m in _PHONE.finditer(text):
        area, middle = m.group("paren") or m.group("area"), m.group("mid")
        if area == "010" and len(middle) != 4:
            continue
        mobile = area.startswith("01")
        grouped = is_grouped(m.group(0)) or bool(m.group("paren"))
        confidence = 0.97 if grouped else 0.9 if mobile else 0.75
        yield Candidate("phone", m.start(), m.end(), confidence, notes={"mobile": mobile})
    for m in _PHONE_INTL.finditer(text):
        mobile = m.group(1).startswith("1")
        yield Candidate("phone", m.start(), m.end(), 0.97, notes={"mobile": mobile})


_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
    r"[ \t]?(?:@|[\[(][ \t]?at[ \t]?[\])])[ \t]?"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:(?:\.|[ \t]?[\[(]dot[\])][ \t]?)[A-Za-z0-9-]{1,63})*"
    r"(?:\.|[ \t]?[\[(]dot[\])][ \t]?)[A-Za-z]{2,24}(?![A-Za-z0-9-])",
    re.IGNORECASE,
)


def find_emails(text: str) -> Iterator[Candidate]:
    for m in _EMAIL.finditer(text):
        value = m.group(0)
        obfuscated = "@" not in value
        yield Candidate("email", m.start(), m.end(), 0.9 if obfuscated else 0.98)


_IPV4 = re.compile(r"(?<![A-Za-z0-9.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")
_IPV6 = re.compile(r"(?<![A-Za-z0-9:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![A-Za-z0-9:])")
_IP_CONTEXT = re.compile(r"\bIP\b|아이피|접속|서버|주소|로그|호스트|host", re.IGNORECASE)


def find_ips(text: str) -> Iterator[Candidate]:
    for m in _IPV4.finditer(text):
        octets = [int(x) for x in m.group(0).split(".")]
        if any(o > 255 for o in octets) or octets[0] in (0, 127, 255):
            continue
        context = near(text, m.start(), m.end(), _IP_CONTEXT)
        if max(octets) < 10 and not re.search(r"IP|아이피", text[max(0, m.start() - 12) : m.start()], re.I):
            continue  # "1.2.3.4" is an outline number unless it is called an IP address
        yield Candidate("ip", m.start(), m.end(), 0.97 if context else 0.9)
    for m in _IPV6.finditer(text):
        try:
            address = ipaddress.IPv6Address(m.group(0))
        except ValueError:
            continue
        if address.is_loopback or address.is_unspecified:
            continue
        yield Candidate("ip", m.start(), m.end(), 0.95)


_ACCOUNT = re.compile(LEFT + r"\d{2,6}(?:(?:[ \t]?-[ \t]?|[ \t])\d{1,7}){1,4}" + RIGHT)
_ACCOUNT_RUN = re.compile(LEFT + r"\d{10,14}" + RIGHT)
_ACCOUNT_CONTEXT = re.compile(
    r"계좌|은행|입금|송금|이체|예금주|통장|환불|뱅크|농협|신협|수협|새마을|우체국|금고|저축|국민|신한|우리|하나|기업"
    r"|SC제일|씨티|카카오|토스|K뱅크|케이뱅크|IBK|KB|NH",
    re.IGNORECASE,
)
# group lengths of Korean banks' account numbers (국민·우체국 6-2-6, 신한 3-3-6, 우리 4-3-6, 하나 3-6-5,
# 농협 3-4-4-2, 기업 3-6-2-3, 카카오 4-2-7, SC 3-2-6, 새마을 4-4-4-1, 대구 3-2-2-6, 옛 국민 3-2-4-3, …)
_BANK_FORMATS = frozenset({
    (6, 2, 6), (3, 2, 4, 3), (3, 3, 6), (3, 2, 6), (4, 3, 6), (3, 6, 5), (3, 4, 4, 2), (3, 6, 2, 3),
    (4, 2, 7), (4, 4, 4, 1), (3, 2, 2, 6), (3, 3, 2, 6), (3, 4, 4, 1), (6, 2, 7), (3, 4, 6), (4, 4, 5),
    (3, 2, 5, 1), (3, 3, 5), (3, 2, 7),
})


_OTHER_LABEL = re.compile(
    r"ISBN|ISSN|전화|연락처|휴대|핸드폰|팩스|FAX|TEL|사업자|주민\s*등록|주민\s*번호|외국인\s*등록|면허|여권"
    r"|접수\s*번호|문서\s*번호",
    re.IGNORECASE,
)


def _account_span(m: re.Match) -> tuple[int, tuple[int, ...]] | None:
    """End and group lengths of the account number in ``m``: a match joined by spaces may have swallowed a
    number that follows ("4762-4782-6430-6 2023년"), so shorter prefixes are tried, bank formats first."""
    parts = list(re.finditer(r"\d+", m.group(0)))
    options = []
    for k in range(len(parts), 1, -1):
        groups = tuple(len(p.group(0)) for p in parts[:k])
        if 10 <= sum(groups) <= 16:
            options.append((groups not in _BANK_FORMATS, -k, m.start() + parts[k - 1].end(), groups))
    if not options:
        return None
    _, _, end, groups = min(options)
    return end, groups


def find_accounts(text: str) -> Iterator[Candidate]:
    for m in _ACCOUNT.finditer(text):
        if near(text, m.start(), m.start(), _OTHER_LABEL, before=12, after=0):
            continue  # labelled as something else: ISBN 978-89-…, 연락처 0519…
        found = _account_span(m)
        if found is None:
            continue
        end, groups = found
        context = near(text, m.start(), end, _ACCOUNT_CONTEXT, before=40, after=20)
        if "-" not in text[m.start() : end] and not context:
            continue  # groups apart by spaces only: an account only where the text says so
        known = groups in _BANK_FORMATS
        if context:
            confidence = 0.95 if known else 0.85
        else:
            confidence = 0.6 if known and sum(groups) >= 11 else 0.0
        if confidence:
            yield Candidate("account", m.start(), end, confidence, notes={"groups": groups})
    for m in _ACCOUNT_RUN.finditer(text):
        if near(text, m.start(), m.start(), _OTHER_LABEL, before=12, after=0):
            continue
        if near(text, m.start(), m.end(), _ACCOUNT_CONTEXT, before=40, after=20):
            yield Candidate("account", m.start(), m.end(), 0.8)
