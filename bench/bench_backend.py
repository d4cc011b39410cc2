"""Mokmin's llama.cpp streaming path against raw llama-cpp-python, in the same run.

Both paths share ONE loaded ``llama_cpp.Llama`` (handed to ``LlamaCppBackend(llama=...)``), the same
prompt and the same sampling arguments. Runs alternate (raw, mokmin, then mokmin, raw, ...) after
an untimed warm-up, and the KV cache is cleared before every run so each one evaluates the whole
prompt. Reported: median time to first token (TTFT) and median generation speed (tokens after the
first, per second). The ratio is mokmin/raw in speed terms (for TTFT: raw_ttft / mokmin_ttft), taken
per round (the two runs of a round are back to back) and then the median over rounds, so slow drift
in machine load cancels; 1.00 means equal and the target is >= 0.97. The raw path is the minimal
consumer of llama-cpp-python's stream: it takes the same content delta out of each chunk.

    python bench/bench_backend.py [--model PATH] [--prompt-tokens 256] [--gen-tokens 64] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

TARGET = 0.97
PASSAGE = (
    "당진시는 충청남도 북서부에 있는 도시로, 서해안과 맞닿아 있다. 시는 주민의 생활 편의를 높이기 위해 "
    "도서관 야간 개방, 민원 서류 무인 발급, 찾아가는 복지 상담 같은 사업을 펼치고 있다. "
)
INSTRUCTION = "위 자료를 바탕으로 시민에게 알리는 보도자료 본문을 자세히 써 주세요."


def build_prompt(llama, prompt_tokens: int) -> str:
    """A Korean passage cut to about ``prompt_tokens`` tokens, followed by an instruction."""
    budget = max(prompt_tokens - len(llama.tokenize(INSTRUCTION.encode(), add_bos=False)), 1)
    passage = PASSAGE * (budget // 20 + 2)
    tokens = llama.tokenize(passage.encode(), add_bos=False)[:budget]
    text = llama.detokenize(tokens).decode("utf-8", "ignore")
    return f"{text}\n\n{INSTRUCTION}"


def timed(pieces: Iterator[str]) -> tuple[float, float, str]:
    """(seconds to the first piece, seconds from the first to the last piece, text)."""
    start = time.perf_counter()
    first = last = None
    out = []
    for piece in pieces:
        last = time.perf_counter()
        if first is None:
            first = last
        out.append(piece)
    if first is None:
        raise SystemExit("the model produced no text; try another prompt")
    return first - start, last - first, "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="GGUF file (default: from Mokmin's settings)")
    parser.add_argument("--prompt-tokens", type=int, default=256)
    parser.add_argument("--gen-tokens", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    import llama_cpp

    from mokmin.llm.base import GenerationOptions, Message
    from mokmin.llm.llamacpp import LlamaCppBackend

    model = args.model
    if model is None:
        from mokmin.model.install import resolve_model_path
        from mokmin.settings import load_settings

        model = resolve_model_path(load_settings())

    t0 = time.perf_counter()
    llama = llama_cpp.Llama(
        model_path=str(model), n_ctx=args.n_ctx, n_threads=args.threads, n_threads_batch=args.threads,
        n_batch=512, seed=0, verbose=False,
    )  # fmt: skip
    load_s = time.perf_counter() - t0
    backend = LlamaCppBackend(model, llama=llama)

    prompt = build_prompt(llama, args.prompt_tokens)
    messages = [Message(role="user", content=prompt)]
    options = GenerationOptions(temperature=0.0, max_tokens=args.gen_tokens, top_p=1.0, seed=0)

    def raw() -> Iterator[str]:
        for chunk in llama.create_chat_completion(
            messages=[{"role": "user", "content": prompt}], stream=True, temperature=0.0,
            max_tokens=args.gen_tokens, top_p=1.0, stop=[], seed=0,
        ):  # fmt: skip
            piece = chunk["choices"][0]["delta"].get("content")
            if piece:
                yield piece

    def mokmin() -> Iterator[str]:
        return backend.stream(messages, options)

    paths: dict[str, Callable[[], Iterator[str]]] = {"raw": raw, "mokmin": mokmin}
    runs: list[dict[str, tuple[float, float]]] = []  # one {path: (ttft, gen_s)} per round
    texts: dict[str, str] = {}

    load_before = os.getloadavg()[0]
    llama.reset()
    timed(raw())  # warm-up: page the weights in
    for i in range(args.repeat):
        order = ("raw", "mokmin") if i % 2 == 0 else ("mokmin", "raw")
        round_: dict[str, tuple[float, float]] = {}
        for name in order:
            llama.reset()  # evaluate the whole prompt every time
            ttft, gen_s, text = timed(paths[name]())
            round_[name] = (ttft, gen_s)
            texts[name] = text
        runs.append(round_)
    load_after = os.getloadavg()[0]

    prompt_n = len(llama.tokenize(prompt.encode(), add_bos=False))
    gen_n = len(llama.tokenize(texts["raw"].encode(), add_bos=False))
    same = texts["raw"] == texts["mokmin"]

    def med(values) -> float:
        return statistics.median(list(values))

    # Each round's raw and mokmin runs are back to back, so their ratio cancels slow drift in
    # machine load; the verdict uses the median of these paired ratios.
    ttft_ratios = [r["raw"][0] / r["mokmin"][0] for r in runs]
    gen_ratios = [r["raw"][1] / r["mokmin"][1] for r in runs]
    rows = [
        ("time to first token (s)", med(r["raw"][0] for r in runs), med(r["mokmin"][0] for r in runs),
         ttft_ratios),
        ("generation (tokens/s)", med((gen_n - 1) / r["raw"][1] for r in runs),
         med((gen_n - 1) / r["mokmin"][1] for r in runs), gen_ratios),
    ]  # fmt: skip

    print(f"model: {model} (loaded once in {load_s:.1f} s, shared by both paths)")
    print(f"prompt: {prompt_n} tokens of user text; generated: {gen_n} tokens; threads: {args.threads}; "
          f"{args.repeat} rounds, alternating order; identical output: {same}")  # fmt: skip
    print(f"load average: {load_before:.2f} before, {load_after:.2f} after (cores: {os.cpu_count()})")
    print()
    head = ("metric", "raw llama_cpp", "mokmin", "ratio", "min-max", "verdict")
    widths = (24, 13, 9, 6, 11, 7)
    print("| " + " | ".join(f"{h:<{w}}" for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    ok = True
    for label, r, m, ratios in rows:
        ratio = med(ratios)
        verdict = "PASS" if ratio >= TARGET else "FAIL"
        ok &= verdict == "PASS"
        spread = f"{min(ratios):.3f}-{max(ratios):.3f}"
        cells = (label, f"{r:.3f}", f"{m:.3f}", f"{ratio:.3f}", spread, verdict)
        print("| " + " | ".join(f"{c:<{w}}" for c, w in zip(cells, widths)) + " |")
    print(f"\nratio = median over rounds of mokmin/raw speed (TTFT: raw/mokmin); target >= {TARGET}")
    return 0 if ok and same else 1


if __name__ == "__main__":
    sys.exit(main())
