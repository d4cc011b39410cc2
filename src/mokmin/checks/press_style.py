"""보도자료 form and style: title length, boilerplate closings, effect claims, hype, contacts, disclosure."""

from __future__ import annotations

import re
from typing import Literal

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.support import Support
from mokmin.press.document import PLACEHOLDER_RE
from mokmin.press.layout import ReleaseLayout
from mokmin.text.korean import split_sentences

SOURCE = "press_style"
Origin = Literal["ai", "human", "unknown"]

QUOTED = re.compile(r"[\"“][^\"”\n]*[\"”]")
BOILERPLATE = [
    re.compile(p)
    for p in (
        r"앞으로도.{0,80}(노력|최선|계획|방침|힘쓰|이바지|기여)",
        r"(기대된다|기대가 된다|예상된다|전망이다|전망된다|보인다)\s*\.?$",
        r"(기여할|이바지할|거듭날|도약할|발돋움할|선도할|자리매김할|성장할) 것(으로|이다)",
        r"첫\s?걸음|초석|다시 한\s?번 확인|의지를 (다졌|확인)|새로운 (장|전기)을 (열|마련)",
        r"(지속적인|적극적인|끊임없는) (노력|논의와 협력|협력|관심)",
        r"(삶의 질 향상|만족도를 극대화|최선의 서비스)",
    )
]
EFFECT = re.compile(r"(것으로 (기대|예상|전망)된다|것으로 보인다|기여할 것|효과가 (클|있을) 것)")
HYPE = re.compile(r"최고|최초|획기적|혁신적|세계적 수준|극대화|선도적|시너지|국내 유일|전국 최대|최상의|명실상부")
FIGURE = re.compile(r"\d")


def check_press_style(
    text: str,
    layout: ReleaseLayout,
    support: Support | None = None,
    *,
    title_max: int = 40,
    origin: Origin = "unknown",
    disclosure_text: str = "",
) -> list[Finding]:
    out: list[Finding] = []
    if layout.title is not None:
        title = layout.title.of(text)
        if len(title) > title_max:
            out.append(Finding("press.title-length", Severity.ERROR, layout.title.start, layout.title.end, title,
                               f"제목이 {len(title)}자입니다. {title_max}자 이내로 줄이세요.",
                               "핵심 사실(누가·무엇을) 하나만 남기고 나머지는 부제로 옮기세요.", SOURCE))
    else:
        out.append(Finding("press.title-missing", Severity.ERROR, 0, 0, "", "제목을 찾을 수 없습니다.",
                           "첫 줄에 제목을 쓰세요.", SOURCE))
    out.extend(_boilerplate(text, layout, support))
    out.extend(_sentence_rules(text, layout, support))
    out.extend(_contacts(text, layout))
    out.extend(_disclosure(text, layout, origin, disclosure_text))
    return out


def _outside_quotes(sentence: str) -> str:
    return QUOTED.sub(lambda m: " " * len(m.group(0)), sentence)


def _boilerplate(text: str, layout: ReleaseLayout, support: Support | None) -> list[Finding]:
    """Closing paragraphs that add nothing: the seed's ChatGPT release ends with several."""
    out = []
    paragraphs = layout.paragraphs
    for span in reversed(paragraphs):
        para = span.of(text)
        plain = _outside_quotes(para)
        if support is not None and support.has_phrase(para):
            break
        if not any(p.search(plain) for p in BOILERPLATE):
            if QUOTED.search(para):  # the head's quotation usually closes a release: look past it
                continue
            break
        out.append(Finding("press.boilerplate-closing", Severity.ERROR, span.start, span.end, para,
                           "사실 없이 다짐·기대만 늘어놓는 상투적인 마무리 문단입니다.",
                           "문단을 삭제하세요. 향후 계획이 있다면 브리프의 구체적 일정·수치로 쓰세요.", SOURCE))
    return sorted(out, key=lambda f: f.start)


def _sentence_rules(text: str, layout: ReleaseLayout, support: Support | None) -> list[Finding]:
    out = []
    closing = set()
    for span in layout.paragraphs:
        for s, e in split_sentences(span.of(text)):
            s, e = s + span.start, e + span.start
            sentence = text[s:e]
            plain = _outside_quotes(sentence)
            if support is not None and support.has_phrase(sentence):
                continue
            if (m := EFFECT.search(plain)) and (s, e) not in closing:
                out.append(Finding("press.unsupported-effect", Severity.WARNING, s + m.start(), s + m.end(),
                                   m.group(0), "근거 없는 기대효과 표현입니다.",
                                   "효과를 뒷받침하는 수치·근거가 브리프에 있을 때만 쓰세요.", SOURCE))
            for m in HYPE.finditer(plain):
                if FIGURE.search(plain) or (support is not None and support.has_word(m.group(0))):
                    continue
                out.append(Finding("press.hype", Severity.WARNING, s + m.start(), s + m.end(), m.group(0),
                                   f"수치나 근거 없는 과장 표현입니다: '{m.group(0)}'.",
                                   "구체적인 수치·출처를 함께 쓰거나 표현을 빼세요.", SOURCE))
    return out


def _contacts(text: str, layout: ReleaseLayout) -> list[Finding]:
    out = []
    for m in PLACEHOLDER_RE.finditer(text):
        what = m.group(1)
        # missing contacts block distribution; a missing quote or release time is the writer's choice
        severity = Severity.WARNING if ("인용" in what or "배포" in what) else Severity.ERROR
        out.append(Finding("press.placeholder", severity, m.start(), m.end(), m.group(0),
                           f"입력이 필요한 자리입니다: {what}. 브리프에 없어 비워 두었습니다.",
                           "배포 전에 실제 값을 채우거나 해당 문장을 지우세요.", SOURCE))
    if not layout.contacts:
        end = len(text.rstrip())
        out.append(Finding("press.contact-missing", Severity.WARNING, end, end, "",
                           "담당 부서·담당자·연락처 표가 없습니다. 배포용 보도자료에는 필요합니다.",
                           "끝에 '담당 부서: ○○과 / 담당자: ○○○ 주무관 (☎ 041-000-0000)'을 넣으세요.", SOURCE))
    return out


def _disclosure(text: str, layout: ReleaseLayout, origin: Origin, disclosure_text: str) -> list[Finding]:
    if layout.disclosure is not None or (disclosure_text and disclosure_text in text) or origin == "human":
        return []
    end = len(text.rstrip())
    severity = Severity.ERROR if origin == "ai" else Severity.WARNING
    return [Finding("press.disclosure-missing", severity, end, end, "",
                    "생성형 AI로 작성한 글이라는 표시가 없습니다(인공지능 기본법: AI 생성물 고지).",
                    disclosure_text or "※ 이 자료는 생성형 인공지능이 작성한 초안을 담당자가 검토한 것입니다.", SOURCE)]
