"""A whole press-release draft, and the checker's throughput, each beside a baseline from the same run.

1. Draft: ``mokmin draft press-release --example seed`` in a fresh process (model load included):
   wall time and peak RSS, beside a baseline process that loads the same GGUF and makes one raw
   llama-cpp-python chat completion of the same length (the floor any drafting pipeline pays).
2. Checker: ``check_press_release`` over the seed's ChatGPT release (morphology cache cleared
   every pass), in characters/s, beside kiwipiepy tokenisation alone of the same texts.

    python bench/bench_press_release.py [--model PATH] [--repeat 3] [--skip-draft]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

DRAFT_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from mokmin.cli.draft import load_brief
from mokmin.llm.registry import get_backend
from mokmin.profile import load_profile
from mokmin.settings import load_settings
from mokmin.workflows.press_release import draft_press_release
settings = load_settings()
backend = get_backend(settings)
draft = draft_press_release(load_brief(None, "seed"), load_profile(), backend)
print(json.dumps({"seconds": time.perf_counter() - t0, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "chars": len(draft.text), "timings": draft.timings,
                  "errors": sorted({f.rule_id for f in draft.errors})}))
"""

RAW_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import llama_cpp
llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=4096, verbose=False, seed=0)
out = llm.create_chat_completion(
    messages=[{"role": "user", "content": sys.argv[2]}], temperature=0.0, max_tokens=int(sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - t0, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "tokens": out["usage"]["completion_tokens"]}))
"""


def run_child(code: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=os.environ)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_draft(model: str, repeat: int) -> list[tuple[str, str, str, str]]:
    brief = (FIXTURES / "seed_brief.txt").read_text(encoding="utf-8")
    drafts, raws = [], []
    for _ in range(repeat):
        drafts.append(run_child(DRAFT_CHILD))
        raws.append(run_child(RAW_CHILD, model, brief, "300"))
    d_s = statistics.median(r["seconds"] for r in drafts)
    r_s = statistics.median(r["seconds"] for r in raws)
    d_m = max(r["maxrss_kb"] for r in drafts) / 1024
    r_m = max(r["maxrss_kb"] for r in raws) / 1024
    stages = drafts[-1]["timings"]
    stage_text = ", ".join(f"{k.removesuffix('_s')} {v:.1f}s" for k, v in stages.items() if k != "total_s")
    return [
        ("seed draft, whole process", f"{d_s:.1f} s", f"{d_m:,.0f} MB", stage_text),
        ("baseline: load + 1 raw completion (≤300 tok)", f"{r_s:.1f} s", f"{r_m:,.0f} MB",
         f"{statistics.median(r['tokens'] for r in raws):.0f} tokens"),
        ("ratio draft/baseline", f"{d_s / r_s:.2f}×", f"{d_m / r_m:.2f}×", f"errors left: {drafts[-1]['errors']}"),
    ]


def bench_checker(repeat: int) -> list[tuple[str, str, str, str]]:
    from mokmin.checks.press_release import check_press_release
    from mokmin.press.brief import read_brief_file
    from mokmin.profile import load_profile
    from mokmin.text import korean

    cases = [
        ((FIXTURES / "seed_chatgpt_release.txt").read_text(encoding="utf-8"), read_brief_file(FIXTURES / "seed_brief.txt")),
        ((FIXTURES / "seed_human_release.txt").read_text(encoding="utf-8"),
         read_brief_file(FIXTURES / "seed_human_brief.yaml")),
    ]
    profile = load_profile()
    korean.kiwi()  # load once, outside the timing
    chars = sum(len(t) for t, _ in cases)
    check_times, tok_times = [], []
    findings = 0
    for _ in range(max(repeat, 5)):
        korean._tokenize_cached.cache_clear()
        t = time.perf_counter()
        findings = sum(len(check_press_release(text, brief, profile)) for text, brief in cases)
        check_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        for text, brief in cases:
            korean.kiwi().tokenize(text)
            korean.kiwi().tokenize(brief.support_text())
        tok_times.append(time.perf_counter() - t)
    c, k = statistics.median(check_times), statistics.median(tok_times)
    return [
        ("checker (fact lock + style), 2 releases", f"{chars / c:,.0f} chars/s", f"{c * 1000:.0f} ms", f"{findings} findings"),
        ("baseline: kiwipiepy tokenize only", f"{chars / k:,.0f} chars/s", f"{k * 1000:.0f} ms", ""),
        ("ratio checker/baseline speed", f"{k / c:.2f}", "", ""),
    ]


def table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="GGUF path (default: the installed embedded model)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-draft", action="store_true", help="only the checker")
    args = parser.parse_args()
    table("Fact-lock checker throughput", ("what", "speed", "time", "note"), bench_checker(args.repeat))
    if not args.skip_draft:
        from mokmin.model.install import resolve_model_path
        from mokmin.settings import load_settings

        model = args.model or str(resolve_model_path(load_settings()))
        table("Whole press-release draft (fresh process each run)", ("what", "wall time", "peak RSS", "note"),
              bench_draft(model, args.repeat))


if __name__ == "__main__":
    main()
