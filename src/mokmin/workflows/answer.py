"""Answering from the city's documents: retrieve, prompt small, stream, then verify every citation."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mokmin.checks.anchoring import QuestionAnchor, question_terms
from mokmin.checks.citations import CITATION_RE, attribute_citations, check_answer, repair_citations
from mokmin.checks.finding import Finding, Severity
from mokmin.errors import InputError
from mokmin.guard.audit import audited
from mokmin.guard.injection import REFUSAL, neutralise, quarantine_passages, screen_question
from mokmin.guard.output_screen import screen_answer, staff_texts
from mokmin.knowledge.types import Audience, Passage
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.profile import CityProfile, Department
from mokmin.text.korean import split_sentences
from mokmin.workflows.prompts import prompt_id, render_messages

NOT_FOUND = "제공된 문서에서 답을 찾지 못했습니다."
MAX_QUESTION_CHARS = 1000
PASSAGES_IN_PROMPT = 3
PASSAGE_CHARS = 420
DISTRACTOR_GAP = 0.4


@dataclass
class Answer:
    question: str
    text: str
    passages: list[Passage]  # numbered [1]..[n] as shown to the model
    findings: list[Finding]
    refused: bool
    closest: list[Passage] = field(default_factory=list)
    department: Department | None = None
    backend: str = ""
    prompt_id: str = ""
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    timings: dict[str, float] = field(default_factory=dict)
    disclosure: str = ""  # the profile's AI-disclosure line, set on every generated (not refused) answer

    def cited(self) -> list[int]:
        return sorted({int(n) for n in CITATION_RE.findall(self.text) if 1 <= int(n) <= len(self.passages)})


def coverage(terms: list[str], passages: list[Passage]) -> float:
    """Share of the question's content terms that appear in the passages taken together."""
    if not terms:
        return 0.0
    hay = " ".join(p.title + " " + p.heading + " " + p.text for p in passages).lower()
    return sum(1 for t in terms if t in hay) / len(terms)


def best_coverage(terms: list[str], passages: list[Passage]) -> float:
    """The highest coverage of the question's terms by any single passage.

    The gate before the model: an answer needs one passage that speaks of most of what was asked. On KorQuAD
    with the gold paragraph removed (near-topic passages that do not answer), a single passage covering half the
    terms let 57% of such questions through against 81% for the three passages pooled, at 1.2% false refusals
    of answerable questions (0.7% pooled); see bench/bench_kb.py --calibrate.
    """
    return max((coverage(terms, [p]) for p in passages), default=0.0)


def without_distractors(terms: list[str], passages: list[Passage]) -> list[Passage]:
    """Drop the passages that cover far fewer of the question's terms than the best one does.

    A small model given a near-topic passage takes its answer from there too often. On KorQuAD dev (600
    questions) a gap of 0.4 shows 1.98 passages instead of 3 and loses the gold passage for 1 question of 585
    (0.2%); a gap of 0.3 would lose 3.
    """
    best = best_coverage(terms, passages)
    return [p for p in passages if coverage(terms, [p]) >= best - DISTRACTOR_GAP - 1e-9]


def validate_question(question: str) -> str:
    question = question.strip()
    if not question:
        raise InputError("질문이 비어 있습니다.", "찾고 싶은 내용을 문장으로 적어 주세요. 예: \"청년 월세 지원 대상은?\"")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(
            f"질문이 너무 깁니다 ({len(question):,}자).",
            f"{MAX_QUESTION_CHARS:,}자 이내로 줄여 주세요. 긴 문서를 요약하려면 mokmin summarize 파일을 쓰세요.",
        )
    return question


def focus(passage: Passage, terms: list[str], limit: int = PASSAGE_CHARS) -> str:
    """Keep the passage's sentences that share most terms with the question (in original order)."""
    text = passage.text
    if len(text) <= limit:
        return text
    spans = split_sentences(text)
    scored = sorted(
        range(len(spans)),
        key=lambda i: -sum(1 for t in terms if t in text[spans[i][0] : spans[i][1]].lower()),
    )
    chosen, used = [], 0
    for i in scored:
        s, e = spans[i]
        if used + (e - s) > limit and chosen:
            continue
        chosen.append(i)
        used += e - s
    return " ".join(text[spans[i][0] : spans[i][1]] for i in sorted(chosen))


def route_department(question: str, profile: CityProfile) -> Department | None:
    """The profile department whose duties share most words with the question."""
    terms = set(question_terms(question))
    best, best_score = None, 0
    for dept in profile.departments:
        words = set(question_terms(dept.name + " " + dept.duties))
        score = len(terms & words)
        if score > best_score:
            best, best_score = dept, score
    return best


