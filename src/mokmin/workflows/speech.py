"""Drafting 인사말·축사·기념사 from a brief: a formal skeleton, a few model sentences, every fact checked.

The skeleton (호칭, 인사, 감사, 당부, 맺음, 날짜와 연설자) is built from the brief and the city profile. The model
writes only the 행사 의미 and 다짐 sentences, in 하십시오체; a sentence that states a fact the brief lacks
(행사명, 날짜, 숫자, 이름, 기관) or is not in the formal register is dropped and shown with its reasons.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from mokmin.checks.factlock import check_factlock
from mokmin.checks.finding import Finding, Severity, sort_findings
from mokmin.checks.support import Support
from mokmin.errors import InputError
from mokmin.guard.audit import audited
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.profile import CityProfile
from mokmin.text.dates import find_dates
from mokmin.text.korean import josa, nfc
from mokmin.workflows.plan_brief import (as_list, as_text, check_korean, detect_format, load_brief_text, map_fields,
                                         read_fields)
from mokmin.workflows.plan_judge import FACT_RULES, QUOTE_MARK, RemovedLine, fact_rejections, is_repeat, sentences_of
from mokmin.workflows.prompts import prompt_id, render_messages
from mokmin.workflows.reviewable import Reviewable

KINDS: tuple[str, ...] = ("인사말", "축사", "기념사")
MAX_MEANING, MAX_RESOLVE = 3, 2
FORMAL_END = re.compile(r"(니다|십시오|시오|시다|옵니다)[.!]?$")
_PART_LINE = re.compile(r"^\s*(?:[-*•]\s*)?\**(의미|다짐)\**\s*[:：]\s*(.*?)\s*$")

SPEECH_KEYS = {
    "종류": "kind", "kind": "kind",
    "행사명": "event", "행사": "event", "event": "event",
    "일시": "when", "날짜": "when", "when": "when",
    "장소": "where", "where": "where",
    "주최": "host", "host": "host",
    "연설자": "speaker", "발표자": "speaker", "speaker": "speaker",
    "청중": "audience", "호칭": "audience", "audience": "audience",
    "귀빈": "guests", "내빈": "guests", "guests": "guests",
    "행사 내용": "content", "내용": "content", "의미": "content", "행사 의미": "content", "content": "content",
    "감사": "thanks", "thanks": "thanks",
    "당부": "wishes", "다짐": "wishes", "당부·다짐": "wishes", "wishes": "wishes",
}
SPEECH_ALLOWED = "종류, 행사명, 일시, 장소, 주최, 연설자, 청중, 귀빈, 행사 내용, 감사, 당부"


class SpeechBrief(BaseModel):
    model_config = ConfigDict(extra="forbid")

    raw_text: str = ""
    kind: str = ""
    event: str = ""
    when: str = ""
    where: str = ""
    host: str = ""
    speaker: str = ""
    audience: str = ""
    guests: list[str] = Field(default_factory=list)
    content: list[str] = Field(default_factory=list)
    thanks: list[str] = Field(default_factory=list)
    wishes: list[str] = Field(default_factory=list)

    def support_text(self) -> str:
        parts = [self.raw_text, self.event, self.when, self.where, self.host, self.speaker, self.audience,
                 *self.guests, *self.content, *self.thanks, *self.wishes]
        return "\n".join(nfc(p) for p in parts if p)


def parse_speech_brief(text: str, *, path: Path | None = None, origin: str = "브리프") -> SpeechBrief:
    """A speech brief from YAML/TOML, ``항목: 값`` lines, or free text (then every line is 행사 내용)."""
    text = check_korean(text)
    fmt = detect_format(path, text, SPEECH_KEYS)
    if fmt == "free":
        raise InputError(
            "연설문 브리프에는 최소한 '행사명' 항목이 있어야 합니다.",
            "예: 행사명: 제20회 시민의 날 기념식 (예제: src/mokmin/data/examples/speech_brief.yaml)",
        )
    data = map_fields(read_fields(text, fmt, origin), SPEECH_KEYS, SPEECH_ALLOWED, origin)
    brief = SpeechBrief(
        kind=as_text(data.get("kind")), event=as_text(data.get("event")), when=as_text(data.get("when")),
        where=as_text(data.get("where")), host=as_text(data.get("host")), speaker=as_text(data.get("speaker")),
        audience=as_text(data.get("audience")), guests=as_list(data.get("guests")),
        content=as_list(data.get("content")), thanks=as_list(data.get("thanks")), wishes=as_list(data.get("wishes")),
    )
    brief.raw_text = text if fmt == "lines" else brief.support_text()
    if not brief.event:
        raise InputError(f"브리프에 '행사명'이 없습니다 ({origin}).", "예: 행사명: 제20회 시민의 날 기념식")
    return brief


def read_speech_brief(path: Path) -> SpeechBrief:
    return parse_speech_brief(load_brief_text(path), path=path, origin=str(path))


def resolve_kind(kind: str | None, brief: SpeechBrief) -> str:
    chosen = (kind or brief.kind or "인사말").strip()
    if chosen not in KINDS:
        raise InputError(f"알 수 없는 연설문 종류입니다: {chosen}", f"{', '.join(KINDS)} 중 하나를 고르세요.")
    return chosen


@dataclass
class Speech:
    kind: str
    event: str
    paragraphs: list[tuple[str, str]]  # (part, text); part "model" marks the model's sentences
    signature: list[str]
    disclosure: str = ""

    @property
    def title(self) -> str:
        return f"{self.event} {self.kind}"

    def render(self) -> tuple[str, list[tuple[int, int, str]]]:
        out, spans, pos = [], [], 0
        for part, text in [("title", self.title), *self.paragraphs, *(("signature", s) for s in self.signature),
                           *([("disclosure", self.disclosure)] if self.disclosure else [])]:
            spans.append((pos, pos + len(text), part))
            out.append(text + "\n\n")
            pos += len(text) + 2
        return "".join(out).rstrip() + "\n", spans

    def to_text(self) -> str:
        return self.render()[0]


@dataclass
class SpeechDraft(Reviewable):
    text: str
    speech: Speech
    findings: list[Finding]
    removed: list[RemovedLine]
    backend: str
    prompt_id: str
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    timings: dict[str, float] = field(default_factory=dict)


def speaker_line(brief: SpeechBrief, profile: CityProfile) -> str:
    """Who speaks: the brief's 연설자, else the head of the organisation (당진시 + 시장 → 당진시장 오성환)."""
    if brief.speaker:
        return brief.speaker
    org = profile.organization
    if not (org.head_title and org.head_name):
        return ""
    office = (org.name[:-1] + org.head_title if org.head_title.startswith(org.name[-1:])
              else f"{org.name} {org.head_title}")
    return f"{office} {org.head_name}"


