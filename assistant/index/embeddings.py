"""The embedder: normalised sentence vectors, offline, loaded only when something needs one.

Two backends behind one interface. :class:`OnnxEmbedder` runs the model exported to ONNX
(see :mod:`assistant.index.onnx_model`) on onnxruntime with the ``tokenizers`` library: it
loads in a fraction of a second and never imports torch. :class:`SentenceTransformerEmbedder`
runs the model on torch, for models that cannot be exported. ``embedder_for`` picks one from
the settings (``MENTORCOACH_EMBEDDING_BACKEND``).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.index.model_files import EmbeddingModelError, model_folder
from assistant.settings import BUNDLED_MODEL, Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from assistant.index.onnx_model import ExportedModel


#: How many turn-time texts are remembered (a few turns of many sessions).
_RECENT = 512
#: Calls with at least this many texts are bulk work (ingest), the rest turn-time work.
BULK_TEXTS = 64


@dataclass
class _Request:
    texts: list[str]
    vectors: list[list[float]] = field(default_factory=list)
    done: bool = False


class Embedder(Embeddings):
    """Normalised vectors in batches; what both backends share.

    Thread counts are chosen per call. Turn-time work (a query, a message read by the
    classifiers) runs on ``threads`` threads: one by default, because on a small machine
    serving several sessions a second thread waits for a busy core (p95 of a query embedding
    rises from ~30 ms to ~500 ms with two threads while both cores are busy; see
    ``benchmarks/threads_bench.py``). Bulk work (:data:`BULK_TEXTS` texts or more, i.e.
    ingest) runs on ``bulk_threads``, all cores by default.

    Turn-time texts of concurrent sessions are embedded together: while one call encodes,
    the texts other threads ask for queue up, and the next call to encode takes all of them
    in one batch. Each recent turn-time text is embedded once (a turn's message is read by
    the classifiers, the safety check and retrieval).
    """

    model_id: str
    backend: str

    def __init__(self, model: str, batch_size: int, threads: int, bulk_threads: int | None
                 ) -> None:
        self.model_id = model
        self.batch_size = batch_size
        self.threads = threads
        self.bulk_threads = bulk_threads or os.cpu_count() or 1
        self._recent: OrderedDict[str, list[float]] = OrderedDict()
        self._recent_lock = threading.Lock()
        self._queue: list[_Request] = []
        self._queue_lock = threading.Lock()
        self._encode_lock = threading.Lock()
        # Bulk work (an upload being indexed) has a lock of its own, so sessions' questions
        # do not wait for it where the backend allows both at once.
        self._bulk_lock = threading.Lock()
        #: Texts per turn-time encode call, the most recent ones (shows the batching at work).
        self.batch_sizes: deque[int] = deque(maxlen=256)

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded into memory."""
        raise NotImplementedError

    def _encode(self, texts: list[str], *, bulk: bool) -> np.ndarray:
        """Unit vectors of ``texts``, one row each."""
        raise NotImplementedError

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages (normalised, batched); turn-time texts seen lately are remembered."""
        if not texts:
            return []
        if len(texts) >= BULK_TEXTS:
            with self._bulk_lock:
                return self._encode(list(texts), bulk=True).tolist()
        with self._recent_lock:
            known = {t: self._recent[t] for t in texts if t in self._recent}
            for text in known:
                self._recent.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known |= dict(zip(missing, self._batched(missing), strict=True))
            with self._recent_lock:
                self._recent.update((t, known[t]) for t in missing)
                while len(self._recent) > _RECENT:
                    self._recent.popitem(last=False)
        return [known[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (a text embedded lately is not embedded again)."""
        return self.embed_documents([text])[0]

    def _batched(self, texts: list[str]) -> list[list[float]]:
        request = _Request(texts)
        with self._queue_lock:
            self._queue.append(request)
        with self._encode_lock:
            if not request.done:  # else an earlier holder of the lock encoded it with its own
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                every = [t for r in batch for t in r.texts]
                self.batch_sizes.append(len(every))
                vectors = self._encode(every, bulk=False).tolist()
                for r in batch:
                    r.vectors, vectors = vectors[: len(r.texts)], vectors[len(r.texts) :]
                    r.done = True
        return request.vectors


