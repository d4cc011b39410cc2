"""What the staff workspace pages share: uploaded files and the feedback reference of every result.

Uploads are read in pieces up to ``settings.web.max_upload_mb`` and saved under ``home/uploads/<area>/`` in a
fresh folder of our own naming; the client's file name is reduced to a plain base name (it becomes the
document's title) and never decides where a file goes. Each upload gets a row (``workspace_uploads``) so a
later request (summarise it, download its corrected copy) can name it by id — only its owner can.

Every model result a page shows carries ``{kind, item_id, audit_seq, audit_hash}``: the generation record
the audit log wrote for it (captured with :func:`mokmin.guard.audit.capture_records`) and the item id the
feedback store gives it, so ``Mokmin.feedbackWidget`` can send ratings that point at the exact record.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from fastapi import UploadFile

from mokmin.errors import InputError, MokminError
from mokmin.web.security import Caller

_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w가-힣ㄱ-ㅣ .()\[\]+,@-]")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS workspace_uploads (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    area TEXT NOT NULL,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workspace_results (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    created TEXT NOT NULL,
    data TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class SavedUpload:
    id: str
    path: Path
    name: str  # the cleaned client file name
    size: int


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def ensure_tables(services) -> None:
    """Create this module's tables once per app."""
    if not services.__dict__.get("_workspace_schema"):
        services.db.ensure_schema(_SCHEMA)
        services.__dict__["_workspace_schema"] = True


def upload_root(services) -> Path:
    return Path(services.settings.home) / "uploads"


def safe_name(client_name: str | None, allowed: Iterable[str]) -> str:
    """A plain base name from whatever the browser sent (``../../x.txt``, ``C:\\a\\b.hwp`` …), or InputError."""
    allowed = sorted(allowed)
    raw = unicodedata.normalize("NFC", client_name or "")
    base = PureWindowsPath(PurePosixPath(raw).name).name  # strip both kinds of folders
    base = _UNSAFE.sub("_", base).strip(" .")
    suffix = Path(base).suffix.lower()
    if suffix not in allowed:
        shown = f"'{suffix}'" if suffix else "확장자가 없는 파일"
        raise InputError(f"올릴 수 없는 파일 형식입니다: {shown}", f"쓸 수 있는 형식: {', '.join(allowed)}")
    stem = Path(base).stem[:100].strip(" .") or "문서"
    return stem + suffix


async def save_upload(services, caller: Caller, upload: UploadFile, *, area: str,
                      allowed: Iterable[str]) -> SavedUpload:
    """Save ``upload`` under ``home/uploads/<area>/<unique>/``; refuse a wrong type or a file over the limit."""
    ensure_tables(services)
    name = safe_name(upload.filename, allowed)
    limit = services.settings.web.max_upload_mb * 1024 * 1024
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    upload_id = secrets.token_urlsafe(12)
    folder = upload_root(services) / area / f"{stamp}-{upload_id[:10]}"
    folder.mkdir(parents=True, exist_ok=False)
    target = folder / name
    size = 0
    try:
        with target.open("xb") as out:
            while piece := await upload.read(_CHUNK):
                size += len(piece)
                if size > limit:
                    raise InputError(
                        f"파일이 너무 큽니다: {name} ({services.settings.web.max_upload_mb}MB 초과)",
                        f"{services.settings.web.max_upload_mb}MB 이하로 나누거나 줄여서 올리세요.",
                    )
                out.write(piece)
        if size == 0:
            raise InputError(f"빈 파일입니다: {name}", "내용이 들어 있는 파일을 올리세요.")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    user_id = caller.user.id if caller.user else 0
    services.db.execute(
        "INSERT INTO workspace_uploads (id, user_id, area, path, name, size, created) VALUES (?,?,?,?,?,?,?)",
        (upload_id, user_id, area, str(target), name, size, now()),
    )
    return SavedUpload(upload_id, target, name, size)