def build_skeleton(brief: SpeechBrief, kind: str, profile: CityProfile, meaning: list[str], resolve: list[str]) -> Speech:
    event = brief.event
    audience = brief.audience or "내빈 여러분"
    if not audience.endswith("여러분"):
        audience += " 여러분"
    guests = ", ".join(brief.guests)
    address = f"존경하는 {guests}, 그리고 {audience}!" if guests else f"존경하는 {audience}!"
    speaker = speaker_line(brief, profile)
    greeting = [f"반갑습니다. {speaker}입니다." if speaker else "반갑습니다."]
    if kind == "축사":
        greeting.append(f"{josa(event, '을/를')} 진심으로 축하드립니다.")
    elif kind == "기념사":
        greeting.append(f"뜻깊은 {josa(event, '을/를')} 맞아 이 자리에 함께해 주신 모든 분께 감사드립니다.")
    else:
        greeting.append(f"{event}에 함께해 주신 여러분을 진심으로 환영합니다.")
    paragraphs = [("address", address), ("greeting", " ".join(greeting))]
    if meaning:
        paragraphs.append(("model", " ".join(meaning)))
    thanks = [f"{t}께 깊이 감사드립니다." if t.endswith(("님", "여러분")) else f"{t} 여러분께 깊이 감사드립니다."
              for t in brief.thanks] or ["이 자리를 함께해 주신 모든 분께 감사드립니다."]
    paragraphs.append(("thanks", " ".join(thanks)))
    wishes = [w if w.endswith((".", "!")) else w + "." for w in brief.wishes]
    if wishes:
        paragraphs.append(("wishes", " ".join(wishes)))
    if resolve:
        paragraphs.append(("model", " ".join(resolve)))
    closing = {"축사": f"다시 한번 {josa(event, '을/를')} 축하드리며, ",
               "기념사": f"다시 한번 {josa(event, '을/를')} 기념하며, "}.get(kind, "")
    paragraphs.append(("closing", f"{closing}여러분의 가정에 건강과 행복이 늘 함께하기를 기원합니다. 감사합니다."))
    dates = find_dates(brief.when)
    signature = [s for s in (dates[0].text if dates else "", speaker) if s]
    return Speech(kind, event, paragraphs, signature, profile.ai_disclosure)


