"""What the model wrote, checked before anyone sees it: the last layer of the injection defence.

A sentence of an answer or a summary is a breach when it

- reproduces the system prompt (character n-grams of the rendered instructions that the passages and the
  question do not contain) — ``injection.output-prompt``;
- repeats what was quarantined from a passage (its exact wording, or a content word or number that only the
  quarantined instruction held), or says what a passage or the question tells its reader to say ("'…'라고
  안내하라", "tell users that …") — ``injection.output-echo``;
- carries staff-only text while the audience is the public (checked against the staff passages that a search
  for the answer itself finds, so a scoping bug upstream still cannot leak) — ``injection.output-staff``;
- is itself an instruction, a role change or talk of other users — ``injection.output-instruction``.

A breach withholds the whole answer (the model was steered; its other sentences are not trusted either).
Sentences that the citation check marks as errors (the passages do not support them) are taken out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from mokmin.checks.citations import CITATION_RE, check_answer
from mokmin.checks.finding import Finding, Severity
from mokmin.checks.support import NUMBER_RE, Support, canonical_number, generic_nouns
from mokmin.guard.injection import SOURCE, scan_instructions
from mokmin.guard.injection_views import normalise
from mokmin.knowledge.types import Passage
from mokmin.text.korean import CONTENT_TAGS, split_sentences, tokenize

NGRAM = 6
PROMPT_GRAMS_SENTENCE = 3  # a sentence with this many instruction-only n-grams repeats the prompt
PROMPT_GRAMS_ANSWER = 6  # … or the whole answer with this many, spread over sentences
STAFF_GRAMS = 4
ECHO_GRAMS = 3
SUMMARY_WITHHELD = "(이 부분의 요약은 보여 주지 않습니다. 모델이 원문 속 지시를 따랐거나 시스템 지시문을 되풀이했습니다.)"
BREACH_MESSAGES = {
    "output-prompt": "답이 시스템 지시문을 되풀이했습니다.",
    "output-echo": "답이 자료나 질문 속 지시문이 시킨 내용을 따랐습니다.",
    "output-staff": "시민용 답에 직원용 문서의 내용이 들어 있었습니다.",
    "output-instruction": "답에 지시문이나 역할 변경, 다른 이용자에 관한 내용이 들어 있었습니다.",
}
_NON_WORD = re.compile(r"[\W_]+")


def _compact(text: str) -> str:
    return _NON_WORD.sub("", normalise(CITATION_RE.sub("", text)))


def grams(text: str, n: int = NGRAM) -> set[str]:
    c = _compact(text)
    return {c[i : i + n] for i in range(len(c) - n + 1)}


_QUOTED_CLAIM = re.compile(
    r"['\"‘’“”「」『』]([^'\"‘’“”「」『』\n]{6,120})['\"‘’“”「」『』]\s*(?:이?라고|이?라는|으?로|를|을|고)\s*[^.!?\n]{0,25}?"
    r"(?:답|대답|응답|안내|말|출력|덧붙|추가|포함|결론|제시|끝내|끝낸|끝맺|마무리|맺|시작|적|쓰|외치|발표|공지|해\s*줘"
    r"|해\s*주세요|해라)")
_TOLD_CLAIM = re.compile(
    r"\b(?:say|reply|respond|answer|state|claim|append|output|write"
    r"|tell\s+(?:users|them|people|everyone|the\s+user)(?:\s+this)?)\s*(?:that\s+|:\s*|['\"“‘])([^.!?\n]{8,120})", re.I)


def instructed_claims(texts: Iterable[str]) -> list[str]:
    """What a text tells its reader to say: "'수수료는 무료'라고 안내하라", "tell users that fees are waived"."""
    claims = []
    for text in texts:
        claims += [m.group(1) for m in _QUOTED_CLAIM.finditer(text)]
        claims += [m.group(1) for m in _TOLD_CLAIM.finditer(text)]
    return [c for c in claims if len(_compact(c)) >= 8]


def _relays(sentence: str, claims: list[str]) -> bool:
    body = _compact(sentence)
    for claim in claims:
        g = grams(claim)
        if _compact(claim) in body or (g and len(g & grams(sentence)) / len(g) >= 0.6):
            return True
    return False


def _echoes(sentence: str, removed: Support, allowed: Support) -> bool:
    """A content word or number of ``sentence`` that only the quarantined text holds."""
    body = CITATION_RE.sub("", sentence)
    generic = generic_nouns()
    for t in tokenize(body):
        if t.tag in CONTENT_TAGS and t.tag != "SN" and len(t.form) > 1 and t.form not in generic:
            if removed.has_word(t.form) and not allowed.has_word(t.form):
                return True
    numbers = {canonical_number(m.group(0)) for m in NUMBER_RE.finditer(body)}
    return bool(numbers & (removed.numbers - allowed.numbers))


@dataclass
class Screened:
    text: str
    findings: list[Finding]
    withheld: bool = False
    breaches: list[Finding] = field(default_factory=list)


def find_breaches(text: str, *, instructions: str, allowed: Iterable[str], removed: Sequence[str] = (),
                  staff: Sequence[str] = ()) -> list[Finding]:
    """Findings (zero-width: the text is not shown) for sentences that must not reach the reader."""
    allowed = list(allowed)
    allowed_grams = set().union(*(grams(a) for a in allowed)) if allowed else set()
    prompt_grams = grams(instructions) - allowed_grams
    echo_grams = set().union(*(grams(r) for r in removed)) - allowed_grams if removed else set()
    staff_grams = set().union(*(grams(s) for s in staff)) - allowed_grams if staff else set()
    allowed_support = Support.build("\n".join(allowed))
    removed_support = Support.build("\n".join(removed)) if removed else None
    claims = instructed_claims(list(allowed) + list(removed))
    kinds: dict[str, int] = {}
    prompt_total: set[str] = set()
    for s, e in split_sentences(text):
        sentence = text[s:e]
        g = grams(sentence)
        prompt_hit = g & prompt_grams
        prompt_total |= prompt_hit
        if len(prompt_hit) >= PROMPT_GRAMS_SENTENCE:
            kinds["output-prompt"] = kinds.get("output-prompt", 0) + 1
        echoed = removed_support is not None and (
            len(g & echo_grams) >= ECHO_GRAMS or _echoes(sentence, removed_support, allowed_support))
        if echoed or (claims and _relays(sentence, claims)):
            kinds["output-echo"] = kinds.get("output-echo", 0) + 1
        if staff_grams and len(g & staff_grams) >= STAFF_GRAMS:
            kinds["output-staff"] = kinds.get("output-staff", 0) + 1
        if scan_instructions(sentence, "output"):
            kinds["output-instruction"] = kinds.get("output-instruction", 0) + 1
    if len(prompt_total) >= PROMPT_GRAMS_ANSWER and "output-prompt" not in kinds:
        kinds["output-prompt"] = 1
    return [Finding(f"injection.{kind}", Severity.WARNING, 0, 0, "", f"{BREACH_MESSAGES[kind]} (문장 {n}개)",
                    "답을 보여 주지 않았습니다. 같은 일이 되풀이되면 관리자에게 알리세요.", SOURCE)
            for kind, n in kinds.items()]


def staff_texts(search: Callable[[str, int, str], list[Passage]], text: str, k: int = 5) -> list[str]:
    """Staff-only passages that resemble ``text`` (for the public-audience double check)."""
    query = CITATION_RE.sub("", text).strip()
    if not query:
        return []
    return [p.text for p in search(query[:1000], k, "staff") if p.audience == "staff"]


def screen_answer(text: str, findings: list[Finding], shown: Sequence[Passage], *, instructions: str,
                  question: str, removed: Sequence[str] = (), staff: Sequence[str] = ()) -> Screened:
    """Withhold a breached answer; otherwise take out the sentences the passages do not support."""
    allowed = [question] + [p.title + "\n" + p.heading + "\n" + p.text for p in shown]
    breaches = find_breaches(text, instructions=instructions, allowed=allowed, removed=removed, staff=staff)
    if breaches:
        return Screened(text, findings, withheld=True, breaches=breaches)
    bad = [(f.start, f.end) for f in findings
           if f.severity is Severity.ERROR and f.rule_id in ("answer.unsupported", "answer.bad-citation",
                                                               "answer.off-question")]
    if not bad:
        return Screened(text, findings)
    kept, dropped = [], 0
    for s, e in split_sentences(text):
        if any(a < e and s < b for a, b in bad):
            dropped += 1
        else:
            kept.append(text[s:e])
    new_text = " ".join(kept)
    carried = []
    for f in findings:  # corrections of citation numbers still apply to the sentences kept
        if f.rule_id == "answer.citation-corrected" and f.text and f.text in new_text:
            at = new_text.index(f.text)
            carried.append(Finding(f.rule_id, f.severity, at, at + len(f.text), f.text, f.message, f.suggestion, f.source))
    note = Finding("answer.sentence-withheld", Severity.INFO, 0, 0, "",
                   f"자료로 확인되지 않는 문장 {dropped}개를 답에서 뺐습니다.", "원문 자료를 확인하세요.", "citations")
    return Screened(new_text, check_answer(new_text, shown, question) + carried + [note])
