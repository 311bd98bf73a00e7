"""Reading a learner's rehearsal lines: which rubric behaviours a line shows, and which
scenario a message names while scenarios are on offer.

A behaviour is recognised by its example phrasings (shipped with each scenario): each
sentence of the line (and each clause, and the whole line) is compared with every example
through the sentence embedding the reader already uses, plus the lexical evidence of the
content words they share, so "thirty minutes once a month" and "30 minutes monthly" both
count. A sentence shows only the behaviours it is nearly as close to as its closest one, so
words a scene's behaviours share ("the research year") do not credit all of them. The
best-scoring sentence is the learner's own words the feedback quotes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.reader.classifier import unit
from assistant.text import content_words, sentences

#: A behaviour counts as shown from this score (chosen on the development lines in
#: ``benchmarks/data/rehearsal_dev.yaml``; see ``benchmarks/rehearsal_bench.py``).
SHOWN_FROM = 0.65
#: A sentence does not show a behaviour when it scores this much higher for another one
#: (chosen with :data:`SHOWN_FROM`).
OUTSCORED_BY = 0.1
#: Weight of the shared content words (Jaccard) against the cosine similarity.
LEXICAL_WEIGHT = 0.35
#: An off-script line is about something else (the reader's scope: neither mentoring nor
#: clinical, this sure), says something (this many words: "Come on." is only vague), and is
#: unlike the scene and every behaviour (cosine below :data:`OFF_SCRIPT_BELOW`).
OFF_SCRIPT_SCOPE = 0.75
OFF_SCRIPT_WORDS = 4
OFF_SCRIPT_BELOW = 0.45
#: Where a sentence splits into clauses, and the content words a clause needs to count.
_CLAUSE = re.compile(r"\s*(?:[;:\u2014]|,\s*(?:and|but|so)?|\s(?:and|but|so)\s(?=(?:I|I'm|I've|I'd|"
                     r"we|you)\b))\s*")
_CLAUSE_WORDS = 3
#: While scenarios are on offer, a message names one ("the one about missed meetings", its
#: title typed) from this score (similarity plus shared words) and this lead over the next.
NAMED_FROM = 0.55
NAMED_BY = 0.1


@dataclass(frozen=True)
class Evidence:
    """How strongly one behaviour shows in a line, and the sentence that shows it best."""

    item: str
    score: float
    sentence: str
    #: The sentence is much closer to another behaviour (see :data:`OUTSCORED_BY`).
    contested: bool = False

    @property
    def shown(self) -> bool:
        """Whether the behaviour counts as shown."""
        return self.score >= SHOWN_FROM and not self.contested


@dataclass(frozen=True)
class RubricReading:
    """Every behaviour's evidence in one line, and how close the line is to the scene."""

    evidence: Mapping[str, Evidence]
    relevance: float
    #: The line is about something else entirely (set by the reader, which knows its scope).
    off_topic: bool = False

    @property
    def shown(self) -> list[str]:
        """The behaviours the line shows, strongest first."""
        found = [e for e in self.evidence.values() if e.shown]
        return [e.item for e in sorted(found, key=lambda e: e.score, reverse=True)]

    @property
    def on_script(self) -> bool:
        """Whether the line belongs to the conversation being rehearsed."""
        return bool(self.shown) or not self.off_topic


class RubricReader:
    """Scores learner lines against rubric examples with the product's embedder."""

    def __init__(self, embedder: Embeddings) -> None:
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def _embedded(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts``; examples are embedded once per process."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            vectors = unit(np.asarray(self.embedder.embed_documents(missing), dtype=np.float32))
            with self._lock:
                self._vectors.update(zip(missing, vectors, strict=True))
        with self._lock:
            return np.stack([self._vectors[t] for t in texts])

    def read(self, line: str, rubric: Mapping[str, Sequence[str]],
             scene: Sequence[str] = ()) -> RubricReading:
        """Each behaviour of ``rubric`` (item id to example phrasings) in ``line``; ``scene``
        (what the counterpart has said, the brief) counts towards the line being on script."""
        said = [s.text for s in sentences(line) if content_words(s.text)] or [line.strip()]
        # A sentence can show two behaviours ("I'm a second-year resident and I loved your
        # talk"): its clauses are read too, and so is the whole line.
        clauses = [c.strip() for s in said for c in _CLAUSE.split(s)
                   if len(content_words(c)) >= _CLAUSE_WORDS and c.strip() != s]
        said += [*dict.fromkeys(clauses), *([" ".join(said)] if len(said) > 1 else [])]
        examples = [(item, text) for item, texts in rubric.items() for text in texts]
        if not line.strip() or not examples:
            return RubricReading({}, 0.0)
        lines = self._embedded(said)
        cosine = lines @ self._embedded([text for _, text in examples]).T
        words = [content_words(s) for s in said]
        lexical = np.array([[_jaccard(w, content_words(text)) for _, text in examples]
                            for w in words], dtype=np.float32)
        scores = cosine + LEXICAL_WEIGHT * lexical
        items = [item for item, texts in rubric.items() if texts]
        per_item = np.stack([scores[:, [c for c, (i, _) in enumerate(examples) if i == item]]
                             .max(axis=1) for item in items], axis=1)
        # A part of the line shows a behaviour only when that behaviour is among the closest
        # to it: a sentence much nearer another behaviour shares words with this one, no more.
        contested = per_item < per_item.max(axis=1, keepdims=True) - OUTSCORED_BY
        evidence: dict[str, Evidence] = {}
        for column, item in enumerate(items):
            fair = np.flatnonzero(~contested[:, column])
            rows = fair if fair.size else np.arange(len(said))
            row = int(rows[per_item[rows, column].argmax()])
            evidence[item] = Evidence(item, round(float(per_item[row, column]), 4), said[row],
                                      bool(contested[row, column]))
        relevance = float(cosine.max())
        if scene:
            relevance = max(relevance, float((lines @ self._embedded(list(scene)).T).max()))
        return RubricReading(evidence, relevance)

    def named(self, message: str, names: Mapping[str, str]) -> tuple[tuple[str, float], ...]:
        """Every option (id to its name, such as a scenario's title), most like ``message``
        first, scored as a line is against a behaviour: similarity plus shared words."""
        evidence = self.read(message, {key: (name,) for key, name in names.items()}).evidence
        return tuple(sorted(((e.item, e.score) for e in evidence.values()),
                            key=lambda pair: pair[1], reverse=True))


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
