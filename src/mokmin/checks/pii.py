"""Personal data (개인정보): find it, mask it with typed placeholders, and restore it.

``find_pii(text)`` reports 주민·외국인등록번호, 여권·운전면허·사업자등록·카드·계좌번호, 전화번호, 이메일, IP 주소,
차량번호 (severity error), 주소 and 사람 이름 (warning) as ``pii.<type>`` findings with
``extra={"type", "label", "confidence", "check_digit"}``. Detectors match a normalised view of the text
(full-width digits, odd dashes, zero-width characters and digits spaced one by one do not hide a number;
see ``pii_text``) and every span is mapped back to the original characters.

Public officials (design): the contact details of officials acting in their office are public (정보공개법
제9조①6 라목), so a press release's 담당 table need not be masked — but only when the caller says so:
- ``exceptions``: values never reported (names, phone numbers, …). Numbers compare by their digits, other
  values without spaces. ``profile_exceptions(profile)`` lists the city profile's officials: the head's name,
  the default contact's names and phone, and department phones.
- ``exempt_contacts=True``: inside a 담당 block (lines starting with 담당 부서·담당자·책임자·연락처·문의·☎, or a
  table whose rows mention 담당/연락처/책임자), names, emails and landline (office) numbers are not reported.
  Mobile numbers there still are: they reach a person, not an office.
Both are off by default, so the egress guard masks everything unless told otherwise.

``mask_pii`` replaces each finding with a placeholder such as [이름1] or [전화2] (the same value, however
written, always gets the same placeholder). ``unmask`` restores them, also when a model wrote ``[ 이름 1 ]``
or full-width brackets; a placeholder that is not in the mapping is left as it is.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from mokmin.checks.finding import Finding, sort_findings
from mokmin.checks.pii_address import find_addresses
from mokmin.checks.pii_contacts import find_accounts, find_emails, find_ips, find_phones, is_mobile
from mokmin.checks.pii_ids import (
    find_business_numbers,
    find_cards,
    find_driver_licenses,
    find_passports,
    find_registration_numbers,
    find_vehicles,
)
from mokmin.checks.pii_names import find_names
from mokmin.checks.pii_text import NormalizedText
from mokmin.checks.pii_types import BY_PLACEHOLDER, PII_TYPES, Candidate, digits_of
from mokmin.text.korean import josa

__all__ = [
    "PII_TYPES",
    "Masked",
    "find_pii",
    "mask_pii",
    "profile_exceptions",
    "unmask",
]

MIN_CONFIDENCE = 0.5
_DETECTORS = {
    "rrn": find_registration_numbers,  # also yields "arn"
    "card": find_cards,
    "brn": find_business_numbers,
    "driver_license": find_driver_licenses,
    "passport": find_passports,
    "vehicle": find_vehicles,
    "phone": find_phones,
    "email": find_emails,
    "ip": find_ips,
    "account": find_accounts,
    "address": find_addresses,
}
_NUMERIC = frozenset({"rrn", "arn", "card", "brn", "driver_license", "phone", "account", "passport"})


def find_pii(
    text: str,
    *,
    exceptions: Iterable[str] = (),
    exempt_contacts: bool = False,
    min_confidence: float = MIN_CONFIDENCE,
    types: Iterable[str] | None = None,
) -> list[Finding]:
    """Personal data in ``text`` as findings (spans index ``text`` itself)."""
    wanted = set(types) if types is not None else set(PII_TYPES)
    unknown = wanted - set(PII_TYPES)
    if unknown:
        raise ValueError(f"unknown PII types: {sorted(unknown)}")
    norm = NormalizedText(text)
    candidates: list[Candidate] = []
    for key, detector in _DETECTORS.items():
        if key in wanted or (key == "rrn" and "arn" in wanted):
            candidates.extend(c for c in detector(norm.text) if c.type in wanted)
    if "name" in wanted:
        candidates.extend(find_names(norm.text))
    chosen = _resolve(c for c in candidates if c.confidence >= min_confidence)
    exempt = _Exceptions(exceptions)
    blocks = contact_lines(norm.text) if exempt_contacts else []
    findings = []
    for cand in chosen:
        value = norm.text[cand.start : cand.end]
        if exempt.covers(cand.type, value) or (blocks and _exempt_in_block(cand, value, blocks)):
            continue
        start, end = norm.span(cand.start, cand.end)
        findings.append(_finding(cand, start, end, text[start:end]))
    return sort_findings(findings)


def _resolve(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Keep the most confident of overlapping candidates (then type priority, then the longer one)."""
    ranked = sorted(candidates, key=lambda c: (-c.confidence, c.priority, -(c.end - c.start), c.start))
    starts: list[int] = []  # taken spans, sorted and disjoint
    taken: list[Candidate] = []
    for cand in ranked:
        i = bisect_left(starts, cand.start)
        if i < len(taken) and taken[i].start < cand.end:
            continue  # overlaps the next taken span
        if i > 0 and taken[i - 1].end > cand.start:
            continue  # overlaps the previous one
        starts.insert(i, cand.start)
        taken.insert(i, cand)
    return taken


