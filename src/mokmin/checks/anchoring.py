"""Is a cited fact taken from the part of the passage that speaks of the question?

A passage that merely *contains* a number or a name does not support an answer: "2.39m [3]" is not supported by
a passage where 2.39 m is another athlete's record, three sentences away from anything the question asked. A
claim's new information (what it says beyond the question) must sit in a window of the cited passage (a sentence
with the one before it, plus the passage's title and heading) that covers the question's terms: at least
``MIN_ANCHOR`` of them, and within ``ANCHOR_GAP`` of the best window any shown passage offers.

Calibrated on KorQuAD dev (``bench/bench_kb.py --calibrate 600``, on the passages ``ask`` shows the model): the
gold answer cited to its own paragraph passes 96.9% of the time; a name or number drawn from another shown
passage passes 37.8% (those passages are near-topic: the distant ones are no longer shown). With all three
passages shown, the figures were 96.1% and 9.7%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mokmin.checks.support import NUMBER_RE, canonical_number, compact, generic_nouns
from mokmin.knowledge.types import Passage
from mokmin.text.korean import split_sentences, tokenize

MIN_ANCHOR = 0.5
ANCHOR_GAP = 0.2
TERM_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "SN", "XR"})
QUESTION_NOISE = frozenset("무엇 언제 어디 누구 얼마 어떻게 왜 몇 어느 무슨 것 수 때 중".split())
_CLAIM_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})


def question_terms(question: str) -> list[str]:
    """The question's content terms (nouns, names, foreign words, numbers), lower-cased, in order."""
    return list(dict.fromkeys(
        t.form.lower() for t in tokenize(question)
        if t.tag in TERM_TAGS and t.form not in QUESTION_NOISE
    ))


@dataclass(frozen=True)
class _Window:
    lower: str  # title, heading and the sentences, lower-cased (for term coverage)
    compact: str  # the sentences only, letters and digits (for finding a claim's terms)
    numbers: frozenset[str]


@dataclass
class QuestionAnchor:
    """The passages' sentence windows, scored against one question."""

    terms: list[str]
    question_compact: str
    question_numbers: frozenset[str]
    windows: list[list[_Window]]  # per passage, in the order shown

    @classmethod
    def build(cls, question: str, passages: Sequence[Passage]) -> QuestionAnchor:
        return cls(question_terms(question), compact(question),
                   frozenset(canonical_number(m.group(0)) for m in NUMBER_RE.finditer(question)),
                   [_windows(p) for p in passages])

    def claim_terms(self, body: str) -> tuple[list[str], list[str]]:
        """The sentence's new words and numbers (beyond the question), and the question terms it restates."""
        numbers = [canonical_number(m.group(0)) for m in NUMBER_RE.finditer(body)]
        new = ["#" + n for n in dict.fromkeys(numbers) if n not in self.question_numbers]
        generic = generic_nouns()
        restated = []
        for t in tokenize(body):
            if t.tag not in _CLAIM_TAGS or len(t.form) < 2 or t.form in generic:
                continue
            key = compact(t.form)
            if key and key in self.question_compact:
                restated.append(t.form.lower())
            elif key and key not in new:
                new.append(key)
        return list(dict.fromkeys(new)), [t for t in dict.fromkeys(restated) if t in self.terms]

    def score(self, body: str, n: int) -> float | None:
        """How well passage ``n`` (1-based) anchors the sentence; None when there is nothing new to anchor.

        Each new term found in the passage takes its best window; the sentence scores as its weakest term.
        The window is scored on the question terms the sentence restates when it restates two or more (a
        sentence answering one part of a many-part question), else on all the question's terms.
        """
        new, restated = self.claim_terms(body)
        if not new:
            return None
        context = restated if len(restated) >= 2 else self.terms
        if not context:
            return None
        per_term = []
        for term in new:
            found = [w for w in self.windows[n - 1] if _holds(w, term)]
            if found:
                per_term.append(max(_coverage(context, w) for w in found))
        return min(per_term) if per_term else 0.0

    def best(self, body: str) -> float:
        """The best window coverage any shown passage offers for the sentence's context terms."""
        _, restated = self.claim_terms(body)
        context = restated if len(restated) >= 2 else self.terms
        return max((_coverage(context, w) for ws in self.windows for w in ws), default=0.0)

    def anchored(self, body: str, numbers: Sequence[int]) -> bool:
        """True when one of the cited passages anchors the sentence (or it has nothing new to anchor)."""
        scores = [self.score(body, n) for n in numbers]
        if any(s is None for s in scores):
            return True
        return bool(scores) and max(scores) >= max(MIN_ANCHOR, self.best(body) - ANCHOR_GAP) - 1e-9

    def ranked(self, body: str, candidates: Sequence[int]) -> list[int]:
        """The candidates that anchor the sentence, best first (all of them when it has nothing new)."""
        if not self.claim_terms(body)[0]:
            return list(candidates)
        floor = max(MIN_ANCHOR, self.best(body) - ANCHOR_GAP) - 1e-9
        scored = [(s, n) for n in candidates if (s := self.score(body, n)) is not None and s >= floor]
        return [n for _, n in sorted(scored, key=lambda x: (-x[0], x[1]))]


def _windows(passage: Passage) -> list[_Window]:
    head = f"{passage.title} {passage.heading} ".lower()
    text = passage.text
    spans = split_sentences(text) or [(0, len(text))]
    out = []
    for i, (s, e) in enumerate(spans):
        for start in ({s, spans[i - 1][0]} if i else {s}):
            body = text[start:e]
            out.append(_Window(head + body.lower(), compact(body),
                               frozenset(canonical_number(m.group(0)) for m in NUMBER_RE.finditer(body))))
    return out


def _holds(window: _Window, term: str) -> bool:
    if term.startswith("#"):
        return term[1:] in window.numbers
    return term in window.compact


def _coverage(terms: Sequence[str], window: _Window) -> float:
    return sum(1 for t in terms if t in window.lower) / len(terms) if terms else 0.0
