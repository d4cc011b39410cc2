"""Train the social-bias classifier shipped in src/mokmin/data/bias/ (reproducible; needs scikit-learn).

    python scripts/train_bias.py ../shared/data/kosbi_valid.json               # train, write weights + PROVENANCE
    python scripts/train_bias.py ../shared/data/kosbi_valid.json --compare \\
        --kocohub ../shared/data/kocohub_hate_train.tsv                        # the comparison table only

Data: KoSBi validation split (naver-ai/korean-safety-benchmarks, MIT). Everything is chosen by 5-fold
cross-validation on it, folds grouped by context so a context never sits on both sides; the balanced KoSBi
test file is for bench/bench_bias.py only and is never read here. The threshold is the one with the best
out-of-fold F1 among those whose out-of-fold precision reaches --min-precision (drafts with a finding are held
for review, so false alarms cost staff time). Features come from ``mokmin.checks.bias`` (the run-time code);
scikit-learn only fits the logistic regressions, whose weights are exported to numpy.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from mokmin.checks import bias as bias_mod
from mokmin.checks.bias import WEIGHTS_FILE, BiasClassifier, hashed_counts

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "src" / "mokmin" / "data" / "bias"
SEED = 0
FORMAT = "hashed-tfidf-1"


def load_kosbi(path: Path) -> list[dict]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [{"context": r["context"], "sentence": r["sentence"], "y": int(r["sentence_label"] == "unsafe"),
             "category": r["demographic_category"]} for r in rows]


def load_kocohub(path: Path) -> list[dict]:
    """News comments; any gender/other bias counts as unsafe. CC BY-SA 4.0."""
    with path.open(encoding="utf-8") as f:
        return [{"sentence": r["comments"], "y": int(r["bias"] != "none")}
                for r in csv.DictReader(f, delimiter="\t")]


def load_neutral(path: Path) -> list[str]:
    """Korean news sentences (the ``ko`` field of a JSON-lines file): ordinary prose about no group, added
    to training as safe so that administrative text is not flagged. KoSBi alone has only sentences about
    demographic groups."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["ko"] for r in rows if r.get("ko")]


# ---------- features (the run-time hashing, as a sparse matrix) ----------

def tf_matrix(texts: list[str], dim: int, kinds: str = "cm") -> sparse.csr_matrix:
    """Sublinear term frequencies, one row per text, bucketed exactly as at run time (``kinds``: char
    n-grams ``c`` and/or morphemes ``m``; the shipped model uses both)."""
    parts = [hashed_counts(t, dim, kinds) for t in texts]
    indptr = np.cumsum([0] + [len(ids) for ids, _ in parts])
    ids = np.concatenate([ids for ids, _ in parts])
    vals = np.concatenate([v for _, v in parts])
    m = sparse.csr_matrix((vals, ids, indptr), shape=(len(texts), dim))
    m.sum_duplicates()
    return m


def idf_of(tf: sparse.csr_matrix) -> np.ndarray:
    """Smoothed idf ``log((1 + n) / (1 + df)) + 1`` per bucket (as scikit-learn's TfidfTransformer)."""
    df = np.bincount(tf.indices, minlength=tf.shape[1])
    return np.log((1 + tf.shape[0]) / (1 + df)) + 1.0


