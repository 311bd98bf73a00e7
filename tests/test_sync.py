"""Incremental sync against a real embedded Chroma and the real embedding model."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assistant.index.embeddings import SentenceTransformerEmbedder
from assistant.index.store import ChromaStore, ModelMismatchError, open_store
from assistant.settings import Settings
from ingest.sync import SyncReport, sync_paths
from tests.support.documents import make_pdf


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write(folder, "cadence.md", "# Cadence\n## Meetings\nMentors and mentees meet monthly.\n")
    write(folder, "ending.md", "# Ending\n## No-fault ending\nEither side may end it.\n")
    make_pdf(folder / "goals.pdf", ["SMART goals are time-bound.", "Check in every month."])
    return folder


@pytest.fixture
def store(settings: Settings) -> ChromaStore:
    return open_store(settings)


def run(settings: Settings, store: ChromaStore, embedder, *paths: Path) -> SyncReport:
    return sync_paths(list(paths), settings=settings, store=store, embedder=embedder)


def statuses(report: SyncReport) -> dict[str, str]:
    return {o.source: o.status for o in report.outcomes}


def assert_consistent(store: ChromaStore) -> None:
    """Every live document is visible exactly once: its own chunk count, one version."""
    live = Counter(chunk.doc_key for chunk in store.live_chunks())
    assert live == {r.key: r.chunks for r in store.documents()}


def test_first_sync_adds_everything_with_citable_metadata(settings, store, embedder, corpus):
    report = run(settings, store, embedder, corpus)
    assert statuses(report) == {"cadence.md": "added", "ending.md": "added", "goals.pdf": "added"}
    assert report.ok
    chunks = store.live_chunks()
    assert {(c.source, c.locator) for c in chunks} >= {
        ("cadence.md", "Meetings"),
        ("goals.pdf", "p. 1"),
        ("goals.pdf", "p. 2"),
    }
    top, similarity = store.search(embedder.embed_query("How often do we meet?"), 1)[0]
    assert top.source == "cadence.md"
    assert 0 < similarity <= 1
    assert report.fingerprint and settings.state_path.exists()


def test_unchanged_files_are_skipped_without_loading_the_model(settings, store, embedder, corpus):
    run(settings, store, embedder, corpus)
    fresh = SentenceTransformerEmbedder()
    report = run(settings, store, fresh, corpus)
    assert set(statuses(report).values()) == {"unchanged"}
    assert not fresh.loaded
    assert not report.model_loaded


def test_changes_and_deletions_are_mirrored(settings, store, embedder, corpus):
    first = run(settings, store, embedder, corpus)
    write(corpus, "cadence.md", "# Cadence\n## Meetings\nMentors and mentees meet every week.\n")
    (corpus / "ending.md").unlink()
    write(corpus, "new/agreement.md", "# Agreement\nThe agreement lists goals.\n")
    report = run(settings, store, embedder, corpus)
    assert statuses(report) == {
        "cadence.md": "updated",
        "goals.pdf": "unchanged",
        "new/agreement.md": "added",
        "ending.md": "removed",
    }
    texts = " ".join(c.text for c in store.live_chunks())
    assert "every week" in texts and "monthly" not in texts and "end it" not in texts
    assert report.fingerprint != first.fingerprint
    assert store.chunk_count() == len(store.live_chunks())
    assert_consistent(store)


def test_a_replacement_never_shows_the_document_missing_or_twice(
    settings, store, embedder, corpus, monkeypatch
):
    run(settings, store, embedder, corpus)
    write(corpus, "cadence.md", "# Cadence\n## Meetings\n" + "Meet every fortnight. " * 200)
    for name in ("write_chunks", "activate", "deactivate"):
        original = getattr(store, name)

        def checked(*args, _original=original, **kwargs):
            _original(*args, **kwargs)
            assert_consistent(store)

        monkeypatch.setattr(store, name, checked)
    run(settings, store, embedder, corpus)
    assert "fortnight" in " ".join(c.text for c in store.live_chunks())


def test_a_changed_file_that_now_fails_keeps_its_indexed_version(settings, store, embedder, corpus):
    run(settings, store, embedder, corpus)
    (corpus / "cadence.md").write_bytes(b"\x00\x01binary now")
    report = run(settings, store, embedder, corpus)
    failed = next(o for o in report.outcomes if o.status == "failed")
    assert failed.source == "cadence.md"
    assert "binary content" in failed.reason
    assert "previously indexed version is kept" in failed.reason
    assert not report.ok
    assert "meet monthly" in " ".join(c.text for c in store.live_chunks())


def test_syncing_one_path_never_touches_another(settings, store, embedder, corpus, tmp_path):
    other = tmp_path / "handbooks"
    write(other, "local.md", "# Local handbook\nCall the coordinator.\n")
    run(settings, store, embedder, corpus)
    run(settings, store, embedder, other)
    (corpus / "ending.md").unlink()
    report = run(settings, store, embedder, other)
    assert statuses(report) == {"local.md": "unchanged"}
    assert {r.source for r in store.documents()} == {
        "cadence.md", "ending.md", "goals.pdf", "local.md"
    }


def test_a_single_file_path_syncs_only_that_file(settings, store, embedder, corpus):
    report = run(settings, store, embedder, corpus / "ending.md")
    assert statuses(report) == {"ending.md": "added"}
    report = run(settings, store, embedder, corpus / "ending.md")
    assert statuses(report) == {"ending.md": "unchanged"}


def test_bad_files_are_reported_and_the_rest_is_indexed(settings, store, embedder, corpus):
    (corpus / "empty.txt").write_text("")
    (corpus / "notes.xlsx").write_bytes(b"PK")
    report = run(settings, store, embedder, corpus, corpus.parent / "missing")
    assert statuses(report)["empty.txt"] == "failed"
    assert statuses(report)["notes.xlsx"] == "skipped"
    assert report.count("added") == 3
    assert any(o.reason == "path not found" for o in report.outcomes)


def test_a_different_embedding_model_is_refused_until_rebuild(settings, store, embedder, corpus,
                                                              monkeypatch):
    run(settings, store, embedder, corpus)
    other = settings.model_copy(update={"embedding_model": "some/other-model"})
    with pytest.raises(ModelMismatchError, match="mentorcoach ingest --rebuild"):
        open_store(other)
    rebuilt = open_store(other, rebuild=True)
    assert rebuilt.documents() == []
    assert rebuilt.model_id == "some/other-model"


def test_a_second_sync_of_the_same_home_is_refused_while_one_runs(settings, store, embedder,
                                                                   corpus):
    from ingest.lock import SyncBusyError, sync_lock

    with sync_lock(settings.home), pytest.raises(SyncBusyError, match="Another sync is running"):
        run(settings, store, embedder, corpus)
    assert run(settings, store, embedder, corpus).ok
