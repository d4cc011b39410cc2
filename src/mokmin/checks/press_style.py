"""보도자료 form and style: title length, boilerplate closings, effect claims, hype, contacts, disclosure,
and sentence style (length, hearsay and hedged endings, tense around the event date)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.support import Support
from mokmin.press.document import PLACEHOLDER_RE
from mokmin.press.layout import ReleaseLayout, Span, parse_layout
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
SENTENCE_WARN, SENTENCE_ERROR = 100, 150
HEARSAY = re.compile(r"(?:(?:라|다|냐|자)고 (?:한다|합니다)|것으로 (?:알려졌|전해졌|알려지고 있)다|(?:다|라)는 후문이다)$")
HEDGE = re.compile(r"(?:듯(?:하다|싶다|합니다|했다|하였다)|것 같다|것 같습니다)$")
QUOTE_VERB = re.compile(r"[\"”](?:라|이라)?고 전했다$")
REPORTING = re.compile(r"(밝혔|말했|전했|강조했|설명했|덧붙였|당부했|약속했|언급했|발표했|소개했|전망했|답했)다$")
PAST_MARKERS = re.compile(r"지난|작년|지난해|전년|그동안|이미|앞서|과거|어제|올해 초|당시")
EVENT_VERBS = re.compile(r"(개최|열|진행|실시|가지|갖|가졌|참석|참여|개막|출범|체결|선정|시작|마련|논의|발표|운영|추진)")


def check_press_style(
    text: str,
    layout: ReleaseLayout,
    support: Support | None = None,
    *,
    title_max: int = 40,
    origin: Origin = "unknown",
    disclosure_text: str = "",
    event_date: dt.date | None = None,
    release_date: dt.date | None = None,
) -> list[Finding]:
    """Form and style of a release whose layout is known; ``event_date`` turns on the tense check."""
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
    sentences = _sentences(text, layout.paragraphs)
    out.extend(_boilerplate(text, layout, support))
    out.extend(_sentence_rules(text, sentences, support))
    out.extend(_sentence_style(text, sentences, event_date, release_date))
    out.extend(_contacts(text, layout))
    out.extend(_disclosure(text, layout, origin, disclosure_text))
    return out


def check_press_sentences(
    text: str, *, event_date: dt.date | None = None, release_date: dt.date | None = None
) -> list[Finding]:
    """Sentence-level 보도자료 style on any text, with or without a release layout.

    Sentence length (over 100 characters a warning, over 150 an error; quotations count), hype words without a
    figure, unsupported effect claims, hearsay and hedged endings, boilerplate closing paragraphs, and — when
    ``event_date`` is given — tense: past tense for an event after ``release_date`` (default: today), '예정이다'
    for one already held.
    """
    layout = parse_layout(text)
    spans = [s for s in (layout.title,) if s] + layout.subtitles + layout.paragraphs
    spans.sort(key=lambda s: s.start)
    sentences = _sentences(text, spans)
    out = _boilerplate(text, ReleaseLayout(paragraphs=spans), None)
    out += _sentence_rules(text, sentences, None)
    out += _sentence_style(text, sentences, event_date, release_date)
    return sorted(out, key=lambda f: (f.start, f.rule_id))


def _sentences(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """Sentence spans (offsets into ``text``) of the given paragraphs, split once per check."""
    out = []
    for span in spans:
        out.extend((s + span.start, e + span.start) for s, e in split_sentences(span.of(text)))
    return out


def _claims(sentence: str) -> bool:
    """Sentences the boilerplate/effect rules already cover (their '…할 것이다' is not flagged twice)."""
    plain = _outside_quotes(sentence)
    return bool(EFFECT.search(plain) or any(p.search(plain) for p in BOILERPLATE))


def _sentence_style(
    text: str, sentences: list[tuple[int, int]], event_date: dt.date | None, release_date: dt.date | None
) -> list[Finding]:
    """Length, hearsay/hedged endings, the quotation verb and tense for every sentence."""
    if event_date is not None and release_date is None:
        release_date = dt.date.today()
    out: list[Finding] = []
    for s, e in sentences:
        sentence = text[s:e]
        out.extend(_length(sentence, s, e))
        plain = _outside_quotes(sentence).rstrip(" .")
        ending = _ending(plain, s)
        if ending and not _claims(sentence):
            out.append(ending)
        if m := QUOTE_VERB.search(sentence.rstrip(" .")):
            said = sentence[m.start() + 1 : m.end()]
            out.append(Finding("press.quote-verb", Severity.INFO, s + m.start() + 1, s + m.end(), said,
                               "인용문은 '…라고 말했다/밝혔다'로 맺습니다('전했다'는 전해 들은 말처럼 읽힙니다).",
                               said.replace("전했다", "말했다"), SOURCE))
        if event_date is not None and release_date is not None and event_date != release_date:
            out.extend(_tense(sentence, plain, s, event_date, release_date))
    return out


def _length(sentence: str, s: int, e: int) -> list[Finding]:
    n = len(sentence)
    if n <= SENTENCE_WARN:
        return []
    severity = Severity.ERROR if n > SENTENCE_ERROR else Severity.WARNING
    return [Finding("press.sentence-length", severity, s, e, sentence,
                    f"문장이 {n}자입니다({SENTENCE_WARN}자 넘으면 경고, {SENTENCE_ERROR}자 넘으면 오류; 인용문 포함).",
                    "한 문장에 한 가지 사실만 담도록 둘 이상으로 나누세요.", SOURCE, extra={"chars": n})]


def _ending(plain: str, s: int) -> Finding | None:
    if m := HEARSAY.search(plain):
        return Finding("press.hearsay", Severity.WARNING, s + m.start(), s + m.end(), m.group(0),
                       "전해 들은 말투입니다. 보도자료는 기관이 확인한 사실을 씁니다.",
                       "출처를 밝혀 '○○은 …라고 밝혔다'로 쓰거나, 확인한 사실이면 '…했다/한다'로 단정하세요.", SOURCE)
    if m := HEDGE.search(plain):
        return Finding("press.hedge", Severity.WARNING, s + m.start(), s + m.end(), m.group(0),
                       "추측하는 말투입니다. 보도자료는 확인한 사실만 씁니다.",
                       "확인한 사실이면 단정하고, 확인하지 못했으면 문장을 빼세요.", SOURCE)
    if (m := re.search(r"(?P<word>[가-힣]+) 것이다$", plain)) and _has_rieul(m.group("word")):
        return Finding("press.hedge", Severity.WARNING, s + m.start(), s + m.end(), m.group(0),
                       "'…ㄹ 것이다'는 추측이나 다짐으로 읽힙니다.",
                       "계획이면 '…할 계획이다/예정이다', 사실이면 '…한다'로 쓰세요.", SOURCE)
    return None


def _has_rieul(word: str) -> bool:
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 == 8


def _tense(sentence: str, plain: str, s: int, event: dt.date, released: dt.date) -> list[Finding]:
    words = plain.split()
    if not words:
        return []
    last = words[-1]
    last_at = s + plain.rfind(last)
    mentions = _mentions_date(sentence, event) or "이날" in plain
    if event > released:
        past = len(last) >= 2 and last.endswith("다") and _has_ssang_siot(last[-2])
        if not past or REPORTING.search(last) or PAST_MARKERS.search(plain):
            return []
        if not (mentions or EVENT_VERBS.search(last)):
            return []
        return [Finding("press.tense", Severity.WARNING, last_at, last_at + len(last), last,
                        f"행사일({event.month}월 {event.day}일)이 배포일보다 뒤인데 지난 일처럼 썼습니다.",
                        _future_form(last), SOURCE)]
    planned = re.search(r"(?P<verb>[가-힣]+) 예정(?:이다|입니다)$", plain)
    if planned and _has_rieul(planned.group("verb")) and mentions:
        at = s + planned.start()
        return [Finding("press.tense", Severity.WARNING, at, s + planned.end(), planned.group(0),
                        f"행사일({event.month}월 {event.day}일)이 지난 뒤 배포하는 자료인데 앞으로의 일처럼 썼습니다.",
                        "지난 일이면 '…했다'로 쓰세요.", SOURCE)]
    return []


def _has_ssang_siot(ch: str) -> bool:
    return "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 == 20


def _future_form(word: str) -> str | None:
    for past, future in (("했다", "할 예정이다"), ("됐다", "될 예정이다"), ("되었다", "될 예정이다"),
                         ("열었다", "열 예정이다"), ("가졌다", "가질 예정이다")):
        if word.endswith(past):
            return word[: -len(past)] + future
    return None


def _mentions_date(sentence: str, d: dt.date) -> bool:
    pattern = (rf"(?<!\d){d.month} ?월 ?{d.day} ?일|(?<![\d.]){d.day} ?일(?![간째])"
               rf"|{d.year}\. ?{d.month}\. ?{d.day}\.")
    return bool(re.search(pattern, sentence))


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


def _sentence_rules(text: str, sentences: list[tuple[int, int]], support: Support | None) -> list[Finding]:
    out = []
    closing: set[tuple[int, int]] = set()
    for s, e in sentences:
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
