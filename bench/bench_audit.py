"""Audit-log append and verify rates, against plain un-chained JSON Lines in the same run.

Rows (records per second, median of ``--repeat`` rounds; each round writes a fresh log in ``--dir``):

- ``plain JSONL``: ``json.dumps`` + one ``write`` on an O_APPEND file (the baseline: no chain, no lock);
- ``ChainLog.append``: tail read + anchor check + file lock + hash + write + atomic anchor replace;
- ``audit.record`` (``--record``): the whole path a workflow takes, from a typed event (input hashed, and
  masked with ``mask_pii`` when ``--masked`` and :mod:`mokmin.checks.pii` is installed);
- each with and without ``fsync`` (the default setting is fsync on: every record is on disk before the
  workflow returns).

Verify: ``plain parse`` (``json.loads`` of every line) against ``ChainLog.verify`` (parse + canonical
re-serialisation + SHA-256 + link checks + anchor).

    python bench/bench_audit.py [--records 2000] [--repeat 3] [--dir /tmp/x] [--record] [--masked]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SAMPLE_INPUT = (
    "3월 6일(월) 오전 10시 시청 중회의실에서 시장 주재로 '월요 티타임'을 열어 챗GPT의 행정 활용 방안을 논의했다. "
    "국·소장 등 간부 공무원 20여 명이 참석했다. 문의: 정보통신과 김민수 주무관 041-350-3123."
)


def payload(i: int) -> dict:
    """A record body of realistic size (~700 bytes) without the chain fields."""
    return {
        "time": "2026-08-01T01:02:03.456+00:00", "kind": "generation", "actor": "bench", "workflow": "press_release",
        "backend": {"name": "llamacpp", "is_local": True},
        "input": {"sha256": "ab" * 32, "chars": 180, "masked": SAMPLE_INPUT[:150] + f" #{i}"},
        "findings": {"press.title-length": 1, "factlock.unsupported": 2},
        "sources": [{"doc_id": 3, "chunk_id": 17, "page": 2, "title": "당진시 업무계획"}],
        "output": {"sha256": "cd" * 32, "chars": 812}, "details": {"prompt_id": "press_body@1a2b3c4d"},
    }


def plain_append(directory: Path, n: int, fsync: bool) -> None:
    path = directory / "plain.jsonl"
    for i in range(n):
        line = (json.dumps(payload(i), ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line)
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)


def chain_append(directory: Path, n: int, fsync: bool) -> None:
    from mokmin.guard.audit_chain import ChainLog

    log = ChainLog(directory / "chain", fsync=fsync)
    for i in range(n):
        log.append(payload(i))


def record_path(directory: Path, n: int, fsync: bool, masked: bool) -> None:
    from mokmin.guard.audit import GenerationEvent, record
    from mokmin.settings import load_settings

    settings = load_settings(home=directory / "home",
                             audit={"fsync": fsync, "store_input": "masked" if masked else "hash"})
    for i in range(n):
        record(GenerationEvent(workflow="press_release", backend="llamacpp", is_local=True,
                               input=f"{SAMPLE_INPUT} #{i}", output="보도자료 본문 " * 60), settings)


def rate(fn: Callable[[Path], None], n: int, repeat: int, base: Path) -> tuple[float, Path]:
    """Median records/s over ``repeat`` fresh directories; returns the last directory (for verify)."""
    rates, last = [], base
    for r in range(repeat):
        d = base / f"{fn.__name__ if hasattr(fn, '__name__') else 'run'}-{time.monotonic_ns()}-{r}"
        d.mkdir(parents=True)
        t = time.perf_counter()
        fn(d)
        rates.append(n / (time.perf_counter() - t))
        last = d
    return statistics.median(rates), last


def verify_rates(directory: Path, n: int, repeat: int) -> tuple[float, float, bool]:
    from mokmin.guard.audit_chain import ChainLog

    plain_path = directory / "plain.jsonl"
    log = ChainLog(directory / "chain")
    plain, chained, ok = [], [], True
    for _ in range(repeat):
        t = time.perf_counter()
        with plain_path.open("rb") as fh:
            count = sum(1 for line in fh if json.loads(line))
        plain.append(count / (time.perf_counter() - t))
        t = time.perf_counter()
        result = log.verify()
        chained.append(result.count / (time.perf_counter() - t))
        ok = ok and result.ok and result.count == n
    return statistics.median(plain), statistics.median(chained), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="where to write (default: a temp folder; use the audit disk)")
    parser.add_argument("--record", action="store_true", help="also time audit.record from typed events")
    parser.add_argument("--masked", action="store_true", help="with --record: mask the input with mask_pii")
    args = parser.parse_args(argv)
    n = args.records
    base = Path(tempfile.mkdtemp(prefix="bench-audit-", dir=args.dir))
    rows: list[tuple[str, str, float, float]] = []
    try:
        for fsync in (False, True):
            label = "fsync" if fsync else "no fsync"
            plain, _ = rate(lambda d: plain_append(d, n, fsync), n, args.repeat, base)
            chain, last = rate(lambda d: chain_append(d, n, fsync), n, args.repeat, base)
            rows.append((f"append ({label})", "ChainLog.append", chain, plain))
            if args.record:
                rec, _ = rate(lambda d: record_path(d, n, fsync, args.masked), n, args.repeat, base)
                rows.append((f"append ({label})", "audit.record" + (" masked" if args.masked else ""), rec, plain))
            if not fsync:
                plain_append(last, n, False)  # the verify baseline reads the same number of lines
                vplain, vchain, ok = verify_rates(last, n, args.repeat)
                if not ok:
                    print("verify failed on a freshly written log", file=sys.stderr)
                    return 1
        rows.append(("verify", "ChainLog.verify", vchain, vplain))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"\nAudit log, {n:,} records, median of {args.repeat} rounds ({os.cpu_count()} CPUs)\n")
    print(f"{'operation':<20} {'path':<24} {'records/s':>12} {'baseline/s':>12} {'ratio':>7}")
    print("-" * 79)
    for op, path, value, baseline in rows:
        print(f"{op:<20} {path:<24} {value:>12,.0f} {baseline:>12,.0f} {value / baseline:>7.2f}")
    print("\nbaseline: plain un-chained JSON Lines (append: dumps + one O_APPEND write; verify: json.loads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
