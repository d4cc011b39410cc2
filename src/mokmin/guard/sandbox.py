"""Running untrusted Python (model-written scripts) in a restricted child process.

Layers, each reported in :attr:`SandboxResult.layers` when active:
- ``isolated_python``: ``python -I -B`` from this interpreter, a stripped environment, a fresh temporary working
  directory that holds *copies* of the inputs (the originals are never touched), standard input closed.
- ``netns``: a network namespace without interfaces (``unshare --net``; ``unshare --map-root-user --net`` for
  an ordinary user), when the OS allows it — probed once per process.
- ``unprivileged_user``: when we run as root, the child runs as ``nobody`` (``setpriv``), so the OS refuses
  writes outside the (chowned) working directory.
- ``rlimits``: address space, CPU seconds, file size, open files, no core dumps — set in the child by the
  bootstrap before the user code runs.
- ``audit_hook``: a ``sys.addaudithook`` hook (installed by the bootstrap, cannot be removed) refuses socket
  use, subprocesses / ``os.system`` / exec / fork, and writes, deletes or renames outside the working directory.
- ``process_group``: a wall-clock timeout kills the child's whole process group; output is capped.
The audit hook is a guard against mistakes, not a wall against a determined attacker (``ctypes`` can go
around it); the OS layers are the wall where they are available.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

ErrorKind = Literal["timeout", "memory", "network", "forbidden", "file_size", "exception", "exit", "crash"]
SCRIPT_NAME = "script.py"
NOBODY = 65534


@dataclass(frozen=True)
class SandboxLimits:
    wall_seconds: float = 30.0
    cpu_seconds: int = 20
    memory_bytes: int = 1024 * 1024 * 1024  # address space; pandas needs ~400 MB of it to import
    file_bytes: int = 50 * 1024 * 1024
    open_files: int = 128
    stdout_bytes: int = 64 * 1024  # the head is kept
    stderr_bytes: int = 8 * 1024  # the tail is kept


@dataclass
class ProducedFile:
    name: str  # relative to the working directory
    size: int
    path: Path | None = None  # where it was copied to (``collect_to``), else None: the directory is gone


@dataclass
class SandboxResult:
    ok: bool
    kind: ErrorKind | None
    message: str  # Korean, for the user
    returncode: int | None
    stdout: str
    stderr: str  # tail
    stdout_truncated: bool = False
    exception: str | None = None  # "ZeroDivisionError: division by zero"
    refused: list[dict[str, str]] = field(default_factory=list)  # what the audit hook refused
    files: list[ProducedFile] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["files"] = [{"name": f.name, "size": f.size, "path": str(f.path) if f.path else None}
                         for f in self.files]
        return data


# The child's first code: limits, the audit hook, then the user's script. Kept free of imports the user
# code could need to patch; its own frames are dropped from the user's traceback.
_BOOTSTRAP = r'''
import sys, os, json, resource, signal, traceback
_wd, _fd, _lim = os.path.realpath(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
_status = os.fdopen(_fd, "w", encoding="utf-8")
_applied = []
for _name, _res, _val in (("memory", "RLIMIT_AS", _lim["memory"]), ("cpu", "RLIMIT_CPU", _lim["cpu"]),
                          ("file_size", "RLIMIT_FSIZE", _lim["fsize"]), ("open_files", "RLIMIT_NOFILE", _lim["nofile"]),
                          ("core", "RLIMIT_CORE", 0)):
    try:
        _hard = _val + 1 if _name == "cpu" else _val
        resource.setrlimit(getattr(resource, _res), (_val, _hard))
        _applied.append(_name)
    except (ValueError, OSError, AttributeError):
        pass
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big file raises OSError(EFBIG) instead of killing
_refused = []

class SandboxRefusal(PermissionError):
    pass

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {"os.remove": 1, "os.rmdir": 1, "os.mkdir": 1, "os.truncate": 1, "os.chmod": 1, "os.chown": 1,
                "os.utime": 1, "os.chflags": 1, "os.setxattr": 1, "os.removexattr": 1, "shutil.rmtree": 1,
                "os.rename": 2, "os.link": 2, "os.symlink": 2}
_PROCESS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
            "os.kill", "os.killpg", "pty.spawn", "os.startfile")

def _inside(path):
    if isinstance(path, int) or path is None:
        return True
    try:
        real = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    return real == _wd or real.startswith(_wd + os.sep) or real == "/dev/null"

def _refuse(kind, detail):
    _refused.append({"kind": kind, "detail": detail[:200]})
    label = {"network": "네트워크 접속은", "process": "다른 프로그램 실행은", "write": "작업 폴더 밖 쓰기는"}[kind]
    raise SandboxRefusal(f"[목민 샌드박스] {label} 허용되지 않습니다: {detail[:200]}")

def _hook(event, args):
    if event.startswith("socket."):
        _refuse("network", f"{event} {args[1:] if event == 'socket.connect' else args!r}"[:200])
    elif event.startswith(_PROCESS):
        _refuse("process", f"{event} {args[:1]!r}")
    elif event == "open":
        path, mode, flags = (tuple(args) + (None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS)
        if writing and not _inside(path):
            _refuse("write", f"open({path!r}, {mode!r})")
    elif event in _PATH_EVENTS:
        for path in args[:_PATH_EVENTS[event]]:
            if not _inside(path):
                _refuse("write", f"{event}({path!r})")

sys.addaudithook(_hook)
_status.write(json.dumps({"ready": True, "limits": _applied}) + "\n")
_status.flush()
_code = 1
_report = {"status": "ok"}
try:
    with open(os.path.join(_wd, "script.py"), encoding="utf-8") as _f:
        _source = _f.read()
    exec(compile(_source, "script.py", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    _code = 0
except SystemExit as _e:
    _c = _e.code
    _code = _c if isinstance(_c, int) else (0 if _c is None else 1)
    if _code:
        _report.update(status="exit", code=_code)
except BaseException as _e:
    _code = 1
    _report.update(status="exception", type=type(_e).__name__, message=str(_e)[:500],
                   memory=isinstance(_e, MemoryError), errno=getattr(_e, "errno", None),
                   refusal=isinstance(_e, SandboxRefusal))
    try:
        _tb = traceback.TracebackException(type(_e), _e, _e.__traceback__.tb_next)
        _tb.stack = traceback.StackSummary.from_list([_s for _s in _tb.stack if _s.filename != "<string>"])
        sys.stderr.write("".join(_tb.format()))
    except BaseException:
        sys.stderr.write(f"{type(_e).__name__}: {_e}\n")
_report["refused"] = _refused
try:
    sys.stdout.flush()
    sys.stderr.flush()
except BaseException:
    pass
_status.write(json.dumps(_report, ensure_ascii=False))
_status.flush()
os._exit(_code if isinstance(_code, int) else 1)
'''


@lru_cache(maxsize=1)
def network_namespace_prefix() -> tuple[str, ...]:
    """The ``unshare`` command line that gives the child a network namespace, or () where the OS refuses."""
    unshare = shutil.which("unshare")
    if not unshare or not sys.platform.startswith("linux"):
        return ()
    candidates = [(unshare, "--net", "--")] if os.geteuid() == 0 else []
    candidates.append((unshare, "--map-root-user", "--net", "--"))
    for prefix in candidates:
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return prefix
    return ()


@lru_cache(maxsize=1)
def drop_privileges_prefix() -> tuple[str, ...]:
    """``setpriv`` to ``nobody`` when we are root and the interpreter is usable as nobody, else ()."""
    setpriv = shutil.which("setpriv")
    if not setpriv or os.geteuid() != 0:
        return ()
    prefix = (setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--no-new-privs", "--")
    try:
        probe = subprocess.run([*prefix, sys.executable, "-I", "-c", "import openpyxl"],
                               capture_output=True, timeout=60, cwd="/")
    except (OSError, subprocess.SubprocessError):
        return ()
    return prefix if probe.returncode == 0 else ()


def child_environment(workdir: Path) -> dict[str, str]:
    """Only what a script needs: no proxies, no credentials, no PYTHON* variables."""
    return {
        "PATH": "/usr/bin:/bin", "HOME": str(workdir), "TMPDIR": str(workdir), "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(workdir),
    }


def run_python(
    code: str,
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    limits: SandboxLimits | None = None,
    collect_to: str | os.PathLike[str] | None = None,
    os_isolation: bool = True,
) -> SandboxResult:
    """Run ``code`` as ``script.py`` in a fresh directory holding copies of ``inputs``.

    Files the script creates or changes are listed in ``files`` and, with ``collect_to``, copied there.
    ``os_isolation=False`` leaves out the network namespace and the user switch (the audit hook still runs).
    """
    limits = limits or SandboxLimits()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mokmin-sandbox-") as tmp:
        workdir = Path(tmp) / "work"
        workdir.mkdir()
        before = _copy_inputs(inputs, workdir)
        (workdir / SCRIPT_NAME).write_text(code, encoding="utf-8")
        prefix: list[str] = []
        layers = ["isolated_python", "process_group"]
        if os_isolation and network_namespace_prefix():
            prefix += network_namespace_prefix()
            layers.append("netns")
        if os_isolation and drop_privileges_prefix():
            os.chmod(tmp, 0o755)
            _chown_tree(workdir, NOBODY)
            prefix += drop_privileges_prefix()
            layers.append("unprivileged_user")
        child_limits = {"memory": limits.memory_bytes, "cpu": limits.cpu_seconds, "fsize": limits.file_bytes,
                        "nofile": limits.open_files}
        status_r, status_w = os.pipe()
        try:
            proc = subprocess.Popen(
                [*prefix, sys.executable, "-I", "-B", "-c", _BOOTSTRAP, str(workdir), str(status_w),
                 json.dumps(child_limits)],
                cwd=workdir, env=child_environment(workdir), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, pass_fds=(status_w,), start_new_session=True,
            )
        except BaseException:
            os.close(status_r)
            raise
        finally:
            os.close(status_w)
        out, err, status_raw = _Head(limits.stdout_bytes), _Tail(limits.stderr_bytes), _Head(64 * 1024)
        readers = [_reader(proc.stdout, out), _reader(proc.stderr, err), _reader(os.fdopen(status_r, "rb"), status_raw)]
        timed_out = False
        try:
            proc.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc.pid)
            proc.wait()
        for thread in readers:
            thread.join(timeout=5)
        status = _parse_status(status_raw.data())
        if status.get("limits"):
            layers.append("rlimits")
        if status.get("ready"):
            layers.append("audit_hook")
        files = _produced(workdir, before, Path(collect_to) if collect_to else None)
        result = _classify(proc.returncode, timed_out, status, limits)
        result.stdout = codecs.getincrementaldecoder("utf-8")("replace").decode(out.data())  # no cut character
        result.stdout_truncated = out.truncated
        result.stderr = err.data().decode("utf-8", "replace").lstrip("\ufffd")
        result.files = files
        result.layers = layers
        result.seconds = time.perf_counter() - start
        return result


def _parse_status(raw: bytes) -> dict:
    """The bootstrap's lines: ``{"ready", "limits"}`` once the hook is in, then the final report."""
    status: dict = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        try:
            status.update(json.loads(line))
        except json.JSONDecodeError:
            continue
    return status


