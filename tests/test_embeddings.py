"""The embedder: thread counts chosen per call, configured through the settings."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.index.embeddings import BULK_TEXTS, embedder_for
from assistant.settings import get_settings


def test_turn_time_work_runs_on_one_thread_and_bulk_work_on_all_cores(embedder) -> None:
    torch = pytest.importorskip("torch")
    embedder.embed_query("How do I re-agree a meeting cadence? (threads test)")
    assert torch.get_num_threads() == embedder.threads == 1
    vectors = embedder.embed_documents([f"passage {i}" for i in range(BULK_TEXTS)])
    assert torch.get_num_threads() == embedder.bulk_threads
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_thread_counts_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORCOACH_EMBEDDING_THREADS", "2")
    monkeypatch.setenv("MENTORCOACH_INGEST_THREADS", "1")
    get_settings.cache_clear()
    configured = embedder_for(get_settings())
    assert (configured.threads, configured.bulk_threads) == (2, 1)
    assert not configured.loaded