class OnnxEmbedder(Embedder):
    """The model exported to ONNX, on onnxruntime; never imports torch."""

    backend = "onnx"

    def __init__(self, model: str = BUNDLED_MODEL, models_dir: Path | None = None,
                 batch_size: int = 32, *, threads: int = 1, bulk_threads: int | None = None
                 ) -> None:
        super().__init__(model, batch_size, threads, bulk_threads)
        self.models_dir = models_dir
        self._sessions: dict[bool, Any] = {}
        self._session_lock = threading.Lock()

    @cached_property
    def exported(self) -> ExportedModel:
        """The ONNX export, made on first use (torch is imported only then)."""
        from assistant.index.onnx_model import exported_model
        from assistant.settings import get_settings

        return exported_model(self.model_id, self.models_dir or get_settings().models_dir)

    @property
    def loaded(self) -> bool:
        """Whether an inference session has been opened."""
        return bool(self._sessions)

    @cached_property
    def _tokenizer(self) -> Any:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.exported.tokenizer))
        tokenizer.enable_truncation(self.exported.max_length)
        tokenizer.enable_padding(pad_id=self.exported.pad_id)
        return tokenizer

    def _session(self, bulk: bool) -> Any:
        with self._session_lock:
            return self._sessions.get(bulk) or self._open(bulk)

    def _open(self, bulk: bool) -> Any:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.bulk_threads if bulk else self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            session = onnxruntime.InferenceSession(
                str(self.exported.model), options, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise EmbeddingModelError(
                f"Cannot load the ONNX export of {self.model_id!r} at {self.exported.model} "
                f"({exc}). Delete that folder to export it again."
            ) from None
        self._sessions[bulk] = session
        return session

    def _encode(self, texts: list[str], *, bulk: bool) -> np.ndarray:
        session = self._session(bulk)
        # Texts of similar length share a batch, so little of it is padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.exported.dimensions), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in rows])
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                     "attention_mask": mask}
            if "token_type_ids" in self.exported.inputs:
                feeds["token_type_ids"] = np.array([e.type_ids for e in encodings],
                                                   dtype=np.int64)
            hidden = session.run(None, feeds)[0]
            out[rows] = self.exported.pool(hidden, mask)
        return out / np.linalg.norm(out, axis=1, keepdims=True).clip(1e-12)


class SentenceTransformerEmbedder(Embedder):
    """sentence-transformers on torch: for models that cannot be exported to ONNX.

    ``model`` is ``bundled:all-MiniLM-L6-v2``, a local folder, or a hub name (only where the
    hub is reachable). The tokenizer never starts threads of its own.
    """

    backend = "torch"

    def __init__(self, model: str = BUNDLED_MODEL, batch_size: int = 32, *, threads: int = 1,
                 bulk_threads: int | None = None) -> None:
        super().__init__(model, batch_size, threads, bulk_threads)
        # torch's thread count is process-wide: bulk and turn-time work take turns.
        self._bulk_lock = self._encode_lock

    @cached_property
    def _model(self) -> SentenceTransformer:
        folder = model_folder(self.model_id)
        if folder is not None:
            # Local weights: never let a missing file turn into a download attempt.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # Rust tokenizer threads would compete with torch's for the same cores.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        try:
            return SentenceTransformer(str(folder or self.model_id), device="cpu")
        except Exception as exc:
            raise EmbeddingModelError(
                f"Cannot load embedding model {self.model_id!r} ({exc.__class__.__name__}: "
                f"{exc}). Set MENTORCOACH_EMBEDDING_MODEL to a local model folder."
            ) from None

    @property
    def loaded(self) -> bool:
        """Whether the model weights have been loaded into memory."""
        return "_model" in self.__dict__

    def _encode(self, texts: list[str], *, bulk: bool) -> np.ndarray:
        import torch

        torch.set_num_threads(self.bulk_threads if bulk else self.threads)
        return self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                  show_progress_bar=False, convert_to_numpy=True)


@lru_cache(maxsize=4)
def _shared(model: str, backend: str, models_dir: Path, batch_size: int, threads: int,
            bulk_threads: int | None) -> Embedder:
    sizes = {"batch_size": batch_size, "threads": threads, "bulk_threads": bulk_threads}
    if backend != "torch":
        from assistant.index.onnx_model import exportable

        problem = exportable(model)
        if problem is None:
            return OnnxEmbedder(model, models_dir, **sizes)
        if backend == "onnx":
            raise EmbeddingModelError(f"MENTORCOACH_EMBEDDING_BACKEND=onnx, but {problem}")
    return SentenceTransformerEmbedder(model, **sizes)


def embedder_for(settings: Settings) -> Embedder:
    """The configured embedder, shared within the process so the model loads once.

    With the ``auto`` backend a local model runs on its ONNX export (made the first time it
    is needed, under ``MENTORCOACH_HOME/models``); a model that cannot be exported runs on
    torch.
    """
    return _shared(settings.embedding_model, settings.embedding_backend, settings.models_dir,
                   settings.embedding_batch_size, settings.embedding_threads,
                   settings.ingest_threads)
