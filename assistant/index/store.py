"""The index store: chunks and the document manifest in Chroma, embedded or on a server.

Three collections. ``<name>`` holds the chunks with their vectors; ``<name>_sentences`` holds
every sentence of every chunk with its own vector, embedded once at ingest so a turn never
embeds corpus text; ``<name>_documents`` holds one record per indexed document, whose
``version`` says which chunks and sentences are live. Readers only see chunks and sentences of
live versions, so replacing a document is: write the new chunks and sentences (invisible),
flip the document record (one write), delete the old ones. A crash at any point leaves either
the old or the new version visible, never both and never neither; leftovers are invisible
garbage that the next sync removes.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from assistant.settings import Settings

_MANIFEST_SUFFIX = "_documents"
_SENTENCES_SUFFIX = "_sentences"
# Chroma wants a vector on every record; manifest records carry this placeholder.
_PLACEHOLDER = [1.0]
#: Seconds the live versions read from the manifest are reused.
MANIFEST_TTL = 1.0
#: Chunks whose sentences are kept in memory once read.
SENTENCE_CACHE = 5000


class ModelMismatchError(RuntimeError):
    """The index was built with another embedding model than the one configured."""


class StoreUnavailableError(RuntimeError):
    """The Chroma server cannot be reached, or the local store cannot be opened."""


class IndexDamagedError(RuntimeError):
    """Chroma cannot read a collection's files: a write to them was cut off (a killed sync)."""


@dataclass(frozen=True)
class DocumentRecord:
    """One indexed document as the manifest knows it."""

    key: str
    root: str
    source: str
    title: str
    version: str
    file_hash: str
    size: int
    chunks: int
    indexed_at: str
    warnings: str = ""


@dataclass(frozen=True)
class StoredChunk:
    """A chunk read back from the store, with what a citation needs."""

    id: str
    text: str
    source: str
    title: str
    locator: str
    doc_key: str
    page: int | None = None
    section: str | None = None
    header: str = ""

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> StoredChunk:
        """Build from a Chroma id, document text and metadata."""
        return cls(
            id=chunk_id,
            text=text,
            source=str(meta["source"]),
            title=str(meta["title"]),
            locator=str(meta["locator"]),
            doc_key=str(meta["doc_key"]),
            page=meta.get("page"),
            section=meta.get("section"),
            header=str(meta.get("header", "")),
        )

    @property
    def searchable(self) -> str:
        """What is embedded and searched for this chunk (see :func:`searchable`)."""
        return searchable(self.header, self.text)


def searchable(header: str, text: str) -> str:
    """What is embedded and searched for a chunk: its title and section path, then its text."""
    return f"{header}\n{text}" if header else text


@dataclass(frozen=True)
class SentenceHit:
    """A sentence of a live chunk and its cosine similarity to a query vector."""

    chunk_id: str
    position: int
    text: str
    similarity: float


class Store(Protocol):
    """What ingestion and retrieval need from an index."""

    def documents(self) -> list[DocumentRecord]: ...
    def write_chunks(
        self, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]],
        metadatas: Sequence[dict[str, Any]],
    ) -> None: ...
    def write_sentences(
        self, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]],
        metadatas: Sequence[dict[str, Any]],
    ) -> None: ...
    def activate(self, record: DocumentRecord) -> None: ...
    def deactivate(self, key: str) -> None: ...
    def collect_garbage(self) -> int: ...
    def reset(self) -> list[DocumentRecord]: ...
    def search(self, vector: Sequence[float], k: int) -> list[tuple[StoredChunk, float]]: ...
    def sentences_of(
        self, chunk_ids: Sequence[str], vector: Sequence[float]
    ) -> dict[str, list[SentenceHit]]: ...
    def fingerprint(self) -> str: ...
    def live_chunks(self) -> list[StoredChunk]: ...
    def get_chunks(self, ids: Sequence[str]) -> list[StoredChunk]: ...
    def section_chunks(self, source: str, section: str) -> list[StoredChunk]: ...