def find_upload(services, caller: Caller, upload_id: str, area: str) -> SavedUpload:
    """An upload of this caller in ``area``, or InputError (another user's upload is not found either)."""
    ensure_tables(services)
    row = services.db.query_one(
        "SELECT id, path, name, size FROM workspace_uploads WHERE id = ? AND area = ? AND user_id = ?",
        (upload_id, area, caller.user.id if caller.user else 0),
    )
    if row is None or not Path(row["path"]).is_file():
        raise InputError("올린 파일을 찾을 수 없습니다.", "파일을 다시 올리세요.")
    return SavedUpload(row["id"], Path(row["path"]), row["name"], row["size"])


@contextlib.contextmanager
def reading(services, saved: SavedUpload, *, keep: bool = False) -> Iterator[None]:
    """Around reading an upload: a MokminError names the file, not its server path; an unreadable upload is
    deleted again (unless ``keep``)."""
    try:
        yield
    except MokminError as exc:
        exc.message = exc.message.replace(str(saved.path), saved.name)
        if not keep:
            remove_upload_folder(services, saved.path)
        raise
    except Exception:
        if not keep:
            remove_upload_folder(services, saved.path)
        raise


def remove_upload_folder(services, path: str | Path) -> bool:
    """Delete the folder of a file we saved (only inside ``home/uploads``); True when removed."""
    root = upload_root(services).resolve()
    folder = Path(path).resolve().parent
    if root in folder.parents and folder != root and folder.parent != root:
        shutil.rmtree(folder, ignore_errors=True)
        return True
    return False


# ---- results kept for later requests (download, re-run) -----------------------------------------------------
def keep_result(services, caller: Caller, kind: str, data: str) -> str:
    ensure_tables(services)
    result_id = secrets.token_urlsafe(12)
    services.db.execute(
        "INSERT INTO workspace_results (id, user_id, kind, created, data) VALUES (?,?,?,?,?)",
        (result_id, caller.user.id if caller.user else 0, kind, now(), data),
    )
    return result_id


def load_result(services, caller: Caller, kind: str, result_id: str) -> str:
    ensure_tables(services)
    row = services.db.query_one(
        "SELECT data FROM workspace_results WHERE id = ? AND kind = ? AND user_id = ?",
        (result_id, kind, caller.user.id if caller.user else 0),
    )
    if row is None:
        raise InputError("결과를 찾을 수 없습니다.", "다시 만들어 주세요.")
    return row["data"]


# ---- the feedback reference ---------------------------------------------------------------------------------
def generation_record(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last generation record among ``records`` (what capture_records collected)."""
    return next((r for r in reversed(records) if r.get("kind") == "generation"), None)


def feedback_reference(services, caller: Caller, kind: str, records: list[dict[str, Any]], *,
                       question: str = "", refused: bool = False, sources: list | None = None) -> dict[str, Any]:
    """``{kind, item_id, audit_seq, audit_hash}`` of a result; stored as an interaction when the feedback
    module is there (the question is masked first)."""
    rec = generation_record(records) or {}
    seq, digest = rec.get("seq"), rec.get("hash")
    item_id = f"{kind}-{seq}" if seq is not None else f"{kind}-{secrets.token_hex(6)}"
    try:
        from mokmin.web.feedback import record_interaction
    except ImportError:  # the feedback store is optional for the workspace
        record_interaction = None
    if record_interaction is not None:
        from mokmin.checks.pii import mask_pii

        masked = mask_pii(question).text if question else ""
        item_id = str(record_interaction(services, kind, masked, refused, seq, digest, caller,
                                         sources=sources or ()))
    return {"kind": kind, "item_id": item_id, "audit_seq": seq, "audit_hash": digest}


def finding_dict(finding) -> dict[str, Any]:
    """A finding for the browser: its fields plus the severity's Korean label."""
    data = finding.to_dict()
    data["label"] = finding.severity.label
    return data
