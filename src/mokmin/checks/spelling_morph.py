"""Spelling rules read from kiwi's morphemes: what surface tables cannot decide on their own.

- 되/돼: the stem 되 directly followed by an ending that needs -어 (되요, 되서, 되야, 되도) or by nothing at all
  (안 되., 되 버렸다) is 돼 (되어). Kiwi keeps 되어→돼 contractions as one span, so 돼서/돼요 never fire.
- 않/안: a word-initial 않 glued to 하다 (않하고) is the adverb 안, unless it follows a -지 form.
- -므로써: never correct; the usual intent is -ㅁ으로써 (노력하므로써 → 노력함으로써).
"""

from __future__ import annotations

import re

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.spelling_kiwi import Analysis, Morph

_EO_ENDINGS = {"요", "서", "야", "도", "서요", "야지", "야만", "서야", "서는", "서도", "야죠", "야겠"}
_JI_ENDINGS = ("지", "지는", "지도", "진", "질", "지를", "지만", "지만은", "지조차")
_ANH_HA = re.compile(r"(?<![가-힣])않(?=하[고면지기여게는도며자]|해|했|할|한|함|합)")
_MEURO_SSEO = re.compile(r"([가-힣])므로써")


def _finding(rule: str, start: int, end: int, text: str, message: str, suggestion: str, *,
             safe: bool, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(
        rule_id=f"spelling.{rule}",
        severity=severity,
        start=start,
        end=end,
        text=text[start:end],
        message=message,
        suggestion=suggestion,
        source="spelling",
        safe_fix=safe,
        extra={"engine": "kiwi"},
    )


def _doe_dwae(text: str, analysis: Analysis) -> list[Finding]:
    found = []
    morphs = analysis.morphs
    for i, m in enumerate(morphs):
        if m.form != "되" or m.tag not in ("VV", "XSV") or text[m.start : m.end] != "되":
            continue
        nxt: Morph | None = morphs[i + 1] if i + 1 < len(morphs) else None
        if nxt is not None and nxt.start < m.end:
            continue  # contracted with its ending (된, 됐, 돼서): kiwi read a real ending
        glued = nxt is not None and nxt.start == m.end
        if glued and nxt.is_ending and nxt.form in _EO_ENDINGS:
            found.append(_finding(
                "doe-dwae", m.start, m.end, text,
                f"'되{nxt.form}'는 '되어{nxt.form}'의 준말이므로 '돼{nxt.form}'로 적습니다.",
                "돼", safe=True,
            ))
        elif nxt is None or not nxt.is_ending:
            # a bare stem: 안 되. / 되 버렸다 — the -어 is missing
            after = text[m.end : m.end + 1]
            if after and after not in " .!?,\n" and not (nxt is not None and nxt.tag == "VX"):
                continue
            found.append(_finding(
                "doe-dwae", m.start, m.end, text,
                "어간 '되'만으로는 문장을 끝내거나 보조 용언을 이을 수 없습니다. '되어'의 준말 '돼'로 적습니다.",
                "돼", safe=nxt is None or nxt.tag in ("SF", "VX"),
            ))
    return found


def _anh_to_an(text: str, analysis: Analysis) -> list[Finding]:
    found = []
    for m in _ANH_HA.finditer(text):
        before = text[: m.start()].rstrip()
        prev = before.split()[-1] if before.split() else ""
        if prev.endswith(_JI_ENDINGS):
            continue
        found.append(_finding(
            "an-anh", m.start(), m.end(), text,
            "부정 부사는 '안'입니다. '않'은 '-지 않다'에만 씁니다. '안'은 뒷말과 띄어 씁니다.",
            "안 ", safe=True,
        ))
    return found


def _meuro_sseo(text: str) -> list[Finding]:
    found = []
    for m in _MEURO_SSEO.finditer(text):
        pre = m.group(1)
        code = ord(pre) - 0xAC00
        if pre == "으":
            suggestion, start = "음으로써", m.start()
        elif code % 28 == 0:
            suggestion, start = chr(ord(pre) + 16) + "으로써", m.start()  # 하 → 함
        else:
            continue
        found.append(_finding(
            "meuro-sseo", start, m.end(), text,
            "'-므로'(까닭)에는 '써'가 붙지 않습니다. 수단을 뜻하면 '-ㅁ으로써', 까닭이면 '-므로'로 적습니다.",
            suggestion, safe=False, severity=Severity.WARNING,
        ))
    return found


def morphology_findings(text: str, analysis: Analysis) -> list[Finding]:
    return [*_doe_dwae(text, analysis), *_anh_to_an(text, analysis), *_meuro_sseo(text)]
