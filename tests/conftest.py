"""Every test gets its own MENTORCOACH_HOME; the embedding model and the fitted classifiers
(one cache folder) are shared across the run."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings, get_settings

CACHE = "MENTORCOACH_CACHE_DIR"
#: The embedding model's ONNX export, made once per run.
ONNX = "MENTORCOACH_ONNX_DIR"


def pytest_configure(config: pytest.Config) -> None:
    """One cache folder for the run, so each classifier is fitted once, never in ~/.cache."""
    folder = tempfile.mkdtemp(prefix="mentorcoach-test-cache-")
    os.environ[CACHE] = folder
    os.environ[ONNX] = str(Path(folder) / "models")
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point all state at a temporary folder and forget cached settings around each test."""
    home = tmp_path / "home"
    for name in list(os.environ):
        if name.startswith("MENTORCOACH_") and name not in (CACHE, ONNX):
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
    """The real bundled embedding model on its ONNX export (as the product runs it), exported
    once per test run into the shared cache folder."""
    from assistant.index.embeddings import OnnxEmbedder

    return OnnxEmbedder(models_dir=Path(os.environ[ONNX]))


@pytest.fixture(scope="session")
def torch_embedder():
    """The same model on torch (sentence-transformers), loaded once per test run."""
    from assistant.index.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def reader(embedder):
    """The reader on the real embedder, its classifiers fitted once per run."""
    from assistant.reader.reading import Reader

    return Reader(embedder, Path(os.environ[CACHE]))


@pytest.fixture
def plan(reader):
    """Plan one turn the way the guide does: the message read by the real reader, then the
    policy steps (no retrieval; pass ``hits`` for the passages)."""
    from assistant.guidance.policy import TurnInput, plan_turn
    from assistant.guidance.session import Session

    def planned(message: str, session: Session | None = None, choice=None, hits=(),
                **extra):
        session = session if session is not None else Session()
        return plan_turn(TurnInput(reader.read(message, session), session, choice, list(hits),
                                   **extra))

    return planned


@pytest.fixture(scope="session")
def starter_home(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """A home whose index holds the starter corpus, built once per test run."""
    from assistant.index.store import open_store
    from ingest.sync import sync_paths

    home = tmp_path_factory.mktemp("starter-home")
    config = Settings(home=home)
    report = sync_paths(
        [config.corpus_dir], settings=config, store=open_store(config), embedder=embedder
    )
    assert report.ok, report.to_dict()
    return home


@pytest.fixture
def starter_settings(starter_home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings pointing at the starter index."""
    monkeypatch.setenv("MENTORCOACH_HOME", str(starter_home))
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture(scope="session")
def guide(starter_home: Path, embedder):
    """The offline guide on the starter index, shared by the tests that only read it."""
    from assistant.chain.guide import Guide

    return Guide(Settings(home=starter_home), embedder=embedder)
