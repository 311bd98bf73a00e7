"""Which rehearsal scenario a request to practise is about: a classifier over the reader's
features (sentence embedding and word stems), fitted on each scenario's own descriptions
(title, objective, requests) and the labelled requests shipped in ``data/scenario_requests.yaml``,
with a class for conversations no scenario is. Its probabilities are what the chat offers by:
one scenario outright when it is likely enough, else the closest few.

A program's own scenarios are learned from their descriptions alone; the classifier is fitted
once per library (cached on disk like the reader's other classifiers).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.reader.classifier import EmbeddingClassifier
from assistant.reader.labelled import LabelledSet, load_labelled

#: The class of requests to practise a conversation no scenario is.
NONE = "none"
#: A scenario is offered outright from this probability (below it, the closest few to choose
#: from, those from :data:`MATCHES_FROM` if any; chosen on
#: ``benchmarks/data/scenario_requests_dev.yaml``, see ``benchmarks/scenario_bench.py``).
OFFERED_FROM = 0.3
MATCHES_FROM = 0.1


class ScenarioMatcher:
    """Ranks scenarios by how likely a request is about each, for the library it is given."""

    def __init__(self, embedder: Embeddings, cache_dir: Path) -> None:
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.requests = load_labelled("scenario_requests")
        self._fitted: tuple[str, EmbeddingClassifier] | None = None
        self._lock = threading.Lock()

    def classifier(self, scenarios: Mapping[str, Sequence[str]]) -> EmbeddingClassifier:
        """The classifier for ``scenarios`` (id to the texts that describe each)."""
        known = self.requests.examples
        examples = {key: tuple(dict.fromkeys((*texts, *known.get(key, ()))))
                    for key, texts in scenarios.items() if key != NONE}
        examples[NONE] = known[NONE]
        labelled = LabelledSet("scenario_requests", examples)
        with self._lock:
            if self._fitted is None or self._fitted[0] != labelled.digest:
                self._fitted = (labelled.digest,
                                EmbeddingClassifier(labelled, self.embedder, self.cache_dir))
            return self._fitted[1]

    def ranked(self, message: str, scenarios: Mapping[str, Sequence[str]]
               ) -> tuple[tuple[str, float], ...]:
        """Every scenario with the probability that ``message`` asks to practise it, most
        likely first (what is left of 1 is the chance it is a conversation none of them is)."""
        if not scenarios or not message.strip():
            return ()
        prediction = self.classifier(scenarios).predict(message.strip())
        return tuple(sorted(((key, round(prediction.probability(key), 4)) for key in scenarios
                             if key != NONE), key=lambda pair: pair[1], reverse=True))
