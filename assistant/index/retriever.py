"""Hybrid retrieval: dense search in the store plus BM25 over the same chunks, fused by RRF."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from assistant.index.store import Store, StoredChunk
from assistant.text import tokens

RRF_K = 60


@dataclass(frozen=True)
class Hit:
    """A fused result: the chunk, its fused score, and its dense similarity when known."""

    chunk: StoredChunk
    score: float
    similarity: float | None


class _Lexical:
    """A BM25 index over the live chunks, rebuilt when the corpus fingerprint changes."""

    def __init__(self, chunks: list[StoredChunk]) -> None:
        import bm25s

        self.chunks = chunks
        self._index = bm25s.BM25()
        corpus = [tokens(c.text) or ["empty"] for c in chunks]
        self._index.index(corpus, show_progress=False)

    def search(self, query: str, k: int) -> list[StoredChunk]:
        terms = tokens(query)
        if not terms or not self.chunks:
            return []
        k = min(k, len(self.chunks))
        results, scores = self._index.retrieve([terms], k=k, show_progress=False)
        return [self.chunks[i] for i, s in zip(results[0], scores[0], strict=True) if s > 0]


class HybridRetriever:
    """Dense + BM25 retrieval fused by reciprocal rank, with a relevance floor.

    When the best dense similarity is below ``floor`` the corpus is taken not to cover the
    question and nothing is returned, rather than citing a weak match.
    """

    def __init__(
        self, store: Store, embedder: Embeddings, *, top_k: int = 4, floor: float = 0.35,
        hybrid: bool = True,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.top_k = top_k
        self.floor = floor
        self.hybrid = hybrid
        self._lexical: _Lexical | None = None
        self._fingerprint = ""

    def refresh(self) -> None:
        """Rebuild the lexical index if the store changed since it was built."""
        fingerprint = self.store.fingerprint()
        if self._lexical is None or fingerprint != self._fingerprint:
            self._lexical = _Lexical(self.store.live_chunks())
            self._fingerprint = fingerprint

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        """The top ``k`` chunks for ``query``, or nothing when none clears the floor."""
        k = k or self.top_k
        depth = max(3 * k, 12)
        dense = self.store.search(self.embedder.embed_query(query), depth)
        if not dense or dense[0][1] < self.floor:
            return []
        similarity = {chunk.id: sim for chunk, sim in dense}
        fused: dict[str, float] = {}
        chunks: dict[str, StoredChunk] = {}
        rankings = [[chunk for chunk, _ in dense]]
        if self.hybrid:
            self.refresh()
            assert self._lexical is not None
            rankings.append(self._lexical.search(query, depth))
        for ranking in rankings:
            for rank, chunk in enumerate(ranking):
                fused[chunk.id] = fused.get(chunk.id, 0.0) + 1.0 / (RRF_K + rank + 1)
                chunks[chunk.id] = chunk
        ordered = sorted(fused, key=fused.__getitem__, reverse=True)
        # A lexical-only hit has no dense score; a dense hit must clear the floor itself.
        kept = [i for i in ordered if similarity.get(i, self.floor) >= self.floor]
        return [Hit(chunks[i], fused[i], similarity.get(i)) for i in kept[:k]]
