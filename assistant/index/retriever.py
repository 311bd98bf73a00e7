"""Hybrid retrieval: dense chunks, BM25 and best sentences, fused by reciprocal rank.

Three rankings of the live chunks: by the similarity of their vectors (title, section and
text) to the question, by BM25 over the same text with the shared stemmed tokenizer, and by
their best sentence in the sentence index. Each hit carries every sentence of its chunk
scored against the question, so the quote is chosen without embedding anything.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from assistant.index.answerable import Answerability, Rarity
from assistant.index.store import SentenceHit, Store, StoredChunk
from assistant.text import tokens

RRF_K = 60


@dataclass(frozen=True)
class Hit:
    """A fused result: the chunk, its fused score, its dense similarity when known, and its
    sentences scored against the question."""

    chunk: StoredChunk
    score: float
    similarity: float | None
    sentences: tuple[SentenceHit, ...] = ()


class _Lexical:
    """A BM25 index over the live chunks, rebuilt when the corpus fingerprint changes."""

    def __init__(self, chunks: list[StoredChunk]) -> None:
        import bm25s

        self.chunks = chunks
        self._index = bm25s.BM25()
        corpus = [tokens(c.searchable) or ["empty"] for c in chunks]
        if corpus:  # nothing indexed yet: BM25 cannot index an empty corpus
            self._index.index(corpus, show_progress=False)
        self.rarity = Rarity(Counter(t for terms in corpus for t in set(terms)), len(chunks))

    def search(self, query: str, k: int) -> list[StoredChunk]:
        terms = tokens(query)
        if not terms or not self.chunks:
            return []
        k = min(k, len(self.chunks))
        results, scores = self._index.retrieve([terms], k=k, show_progress=False)
        return [self.chunks[i] for i, s in zip(results[0], scores[0], strict=True) if s > 0]


class HybridRetriever:
    """Dense, BM25 and best-sentence retrieval fused by reciprocal rank, with a relevance
    floor and, when given, an answerability decision.

    When no chunk and no sentence is at least ``floor`` similar to the question, or when
    ``answerability`` judges that the passages found do not answer it, the corpus is taken
    not to cover it and nothing is returned, rather than citing a weak match.
    """

    def __init__(
        self, store: Store, embedder: Embeddings, *, top_k: int = 4, floor: float = 0.35,
        hybrid: bool = True, answerability: Answerability | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.top_k = top_k
        self.floor = floor
        self.hybrid = hybrid
        self.answerability = answerability
        self._lexical: _Lexical | None = None
        self._fingerprint = ""

    def refresh(self) -> None:
        """Rebuild the lexical index if the store changed since it was built."""
        fingerprint = self.store.fingerprint()
        if self._lexical is None or fingerprint != self._fingerprint:
            self._lexical = _Lexical(self.store.live_chunks())
            self._fingerprint = fingerprint

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        """The top ``k`` chunks for ``query``, or nothing when none clears the floor or the
        corpus is judged not to answer it."""
        k = k or self.top_k
        depth = max(3 * k, 12)
        vector = self.embedder.embed_query(query)
        dense = self.store.search(vector, depth)
        similarity = {chunk.id: sim for chunk, sim in dense}
        chunks = {chunk.id: chunk for chunk, _ in dense}
        rankings = [[chunk.id for chunk, _ in dense]]
        if self.hybrid:
            self.refresh()
            assert self._lexical is not None
            lexical = self._lexical.search(query, depth)
            chunks |= {chunk.id: chunk for chunk in lexical}
            rankings.append([chunk.id for chunk in lexical])
        # Every candidate's sentences, scored from the sentence index in one read.
        scored = self.store.sentences_of(list(chunks), vector)
        best = {i: max(h.similarity for h in hits) for i, hits in scored.items() if hits}
        # The evidence for a chunk is its own similarity or its best sentence's, whichever
        # is higher: a long chunk can hold one sentence that answers the question.
        evidence = [max(similarity.get(i, -1.0), best.get(i, -1.0)) for i in chunks]
        if not evidence or max(evidence) < self.floor:
            return []
        if self.hybrid:
            rankings.append(sorted(best, key=best.__getitem__, reverse=True))
        fused: dict[str, float] = {}
        for ranking in rankings:
            for rank, chunk_id in enumerate(ranking):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        # Past the floor every fused hit is kept: the composer weighs each sentence itself.
        kept = sorted(fused, key=fused.__getitem__, reverse=True)[:k]
        hits = [Hit(chunks[i], fused[i], similarity.get(i), tuple(scored.get(i, ())))
                for i in kept]
        if self.answerability is not None and not self.answerability.answers(
                query, hits, self.rarity):
            return []
        return hits

    @property
    def rarity(self) -> Rarity:
        """How many chunks hold each word, for the live corpus."""
        self.refresh()
        assert self._lexical is not None
        return self._lexical.rarity
