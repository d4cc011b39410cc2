"""Load benchmark of the web server: many concurrent citizen sessions on loopback against a real uvicorn.

    python bench/bench_web.py [--sessions 200] [--duration 30] [--model-duration 30] [--fake-model] [--docs DIR]

The server runs in a subprocess (this script with ``--serve``) over a fresh data folder: a small public
knowledge base (``--docs``: a folder of documents to index as public, default one generated guide) and
citizen interactions seeded for every session, so feedback POSTs are real writes. Citizen rate limits are
raised for the run (every session comes from 127.0.0.1, which the per-address limit would otherwise stop).

Phases, each for a bounded time:
  baseline   every session loops GET /healthz                         (the floor of this machine)
  non-model  every session loops GET /chat, /healthz, the public source, POST /api/feedback
  model      every session loops POST /api/public/chat (SSE); 429 → waits Retry-After (capped) and retries
Reported: p50/p99 latency and errors per endpoint; for the model, time to first token (including the queue
wait), completed vs 429 vs lost (no ``done`` and no 429 — must be 0), queue length sampled from /healthz;
peak RSS of the server process (psutil if installed, else /proc) with the model loaded (target ≤ 3 GB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "청년 월세 지원 금액은 한 달에 최대 얼마인가요?"
GUIDE = ["청년 월세 지원 사업은 만 19세부터 34세까지의 무주택 청년을 대상으로 한다.",
         "지원 금액은 월 최대 20만 원이며 최장 12개월 동안 지원한다.",
         "신청은 주소지 행정복지센터에서 받는다."]
RETRY_CAP = 5.0
_SSL = __import__("ssl").create_default_context()  # one context for every client (loopback is plain HTTP)
GB = 1024 ** 3


def cookie_of(i: int) -> str:
    return f"benchcitizen{i:06d}xx"


# ---- the server (subprocess) ------------------------------------------------------------------------------
def serve(args) -> None:
    import uvicorn

    from mokmin.knowledge.index import KnowledgeBase
    from mokmin.settings import load_settings
    from mokmin.web.app import create_app
    from mokmin.web.feedback import store

    home = Path(args.home)
    settings = load_settings(home=home)
    docs = Path(args.docs) if args.docs else _generated_docs(home / "docs")
    kb = KnowledgeBase(settings)
    kb.add([docs], audience="public", embed=False, progress=False)
    chunk = kb.search(QUESTION, 1, "public")[0].chunk_id
    backend = _fake_backend(args.token_delay) if args.fake_model else None
    app = create_app(settings, backend=backend)
    services = app.state.services
    if not args.fake_model:
        services.backend()  # load the embedded model now: its memory counts in the peak RSS
    feedback = store(services)
    items = [feedback.add_interaction(kind="citizen_answer", question=QUESTION, refused=False, audit_seq=None,
                                      audit_hash=None, client_id=f"citizen:{cookie_of(i)}", user_id=None,
                                      audience="public") for i in range(args.sessions)]
    (home / "ready.json").write_text(json.dumps({"chunk": chunk, "items": items}))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


def _generated_docs(folder: Path) -> Path:
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_heading("청년 월세 지원 안내", level=1)
    for text in GUIDE:
        document.add_paragraph(text)
    document.save(folder / "청년월세.docx")
    return folder


def _fake_backend(delay: float):
    sys.path.insert(0, str(ROOT / "tests"))
    from fakes import ObedientBackend

    class PacedBackend(ObedientBackend):
        """The scripted model, one piece every ``delay`` seconds (a stand-in for generation speed)."""

        name = "paced-fake"

        def stream(self, messages, options):
            for piece in super().stream(messages, options):
                time.sleep(delay)
                yield piece

    return PacedBackend(default="{supported}")


# ---- measuring --------------------------------------------------------------------------------------------
def rss_of(pid: int) -> int:
    """Resident memory of ``pid`` and its children, in bytes."""
    try:
        import psutil

        proc = psutil.Process(pid)
        return proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - the process ended
        return 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


class RssWatch(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_of(self.pid))
            self.stop.wait(0.25)


class Stats:
    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, name: str, seconds: float, status: str) -> None:
        self.latency[name].append(seconds)
        self.status[name][status] += 1


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def timed(stats: Stats, name: str, coro) -> object:
    import httpx

    t = time.perf_counter()
    try:
        response = await coro
        status = str(response.status_code)
    except httpx.HTTPError as exc:
        response, status = None, type(exc).__name__
    stats.add(name, time.perf_counter() - t, status)
    return response


async def citizen_loop(client, i: int, until: float, stats: Stats, ready: dict, baseline: bool) -> None:
    client.cookies.set("mokmin_citizen", cookie_of(i))
    csrf = ""
    while time.monotonic() < until:
        if baseline:
            await timed(stats, "healthz (baseline)", client.get("/healthz"))
            continue
        page = await timed(stats, "GET /chat", client.get("/chat", headers={"Accept": "text/html"}))
        if page is not None and not csrf:
            marker = 'name="csrf-token" content="'
            start = page.text.find(marker)
            csrf = page.text[start + len(marker): page.text.find('"', start + len(marker))] if start >= 0 else ""
        await timed(stats, "GET /healthz", client.get("/healthz"))
        await timed(stats, "GET source", client.get(f"/api/public/source/{ready['chunk']}"))
        await timed(stats, "POST /api/feedback", client.post(
            "/api/feedback", headers={"X-CSRF-Token": csrf},
            json={"kind": "citizen_answer", "item_id": ready["items"][i], "rating": 1 if i % 3 else -1,
                  "comment": "" if i % 5 else "설명이 조금 어려워요"}))


async def model_loop(client, i: int, until: float, out: dict) -> None:
    import httpx

    client.cookies.set("mokmin_citizen", cookie_of(i))
    page = await client.get("/chat", headers={"Accept": "text/html"})
    marker = 'name="csrf-token" content="'
    start = page.text.find(marker)
    csrf = page.text[start + len(marker): page.text.find('"', start + len(marker))]
    while time.monotonic() < until:
        t = time.perf_counter()
        first = None
        got_done = False
        try:
            async with client.stream("POST", "/api/public/chat", json={"message": QUESTION},
                                     headers={"X-CSRF-Token": csrf, "Accept": "text/event-stream"}) as response:
                if response.status_code == 429:
                    out["429"] += 1
                    wait = float(response.headers.get("Retry-After", "1") or 1)
                    await asyncio.sleep(min(RETRY_CAP, wait))
                    continue
                if response.status_code != 200:
                    out["lost"] += 1
                    out["lost_why"][f"HTTP {response.status_code}"] += 1
                    continue
                event = ""
                async for line in response.aiter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                        if event == "token" and first is None:
                            first = time.perf_counter() - t
                        got_done = got_done or event == "done"
                    elif line.startswith("data: ") and event == "error":
                        detail = json.loads(line[6:]).get("detail", "?")
                        out["lost_why"][f"error: {detail[:60]}"] += 1
        except httpx.HTTPError as exc:
            out["lost_why"][type(exc).__name__] += 1
        if got_done:
            out["completed"] += 1
            out["total"].append(time.perf_counter() - t)
            if first is not None:
                out["ttft"].append(first)
        else:
            out["lost"] += 1


async def sample_queue(client, until: float, samples: list[int]) -> None:
    while time.monotonic() < until:
        try:
            data = (await client.get("/healthz")).json()
            samples.append(data["queue"]["waiting"])
        except Exception:  # noqa: BLE001 - sampling only
            pass
        await asyncio.sleep(0.5)


async def run_load(base: str, sessions: int, seconds: float, ready: dict, baseline: bool) -> Stats:
    import httpx

    stats = Stats()
    clients = [httpx.AsyncClient(base_url=base, timeout=60, verify=_SSL) for _ in range(sessions)]
    until = time.monotonic() + seconds
    try:
        await asyncio.gather(*(citizen_loop(c, i, until, stats, ready, baseline) for i, c in enumerate(clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return stats


async def run_model(base: str, sessions: int, seconds: float) -> dict:
    import httpx

    out = {"completed": 0, "429": 0, "lost": 0, "ttft": [], "total": [], "queue": [],
           "lost_why": defaultdict(int)}
    clients = [httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(600, connect=30), verify=_SSL)
               for _ in range(sessions)]
    watcher = httpx.AsyncClient(base_url=base, timeout=10, verify=_SSL)
    until = time.monotonic() + seconds
    try:
        await asyncio.gather(sample_queue(watcher, until, out["queue"]),
                             *(model_loop(c, i, until, out) for i, c in enumerate(clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients), watcher.aclose())
    return out


def print_table(title: str, stats: Stats, seconds: float) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':<24}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for name, values in stats.latency.items():
        statuses = ", ".join(f"{k}:{v}" for k, v in sorted(stats.status[name].items()))
        print(f"{name:<24}{len(values):>9}{len(values) / seconds:>8.1f}{pct(values, .5) * 1000:>9.1f}"
              f"{pct(values, .99) * 1000:>9.1f}  {statuses}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30, help="seconds of each non-model phase")
    parser.add_argument("--model-duration", type=float, default=30, help="seconds of the model phase (0 = skip)")
    parser.add_argument("--fake-model", action="store_true", help="a paced scripted model instead of the embedded one")
    parser.add_argument("--token-delay", type=float, default=0.09, help="fake model: seconds per piece (~11 tok/s)")
    parser.add_argument("--docs", help="folder of documents to index as public (default: one generated guide)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return 0

    return drive(args)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drive(args) -> int:
    model_env = {}
    if not args.fake_model:  # the installed embedded model, found before the server gets a fresh data folder
        from mokmin.model.install import resolve_model_path
        from mokmin.settings import load_settings

        model_env = {"MOKMIN_LLAMACPP__MODEL_PATH": str(resolve_model_path(load_settings()))}
    home = Path(tempfile.mkdtemp(prefix="mokmin-bench-web-"))
    port = args.port or _free_port()
    env = os.environ | model_env | {"MOKMIN_HOME": str(home), "MOKMIN_WEB__CITIZEN_PER_MINUTE": "10000",
                                    "MOKMIN_WEB__QUEUE_SIZE": str(max(32, args.sessions // 4))}
    cmd = [sys.executable, __file__, "--serve", "--home", str(home), "--port", str(port),
           "--sessions", str(args.sessions), "--token-delay", str(args.token_delay)]
    cmd += ["--fake-model"] if args.fake_model else []
    cmd += ["--docs", args.docs] if args.docs else []
    server = subprocess.Popen(cmd, env=env)
    watch = RssWatch(server.pid)
    watch.start()
    base = f"http://127.0.0.1:{port}"
    try:
        ready = _wait_ready(home, base, server)
        model = "paced fake" if args.fake_model else "embedded"
        print(f"server pid {server.pid}, {args.sessions} sessions, model: {model}, RSS after start "
              f"{rss_of(server.pid) / GB:.2f} GB")
        base_stats = asyncio.run(run_load(base, args.sessions, args.duration, ready, baseline=True))
        print_table(f"baseline: /healthz only ({args.duration:g} s)", base_stats, args.duration)
        load = asyncio.run(run_load(base, args.sessions, args.duration, ready, baseline=False))
        print_table(f"non-model endpoints ({args.duration:g} s)", load, args.duration)
        lost = 0
        if args.model_duration > 0:
            out = asyncio.run(run_model(base, args.sessions, args.model_duration))
            lost = out["lost"]
            print(f"\nmodel endpoint /api/public/chat ({args.model_duration:g} s of new requests, then drained)")
            print(f"  completed {out['completed']}, told 429 {out['429']}, lost {out['lost']} "
                  f"{dict(out['lost_why']) or ''}")
            print(f"  time to first token (incl. queue wait): p50 {pct(out['ttft'], .5):.2f} s, "
                  f"p99 {pct(out['ttft'], .99):.2f} s; whole answer p50 {pct(out['total'], .5):.2f} s")
            if out["queue"]:
                print(f"  queue waiting (sampled): mean {statistics.mean(out['queue']):.1f}, max {max(out['queue'])}")
        watch.stop.set()
        watch.join()
        verdict = "ok" if watch.peak <= 3 * GB else "OVER TARGET"
        print(f"\npeak RSS of the server process: {watch.peak / GB:.2f} GB (target ≤ 3 GB: {verdict})")
        return 1 if lost else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_ready(home: Path, base: str, server: subprocess.Popen) -> dict:
    import httpx

    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}")
        ready = home / "ready.json"
        if ready.exists():
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    return json.loads(ready.read_text())
            except httpx.HTTPError:
                pass
        time.sleep(0.3)
    raise SystemExit("server did not start within 10 minutes")


if __name__ == "__main__":
    sys.exit(main())