def _classify(returncode: int | None, timed_out: bool, status: dict, limits: SandboxLimits) -> SandboxResult:
    refused = list(status.get("refused") or [])
    exc = f"{status['type']}: {status.get('message', '')}".rstrip(": ") if status.get("type") else None

    def res(kind: ErrorKind | None, message: str) -> SandboxResult:
        return SandboxResult(kind is None, kind, message, returncode, "", "", exception=exc, refused=refused)

    signum = -returncode if returncode is not None and returncode < 0 else None
    if timed_out or signum == signal.SIGXCPU:
        limit = f"{limits.wall_seconds:g}초" if timed_out else f"CPU {limits.cpu_seconds}초"
        return res("timeout", f"시간 제한({limit})을 넘겨 실행을 멈췄습니다. 끝나지 않는 반복이 없는지 확인하세요.")
    if status.get("status") == "exception":
        kinds = [r["kind"] for r in refused]
        if "network" in kinds:
            return res("network", "네트워크 접속을 시도해 막았습니다. 코드 도우미의 코드는 인터넷이나 내부망에 접속할 수 없습니다.")
        if status.get("refusal") or kinds:
            what = "다른 프로그램 실행" if (kinds or ["write"])[-1] == "process" else "작업 폴더 밖에 파일 쓰기"
            return res("forbidden", f"허용되지 않은 동작({what})을 막았습니다. 코드는 임시 작업 폴더 안에서만 "
                                    "파일을 만들 수 있고 다른 프로그램을 실행할 수 없습니다.")
        if status.get("memory"):
            return res("memory", f"메모리 제한({limits.memory_bytes // 2**20:,} MB)을 넘어 실행을 멈췄습니다. "
                                 "데이터를 나눠 처리하거나 필요한 열만 읽으세요.")
        if status.get("errno") == 27:
            return res("file_size", f"파일 크기 제한({limits.file_bytes // 2**20:,} MB)을 넘었습니다.")
        return res("exception", f"코드 실행 중 오류가 났습니다: {exc}")
    if status.get("status") == "exit":
        return res("exit", f"코드가 종료 코드 {status.get('code')}(으)로 끝났습니다.")
    if status.get("status") == "ok" and returncode == 0:
        return res(None, "실행을 마쳤습니다.")
    if signum:
        name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else str(signum)
        hint = " 메모리가 모자라 운영체제가 멈췄을 수 있습니다." if signum == signal.SIGKILL else ""
        return res("crash", f"파이썬이 비정상 종료했습니다(신호 {name}).{hint}")
    return res("crash", f"파이썬이 결과를 남기지 못하고 끝났습니다(종료 코드 {returncode}).")


