"""공문서 표기 checker: dates, times, ranges, money, item markers, 붙임/끝., colons, 제-, law names, foreign words.

Modes decide what applies:
- ``gongmun`` (기안문·시행문): everything, including 금액 한글 병기, 끝. 표시, 들여쓰기, 'N년 N월 N일' dates
  and bare '14시 30분' times.
- ``press`` (보도자료): body text is 기사체, so '3월 27일', '오후 3시' (참고 only) and '5억 원' are accepted;
  no 끝./붙임/항목 checks (보도자료 use □/ㅇ bullets and '참고' appendices).
- ``general``: the rules every official text follows (date/time form, ranges, commas, colons, 제-, 「」, items).

Pure regex and calendar arithmetic: no model, no morphological analyser. Precision first — only forms that are
clearly wrong are reported, and ``safe_fix`` is set only where the correction cannot change the meaning.
"""

from __future__ import annotations

from mokmin.checks.finding import Finding, sort_findings
from mokmin.checks.official_closing import check_attachments, check_end_mark
from mokmin.checks.official_common import MODES, Mode, overlaps, protected_spans
from mokmin.checks.official_dates import check_dates, check_ranges, check_times
from mokmin.checks.official_items import check_items
from mokmin.checks.official_laws import check_law_names
from mokmin.checks.official_marks import check_colons, check_doc_refs, check_foreign, check_prefix_je
from mokmin.checks.official_money import check_money, hangul_reading, parse_hangul_number
from mokmin.errors import InputError

__all__ = ["check_official_style", "hangul_reading", "parse_hangul_number"]


def check_official_style(text: str, *, mode: Mode = "general") -> list[Finding]:
    """Findings for 공문서 표기 problems in ``text`` (NFC; character offsets into the text as given)."""
    if mode not in MODES:
        raise InputError(f"알 수 없는 검사 방식입니다: {mode}", "general, gongmun, press 중 하나를 쓰세요.")
    findings: list[Finding] = []
    findings += check_dates(text, mode)
    findings += check_times(text, mode)
    findings += check_ranges(text)
    findings += check_money(text, mode)
    findings += check_items(text, mode)
    findings += check_colons(text)
    findings += check_doc_refs(text)
    findings += check_prefix_je(text)
    findings += check_law_names(text, mode)
    findings += check_foreign(text, mode)
    if mode != "press":
        findings += check_attachments(text)
    findings += check_end_mark(text, mode)
    protected = protected_spans(text)
    kept = [f for f in findings if not overlaps(f.start, f.end, protected)]
    return _dedupe(sort_findings(kept))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for f in findings:
        key = (f.rule_id, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
