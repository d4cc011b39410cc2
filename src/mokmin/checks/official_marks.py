"""Marks and spacing: label colons, 관련 문서 번호, 제-, Hangul before foreign words and bare 한자."""

from __future__ import annotations

import re

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.official_common import Mode, lines, make

_MARKER = r"(?:\d{1,2}\.|[가-힣]\.|\d{1,2}\)|[가-힣]\)|\(\d{1,2}\)|\([가-힣]\)|[①-⑳㉮-㉻□■○●◦ㅇ·\-*※▪▸])"
LABEL_COLON = re.compile(
    rf"^[ \u3000]*(?:{_MARKER}[ \u3000]*)?(?P<label>[^\s:：\d][^:：\n]{{0,14}}?)(?P<before>[ \u3000]*)"
    r"(?P<colon>[:：])(?P<after>[ \u3000]*)(?P<rest>\S.*)?$"
)
INLINE_COLON = re.compile(r"(?<=[가-힣])(?P<before>[ \u3000]+)(?P<colon>:)(?P<after> ?)(?=[\d「(])"
                          r"|(?<=[가-힣])(?P<colon2>:)(?=\d)")
DOC_REF = re.compile(r"(?P<dept>[가-힣]{2,})(?P<a> *)-(?P<b> *)(?P<num>\d{1,6})(?P<c> *)\((?=\d{4}\. ?\d)")
PREFIX_JE = re.compile(
    r"(?<![가-힣A-Za-z0-9])제(?P<sp>[ \u3000]+)(?P<num>\d+)(?P<sp2> ?)"
    r"(?P<unit>조|항|호|목|차|회|장|절|관|편|기|권|대|단계|부|분기|호선|과|위|종|류|구역)"
)
ABBR_FIRST = re.compile(r"(?<![A-Za-z])(?P<abbr>[A-Z][A-Z&0-9]{1,7})\((?P<ko>[가-힣][가-힣 ·]{0,20})\)")
HANJA = re.compile(r"[\u4e00-\u9fff]+")
# abbreviations whose Hangul name is usual in public writing (국립국어원 다듬은 말); conservative on purpose
HANGUL_NAMES = {
    "MOU": "업무 협약",
    "TF": "전담팀",
    "R&D": "연구 개발",
    "SNS": "누리 소통망",
    "KPI": "핵심 성과 지표",
    "ICT": "정보 통신 기술",
    "IoT": "사물 인터넷",
    "FAQ": "자주 묻는 질문",
    "AI": "인공지능",
}


def check_colons(text: str) -> list[Finding]:
    out: list[Finding] = []
    seen: set[int] = set()
    for line in lines(text):
        m = LABEL_COLON.match(line.body)
        if not m or not m.group("rest") or not re.search(r"[가-힣)]$", m.group("label")):
            continue
        if not _is_label(m.group("label")):
            continue
        before, colon, after = m.group("before"), m.group("colon"), m.group("after")
        if before or colon == "：" or not after:
            s, e = line.start + m.end("label"), line.start + m.end("after")
            seen.add(line.start + m.start("colon"))
            out.append(make("colon-spacing", Severity.WARNING, s, e, text,
                            "항목 이름 뒤 쌍점은 앞말에 붙이고 뒤는 한 칸 띄웁니다(예: '일시: 2023. 3. 27.').",
                            "colon", ": " if not after or before else ":" + after, safe=True))
    for m in INLINE_COLON.finditer(text):
        colon_at = m.start("colon") if m.group("colon") else m.start("colon2")
        if colon_at in seen:
            continue
        out.append(make("colon-spacing", Severity.WARNING, m.start(), m.end(), text,
                        "쌍점은 앞말에 붙이고 뒤는 한 칸 띄웁니다.", "colon", ": ", safe=True))
    return out


def _is_label(label: str) -> bool:
    """'일시', '담당 부서', '문의': a short noun phrase, not a clause ('남녀 비율은 청군')."""
    words = label.split()
    return (bool(re.search(r"[가-힣]", label)) and len(words) <= 3
            and not any(re.search(r"(은|는|을|를|에서|으로|에게)$", w) for w in words))


def check_doc_refs(text: str) -> list[Finding]:
    """관련: 총무과-1234(2023. 3. 2.) — no spaces inside the reference."""
    out: list[Finding] = []
    for line in lines(text):
        if "관련" not in line.body:
            continue
        for m in DOC_REF.finditer(line.body):
            if m.group("a") or m.group("b") or m.group("c"):
                s, e = line.start + m.start(), line.start + m.end()
                out.append(make("doc-ref", Severity.WARNING, s, e, text,
                                "관련 문서는 '총무과-1234(2023. 3. 2.)'처럼 띄어 쓰지 않습니다.", "date",
                                f"{m.group('dept')}-{m.group('num')}(", safe=True))
    return out


def check_prefix_je(text: str) -> list[Finding]:
    out = []
    for m in PREFIX_JE.finditer(text):
        fixed = f"제{m.group('num')}{m.group('sp2')}{m.group('unit')}"
        out.append(make("prefix-je", Severity.WARNING, m.start(), m.end(), text,
                        "'제-'는 뒤의 숫자에 붙여 씁니다(예: 제1조, 제2차).", "prefix", fixed, safe=True))
    return out


_OPENERS, _CLOSERS = "([《〈「『", ")]》〉」』"


def _inside_brackets(text: str, pos: int) -> bool:
    """Whether ``pos`` sits inside (…), […], 《…》 … opened earlier on the same line: 보증(保證) is fine."""
    line_start = text.rfind("\n", 0, pos) + 1
    depth = 0
    for ch in text[line_start:pos]:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth:
            depth -= 1
    return depth > 0


def check_foreign(text: str, mode: Mode) -> list[Finding]:
    """Hangul first, the original in parentheses: 업무 협약(MOU). Information only."""
    out: list[Finding] = []
    for m in ABBR_FIRST.finditer(text):
        out.append(make("foreign-order", Severity.INFO, m.start(), m.end(), text,
                        "한글 용어를 먼저 쓰고 외국 글자는 괄호 안에 씁니다.", "foreign",
                        f"{m.group('ko')}({m.group('abbr')})"))
    compact = text.replace(" ", "")
    for abbr, name in HANGUL_NAMES.items():
        if abbr not in text or name.replace(" ", "") in compact:
            continue
        for m in re.finditer(rf"(?<![A-Za-z&(]){re.escape(abbr)}(?![A-Za-z&(])", text):
            out.append(make("foreign-hangul", Severity.INFO, m.start(), m.end(), text,
                            f"'{abbr}'는 처음 쓸 때 한글 용어와 함께 씁니다.", "foreign", f"{name}({abbr})"))
            break
    for m in HANJA.finditer(text):
        if _inside_brackets(text, m.start()):
            continue
        out.append(make("foreign-hanja", Severity.INFO, m.start(), m.end(), text,
                        "한자는 한글로 쓰고, 필요하면 괄호 안에 한자를 씁니다.", "foreign", None))
    return out
