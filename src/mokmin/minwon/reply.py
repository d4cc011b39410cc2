"""A reply draft in the usual numbered form, grounded in past official answers and the knowledge base.

The form is fixed and written by code: ``1.`` restates what the citizen asked (from the masked complaint),
the middle item is the review result, and the last item names the department to contact. The model writes
only the review result, from the official answers to similar past complaints and public knowledge-base
passages. Each of its sentences is fact-locked (:mod:`mokmin.checks.factlock`) against those sources, the
complaint and the city profile: a sentence with an unsupported date, number, phone, name or term is removed and
reported with its reasons; if nothing survives, the item is a visible 【입력 필요: 검토 결과】 gap for the official.
A complaint that tries to instruct the model is not sent to it at all.

The draft is for an official to edit and approve (:mod:`mokmin.minwon.desk`); nothing here sends anything.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from mokmin.checks.factlock import check_factlock
from mokmin.checks.finding import Finding, Severity
from mokmin.checks.pii import find_pii
from mokmin.checks.support import Support
from mokmin.guard.audit import audited
from mokmin.guard.injection import neutralise, screen_question
from mokmin.knowledge.types import Passage
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.minwon.store import PastComplaint
from mokmin.press.document import placeholder
from mokmin.profile import CityProfile, Department
from mokmin.text.korean import josa, split_sentences
from mokmin.workflows.prompts import prompt_id, render_messages

PROMPT = "minwon_reply"
ANSWER_CHARS = 500  # of each past answer in the prompt (every 100 tokens cost ~1 s on the embedded model)
PASSAGE_CHARS = 350
# Procedural words of any reply: they describe handling, not facts, so the fact lock must not flag them.
PROCEDURAL = ("민원 검토 결과 현장 확인 조치 처리 안내 협조 양해 불편 담당 부서 관련 규정 법령 계획 예정 노력 신속 최선 "
              "요청 신고 접수 점검 단속 개선 시민 귀하 말씀 내용 사항 해당 지역 조속 지속 관리 감독 계도 안전 "
              "부탁 이해 향후 추후 검토 후 결과 통보 회신 공무원 주무관 관계 기관 업무")


@dataclass
class RemovedSentence:
    text: str
    reasons: list[str]


@dataclass
class ReplyDraft:
    text: str
    findings: list[Finding]
    removed: list[RemovedSentence] = field(default_factory=list)
    answers: list[PastComplaint] = field(default_factory=list)  # past answers shown to the model
    passages: list[Passage] = field(default_factory=list)
    disclosure: str = ""
    backend: str = ""
    prompt_id: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    kept: int = 0  # model sentences kept

    def to_dict(self) -> dict:
        return {
            "text": self.text, "disclosure": self.disclosure, "kept": self.kept,
            "removed": [{"text": r.text, "reasons": r.reasons} for r in self.removed],
            "findings": [f.to_dict() for f in self.findings],
            "answers": [{"id": a.id, "title": a.title, "department": a.department} for a in self.answers],
            "passages": [{"doc_id": p.doc_id, "chunk_id": p.chunk_id, "location": p.location()} for p in self.passages],
            "backend": self.backend, "prompt_id": self.prompt_id, "timings": self.timings,
        }


def subject_of(complaint: str, title: str = "", limit: int = 30) -> str:
    """What the complaint is about, for item 1: its title, else its first sentence, cut short."""
    text = " ".join((title or complaint).split())
    spans = split_sentences(text)
    if spans and not title:
        text = text[spans[0][0] : spans[0][1]]
    text = text.rstrip(".?!。 ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def frame(complaint: str, title: str, department: Department | None, profile: CityProfile) -> tuple[str, str]:
    """The fixed first and last items around the review result."""
    subject = subject_of(complaint, title)
    head = f"1. 귀하께서 제출하신 민원(「{subject}」)에 대한 검토 결과를 다음과 같이 알려 드립니다."
    if department:
        where = f"{profile.organization.name} {department.name}".strip()
        if department.phone:
            where += f"(☎ {department.phone})"
        where = josa(where, "으로/로")
    else:
        where = f"{placeholder('담당 부서')}로"
    tail = f"답변 내용에 대하여 궁금하신 사항은 {where} 문의하여 주시면 친절히 안내해 드리겠습니다."
    return head, tail


def support_for(complaint: str, title: str, answers: Sequence[PastComplaint], passages: Sequence[Passage],
                department: Department | None, profile: CityProfile) -> Support:
    parts = [title, complaint, profile.support_text(), PROCEDURAL]
    parts += [f"{a.title}\n{a.text}\n{a.answer}" for a in answers]
    parts += [p.text for p in passages]
    if department:
        parts += [department.name, department.duties, department.phone]
    return Support.build("\n".join(p for p in parts if p))


@audited("minwon_reply")
def draft_reply(
    complaint: str,
    backend: Backend,
    profile: CityProfile,
    *,
    title: str = "",
    department: Department | None = None,
    answers: Sequence[PastComplaint] = (),
    passages: Sequence[Passage] = (),
    max_sentences: int = 3,
    options: GenerationOptions | None = None,
) -> ReplyDraft:
    """Draft a reply to a (masked) complaint. ``answers``: similar past complaints with official answers."""
    answers = [a for a in answers if a.answer.strip()]
    head, tail = frame(complaint, title, department, profile)
    timings: dict[str, float] = {}
    threats = screen_question(complaint)
    removed: list[RemovedSentence] = []
    kept: list[tuple[str, list[Finding]]] = []
    if threats:
        findings = [replace(f, message="민원에 모델에게 지시하려는 문장이 있어 모델에 보내지 않았습니다. 직접 작성하세요. "
                            + f.message) for f in threats]
    else:
        findings = []
        messages = render_messages(
            PROMPT, max_sentences=max_sentences, complaint=neutralise(complaint),
            department=department.name if department else "미정",
            answers=[{"complaint": neutralise(_cut(a.title or a.text, 120)), "answer": neutralise(_cut(a.answer, ANSWER_CHARS))}
                     for a in answers],
            passages=[{"location": p.location(), "text": neutralise(_cut(p.text, PASSAGE_CHARS))} for p in passages],
        )
        t = time.perf_counter()
        raw = "".join(backend.stream(messages, options or GenerationOptions(temperature=0.0, max_tokens=220)))
        timings["generate_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        support = support_for(complaint, title, answers, passages, department, profile)
        for sentence in body_sentences(raw)[: max_sentences + 1]:
            problems = check_factlock(sentence, support)
            errors = [f for f in problems if f.severity is Severity.ERROR]
            if errors:
                removed.append(RemovedSentence(sentence, list(dict.fromkeys(f.message for f in errors))))
            else:
                kept.append((sentence, problems))
        timings["check_s"] = round(time.perf_counter() - t, 2)
    body = " ".join(s for s, _ in kept) or placeholder("검토 결과")
    text = f"{head}\n2. {body}\n3. {tail}"
    offset = len(head) + 4
    for sentence, problems in kept:
        findings += [replace(f, start=f.start + offset, end=f.end + offset) for f in problems]
        offset += len(sentence) + 1
    findings += _pii_left(text)
    if removed:
        findings.append(Finding("minwon.removed", Severity.INFO, 0, 0, "",
                                f"근거가 확인되지 않은 모델 문장 {len(removed)}개를 뺐습니다.", None, "minwon"))
    return ReplyDraft(text, findings, removed, list(answers), list(passages), profile.ai_disclosure, backend.name,
                      prompt_id(PROMPT), timings, len(kept))


_LEAD = re.compile(r"^\s*(?:검토\s*결과\s*[:：]?|\d+[.)]|[가-하][.)]|[-•·○□※*])\s*")


def body_sentences(raw: str) -> list[str]:
    """The model's sentences, without item markers, labels, quotes or an "없음"."""
    lines = [_LEAD.sub("", line).strip().strip('"“”') for line in raw.strip().splitlines()]
    text = " ".join(line for line in lines if line)
    if not text or text.rstrip(".") in ("없음", "없습니다"):
        return []
    out = []
    for s, e in split_sentences(text):
        sentence = _LEAD.sub("", text[s:e]).strip()
        if len(sentence) >= 4 and sentence.rstrip(".") != "없음" and "문의하여 주시면" not in sentence:
            out.append(sentence)
    return out


def _pii_left(text: str) -> list[Finding]:
    return [replace(f, severity=Severity.WARNING, message="답변에 개인정보로 보이는 값이 있습니다: " + f.message)
            for f in find_pii(text)]


def _cut(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
