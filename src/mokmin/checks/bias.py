"""Social-bias classifier: logistic regression on hashed character n-grams and Kiwi morphemes, trained on KoSBi.

The weights are package data (``data/bias/bias_classifier.npz``; how they were made is in
``data/bias/PROVENANCE.md`` and ``scripts/train_bias.py``). Run time needs numpy and Kiwi only and takes about
a millisecond per sentence. The features are computed here, by the same code at training and at run time.
A KoSBi label judges a sentence given a context sentence; context features did not help in cross-validation,
so the model reads the sentence alone.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from mokmin.checks.finding import Finding, Severity
from mokmin.errors import ModelError
from mokmin.text.korean import split_sentences, tokenize

SOURCE = "bias"
RULE_ID = "bias.social"
WEIGHTS_FILE = "bias_classifier.npz"
CHAR_NGRAMS = (1, 2, 3, 4)
CATEGORY_MIN_PROB = 0.5


def feature_terms(text: str, kinds: str = "cm") -> Counter[str]:
    """Terms of one sentence: character 1–4-grams inside each space-padded word (kind ``c``) and Kiwi
    morphemes with their tags, single and adjacent pairs (kind ``m``)."""
    terms: Counter[str] = Counter()
    if "c" in kinds:
        for word in text.split():
            padded = f" {word} "
            for n in CHAR_NGRAMS:
                terms.update("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    if "m" in kinds:
        morphs = [f"{t.form}/{t.tag}" for t in tokenize(text)]
        terms.update("m:" + m for m in morphs)
        terms.update(f"m:{a} {b}" for a, b in zip(morphs, morphs[1:]))
    return terms


def hashed_counts(text: str, dim: int, kinds: str = "cm") -> tuple[np.ndarray, np.ndarray]:
    """Bucket ids (CRC32 of each term mod ``dim``) and sublinear term frequencies ``1 + log(count)``."""
    buckets: Counter[int] = Counter()
    for term, count in feature_terms(text, kinds).items():
        buckets[zlib.crc32(term.encode("utf-8")) % dim] += count
    ids = np.fromiter(buckets.keys(), dtype=np.int64, count=len(buckets))
    counts = np.fromiter(buckets.values(), dtype=np.float64, count=len(buckets))
    return ids, 1.0 + np.log(counts) if len(counts) else counts


def tfidf_row(text: str, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One L2-normalised TF-IDF row as (bucket ids, values)."""
    ids, tf = hashed_counts(text, len(idf))
    values = tf * idf[ids]
    return ids, values / max(math.sqrt(float(values @ values)), 1e-12)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


@dataclass(frozen=True)
class BiasClassifier:
    """Binary logistic regression P(biased) plus a multinomial demographic-category head, both over the same
    hashed TF-IDF features (``idf`` has one entry per bucket)."""

    meta: dict
    idf: np.ndarray
    weights: np.ndarray
    bias: float
    category_w: np.ndarray | None = None
    category_b: np.ndarray | None = None

    @property
    def threshold(self) -> float:
        return float(self.meta["threshold"])

    @property
    def dim(self) -> int:
        return len(self.idf)

    @property
    def categories(self) -> list[str]:
        return list(self.meta.get("categories", []))

    @classmethod
    def from_npz(cls, path) -> BiasClassifier:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != "hashed-tfidf-1":
                raise ValueError(f"unknown weights format {meta.get('format')!r}")
            optional = {name: data[name].astype(np.float32) for name in ("category_w", "category_b")
                        if name in data.files}
            return cls(meta, data["idf"].astype(np.float64), data["weights"].astype(np.float64),
                       float(data["bias"]), **optional)

    def save(self, path) -> None:
        arrays = {"meta": np.array(json.dumps(self.meta, ensure_ascii=False, sort_keys=True)),
                  "idf": self.idf.astype(np.float32), "weights": self.weights.astype(np.float32),
                  "bias": np.array(self.bias)}
        if self.category_w is not None:
            arrays["category_w"] = self.category_w.astype(np.float16)
            arrays["category_b"] = self.category_b.astype(np.float32)
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

    def rows(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        return [tfidf_row(t, self.idf) for t in texts]

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([float(self.weights[ids] @ values) + self.bias for ids, values in self.rows(texts)])

    def predict_proba(self, texts: Sequence[str] | str) -> np.ndarray:
        """P(socially biased) for each text."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        return _sigmoid(self.logits(texts)) if texts else np.zeros(0)

    def category_probs(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, 15)`` probabilities over :attr:`categories` (KoSBi's demographic categories)."""
        if self.category_w is None:
            raise ModelError("이 편향 분류기에는 범주 분류 부분이 없습니다.", "'python scripts/train_bias.py'로 다시 만드세요.")
        scores = np.array([values @ self.category_w[ids].astype(np.float64) for ids, values in self.rows(texts)])
        scores = scores.reshape(len(texts), -1) + self.category_b
        probs = np.exp(scores - scores.max(axis=1, keepdims=True))
        return probs / probs.sum(axis=1, keepdims=True)

    def category(self, texts: Sequence[str]) -> list[tuple[str, float] | None]:
        """The category each sentence most likely speaks about, with its probability; None below
        CATEGORY_MIN_PROB (a wrong group in a warning misleads more than none)."""
        if self.category_w is None or not texts:
            return [None] * len(texts)
        probs = self.category_probs(texts)
        best = probs.argmax(axis=1)
        return [(self.categories[i], float(probs[row, i])) if probs[row, i] >= CATEGORY_MIN_PROB else None
                for row, i in enumerate(best)]


def check_bias(text: str, *, threshold: float | None = None) -> list[Finding]:
    """One warning per sentence the classifier judges socially biased (stereotype, prejudice, discrimination)."""
    spans = split_sentences(text)
    if not spans:
        return []
    clf = BiasClassifier.load()
    limit = clf.threshold if threshold is None else float(threshold)
    sentences = [text[s:e] for s, e in spans]
    probs = clf.predict_proba(sentences)
    flagged = [i for i, p in enumerate(probs) if p >= limit]
    cats = dict(zip(flagged, clf.category([sentences[i] for i in flagged]), strict=True))
    out = []
    for i in flagged:
        (start, end), sentence, p, cat = spans[i], sentences[i], probs[i], cats[i]
        about = f" 관련 범주: {cat[0]}." if cat else ""
        out.append(Finding(
            RULE_ID, Severity.WARNING, start, end, sentence,
            f"특정 집단에 대한 고정관념·편견·차별로 읽힐 수 있는 문장입니다(추정 확률 {p:.2f}).{about}",
            "집단 전체를 일반화하는 표현을 빼고, 사실과 근거(통계·출처)로 다시 쓰세요.",
            SOURCE, False, {"probability": round(float(p), 4),
                            **({"category": cat[0], "category_probability": round(cat[1], 4)} if cat else {})},
        ))
    return out