def make_client(settings: Settings) -> Any:
    """A Chroma client: HTTP when ``MENTORCOACH_CHROMA_URL`` is set, else embedded on disk."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise StoreUnavailableError(
                f"MENTORCOACH_CHROMA_URL={settings.chroma_url!r} is not an http(s) URL"
            )
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise StoreUnavailableError(
                f"Cannot reach the Chroma server at {settings.chroma_url} ({exc})"
            ) from None
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class ChromaStore:
    """:class:`Store` on a Chroma client (``PersistentClient`` or ``HttpClient``)."""

    def __init__(self, client: Any, name: str, model_id: str, *, rebuild: bool = False) -> None:
        self.model_id = model_id
        self._client = client
        self._name = name
        if rebuild:
            self._drop()
        self._open()

    def _open(self) -> None:
        self._manifest_read: tuple[float, dict[str, str]] | None = None
        self._sentence_cache: OrderedDict[str, tuple[list[tuple[int, str]], Any]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._chunks = _Guarded(self._client.get_or_create_collection(
            self._name,
            metadata={"hnsw:space": "cosine", "embedding_model": self.model_id},
            embedding_function=None,
        ))
        indexed_with = (self._chunks.metadata or {}).get("embedding_model")
        if indexed_with != self.model_id:
            raise ModelMismatchError(
                f"The index was built with embedding model {indexed_with!r}, but "
                f"{self.model_id!r} is configured. Run `mentorcoach ingest --rebuild` to "
                "re-embed the corpus with the configured model (or set "
                "MENTORCOACH_EMBEDDING_MODEL back)."
            )
        self._manifest = _Guarded(self._client.get_or_create_collection(
            self._name + _MANIFEST_SUFFIX, embedding_function=None
        ))
        self._sentences = _Guarded(self._client.get_or_create_collection(
            self._name + _SENTENCES_SUFFIX, metadata={"hnsw:space": "cosine"},
            embedding_function=None,
        ))

    def documents(self) -> list[DocumentRecord]:
        """Every live document, sorted by root and path."""
        got = self._manifest.get(include=["metadatas"])
        records = [DocumentRecord(**json.loads(m["record"])) for m in got["metadatas"] or []]
        return sorted(records, key=lambda r: (r.root, r.source))

    def write_chunks(
        self, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        """Write chunks of a not-yet-live version (idempotent: ids are content-derived)."""
        _upsert(self._chunks, ids, texts, vectors, metadatas)

    def write_sentences(
        self, ids: Sequence[str], texts: Sequence[str], vectors: Sequence[Sequence[float]],
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        """Write the sentences of chunks not yet live (``chunk_id``, ``position`` metadata)."""
        _upsert(self._sentences, ids, texts, vectors, metadatas)

    def activate(self, record: DocumentRecord) -> None:
        """Make ``record.version`` the live one (a single write), then drop older chunks."""
        self._manifest.upsert(
            ids=[record.key],
            embeddings=[_PLACEHOLDER],
            metadatas=[{"record": json.dumps(asdict(record)), "version": record.version}],
        )
        self._manifest_read = None
        older = {"$and": [{"doc_key": record.key}, {"doc_version": {"$ne": record.version}}]}
        self._chunks.delete(where=older)
        self._sentences.delete(where=older)

    def deactivate(self, key: str) -> None:
        """Remove a document: hide it (one write), then delete its chunks and sentences."""
        self._manifest.delete(ids=[key])
        self._manifest_read = None
        self._chunks.delete(where={"doc_key": key})
        self._sentences.delete(where={"doc_key": key})

    def collect_garbage(self) -> int:
        """Delete chunks and sentences of versions that are not live (an interrupted sync's)."""
        live = self._live_versions()
        removed = 0
        for collection in (self._chunks, self._sentences):
            stale = [i for i, _, meta in _paged(collection, include=["metadatas"])
                     if meta.get("doc_version") not in live]
            for start in range(0, len(stale), 1000):
                collection.delete(ids=stale[start : start + 1000])
            removed += len(stale) if collection is self._chunks else 0
        return removed

    def reset(self) -> list[DocumentRecord]:
        """Drop and recreate every collection (the way out of a damaged index); returns the
        documents the manifest listed, or none if it cannot be read either."""
        try:
            listed = self.documents()
        except IndexDamagedError:
            listed = []
        self._drop()
        self._open()
        return listed

    def search(self, vector: Sequence[float], k: int) -> list[tuple[StoredChunk, float]]:
        """The ``k`` live chunks nearest to ``vector``, with cosine similarity."""
        live = set(self._versions().values())
        if not live:
            return []
        # Unfiltered search is fast; chunks of versions that are not live (a sync under way, an
        # interrupted one) are dropped here, and only if too few remain is the filter used.
        hits = [h for h in self._query(vector, 2 * k, None) if h[2] in live][:k]
        if len(hits) < k and self._chunks.count() > len(hits):
            hits = self._query(vector, k, {"doc_version": {"$in": sorted(live)}})
        return [(chunk, similarity) for chunk, similarity, _ in hits]

    def sentences_of(
        self, chunk_ids: Sequence[str], vector: Sequence[float]
    ) -> dict[str, list[SentenceHit]]:
        """Every stored sentence of ``chunk_ids`` in order, scored against ``vector``.

        Sentences read once are kept in memory (the most recent :data:`SENTENCE_CACHE`
        chunks): chunk ids are derived from the document version and the text, so what is
        kept never goes stale.
        """
        import numpy as np

        with self._cache_lock:
            missing = [i for i in dict.fromkeys(chunk_ids) if i not in self._sentence_cache]
        if missing:
            got = self._sentences.get(where={"chunk_id": {"$in": missing}},
                                      include=["documents", "metadatas", "embeddings"])
            rows: dict[str, list[tuple[int, str, Any]]] = {i: [] for i in missing}
            for text, meta, vector_ in zip(got["documents"], got["metadatas"],
                                           got["embeddings"], strict=True):
                rows[str(meta["chunk_id"])].append((int(meta["position"]), text, vector_))
            with self._cache_lock:
                for chunk, found in rows.items():
                    found.sort(key=lambda row: row[0])
                    self._sentence_cache[chunk] = (
                        [(p, t) for p, t, _ in found],
                        np.asarray([v for _, _, v in found], dtype=np.float32).reshape(
                            len(found), -1))
                while len(self._sentence_cache) > SENTENCE_CACHE:
                    self._sentence_cache.popitem(last=False)
        query = np.asarray(vector, dtype=np.float32)
        scored: dict[str, list[SentenceHit]] = {}
        with self._cache_lock:
            cached = {}
            for i in chunk_ids:
                if i in self._sentence_cache:
                    self._sentence_cache.move_to_end(i)
                    cached[i] = self._sentence_cache[i]
        for chunk, (said, matrix) in cached.items():
            if said:
                scores = matrix @ query
                scored[chunk] = [SentenceHit(chunk, p, t, float(score))
                                 for (p, t), score in zip(said, scores, strict=True)]
        return scored

    def fingerprint(self) -> str:
        """Hash over the manifest: changes whenever a live document or its version changes."""
        digest = hashlib.sha256()
        for key, version in sorted(self._versions().items()):
            digest.update(f"{key}\x1f{version}\n".encode())
        return digest.hexdigest()[:16]

    def live_chunks(self) -> list[StoredChunk]:
        """All chunks of live versions, in document order."""
        live = self._live_versions()
        if not live:
            return []
        chunks = _paged(self._chunks, where={"doc_version": {"$in": sorted(live)}},
                        include=["documents", "metadatas"])
        ordered = sorted(chunks, key=lambda c: (c[2]["doc_key"], c[2].get("ordinal", 0)))
        return [StoredChunk.from_record(i, d, m) for i, d, m in ordered]

    def get_chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        """Chunks by id (live or not), in the order asked."""
        if not ids:
            return []
        got = self._chunks.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {
            i: StoredChunk.from_record(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }
        return [by_id[i] for i in ids if i in by_id]

    def section_chunks(self, source: str, section: str) -> list[StoredChunk]:
        """Live chunks of document ``source`` in ``section`` (its heading path, or a section
        under it), in document order."""
        live = self._live_versions()
        if not live:
            return []
        chunks = _paged(self._chunks, where={"$and": [{"doc_version": {"$in": sorted(live)}},
                                                      {"source": source}]},
                        include=["documents", "metadatas"])
        inside = [c for c in chunks if (str(c[2].get("section") or "") + " > ").startswith(
            f"{section} > ")]
        ordered = sorted(inside, key=lambda c: c[2].get("ordinal", 0))
        return [StoredChunk.from_record(i, d, m) for i, d, m in ordered]

    def chunk_count(self) -> int:
        """Number of chunks stored, live or not."""
        return self._chunks.count()

    def sentence_count(self) -> int:
        """Number of sentences stored, live or not."""
        return self._sentences.count()

    def _drop(self) -> None:
        existing = {getattr(c, "name", c) for c in self._client.list_collections()}
        for name in (self._name, self._name + _MANIFEST_SUFFIX, self._name + _SENTENCES_SUFFIX):
            if name in existing:
                self._client.delete_collection(name)

    def _versions(self) -> dict[str, str]:
        """Live version of each document, by manifest key.

        Read at most once per :data:`MANIFEST_TTL` seconds: a turn asks several times, and
        another process's sync becomes visible within that time. This process's own writes
        are seen at once.
        """
        now = time.monotonic()
        if self._manifest_read is None or now - self._manifest_read[0] > MANIFEST_TTL:
            got = self._manifest.get(include=["metadatas"])
            versions = {key: m["version"]
                        for key, m in zip(got["ids"], got["metadatas"], strict=True)}
            self._manifest_read = (now, versions)
        return dict(self._manifest_read[1])

    def _live_versions(self) -> set[str]:
        return set(self._versions().values())

    def _query(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None
    ) -> list[tuple[StoredChunk, float, str]]:
        result = self._chunks.query(
            query_embeddings=[list(vector)], n_results=n, where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (StoredChunk.from_record(i, d, m), 1.0 - dist, m["doc_version"])
            for i, d, m, dist in zip(
                result["ids"][0], result["documents"][0], result["metadatas"][0],
                result["distances"][0], strict=True,
            )
        ]


class _Guarded:
    """A Chroma collection whose internal errors (its files cannot be read) are raised as
    :class:`IndexDamagedError`, which says what happened and how to repair it."""

    def __init__(self, collection: Any) -> None:
        from chromadb.errors import InternalError

        self._collection = collection
        self._internal = InternalError

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._collection, name)
        if not callable(attribute):
            return attribute

        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return attribute(*args, **kwargs)
            except self._internal as exc:
                raise IndexDamagedError(
                    f"The index collection {self._collection.name!r} cannot be read ({exc}); "
                    "a write to it was cut off, as when a sync is killed. Run `mentorcoach "
                    "ingest`, or add documents in the app's Corpus tab: either rebuilds the "
                    "index from the documents."
                ) from exc

        return guarded


#: Records per write and per read: a server takes a bounded request, and SQLite a bounded
#: number of variables in one statement.
_WRITE_BATCH = 5000
_READ_PAGE = 5000


def _paged(collection: Any, **query: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """Every record ``collection.get(**query)`` finds, read a page at a time:
    (id, document, metadata)."""
    records: list[tuple[str, str, dict[str, Any]]] = []
    while True:
        got = collection.get(limit=_READ_PAGE, offset=len(records), **query)
        documents = got.get("documents") or [""] * len(got["ids"])
        records += zip(got["ids"], documents, got["metadatas"], strict=True)
        if len(got["ids"]) < _READ_PAGE:
            return records


def _upsert(collection: Any, ids: Sequence[str], texts: Sequence[str],
            vectors: Sequence[Sequence[float]], metadatas: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(ids), _WRITE_BATCH):
        end = start + _WRITE_BATCH
        collection.upsert(
            ids=list(ids[start:end]), documents=list(texts[start:end]),
            embeddings=[list(v) for v in vectors[start:end]],
            metadatas=[_clean_metadata(m) for m in metadatas[start:end]],
        )


def _clean_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata holds no None values."""
    return {k: v for k, v in meta.items() if v is not None}


def open_store(settings: Settings, *, rebuild: bool = False) -> ChromaStore:
    """The configured store, checked against the configured embedding model.

    ``rebuild`` drops the index first (the way out of a model mismatch).
    """
    return ChromaStore(
        make_client(settings), settings.collection, settings.embedding_model, rebuild=rebuild
    )
