"""현황과 문제점 from the knowledge base: sentences taken from passages, each with its [n] citation, verified.

The sentences are the documents' own (extractive), chosen by how many of the brief's terms they share, so a
statement cannot say more than its source; :func:`mokmin.checks.citations.check_answer` still verifies every
one against the passage it cites, and a statement that fails is dropped and reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mokmin.checks.citations import check_answer
from mokmin.checks.finding import Severity
from mokmin.knowledge.types import Audience, Passage
from mokmin.text.korean import split_sentences
from mokmin.workflows.answer import question_terms
from mokmin.workflows.plan_judge import RemovedLine, is_repeat

Search = Callable[[str, int, Audience], list[Passage]]
MAX_STATEMENTS = 5
PER_PASSAGE = 2
MIN_SHARED_TERMS = 2
PROBLEM_CUES = re.compile(r"부족|문제|어려|불편|미흡|한계|감소|저하|낮[고은아다]|없[어고다는]|취약|지연|불만|높아지|늘어|증가")
DECLARATIVE = re.compile(r"(다|음|함|임|됨|있음|없음|니다)[.!]?\s*$")


@dataclass
class Statement:
    text: str  # the sentence without its citation
    passage: Passage
    number: int = 0  # [n], 1-based among the cited passages
    problem: bool = False

    def cited(self) -> str:
        body = self.text.rstrip()
        tail = "." if body.endswith(".") else ""
        return f"{body[:-1] if tail else body} [{self.number}]{tail}"


def find_statements(query: str, search: Search, *, k: int = 6,
                    audience: Audience = "staff") -> tuple[list[Statement], list[Passage], list[RemovedLine]]:
    """Cited statements for ``query``, the passages they cite (numbered in order) and what was dropped."""
    terms = [t for t in question_terms(query) if len(t) > 1]
    if not terms:
        return [], [], []
    hits = search(query, k, audience)
    hits = [p for p in hits if audience == "staff" or p.audience == "public"]
    candidates: list[tuple[int, int, int, str, Passage]] = []
    for rank, passage in enumerate(hits):
        for order, sentence in enumerate(_sentences(passage.text)):
            shared = sum(1 for t in terms if t in sentence.lower())
            if shared >= MIN_SHARED_TERMS:
                candidates.append((-shared, rank, order, sentence, passage))
    candidates.sort(key=lambda c: c[:3])
    chosen: list[Statement] = []
    per_passage: dict[int, int] = {}
    for _, _, _, sentence, passage in candidates:
        if len(chosen) >= MAX_STATEMENTS or per_passage.get(passage.chunk_id, 0) >= PER_PASSAGE:
            continue
        if is_repeat(sentence, [s.text for s in chosen]):
            continue
        per_passage[passage.chunk_id] = per_passage.get(passage.chunk_id, 0) + 1
        chosen.append(Statement(sentence, passage, problem=bool(PROBLEM_CUES.search(sentence))))
    # keep the documents' reading order within each passage, passages in rank order
    rank_of = {p.chunk_id: i for i, p in enumerate(hits)}
    chosen.sort(key=lambda s: (rank_of[s.passage.chunk_id], s.passage.text.find(s.text)))
    cited: list[Passage] = []
    for statement in chosen:
        if statement.passage not in cited:
            cited.append(statement.passage)
        statement.number = cited.index(statement.passage) + 1
    return verify_statements(chosen, cited)


def verify_statements(statements: list[Statement], passages: list[Passage]
                      ) -> tuple[list[Statement], list[Passage], list[RemovedLine]]:
    """Keep statements the citation check fully accepts (even one unsupported figure drops a statement);
    renumber the passages still cited."""
    kept, removed = [], []
    for statement in statements:
        line = statement.cited()
        errors = [f for f in check_answer(line, passages) if f.severity is not Severity.INFO]
        if errors:
            removed.append(RemovedLine(line, [f.message for f in errors]))
        else:
            kept.append(statement)
    used: list[Passage] = []
    for statement in kept:
        if statement.passage not in used:
            used.append(statement.passage)
        statement.number = used.index(statement.passage) + 1
    return kept, used, removed


def _sentences(text: str) -> list[str]:
    out = []
    for s, e in split_sentences(text):
        sentence = text[s:e].strip().lstrip("-*□ㅇ○•· ").strip()
        if 15 <= len(sentence) <= 220 and DECLARATIVE.search(sentence) and "[" not in sentence:
            out.append(sentence)
    return out