@audited("speech")
def draft_speech(
    brief: SpeechBrief,
    profile: CityProfile,
    backend: Backend,
    *,
    kind: str | None = None,
    options: GenerationOptions | None = None,
    on_token: Callable[[str], None] | None = None,
) -> SpeechDraft:
    kind = resolve_kind(kind, brief)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    support = Support.build("\n".join((brief.support_text(), profile.support_text(), speaker_line(brief, profile))))
    skeleton = build_skeleton(brief, kind, profile, [], [])
    messages = render_messages(
        "speech_body", kind=kind, organization=profile.organization.name, event=brief.event, when=brief.when,
        where=brief.where, host=brief.host, content=brief.content, n_meaning=MAX_MEANING, n_resolve=MAX_RESOLVE,
    )
    t = time.perf_counter()
    pieces = []
    for piece in backend.stream(messages, options or GenerationOptions(temperature=0.0, max_tokens=220)):
        pieces.append(piece)
        if on_token:
            on_token(piece)
    timings["generate_s"] = time.perf_counter() - t
    existing = [text for _, text in skeleton.paragraphs]
    meaning, resolve, removed = judge_speech("".join(pieces), support, existing)
    speech = build_skeleton(brief, kind, profile, meaning, resolve)
    text, spans = speech.render()
    t = time.perf_counter()
    findings = check_speech(text, spans, support, profile)
    timings["check_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0
    return SpeechDraft(text, speech, findings, removed, backend.name, prompt_id("speech_body"), timings=timings)


def judge_speech(output: str, support: Support, existing: list[str]) -> tuple[list[str], list[str], list[RemovedLine]]:
    """Split the model's ``의미:``/``다짐:`` parts into sentences and keep the ones that pass."""
    parts: dict[str, list[str]] = {"의미": [], "다짐": []}
    current = "의미"
    for line in output.splitlines():
        m = _PART_LINE.match(line)
        if m:
            current, line = m.group(1), m.group(2)
        parts[current].extend(sentences_of(line))
    kept: dict[str, list[str]] = {"의미": [], "다짐": []}
    removed: list[RemovedLine] = []
    limits = {"의미": MAX_MEANING, "다짐": MAX_RESOLVE}
    for part, sentences in parts.items():
        for sentence in sentences:
            reasons = speech_rejections(sentence, support, existing + kept["의미"] + kept["다짐"])
            if not reasons and len(kept[part]) >= limits[part]:
                reasons = ["문장 수 한도 초과"]
            if reasons:
                removed.append(RemovedLine(f"[{part}] {sentence}", reasons))
            else:
                kept[part].append(sentence)
    return kept["의미"], kept["다짐"], removed


def speech_rejections(sentence: str, support: Support, existing: list[str]) -> list[str]:
    reasons = []
    if not FORMAL_END.search(sentence.strip()):
        reasons.append("연설문 격식체(~습니다)가 아님")
    if QUOTE_MARK.search(sentence):
        reasons.append("모델이 쓴 인용문")
    reasons += fact_rejections(sentence, support)
    if len(sentence) > 150:
        reasons.append("문장이 너무 김 (150자 이내)")
    if is_repeat(sentence, existing):
        reasons.append("앞 문장과 같은 내용의 반복")
    return list(dict.fromkeys(reasons))


def check_speech(text: str, spans: list[tuple[int, int, str]], support: Support, profile: CityProfile) -> list[Finding]:
    """Facts (dates, numbers, names, titles, quotes) everywhere; proofreading and bias on the speech body."""
    body = [(s, e) for s, e, part in spans if part not in ("signature", "disclosure")]
    findings = [f for f in check_factlock(text, support, body) if f.rule_id in FACT_RULES]
    from mokmin.workflows.plan import writing_findings

    findings += writing_findings(text, [(s, e) for s, e, part in spans if part not in ("title", "signature",
                                                                                          "disclosure")], profile)
    return sort_findings(findings)
