"""Fit the retriever's answerability decision on its labelled questions.

Indexes the starter corpus and the retrieval benchmark's long-form documents, retrieves for
every question of ``assistant/index/data/answerability.yaml``, and fits a logistic regression
over the decision's features. The threshold keeps :data:`ANSWERED` of the answerable
questions answered in cross-validation. Writes ``assistant/index/data/answerability.json``.

Run: ``python scripts/fit_answerability.py`` (about a minute).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.index.answerable import (  # noqa: E402
    FEATURES,
    Answerability,
    Weights,
    training_digest,
    training_set,
)
from assistant.index.retriever import HybridRetriever  # noqa: E402
from assistant.settings import Settings  # noqa: E402

CORPORA = {"starter": None, "longform": ROOT / "benchmarks" / "corpus_longform"}
#: Share of answerable questions the threshold keeps answered (out of fold).
ANSWERED = 0.99
#: Inverse regularisation strength of the logistic regression.
REGULARISATION = 1.0
FOLDS = 5
WEIGHTS = ROOT / "assistant" / "index" / "data" / "answerability.json"


def retrievers(home: Path | None = None) -> dict[str, HybridRetriever]:
    """A retriever (floor only, no decision) over each corpus, indexed under ``home``."""
    from assistant.index.embeddings import embedder_for
    from assistant.index.store import open_store
    from ingest.sync import sync_paths

    found = {}
    for corpus, folder in CORPORA.items():
        settings = Settings(home=(home or Path(tempfile.mkdtemp())) / corpus)
        embedder, store = embedder_for(settings), open_store(settings)
        if not store.live_chunks():
            report = sync_paths([folder or settings.corpus_dir], settings=settings,
                                store=store, embedder=embedder)
            assert report.ok, report.to_dict()
        found[corpus] = HybridRetriever(store, embedder, top_k=settings.top_k,
                                        floor=settings.relevance_floor)
    return found


def featurize(deciding: Answerability, found: dict[str, HybridRetriever],
              items: list[tuple[str, str, bool]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and whether the floor let the question through, per item
    (question, corpus, answerable)."""
    rows, labels, passed = [], [], []
    for question, corpus, answerable in items:
        retriever = found[corpus]
        hits = retriever.search(question)
        rows.append(deciding.features(question, hits, retriever.rarity))
        labels.append(answerable)
        passed.append(bool(hits))
    return np.array(rows), np.array(labels), np.array(passed)


def labelled_items() -> list[tuple[str, str, bool]]:
    """Every training question as (question, corpus, answerable)."""
    return [(q, corpus, label == "answerable")
            for corpus, labels in training_set().items()
            for label, questions in labels.items() for q in questions]


def fit(x: np.ndarray, y: np.ndarray, threshold: float = 0.5) -> Weights:
    """Logistic regression on standardised features."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y)
    return Weights(mean, scale, model.coef_[0], float(model.intercept_[0]), threshold)


def cross_validated(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Out-of-fold probabilities: every FOLDS-th item is held out once."""
    out = np.zeros(len(y))
    for fold in range(FOLDS):
        held = np.arange(len(y)) % FOLDS == fold
        weights = fit(x[~held], y[~held])
        out[held] = [weights.probability(row) for row in x[held]]
    return out


def main() -> int:
    found = retrievers()
    deciding = Answerability(next(iter(found.values())).embedder, Path(tempfile.mkdtemp()))
    items = labelled_items()
    x, y, passed = featurize(deciding, found, items)
    x, y = x[passed], y[passed]
    held_out = cross_validated(x, y)
    threshold = float(np.quantile(held_out[y], 1 - ANSWERED))
    print(f"{len(items)} questions, {int(passed.sum())} past the floor; cross-validated at "
          f"threshold {threshold:.3f}: declined {(held_out[~y] < threshold).mean():.2f} of "
          f"{(~y).sum()}, answered {(held_out[y] >= threshold).mean():.2f} of {y.sum()}")
    weights = fit(x, y, threshold)
    WEIGHTS.write_text(weights.to_json(training_digest()))
    for name, coef in zip(FEATURES, weights.coef, strict=True):
        print(f"  {name:22} {coef:+.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
