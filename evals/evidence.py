"""Evidence gathered while a case runs, so that metrics are plain functions of the results.

Citation support: the *claim* of marker ``[n]`` is the sentence of the reply that carries it.
Its support score is the larger of

* the cosine similarity between the embeddings of the claim and of the citation's quote (the
  index's own embedding model), which credits faithful paraphrase, and
* the share of the claim's content words (stopwords dropped, plurals and -ed/-ing folded) that
  occur in the cited chunk, which credits close wording that embeddings under-rate.

A citation whose score is below the support floor is pinned to a passage that does not say
what the sentence says. The score cannot tell a subtle misstatement from a faithful one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.index.retriever import HybridRetriever, tokenize
from assistant.index.store import Store
from evals.results import TurnResult

_MARKER = re.compile(r"\s*\[(\d{1,3})\]")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
_SUFFIXES = ("ings", "ing", "ed", "es", "s")

#: Retrieval is judged on this many chunks.
RETRIEVAL_DEPTH = 5


def stem(token: str) -> str:
    """A light stem: ``meetings`` and ``meeting`` become ``meet``; ``missed`` becomes ``miss``."""
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3 and not token.endswith("ss"):
            return token[: -len(suffix)]
    return token


def content_words(text: str) -> set[str]:
    """Stemmed content words of ``text``."""
    return {stem(t) for t in tokenize(text)}


def claim_for(text: str, marker: int) -> str:
    """The sentence of ``text`` that carries ``[marker]``, without markers or bullet."""
    tag = f"[{marker}]"
    for line in text.splitlines():
        at = line.find(tag)
        if at < 0:
            continue
        before = _MARKER.sub("", line[:at]).rstrip()
        # A marker after the full stop belongs to the sentence that just ended.
        ends = [m.end() for m in _SENTENCE_END.finditer(before[:-1] + " ")]
        start = max((e for e in ends if e < len(before)), default=0)
        return _BULLET.sub("", before[start:]).strip()
    return ""


def lexical_support(claim: str, passage: str) -> float:
    """Share of the claim's content words found in ``passage`` (0 for an empty claim)."""
    words = content_words(claim)
    return len(words & content_words(passage)) / len(words) if words else 0.0


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