class _Head:
    """The first ``limit`` bytes of a stream; the rest is counted and dropped."""

    def __init__(self, limit: int):
        self.limit, self.parts, self.size, self.truncated = limit, [], 0, False

    def feed(self, chunk: bytes) -> None:
        room = self.limit - self.size
        if room > 0:
            self.parts.append(chunk[:room])
            self.size += min(room, len(chunk))
        if len(chunk) > max(room, 0):
            self.truncated = True

    def data(self) -> bytes:
        return b"".join(self.parts)


class _Tail:
    """The last ``limit`` bytes of a stream."""

    def __init__(self, limit: int):
        self.limit, self.buf, self.truncated = limit, deque(), False
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        self.buf.append(chunk)
        self.size += len(chunk)
        while self.size - len(self.buf[0]) >= self.limit:
            self.size -= len(self.buf.popleft())
            self.truncated = True

    def data(self) -> bytes:
        return b"".join(self.buf)[-self.limit:]


def _reader(stream, sink) -> threading.Thread:
    def pump() -> None:
        with stream:
            while chunk := stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536):
                sink.feed(chunk)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return thread


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _copy_inputs(inputs: Iterable[str | os.PathLike[str]], workdir: Path) -> dict[str, tuple[int, str]]:
    """Copy each input into ``workdir`` (by its file name); returns name → (size, digest) of the copies."""
    import hashlib

    before: dict[str, tuple[int, str]] = {}
    for item in inputs:
        src = Path(item)
        if src.name in before or src.name == SCRIPT_NAME:
            raise ValueError(f"input name used twice or reserved: {src.name}")
        dst = workdir / src.name
        shutil.copyfile(src, dst)
        data = dst.read_bytes()
        before[src.name] = (len(data), hashlib.sha256(data).hexdigest())
    return before


def _produced(workdir: Path, before: dict[str, tuple[int, str]], collect_to: Path | None) -> list[ProducedFile]:
    """Files created (or input copies changed) by the script."""
    import hashlib

    out = []
    for path in sorted(p for p in workdir.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(workdir).as_posix()
        if rel == SCRIPT_NAME:
            continue
        data = path.read_bytes()
        if before.get(rel) == (len(data), hashlib.sha256(data).hexdigest()):
            continue
        dest = None
        if collect_to is not None:
            dest = collect_to / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
        out.append(ProducedFile(rel, len(data), dest))
    return out


def _chown_tree(root: Path, uid: int) -> None:
    os.chown(root, uid, uid)
    for path in root.rglob("*"):
        os.chown(path, uid, uid, follow_symlinks=False)