@audited("answer")
def answer_question(
    question: str,
    search: Callable[[str, int, Audience], list[Passage]],
    backend: Backend,
    profile: CityProfile,
    *,
    audience: Audience = "staff",
    min_coverage: float = 0.5,
    options: GenerationOptions | None = None,
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    question = validate_question(question)
    threats = screen_question(question)
    if threats:  # an injection attempt: refused before any search or model call
        return Answer(question, REFUSAL, [], threats, True, backend=backend.name, prompt_id=prompt_id("answer"))
    timings: dict[str, float] = {}
    t = time.perf_counter()
    hits = search(question, 8, audience)
    hits = [p for p in hits if audience == "staff" or p.audience == "public"]  # the scope is checked, not trusted
    timings["search_s"] = time.perf_counter() - t
    terms = question_terms(question)
    top, quarantined, guard_findings = quarantine_passages(hits[:PASSAGES_IN_PROMPT])
    if not top or best_coverage(terms, top) < min_coverage:
        return _refusal(question, hits, profile, backend, timings)
    shown = [_with_text(p, focus(p, terms)) for p in without_distractors(terms, top)]
    messages = render_messages(
        "answer", question=neutralise(question),
        passages=[{"location": p.location(), "text": p.text} for p in shown],
    )
    t = time.perf_counter()
    pieces = []
    for piece in backend.stream(messages, options or GenerationOptions(temperature=0.0, max_tokens=220)):
        pieces.append(piece)
        if on_token:
            on_token(piece)
    timings["generate_s"] = time.perf_counter() - t
    text = _clean("".join(pieces))
    if NOT_FOUND[:12] in text or not _has_content(text):
        return _refusal(question, hits, profile, backend, timings)
    t = time.perf_counter()
    text, corrections = repair_citations(text, shown, question)
    text, auto = attribute_citations(text, shown, question)
    timings["auto_citations"] = float(auto)
    findings = check_answer(text, shown, question) + corrections
    screened = screen_answer(text, findings, shown, instructions=messages[0].content, question=question,
                             removed=quarantined, staff=staff_texts(search, text) if audience == "public" else ())
    timings["check_s"] = time.perf_counter() - t
    if screened.withheld:  # the model was steered (prompt, staff text, injected content): show none of it
        refusal = _refusal(question, hits, profile, backend, timings)
        refusal.findings = guard_findings + screened.breaches
        return refusal
    text, findings = screened.text, screened.findings + guard_findings + writing_bias(text)
    if not _has_supported_sentence(text, findings, QuestionAnchor.build(question, [])):
        # nothing the model wrote is backed by the passages: say so instead of showing a guess (and do not
        # repeat it in the finding either: it may hold what must not be shown)
        refusal = _refusal(question, hits, profile, backend, timings)
        refusal.findings = [Finding("answer.withheld", Severity.INFO, 0, 0, "",
                                    "모델의 답이 자료로 확인되지 않아 보여 주지 않았습니다.", None,
                                    "citations")] + guard_findings
        return refusal
    return Answer(question, text, shown, findings, False, backend=backend.name, prompt_id=prompt_id("answer"),
                  timings=timings, disclosure=profile.ai_answer_disclosure)


def writing_bias(text: str) -> list[Finding]:
    """Discriminatory expressions and social-bias judgements in a generated answer (warnings for the reader)."""
    from mokmin.checks.bias import check_bias
    from mokmin.checks.discrimination import check_discrimination

    return check_discrimination(text) + check_bias(text)


def _has_content(text: str) -> bool:
    """Something besides citation marks and punctuation (the small model sometimes answers just "[2]")."""
    return bool(re.search(r"\w", CITATION_RE.sub("", text)))


def _has_supported_sentence(text: str, findings: list[Finding], anchor: QuestionAnchor) -> bool:
    """At least one sentence carries a valid citation, no error, and says something the question did not.

    "방탄소년단 [1]" in answer to a question about 방탄소년단 only repeats the question: it is no answer.
    """
    bad_spans = [(f.start, f.end) for f in findings if f.severity is Severity.ERROR or f.rule_id == "answer.uncited"]
    for s, e in split_sentences(text):
        sentence = text[s:e]
        if (CITATION_RE.search(sentence) and not any(a < e and s < b for a, b in bad_spans)
                and anchor.claim_terms(CITATION_RE.sub("", sentence))[0]):
            return True
    return False


def _refusal(question, hits, profile, backend, timings) -> Answer:
    dept = route_department(question, profile)
    return Answer(question, NOT_FOUND, [], [], True, closest=hits[:3], department=dept, backend=backend.name,
                  prompt_id=prompt_id("answer"), timings=timings)


def _with_text(p: Passage, text: str) -> Passage:
    from dataclasses import replace

    return replace(p, text=text)


def _clean(text: str) -> str:
    text = text.strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text


def unsupported_sentences(answer: Answer) -> list[Finding]:
    return [f for f in answer.findings if f.severity is Severity.ERROR]
