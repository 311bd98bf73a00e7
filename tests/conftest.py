"""Every test gets its own MENTORCOACH_HOME; the embedding model is shared across the run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point all state at a temporary folder and forget cached settings around each test."""
    home = tmp_path / "home"
    for name in list(os.environ):
        if name.startswith("MENTORCOACH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MENTORCOACH_HOME", str(home))
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def settings(isolated_home: Path) -> Settings:
    """Settings read from the isolated environment."""
    return get_settings()


@pytest.fixture(scope="session")
def embedder():
    """The real bundled embedding model, loaded once per test run."""
    from assistant.index.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()
