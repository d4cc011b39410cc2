"""Complaint routing (민원 부서 분류): top-1 / top-3 accuracy, cross-validated, beside baselines in the same run.

    python bench/bench_minwon.py ../shared/data/minwon_ongjin_677.jsonl [--folds 5] [--draft 3]

The file's major categories (``cat_major``) are the classes. The same complaints serve as "past complaints", so
the run is k-fold cross-validated: the router learns from k-1 folds and routes the held-out fold. Methods:

- majority: always the most frequent training class (and the next two for top-3);
- keyword: the class whose training complaints share most content words with the complaint (the rule of
  ``keyword_route`` / ``workflows.answer.route_department``);
- bm25: the router with BM25 only; dense: embeddings only; blend: the router as shipped (``RouterConfig()``).

``--draft N`` also times a reply draft (route + similar + embedded-model draft) on N held-out complaints.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from mokmin.knowledge.embeddings import embed_passages, model
from mokmin.knowledge.korean_terms import index_terms_many
from mokmin.minwon.route import Example, Router, RouterConfig


def load(path: Path) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                title, summary = (r.get("title") or "").strip(), (r.get("summary") or "").strip()
                text = title if not summary or summary in title else (f"{title}\n{summary}" if summary not in
                                                                      title and title not in summary else summary)
                rows.append((text, r["cat_major"].strip()))
    return rows


def folds_of(labels: list[str], k: int, seed: int = 13) -> list[int]:
    """Stratified fold numbers: each class dealt round-robin over the folds after a seeded shuffle."""
    rng = random.Random(seed)
    idx = list(range(len(labels)))
    rng.shuffle(idx)
    idx.sort(key=lambda i: labels[i])
    fold = [0] * len(labels)
    for n, i in enumerate(idx):
        fold[i] = n % k
    return fold


def embeddings(texts: list[str], cache: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """Passage and query vectors of ``texts`` (queries embedded in batches, as the router's own examples are)."""
    digest = hashlib.sha256("\n\x00".join(texts).encode()).hexdigest()
    if cache and cache.is_file():
        data = np.load(cache)
        if str(data["digest"]) == digest:
            return data["passages"], data["queries"]
    vectors = np.concatenate(list(embed_passages(texts)))
    queries = np.concatenate([np.asarray(model().query(texts[i : i + 32]), dtype=np.float32)
                              for i in range(0, len(texts), 32)])
    if cache:
        np.savez(cache, digest=digest, passages=vectors, queries=queries)
    return vectors, queries


def keyword_rank(query: set[str], vocab: dict[str, set[str]], order: list[str]) -> list[str]:
    ranked = sorted(order, key=lambda c: -len(query & vocab[c]))
    return [c for c in ranked if query & vocab[c]][:3]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--draft", type=int, default=0, help="time N reply drafts with the embedded model")
    ap.add_argument("--cache", type=Path, default=None, help="keep the embeddings in this .npz (reused if texts match)")
    ap.add_argument("--model", type=Path, default=None, help="GGUF path (default: the installed embedded model)")
    args = ap.parse_args(argv)

    rows = load(args.data)
    texts, labels = [t for t, _ in rows], [c for _, c in rows]
    fold = folds_of(labels, args.folds)
    t0 = time.perf_counter()
    terms = list(index_terms_many(texts))
    t_terms = time.perf_counter() - t0
    t0 = time.perf_counter()
    vectors, queries = embeddings(texts, args.cache)
    t_embed = time.perf_counter() - t0
    print(f"{len(rows)} complaints, {len(set(labels))} classes, {args.folds} folds; "
          f"kiwi terms {t_terms:.1f} s, embeddings {t_embed:.1f} s (passages + queries)")

    base = RouterConfig()
    methods = {
        "bm25": (False, base),
        "dense": (True, replace(base, dense_weight=1.0)),
        "blend": (True, base),
    }
    hits = {m: [0, 0] for m in ["majority", "keyword", *methods]}
    route_times: list[float] = []
    for f in range(args.folds):
        train = [i for i in range(len(rows)) if fold[i] != f]
        test = [i for i in range(len(rows)) if fold[i] == f]
        examples = [Example(texts[i], labels[i], "past", ref=i) for i in train]
        counts = Counter(labels[i] for i in train)
        majority = [c for c, _ in counts.most_common(3)]
        vocab: dict[str, set[str]] = {}
        for i in train:
            vocab.setdefault(labels[i], set()).update(terms[i])
        order = [c for c, _ in counts.most_common()]
        routers = {m: Router(examples, [terms[i] for i in train], vectors[train] if dense else None, cfg)
                   for m, (dense, cfg) in methods.items()}
        for i in test:
            gold = labels[i]
            ranked = {"majority": majority, "keyword": keyword_rank(set(terms[i]), vocab, order)}
            for m, router in routers.items():
                t = time.perf_counter()
                ranked[m] = [c.department for c in router.route(texts[i], query_vector=queries[i])]
                if m == "blend":
                    route_times.append(time.perf_counter() - t)
            for m, r in ranked.items():
                hits[m][0] += bool(r) and r[0] == gold
                hits[m][1] += gold in r[:3]

    n = len(rows)
    print(f"\n| method | top-1 | top-3 |\n|---|---|---|")
    for m, (h1, h3) in hits.items():
        print(f"| {m} | {h1 / n:.3f} ({h1}) | {h3 / n:.3f} ({h3}) |")
    print(f"\nrouting time (blend, embeddings given): median {1000 * float(np.median(route_times)):.1f} ms a complaint")
    if args.draft:
        time_drafts(texts, labels, fold, args.draft, args.model, vectors)
    return 0


def time_drafts(texts, labels, fold, n, model_path, vectors) -> None:
    """Route + similar + reply draft with the embedded model on ``n`` complaints of fold 0 (learning from the rest)."""
    from mokmin.llm.llamacpp import LlamaCppBackend
    from mokmin.minwon.desk import MinwonDesk
    from mokmin.settings import load_settings

    settings = load_settings()
    path = model_path or settings.models_dir / "mokmin.gguf"
    if not Path(path).is_file():
        candidates = sorted(settings.models_dir.glob("*.gguf"))
        if not candidates:
            print("no embedded model found: run 'mokmin model install' or pass --model", file=sys.stderr)
            return
        path = candidates[0]
    import tempfile

    from mokmin.minwon.store import NewPast

    with tempfile.TemporaryDirectory() as home:
        desk = MinwonDesk(settings.model_copy(update={"home": Path(home)}))
        train = [i for i in range(len(texts)) if fold[i] != 0]
        ids = desk.store.add_past([NewPast(text=texts[i], department=labels[i], source="bench") for i in train])
        desk.store.set_past_vectors({pid: vectors[i] for pid, i in zip(ids, train)})  # embedded above already
        t = time.perf_counter()
        backend = LlamaCppBackend(model_path=path, n_ctx=4096)
        desk.router()
        print(f"\nreply drafts ({path.name}); model load + router build {time.perf_counter() - t:.1f} s")
        print("| # | route s | draft s | chars | kept/removed sentences |\n|---|---|---|---|---|")
        for k, i in enumerate([i for i in range(len(texts)) if fold[i] == 0][:n], 1):
            t = time.perf_counter()
            cid = desk.submit(texts[i], channel="bench", actor="bench").id
            desk.route(cid, actor="bench")
            t_route = time.perf_counter() - t
            t = time.perf_counter()
            draft = desk.draft(cid, backend, actor="bench")
            t_draft = time.perf_counter() - t
            print(f"| {k} | {t_route:.2f} | {t_draft:.1f} | {len(draft.text)} | {draft.kept}/{len(draft.removed)} |")


if __name__ == "__main__":
    raise SystemExit(main())
