"""The audit log's storage: an append-only, hash-chained JSON Lines file plus a head anchor.

Why JSON Lines and not SQLite: every record is one self-contained line that an inspector can read,
grep or hand to another tool without Mokmin; appending is a single ``write`` on an ``O_APPEND`` file
(the file can even be made append-only by the OS: ``chattr +a audit.jsonl``), and the chain covers
exactly what is on disk. SQLite would add nothing the chain needs and hide the records in a format
that needs a client to read.

Layout of ``<dir>``:

- ``audit.jsonl``: one record a line. Each record carries ``seq`` (1, 2, 3, …), ``prev_hash`` (the
  ``hash`` of the record before it; 64 zeros for the first) and ``hash`` = SHA-256 of the record's
  canonical JSON (sorted keys, no ``hash``). Editing, deleting, inserting or reordering a record breaks
  the chain at that record.
- ``head.json``: the anchor, ``{"seq", "hash"}`` of the last record, replaced atomically after every
  append. Cutting records off the end (which the chain alone cannot show) leaves the anchor pointing
  past the end. A crash between the two writes leaves the anchor one record behind; that is accepted
  and repaired by the next append.
- ``.audit.lock``: a file lock (``filelock``) held for each append, so two processes never interleave
  or fork the chain.

Someone who can rewrite the whole file *and* the anchor can forge a consistent log; against that, note
the head (``mokmin audit verify`` prints it) somewhere else and later check with ``--expect SEQ:HASH``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from mokmin.errors import MokminError

GENESIS = "0" * 64
LOG_NAME = "audit.jsonl"
ANCHOR_NAME = "head.json"
LOCK_NAME = ".audit.lock"
CHAIN_FIELDS = ("seq", "prev_hash", "hash")
_VERIFY_HINT = "`mokmin audit verify`로 어느 기록이 문제인지 확인하고 시스템 관리자에게 알리세요."


class AuditError(MokminError):
    """The audit log cannot be written or read as a valid chain (fail closed: nothing goes unaudited)."""


def canonical(record: dict[str, Any]) -> str:
    """The exact text that is hashed: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def record_hash(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    """Where the chain stands: a record's seq and hash."""

    seq: int
    hash: str


@dataclass
class Problem:
    """The first thing wrong with the log, in Korean, with where it is."""

    reason: str
    line: int | None = None  # 1-based line in audit.jsonl
    seq: int | None = None
    text: str = ""  # the offending line (shortened)


@dataclass
class VerifyResult:
    count: int = 0
    head: Link | None = None
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


class ChainLog:
    """One audit directory. Thread-safe and process-safe for appends."""

    def __init__(self, directory: Path, *, fsync: bool = True, lock_timeout: float = 30.0):
        self.directory = Path(directory)
        self.log_path = self.directory / LOG_NAME
        self.anchor_path = self.directory / ANCHOR_NAME
        self.fsync = fsync
        self.lock_timeout = lock_timeout
        self._thread_lock = threading.Lock()
        self._file_lock: FileLock | None = None

    # -- writing ------------------------------------------------------------------------------

    def append(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Chain ``payload`` after the last record and write it; returns the full record."""
        clash = [k for k in CHAIN_FIELDS if k in payload]
        if clash:
            raise ValueError(f"payload must not set {clash}")
        with self._thread_lock, self._locked():
            last = self._check_head()
            record = {"seq": (last.seq + 1) if last else 1, **payload,
                      "prev_hash": last.hash if last else GENESIS}
            record["hash"] = record_hash(record)
            line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                view = memoryview(line)
                while view:
                    view = view[os.write(fd, view):]
                if self.fsync:
                    os.fsync(fd)
            finally:
                os.close(fd)
            self._write_anchor(Link(record["seq"], record["hash"]))
            return record

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o750)
            if self._file_lock is None:
                self._file_lock = FileLock(self.directory / LOCK_NAME, timeout=self.lock_timeout,
                                           preserve_lock_file=True)
            with self._file_lock:
                yield
        except Timeout as exc:
            raise AuditError(
                f"감사 로그 잠금을 {self.lock_timeout:g}초 안에 얻지 못했습니다: {self.directory}",
                "다른 목민 프로세스가 멈춰 있지 않은지 확인하세요.",
            ) from exc
        except OSError as exc:
            raise AuditError(
                f"감사 로그를 쓸 수 없습니다: {self.directory} ({exc.strerror or exc})",
                "감사 로그 폴더(audit.dir, 기본 $MOKMIN_HOME/audit)의 쓰기 권한과 디스크 공간을 확인하세요.",
            ) from exc

    def _check_head(self) -> Link | None:
        """The last record, after checking that the tail and the anchor agree (else refuse to write)."""
        tail, complete = _tail_lines(self.log_path, 2)
        if not complete:
            raise AuditError("감사 로그의 마지막 줄이 불완전합니다 (기록 중 중단되었거나 편집됨).", _VERIFY_HINT)
        links = [_link_of(raw) for raw in tail]
        if any(link is None for link in links):
            raise AuditError("감사 로그의 마지막 기록을 읽을 수 없습니다.", _VERIFY_HINT)
        last = links[-1] if links else None
        before = links[-2] if len(links) > 1 else None
        anchor = self._read_anchor()
        if last is None and anchor is None:
            return None
        if anchor is None or last is None or anchor == "bad":
            raise AuditError("감사 로그와 앵커(head.json)가 맞지 않습니다 (하나가 없거나 손상됨).", _VERIFY_HINT)
        if anchor == last or (before is not None and anchor == before and last.seq == before.seq + 1):
            return last
        raise AuditError(
            f"감사 로그의 끝(seq {last.seq})과 앵커(seq {anchor.seq})가 맞지 않습니다.", _VERIFY_HINT
        )

    def _read_anchor(self) -> Link | str | None:
        try:
            data = json.loads(self.anchor_path.read_text(encoding="utf-8"))
            return Link(int(data["seq"]), str(data["hash"]))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            return "bad"

    def _write_anchor(self, link: Link) -> None:
        tmp = self.directory / f".{ANCHOR_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            with open(tmp, "x", encoding="utf-8") as fh:
                fh.write(json.dumps({"seq": link.seq, "hash": link.hash}) + "\n")
                if self.fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, self.anchor_path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    # -- reading ------------------------------------------------------------------------------

    def head(self) -> Link | None:
        anchor = self._read_anchor()
        return anchor if isinstance(anchor, Link) else None

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record in file order (unverified; run :meth:`verify` for trust)."""
        if not self.log_path.exists():
            return
        with self.log_path.open("rb") as fh:
            for raw in fh:
                with contextlib.suppress(ValueError):
                    record = json.loads(raw)
                    if isinstance(record, dict):
                        yield record

    def verify(self, expect: Link | None = None) -> VerifyResult:
        """Walk the whole chain; stop at the first problem. ``expect`` is a head noted earlier."""
        result = VerifyResult()
        prev = Link(0, GENESIS)
        before: Link | None = None
        seen_expect = expect is None
        if self.log_path.exists():
            with self.log_path.open("rb") as fh:
                for lineno, raw in enumerate(fh, start=1):
                    problem, link = _check_line(raw, lineno, prev)
                    if problem:
                        result.problem = problem
                        return result
                    assert link is not None
                    if expect is not None and link.seq == expect.seq:
                        if link.hash != expect.hash:
                            result.problem = Problem(
                                f"seq {link.seq} 기록의 해시가 이전에 적어 둔 값과 다릅니다 "
                                "(그 이전 기록이 다시 쓰였습니다).", lineno, link.seq, _short(raw))
                            return result
                        seen_expect = True
                    before, prev = prev, link
                    result.count += 1
        last = prev if result.count else None
        result.head = last
        result.problem = self._anchor_problem(last, before)
        if result.problem is None and not seen_expect:
            result.problem = Problem(f"이전에 적어 둔 seq {expect.seq} 기록이 로그에 없습니다 (끝이 잘렸습니다).")
        if result.problem is None and last and self.head() == before:
            result.notes.append("앵커가 마지막 기록보다 한 건 뒤에 있습니다 (기록 중 중단). 다음 기록 때 바로잡힙니다.")
        return result

    def _anchor_problem(self, last: Link | None, before: Link | None) -> Problem | None:
        anchor = self._read_anchor()
        if anchor == "bad":
            return Problem(f"앵커 파일({self.anchor_path.name})이 손상되었습니다.")
        if anchor is None:
            return Problem(f"앵커 파일({self.anchor_path.name})이 없습니다 (로그에 기록 {last.seq}건).") if last else None
        assert isinstance(anchor, Link)
        if last is None:
            return Problem(f"감사 로그가 비었거나 없지만 앵커는 seq {anchor.seq}을(를) 가리킵니다 (로그가 지워짐).")
        if anchor.seq > last.seq:
            return Problem(
                f"로그 끝이 잘렸습니다: 앵커는 seq {anchor.seq}까지인데 로그는 seq {last.seq}에서 끝납니다.",
                seq=last.seq + 1)
        if anchor == last or (anchor == before and before is not None):
            return None
        if anchor.seq == last.seq:
            return Problem(f"앵커의 해시가 마지막 기록(seq {last.seq})과 다릅니다 (앵커나 로그가 바뀜).", seq=last.seq)
        return Problem(f"앵커(seq {anchor.seq}) 뒤에 기록이 덧붙여졌거나 앵커가 바뀌었습니다 "
                       f"(로그 끝: seq {last.seq}).", seq=anchor.seq + 1)


def _check_line(raw: bytes, lineno: int, prev: Link) -> tuple[Problem | None, Link | None]:
    text = _short(raw)
    if not raw.endswith(b"\n"):
        return Problem("마지막 줄이 불완전합니다 (잘렸거나 기록 중 중단됨).", lineno, None, text), None
    try:
        record = json.loads(raw)
        seq, prev_hash, stored = record["seq"], record["prev_hash"], record["hash"]
    except (ValueError, KeyError, TypeError):
        return Problem("기록을 읽을 수 없습니다 (JSON이 아니거나 필수 항목이 없음).", lineno, None, text), None
    if not isinstance(seq, int) or seq < 1:
        return Problem("seq 값이 올바르지 않습니다.", lineno, None, text), None
    if record_hash(record) != stored:
        return Problem("기록 내용이 바뀌었습니다 (해시 불일치).", lineno, seq, text), None
    if seq > prev.seq + 1:
        gap = f"seq {prev.seq + 1}" + (f"~{seq - 1}" if seq - 1 > prev.seq + 1 else "")
        return Problem(f"{gap} 기록이 있어야 할 자리에 seq {seq}이(가) 있습니다 (삭제되었거나 순서가 바뀜).",
                       lineno, seq, text), None
    if seq <= prev.seq:
        return Problem(f"seq {seq}이(가) seq {prev.seq} 뒤에 있습니다 (순서가 바뀌었거나 끼워 넣은 기록).",
                       lineno, seq, text), None
    if prev_hash != prev.hash:
        return Problem("앞 기록과 사슬이 끊겼습니다 (앞 기록이 바뀌었거나 이 기록이 끼워 넣어짐).",
                       lineno, seq, text), None
    return None, Link(seq, stored)


def _short(raw: bytes, limit: int = 200) -> str:
    text = raw.decode("utf-8", "replace").rstrip("\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _link_of(raw: bytes) -> Link | None:
    try:
        record = json.loads(raw)
        return Link(int(record["seq"]), str(record["hash"]))
    except (ValueError, KeyError, TypeError):
        return None


def _tail_lines(path: Path, n: int) -> tuple[list[bytes], bool]:
    """The last ``n`` complete lines of ``path`` (without newlines) and whether the file ends in one."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        return [], True
    with fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return [], True
        pos, data = size, b""
        while pos > 0 and data.count(b"\n") <= n:
            step = min(65536, pos)
            pos -= step
            fh.seek(pos)
            data = fh.read(step) + data
    if not data.endswith(b"\n"):
        return [], False
    lines = data[:-1].split(b"\n")
    if pos > 0:
        lines = lines[1:]  # the first piece may start mid-line
    return lines[-n:], True
