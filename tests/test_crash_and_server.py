"""Killing a sync at any moment loses nothing; Chroma server mode works like the embedded one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.index.store import IndexDamagedError, open_store
from assistant.settings import Settings, get_settings
from assistant.text import sentences
from ingest.sync import sync_paths
from tests.support.llm_server import free_port

SYNC_AND_REPORT = """
import sys
from assistant.index.embeddings import SentenceTransformerEmbedder
from assistant.index.store import IndexDamagedError, open_store
from assistant.settings import get_settings
from ingest.sync import sync_paths

def progress(done, total):
    print(done, flush=True)

settings = get_settings()
sync_paths([sys.argv[1]], settings=settings, store=open_store(settings),
           embedder=SentenceTransformerEmbedder(), progress=progress)
print("done", flush=True)
"""


DOCUMENTS = 40


def make_corpus(folder: Path, version: str) -> Path:
    folder.mkdir(exist_ok=True)
    for i in range(DOCUMENTS):
        body = " ".join(f"Mentee {i} {version} sets goal {j} with the mentor." for j in range(40))
        (folder / f"doc{i:02d}.md").write_text(f"# Doc {i}\n## Part\n{body}\n")
    return folder


def reopened(settings: Settings):
    """The store as a new process sees it (embedded Chroma caches one client per process)."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return open_store(settings)


def live_state(settings: Settings) -> tuple[Counter, dict[str, int]]:
    store = reopened(settings)
    return Counter(c.doc_key for c in store.live_chunks()), {
        r.key: r.chunks for r in store.documents()
    }


@pytest.mark.parametrize("delay", [0.0, 0.4])
def test_sigkill_mid_sync_leaves_a_consistent_index_and_a_rerun_completes(
    tmp_path: Path, settings: Settings, embedder, delay: float
) -> None:
    corpus = make_corpus(tmp_path / "corpus", "v1")
    sync_paths([corpus], settings=settings, store=open_store(settings), embedder=embedder)
    make_corpus(corpus, "v2")
    child = subprocess.Popen(
        [sys.executable, "-c", SYNC_AND_REPORT, str(corpus)],
        stdout=subprocess.PIPE, text=True, env=os.environ | {"PYTHONPATH": os.getcwd()},
    )
    assert child.stdout is not None
    # Documents are written right after each embedded batch: kill while that happens.
    assert child.stdout.readline().strip().isdigit()
    time.sleep(delay)
    child.kill()
    assert child.wait() == -signal.SIGKILL, "the sync finished before it could be killed"

    live, manifest = live_state(settings)
    assert live == manifest and len(manifest) == DOCUMENTS
    store = reopened(settings)
    assert store.search(embedder.embed_query("mentee goals"), 3)

    report = sync_paths([corpus], settings=settings, store=store, embedder=embedder)
    assert report.ok
    live, manifest = live_state(settings)
    assert live == manifest
    assert store.chunk_count() == sum(manifest.values())
    assert all("v2" in c.text for c in store.live_chunks())
    # The sentence index is replaced with its chunks: the killed run's leftovers are gone.
    assert store.sentence_count() == sum(len(sentences(c.text)) for c in store.live_chunks())


def damage_vector_files(settings: Settings, collection: str) -> None:
    """Cut a collection's vector index file short, as a write killed half-way leaves it."""
    import sqlite3

    with sqlite3.connect(settings.chroma_path / "chroma.sqlite3") as db:
        (segment,) = db.execute(
            "SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id "
            "WHERE c.name = ? AND s.scope = 'VECTOR'", (collection,)).fetchone()
    pickle = settings.chroma_path / segment / "index_metadata.pickle"
    os.truncate(pickle, pickle.stat().st_size // 3)


def test_a_damaged_index_says_so_and_the_next_sync_rebuilds_every_document(
    tmp_path: Path, settings: Settings, embedder
) -> None:
    corpus = make_corpus(tmp_path / "corpus", "v1")
    handbook = tmp_path / "handbook"
    handbook.mkdir()
    (handbook / "meetings.md").write_text("# Meetings\nAgree an agenda before each meeting.\n")
    store = open_store(settings)
    sync_paths([corpus], settings=settings, store=store, embedder=embedder)
    sync_paths([handbook / "meetings.md"], settings=settings, store=store, embedder=embedder)
    before = {(r.root, r.source) for r in store.documents()}
    # The sentences' vectors are the ones this corpus has already written to disk.
    damage_vector_files(settings, settings.collection + "_sentences")

    store = reopened(settings)
    query = embedder.embed_query("mentee goals")
    (hit, _), = store.search(query, 1)
    with pytest.raises(IndexDamagedError, match=r"cannot be read.*mentorcoach ingest"):
        store.sentences_of([hit.id], query)

    make_corpus(corpus, "v2")
    report = sync_paths([corpus], settings=settings, store=store, embedder=embedder)
    assert report.ok and "was rebuilt" in report.warnings[0]
    # The handbook was not among the paths synced, and still came back from its file.
    assert {(r.root, r.source) for r in store.documents()} == before
    live, manifest = live_state(settings)
    assert live == manifest
    assert all("v2" in c.text for c in store.live_chunks() if c.source.startswith("doc"))
    assert store.search(embedder.embed_query("agenda before each meeting"), 1)[0][0].source == (
        "meetings.md")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` process on a free loopback port."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.slow
def test_server_mode_syncs_and_searches_against_a_real_chroma_run(
    chroma_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedder
) -> None:
    monkeypatch.setenv("MENTORCOACH_CHROMA_URL", chroma_server)
    get_settings.cache_clear()
    settings = get_settings()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cadence.md").write_text("# Cadence\n## Meetings\nMentors meet mentees monthly.\n")
    (corpus / "ending.md").write_text("# Ending\n## No-fault\nEither person may end it.\n")
    report = sync_paths([corpus], settings=settings, store=open_store(settings), embedder=embedder)
    assert report.count("added") == 2
    assert not (settings.home / "chroma").exists()

    store = open_store(settings)
    top, _ = store.search(embedder.embed_query("how often should we meet"), 1)[0]
    assert (top.source, top.locator) == ("cadence.md", "Meetings")
    (corpus / "ending.md").unlink()
    report = sync_paths([corpus], settings=settings, store=store, embedder=embedder)
    assert report.count("removed") == 1 and report.count("unchanged") == 1
    assert [r.source for r in store.documents()] == ["cadence.md"]