def _finding(cand: Candidate, start: int, end: int, original: str) -> Finding:
    kind = PII_TYPES[cand.type]
    message = f"{josa(kind.label, '으로/로')} 보이는 개인정보입니다."
    if cand.check_digit is False:
        message += " 검증 숫자는 맞지 않지만 형식이 맞아 개인정보로 봅니다"
        message += " (2020년 10월 이후 발급된 주민등록번호는 검증 숫자가 없습니다)." if cand.type in ("rrn", "arn") else "."
    return Finding(
        rule_id=f"pii.{cand.type}",
        severity=kind.severity,
        start=start,
        end=end,
        text=original,
        message=message,
        suggestion=f"외부로 보내거나 공개하기 전에 지우거나 가리세요 (예: {redact(cand.type, original)}).",
        source="pii",
        extra={
            "type": cand.type,
            "label": kind.label,
            "confidence": round(cand.confidence, 2),
            "check_digit": cand.check_digit,
        },
    )


def redact(pii_type: str, value: str) -> str:
    """A partly hidden form for the suggestion: 900101-1******, 010-****-5678, 홍○○."""
    if pii_type == "name":
        return value[:1] + "○" * (len(value) - 1)
    if pii_type == "address":  # keep the road or 동 name, hide the number and the unit
        return re.sub(r"(?<=\s)(?:산\s?|지하\s?)?\d.*$", "○○", value, flags=re.DOTALL)
    if pii_type == "email":
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if domain else "***"
    positions = [i for i, ch in enumerate(value) if ch.isdigit() or ch.isalpha() and pii_type == "passport"]
    keep = {"rrn": 7, "arn": 7, "card": 4, "phone": 3}.get(pii_type, 0)
    tail = 4 if pii_type in ("phone", "card") else 0
    hidden = set(positions[keep : len(positions) - tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()


class _Exceptions:
    def __init__(self, values: Iterable[str]):
        values = [v for v in values if v and v.strip()]
        self._compact = {_compact(v) for v in values}
        digits = (digits_of(unicodedata.normalize("NFKC", v)) for v in values)
        self._digits = {d for d in digits if len(d) >= 7}

    def covers(self, pii_type: str, value: str) -> bool:
        if _compact(value) in self._compact:
            return True
        return pii_type in _NUMERIC and digits_of(value) in self._digits


_CONTACT_LINE = re.compile(
    r"^[ \t]*(?:[|□○◦∙•*▶◆■-][ \t]*)?(?:담당[ \t]*부서|담당[ \t]*공무원|담당자|담당|책임자|연락처|문의(?:처)?|☎|전화|TEL\b)",
    re.IGNORECASE,
)
_CONTACT_TABLE = re.compile(r"담당|책임자|연락처")


def contact_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines that form a 담당 (contact) block or table."""
    spans: list[tuple[int, int]] = []
    lines, pos = [], 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, pos + len(line), line))
        pos += len(line)
    i = 0
    while i < len(lines):
        start, end, line = lines[i]
        if line.lstrip().startswith("|"):  # a Markdown table: all rows or none
            j = i
            while j < len(lines) and lines[j][2].lstrip().startswith("|"):
                j += 1
            table = lines[i:j]
            if any(_CONTACT_TABLE.search(row[2]) for row in table):
                spans.extend((s, e) for s, e, _ in table)
            i = j
            continue
        if _CONTACT_LINE.match(line) or "☎" in line:
            spans.append((start, end))
        i += 1
    return spans


def _exempt_in_block(cand: Candidate, value: str, blocks: list[tuple[int, int]]) -> bool:
    if not any(s <= cand.start and cand.end <= e for s, e in blocks):
        return False
    if cand.type == "phone":
        return not is_mobile(value)
    return cand.type in ("name", "email")


def profile_exceptions(profile) -> list[str]:
    """Officials' names and office numbers from a city profile (for ``exceptions=``)."""
    org, contact = profile.organization, profile.default_contact
    values = [org.head_name, contact.head_name, contact.officer_name, contact.phone]
    values.extend(d.phone for d in profile.departments)
    return [v for v in values if v and v.strip()]


@dataclass(frozen=True)
class Masked:
    text: str
    mapping: dict[str, str]  # placeholder → original text, e.g. {"[전화1]": "010-1234-5678"}
    findings: list[Finding] = field(default_factory=list)


def _value_key(pii_type: str, value: str) -> str:
    if pii_type in _NUMERIC or pii_type == "ip":
        return digits_of(unicodedata.normalize("NFKC", value)) or _compact(value)
    return _compact(value)


def mask_pii(text: str, *, exceptions: Iterable[str] = (), exempt_contacts: bool = False) -> Masked:
    """Replace personal data with typed placeholders; the same value gets the same placeholder."""
    findings = find_pii(text, exceptions=exceptions, exempt_contacts=exempt_contacts)
    taken = {_canonical(m) for m in _PLACEHOLDER.finditer(text)}  # never reuse one the text already has
    counters: dict[str, int] = {}
    by_value: dict[tuple[str, str], str] = {}
    mapping: dict[str, str] = {}
    out, pos = [], 0
    for f in findings:
        key = (f.extra["type"], _value_key(f.extra["type"], f.text))
        placeholder = by_value.get(key)
        if placeholder is None:
            stem = PII_TYPES[f.extra["type"]].placeholder
            while True:
                counters[stem] = counters.get(stem, 0) + 1
                placeholder = f"[{stem}{counters[stem]}]"
                if placeholder not in taken:
                    break
            by_value[key] = placeholder
            mapping[placeholder] = f.text
        out.append(text[pos : f.start])
        out.append(placeholder)
        pos = f.end
    out.append(text[pos:])
    return Masked("".join(out), mapping, findings)


_STEMS = "|".join(sorted(map(re.escape, BY_PLACEHOLDER), key=len, reverse=True))
_PLACEHOLDER = re.compile(rf"[\[［]\s*({_STEMS})\s*([0-9０-９]{{1,6}})\s*[\]］]", re.IGNORECASE)


def _canonical(m: re.Match) -> str:
    stem = next((s for s in BY_PLACEHOLDER if s.lower() == m.group(1).lower()), m.group(1))
    return f"[{stem}{int(unicodedata.normalize('NFKC', m.group(2)))}]"


def unmask(text: str, mapping: dict[str, str]) -> str:
    """Put the originals back; tolerant of spaces and full-width brackets inside placeholders."""
    if not mapping:
        return text
    return _PLACEHOLDER.sub(lambda m: mapping.get(_canonical(m), m.group(0)), text)
