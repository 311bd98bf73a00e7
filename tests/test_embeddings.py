"""The embedder: thread counts chosen per call, concurrent queries batched, configured
through the settings."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from assistant.index.embeddings import (
    BULK_TEXTS,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    embedder_for,
)
from assistant.index.model_files import EmbeddingModelError
from assistant.settings import get_settings


def test_torch_turn_time_work_runs_on_one_thread_and_bulk_work_on_all_cores(
        torch_embedder) -> None:
    torch = pytest.importorskip("torch")
    torch_embedder.embed_query("How do I re-agree a meeting cadence? (threads test)")
    assert torch.get_num_threads() == torch_embedder.threads == 1
    vectors = torch_embedder.embed_documents([f"passage {i}" for i in range(BULK_TEXTS)])
    assert torch.get_num_threads() == torch_embedder.bulk_threads
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_onnx_turn_time_and_bulk_work_have_sessions_of_their_own(embedder) -> None:
    embedder.embed_query("How often should we meet? (onnx threads test)")
    vectors = embedder.embed_documents([f"passage {i}" for i in range(BULK_TEXTS)])
    turn, bulk = embedder._sessions[False], embedder._sessions[True]
    assert turn is not bulk
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_onnx_and_torch_vectors_agree(embedder, torch_embedder) -> None:
    texts = ["My mentee keeps missing meetings.", "Short.", "word " * 400]
    onnx, torch = (np.asarray(e.embed_documents(texts)) for e in (embedder, torch_embedder))
    assert (onnx * torch).sum(axis=1).min() > 0.999


def test_concurrent_queries_are_embedded_together_and_each_gets_its_own(embedder) -> None:
    texts = [f"Question {i} about feedback from session {i}?" for i in range(12)]
    expected = {t: np.asarray(v) for t, v in zip(texts, embedder.embed_documents(texts * 6)[:12],
                                                 strict=True)}
    embedder._recent.clear()
    embedder.batch_sizes.clear()
    got: dict[str, np.ndarray] = {}
    start = threading.Barrier(len(texts))

    def ask(text: str) -> None:
        start.wait()
        got[text] = np.asarray(embedder.embed_query(text))

    threads = [threading.Thread(target=ask, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(np.allclose(got[t], expected[t], atol=1e-5) for t in texts)
    batches = list(embedder.batch_sizes)
    assert sum(batches) == len(texts) and len(batches) < len(texts)


def test_thread_counts_and_backend_come_from_the_settings(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("MENTORCOACH_EMBEDDING_THREADS", "2")
    monkeypatch.setenv("MENTORCOACH_INGEST_THREADS", "1")
    get_settings.cache_clear()
    configured = embedder_for(get_settings())
    assert isinstance(configured, OnnxEmbedder)
    assert (configured.threads, configured.bulk_threads) == (2, 1)
    assert not configured.loaded
    monkeypatch.setenv("MENTORCOACH_EMBEDDING_BACKEND", "torch")
    get_settings.cache_clear()
    assert isinstance(embedder_for(get_settings()), SentenceTransformerEmbedder)


def test_a_model_that_cannot_be_exported_is_refused_by_the_onnx_backend(
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    folder = tmp_path / "custom-model"
    folder.mkdir()
    monkeypatch.setenv("MENTORCOACH_EMBEDDING_MODEL", str(folder))
    monkeypatch.setenv("MENTORCOACH_EMBEDDING_BACKEND", "onnx")
    get_settings.cache_clear()
    with pytest.raises(EmbeddingModelError, match=r"custom-model has no tokenizer\.json"):
        embedder_for(get_settings())
    monkeypatch.setenv("MENTORCOACH_EMBEDDING_BACKEND", "auto")
    get_settings.cache_clear()
    assert isinstance(embedder_for(get_settings()), SentenceTransformerEmbedder)
