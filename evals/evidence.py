"""Evidence gathered while a case runs, so that metrics are plain functions of the results.

Citation support: the *claim* of marker ``[n]`` is the sentence of the reply that carries it.
Its support score is the larger of

* the cosine similarity between the embeddings of the claim and of the citation's quote (the
  index's own embedding model), which credits faithful paraphrase, and
* the share of the claim's content words (stop words dropped, words stemmed) that occur in the
  cited chunk, which credits close wording that embeddings under-rate.

A citation whose score is below the support floor is pinned to a passage that does not say
what the sentence says. The score cannot tell a subtle misstatement from a faithful one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.index.retriever import HybridRetriever
from assistant.index.store import Store
from assistant.text import content_words, overlap, sentences
from evals.results import TurnResult

_MARKER = re.compile(r"\s*\[(\d{1,3})\]")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")

#: Retrieval is judged on this many chunks.
RETRIEVAL_DEPTH = 5


def claim_for(text: str, marker: int) -> str:
    """The sentence of ``text`` that carries ``[marker]``, without markers or bullet."""
    tag = f"[{marker}]"
    for line in text.splitlines():
        at = line.find(tag)
        if at < 0:
            continue
        # A marker after the full stop belongs to the sentence that just ended.
        found = sentences(_BULLET.sub("", _MARKER.sub("", line[:at])))
        return found[-1].text if found else ""
    return ""


def lexical_support(claim: str, passage: str) -> float:
    """Share of the claim's content words found in ``passage`` (0 for an empty claim)."""
    return overlap(content_words(claim), passage)


def support_scores(embedder: Embeddings, turn: TurnResult) -> dict[int, float]:
    """Support score of each citation of ``turn`` (0 when the claim cannot be found)."""
    pairs: list[tuple[int, str, str, str]] = []
    for citation in turn.citations:
        claim = claim_for(turn.body, citation["marker"])
        chunk = turn.chunk_texts.get(citation["chunk_id"], "")
        pairs.append((citation["marker"], claim, citation["quote"], chunk))
    scored = [(m, c, q, k) for m, c, q, k in pairs if c and q]
    scores = {m: 0.0 for m, *_ in pairs}
    if scored:
        vectors = normalise(embedder.embed_documents(
            [c for _, c, _, _ in scored] + [q for _, _, q, _ in scored]
        ))
        claims, quotes = vectors[: len(scored)], vectors[len(scored):]
        for (marker, claim, _, chunk), a, b in zip(scored, claims, quotes, strict=True):
            scores[marker] = round(max(float(a @ b), lexical_support(claim, chunk)), 4)
    return scores


def stored_texts(store: Store, turn: TurnResult) -> dict[str, str]:
    """Stored text of each chunk the turn cites (chunks the index lacks are left out)."""
    ids = list(dict.fromkeys(c["chunk_id"] for c in turn.citations))
    return {chunk.id: chunk.text for chunk in store.get_chunks(ids)}


def retrieved_sources(retriever: HybridRetriever, message: str) -> list[str]:
    """Documents of the top :data:`RETRIEVAL_DEPTH` chunks for ``message``, best first."""
    return [hit.chunk.source for hit in retriever.search(message, k=RETRIEVAL_DEPTH)]


def normalise(vectors: Sequence[Sequence[float]]) -> np.ndarray:
    """Unit-length rows, so dot products are cosine similarities."""
    array = np.asarray(vectors, dtype=float)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.where(norms == 0, 1, norms)