def tfidf(tf: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    x = tf.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ x


def fit_binary(x: sparse.csr_matrix, y: np.ndarray, c: float, weight: np.ndarray | None = None):
    return LogisticRegression(C=c, max_iter=3000).fit(x, y, sample_weight=weight)


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
    """Best F1 among thresholds whose precision reaches ``min_precision`` (else the most precise one)."""
    grid = np.round(np.arange(0.20, 0.80, 0.01), 2)
    scored = [(float(t), prf(y, s >= t)) for t in grid]
    ok = [(m["f1"], t, m) for t, m in scored if m["precision"] >= min_precision]
    if ok:
        _, t, m = max(ok, key=lambda item: (item[0], item[1]))
        return t, m
    t, m = max(scored, key=lambda item: item[1]["precision"])
    return t, m


def describe(y: np.ndarray, s: np.ndarray, min_precision: float) -> dict:
    t, m = choose_threshold(y, s, min_precision)
    return {"auc": auc(y, s), "threshold": t, **m, "f1_at_0.5": prf(y, s >= 0.5)["f1"],
            "best_f1_any_threshold": max(prf(y, s >= q)["f1"] for q in np.quantile(s, np.linspace(0, 0.99, 100)))}


def oof_scores(tf: sparse.csr_matrix, y: np.ndarray, folds: np.ndarray, c: float,
               extra: tuple[sparse.csr_matrix, np.ndarray, float] | None = None) -> np.ndarray:
    """Out-of-fold P(unsafe); ``extra`` = (tf rows, labels, sample weight) added to every training fold."""
    out = np.zeros(len(y))
    for f in np.unique(folds):
        tr, te = folds != f, folds == f
        train_tf, train_y, weight = tf[tr], y[tr], None
        if extra:
            train_tf = sparse.vstack([train_tf, extra[0]]).tocsr()
            train_y = np.r_[train_y, extra[1]]
            weight = np.r_[np.ones(tr.sum()), np.full(len(extra[1]), extra[2])]
        idf = idf_of(train_tf)
        model = fit_binary(tfidf(train_tf, idf), train_y, c, weight)
        out[te] = model.predict_proba(tfidf(tf[te], idf))[:, 1]
    return out


# ---------- main ----------

def compare(args, rows, y, folds) -> int:
    sentences = [r["sentence"] for r in rows]
    joined = [f"{r['context']} {r['sentence']}" for r in rows]
    tf = tf_matrix(sentences, args.dim)
    runs = [(f"char 1-4 + morphemes, C={c:g}", tf, c, None) for c in (0.5, 1.0, 2.0, 4.0)]
    runs += [("char 1-4 only, C=1", tf_matrix(sentences, args.dim, "c"), 1.0, None),
             ("morphemes only, C=1", tf_matrix(sentences, args.dim, "m"), 1.0, None),
             ("context + sentence as one text, C=1", tf_matrix(joined, args.dim), 1.0, None),
             (f"dim 2^16 instead of 2^{int(np.log2(args.dim))}, C=1", tf_matrix(sentences, 2**16), 1.0, None)]
    if args.kocohub:
        extra = load_kocohub(args.kocohub)
        extra_tf = tf_matrix([r["sentence"] for r in extra], args.dim)
        extra_y = np.array([r["y"] for r in extra])
        runs += [(f"+ kocohub (bias) rows, weight {w:g}, C=1", tf, 1.0, (extra_tf, extra_y, w)) for w in (0.1, 0.3)]
    print(f"| model (5-fold OOF on KoSBi valid) | AUC | best F1 | thr (P≥{args.min_precision}) | P | R | F1 |")
    print("|---|---|---|---|---|---|---|")
    for name, x, c, extra in runs:
        d = describe(y, oof_scores(x, y, folds, c, extra), args.min_precision)
        print(f"| {name} | {d['auc']:.3f} | {d['best_f1_any_threshold']:.3f} | {d['threshold']:.2f} | "
              f"{d['precision']:.3f} | {d['recall']:.3f} | {d['f1']:.3f} |", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kosbi", type=Path, help="kosbi_valid.json")
    ap.add_argument("--kocohub", type=Path, help="kocohub_hate_train.tsv (for --compare only)")
    ap.add_argument("--neutral", type=Path, help="mt_ntrex_en2ko_1997.jsonl: news sentences added as safe")
    ap.add_argument("--neutral-weight", type=float, default=1.0)
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the bias model")
    ap.add_argument("--dim", type=int, default=2**18, help="hash buckets")
    ap.add_argument("--min-precision", type=float, default=0.60)
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    ap.add_argument("--compare", action="store_true", help="print the comparison table, write nothing")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=FutureWarning)

    rows = load_kosbi(args.kosbi)
    y = np.array([r["y"] for r in rows])
    folds = group_folds([r["context"] for r in rows])
    print(f"KoSBi valid: {len(rows)} rows, {y.mean():.1%} unsafe; 5 folds grouped by context", file=sys.stderr)
    if args.compare:
        return compare(args, rows, y, folds)

    tf = tf_matrix([r["sentence"] for r in rows], args.dim)
    neutral = load_neutral(args.neutral) if args.neutral else []
    extra = None
    if neutral:
        extra = (tf_matrix(neutral, args.dim), np.zeros(len(neutral), dtype=int), args.neutral_weight)
    cv = describe(y, oof_scores(tf, y, folds, args.c, extra), args.min_precision)
    all_tf = sparse.vstack([tf, extra[0]]).tocsr() if extra else tf
    idf = idf_of(all_tf)
    weight = np.r_[np.ones(len(y)), np.full(len(neutral), args.neutral_weight)] if extra else None
    model = fit_binary(tfidf(all_tf, idf), np.r_[y, np.zeros(len(neutral), dtype=int)], args.c, weight)
    cat = LogisticRegression(C=10.0, max_iter=3000).fit(tfidf(tf, idf), [r["category"] for r in rows])
    meta = {
        "format": FORMAT, "dim": args.dim, "hash": "crc32", "char_ngrams": list(bias_mod.CHAR_NGRAMS),
        "c": args.c, "threshold": cv["threshold"],
        "threshold_rule": f"best out-of-fold F1 with precision >= {args.min_precision}",
        "categories": [str(c) for c in cat.classes_], "train_rows": len(rows), "train_unsafe": int(y.sum()),
        "neutral_rows": len(neutral), "neutral_weight": args.neutral_weight if neutral else 0.0,
        "neutral_sha256": hashlib.sha256(args.neutral.read_bytes()).hexdigest() if neutral else "",
        "train_sha256": hashlib.sha256(args.kosbi.read_bytes()).hexdigest(),
        "trained": dt.date.today().isoformat(), "cv": {k: round(v, 4) for k, v in cv.items()},
    }
    clf = BiasClassifier(meta, idf, model.coef_[0], float(model.intercept_[0]),
                         category_w=cat.coef_.T.astype(np.float32), category_b=cat.intercept_.astype(np.float32))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    clf.save(args.out_dir / WEIGHTS_FILE)
    (args.out_dir / "PROVENANCE.md").write_text(provenance(meta), encoding="utf-8")
    print(json.dumps(meta, ensure_ascii=False, indent=1))
    return 0


def neutral_note(meta: dict) -> str:
    if not meta.get("neutral_rows"):
        return ""
    return (f"- Plus {meta['neutral_rows']} Korean news sentences labelled safe (weight {meta['neutral_weight']:g}), "
            "the `ko` side of MicrosoftTranslator/NTREX\n  `newstest2019-ref.kor.txt` (CC BY-SA 4.0; "
            f"sha256 `{meta['neutral_sha256']}`), so that ordinary\n  prose about no group is not flagged; "
            "they are in training folds only, never in the validation numbers.\n")


def provenance(meta: dict) -> str:
    cv = meta["cv"]
    return f"""# bias_classifier.npz — provenance

Written by `scripts/train_bias.py` together with the weights; do not edit by hand.

- Data: KoSBi validation split, `data/KoSBi/kosbi_valid.json` of naver-ai/korean-safety-benchmarks
  (MIT licence), {meta['train_rows']} rows, {meta['train_unsafe']} labelled unsafe;
  sha256 `{meta['train_sha256']}`. Only the `sentence` and its label are used.
{neutral_note(meta)}  Nothing else: kocohub news comments (CC BY-SA 4.0) were tried as extra rows and lowered cross-validated
  AUC, so they are not in these weights. The KoSBi test split was not used for training or tuning.
- Features (`mokmin.checks.bias.feature_terms`): character {'/'.join(map(str, meta['char_ngrams']))}-grams
  inside each space-padded word and Kiwi morphemes with their tags (single and adjacent pairs), hashed with
  CRC32 into {meta['dim']} buckets (feature dimension: {meta['dim']}), sublinear tf × smoothed idf, L2-normalised.
- Model: L2 logistic regression (scikit-learn, C = {meta['c']:g}); category head: multinomial logistic
  regression (C = 10) over {len(meta['categories'])} KoSBi demographic categories; weights stored for numpy.
- Threshold: {meta['threshold']:.2f} = {meta['threshold_rule']}, from 5-fold cross-validation grouped by context.
- Cross-validated (out-of-fold) on KoSBi valid: AUC {cv['auc']:.3f}; at the threshold precision
  {cv['precision']:.3f}, recall {cv['recall']:.3f}, F1 {cv['f1']:.3f}, accuracy {cv['accuracy']:.3f}
  (F1 at 0.5: {cv['f1_at_0.5']:.3f}; best F1 at any threshold {cv['best_f1_any_threshold']:.3f}, which is
  about what flagging every sentence gives).
- Training command: `python scripts/train_bias.py ../shared/data/kosbi_valid.json{' --neutral ../shared/data/mt_ntrex_en2ko_1997.jsonl' if meta.get('neutral_rows') else ''}` (scikit-learn from the
  `test` extra). Comparison table: add `--compare --kocohub ../shared/data/kocohub_hate_train.tsv`.
  Test results: `python bench/bench_bias.py ../shared/data/bias_kosbi_test_balanced_1000.jsonl`.
- Trained: {meta['trained']}. Run time needs numpy and Kiwi only (about 1 ms per sentence).
"""


if __name__ == "__main__":
    raise SystemExit(main())
