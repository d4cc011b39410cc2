"""Translation: glossary accuracy with and without forcing, and en→ko throughput and quality, in one run.

1. Glossary (ko→en): the ~40 city sentences in ``bench/data/glossary_bench.jsonl`` with the profile glossary
   plus the bench-only city terms in ``bench/data/glossary_bench.toml``. Every glossary mention must come out as
   its official English term. Modes: ``off`` (the plain model: same prompt, no forcing — the baseline),
   ``placeholder`` (⟦T1⟧ tokens restored afterwards) and ``inline`` (the official term written into the
   source; Mokmin's default). Also counts what the verifier flagged.
2. en→ko: the first N sentences of a parallel file (``mt_ntrex_en2ko_1997.jsonl``: ``en``, ``ko``), through
   ``translate()`` and through a baseline of one bare chat completion per sentence with no system prompt,
   glossary or checks. Sentences/s, generated tokens/s and chrF (sacrebleu) against the references.

    pip install sacrebleu   # bench-only (also in the ``test`` extra)
    python bench/bench_translate.py /work/shared/data/mt_ntrex_en2ko_1997.jsonl [--n 50] [--glossary-n 40]
           [--modes off,placeholder,inline] [--skip-glossary] [--skip-mt] [--model PATH] [--threads N]
           [--dump OUT.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATA = ROOT / "bench" / "data"


def load_backend(model: str | None, threads: int | None = None):
    from mokmin.llm.llamacpp import LlamaCppBackend
    from mokmin.model.install import resolve_model_path
    from mokmin.settings import load_settings

    path = Path(model) if model else resolve_model_path(load_settings())
    # audit records of the benchmark's workflow calls go to a throw-away home, not the user's
    os.environ["MOKMIN_HOME"] = tempfile.mkdtemp(prefix="mokmin-bench-")
    return LlamaCppBackend(model_path=path, n_ctx=4096, n_threads=threads)


def dump(path: Path | None, record: dict) -> None:
    if path:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def bench_glossary(backend, profile, limit: int, modes: list[str], out: Path | None = None) -> list[tuple]:
    from mokmin.checks.finding import Severity
    from mokmin.checks.translation import find_terms, glossary_terms, term_pattern
    from mokmin.profile import GlossaryEntry
    from mokmin.workflows.translate import translate

    extra = tomllib.loads((BENCH_DATA / "glossary_bench.toml").read_text(encoding="utf-8"))["glossary"]
    glossary = list(profile.glossary) + [GlossaryEntry(**g) for g in extra]
    lines = (BENCH_DATA / "glossary_bench.jsonl").read_text(encoding="utf-8").splitlines()
    sentences = [json.loads(line)["ko"] for line in lines if line.strip()][:limit]
    terms = glossary_terms(glossary, "ko2en")
    rows = []
    for mode in modes:
        hits = total = perfect = flagged = places = retries = 0
        wrong: list[str] = []
        t0 = time.perf_counter()
        for sentence in sentences:
            used = list(dict.fromkeys(t for _, _, t in find_terms(sentence, terms, "ko")))
            result = translate(sentence, direction="ko2en", profile=profile, backend=backend, glossary=glossary,
                               glossary_mode=mode)  # type: ignore[arg-type]
            ok = [bool(term_pattern(t.target, "en").search(result.text)) for t in used]
            hits += sum(ok)
            total += len(ok)
            perfect += all(ok)
            retries += result.retries
            flagged += any(f.rule_id == "translation.glossary" and f.severity is Severity.ERROR
                           for f in result.findings)
            places += sum(f.rule_id == "translation.place" for f in result.findings)
            wrong += [f"{t.source}→{result.text[:60]}" for t, good in zip(used, ok, strict=True) if not good]
            dump(out, {"part": "glossary", "mode": mode, "source": sentence, "output": result.text,
                       "missing": [t.source for t, good in zip(used, ok, strict=True) if not good],
                       "findings": [f.rule_id for f in result.findings]})
        seconds = time.perf_counter() - t0
        print(f"[{mode}] misses: {wrong[:6]}", file=sys.stderr)
        rows.append((mode, f"{hits}/{total} = {hits / total:.1%}", f"{perfect}/{len(sentences)}",
                     str(flagged), str(places), str(retries), f"{seconds / len(sentences):.1f} s"))
    return rows


def bench_en2ko(backend, profile, data: Path, n: int, out: Path | None = None) -> list[tuple]:
    import sacrebleu

    from mokmin.checks.finding import Severity
    from mokmin.checks.translation import check_translation
    from mokmin.llm.base import GenerationOptions, Message
    from mokmin.workflows.translate import translate

    pairs = []
    with data.open(encoding="utf-8") as fh:
        for line in fh:
            if len(pairs) >= n:
                break
            row = json.loads(line)
            pairs.append((row["en"], row["ko"]))
    refs = [[ko for _, ko in pairs]]

    ours, our_errors, t0 = [], 0, time.perf_counter()
    for en, _ in pairs:
        result = translate(en, direction="en2ko", profile=profile, backend=backend)
        ours.append(result.text)
        our_errors += bool(result.errors)
    our_s = time.perf_counter() - t0

    base, base_errors, t0 = [], 0, time.perf_counter()
    for en, _ in pairs:
        messages = [Message(role="user", content=f"Translate into Korean:\n{en}")]
        answer = "".join(backend.stream(messages, GenerationOptions(temperature=0.0, max_tokens=48 + len(en))))
        base.append(answer.strip())
    base_s = time.perf_counter() - t0
    for (en, _), answer in zip(pairs, base, strict=True):
        findings = check_translation(en, answer, direction="en2ko", glossary=profile.glossary)
        base_errors += any(f.severity is Severity.ERROR for f in findings)
    for (en, ko), mine, theirs in zip(pairs, ours, base, strict=True):
        dump(out, {"part": "en2ko", "en": en, "reference": ko, "mokmin": mine, "baseline": theirs})

    rows = []
    for name, outputs, seconds, errors in (("mokmin translate()", ours, our_s, our_errors),
                                           ("baseline: bare prompt, 1 call/sentence", base, base_s, base_errors)):
        tokens = sum(backend.count_tokens(o) for o in outputs)
        chrf = sacrebleu.corpus_chrf(outputs, refs).score
        rows.append((name, f"{len(outputs) / seconds:.2f}", f"{tokens / seconds:.1f}", f"{chrf:.1f}",
                     f"{errors}/{len(outputs)}", f"{seconds:.0f} s"))
    return rows


def print_table(title: str, header: tuple, rows: list[tuple]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="en→ko parallel JSONL (en, ko), e.g. mt_ntrex_en2ko_1997.jsonl")
    parser.add_argument("--n", type=int, default=50, help="en→ko sentences (first N)")
    parser.add_argument("--glossary-n", type=int, default=40, help="glossary sentences (first N of ~40)")
    parser.add_argument("--modes", default="off,placeholder,inline", help="glossary modes to compare")
    parser.add_argument("--model", help="GGUF path (default: the installed embedded model)")
    parser.add_argument("--threads", type=int, help="llama.cpp threads (default: all cores; 1 is faster on a busy machine)")
    parser.add_argument("--skip-glossary", action="store_true")
    parser.add_argument("--skip-mt", action="store_true")
    parser.add_argument("--dump", type=Path, help="write every output to this JSONL file (for reading)")
    args = parser.parse_args()

    from mokmin.profile import load_profile

    backend = load_backend(args.model, args.threads)
    profile = load_profile()
    backend.load()
    if not args.skip_glossary:
        rows = bench_glossary(backend, profile, args.glossary_n, args.modes.split(","), args.dump)
        print_table("Glossary (ko→en, profile + bench city terms): official term in the output",
                    ("mode", "terms right", "sentences all right", "flagged (glossary error)", "invented places",
                     "retries", "time/sentence"), rows)
    if not args.skip_mt:
        rows = bench_en2ko(backend, profile, args.data, args.n, args.dump)
        print_table(f"en→ko, first {args.n} sentences of {args.data.name} (chrF vs references, sacrebleu)",
                    ("pipeline", "sentences/s", "gen tokens/s", "chrF", "with errors", "total"), rows)


if __name__ == "__main__":
    main()
