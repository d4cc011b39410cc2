"""Shared fixtures: every test gets its own MOKMIN_HOME; the real embedded model is loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Never touch a real user's data directory or settings."""
    for key in list(os.environ):
        if key.startswith("MOKMIN_") and key != "MOKMIN_TEST_MODEL":
            monkeypatch.delenv(key, raising=False)
    home = tmp_path / "mokmin-home"
    home.mkdir()
    monkeypatch.setenv("MOKMIN_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    """The packaged GGUF: taken from MOKMIN_TEST_MODEL (set by scripts/bootstrap.sh), else assembled once."""
    explicit = os.environ.get("MOKMIN_TEST_MODEL")
    if explicit and Path(explicit).is_file():
        return Path(explicit)
    from mokmin.model.install import install_model

    return install_model(tmp_path_factory.mktemp("model"), show_progress=False)


@pytest.fixture(scope="session")
def llama_backend(model_path):
    """One real llama.cpp backend for the whole session (loading costs 1–2 s)."""
    from mokmin.llm.llamacpp import LlamaCppBackend

    return LlamaCppBackend(model_path=model_path, n_ctx=4096)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def pytest_collection_modifyitems(config, items):
    """Tests that load the real embedded model are marked ``model`` (``-m "not model"`` runs the fast rest)."""
    for item in items:
        if {"llama_backend", "model_path"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)
