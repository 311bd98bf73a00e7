"""A classifier over sentence embeddings, trained on a labelled set and cached on disk.

Each message is read as its sentence embedding joined with TF-IDF weights of its word stems
and stem pairs, so wording the embedding blurs ("killing me" against "kill myself") still
counts. Fitting embeds every example once; the fitted weights, vocabulary and example vectors
are kept under the cache folder, keyed by the set's digest and the embedding model, so later
processes load them in milliseconds.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.reader.labelled import LabelledSet
from assistant.text import stems

#: Inverse regularisation strength of the logistic regression, and the weight of the lexical
#: features against the embedding (both chosen by cross-validation on the safety set).
REGULARISATION = 4.0
LEXICAL_WEIGHT = 1.5
#: Changes whenever the features change, so a classifier cached with older ones is refitted.
FEATURES = 2


@dataclass(frozen=True)
class Prediction:
    """The classifier's reading of one message."""

    label: str
    probabilities: dict[str, float]

    def probability(self, label: str) -> float:
        """The probability of ``label`` (0 for a label the classifier does not know)."""
        return self.probabilities.get(label, 0.0)


def model_key(embedder: Embeddings) -> str:
    """What identifies the embedding model of ``embedder`` in a cache key."""
    return str(getattr(embedder, "model_id", type(embedder).__qualname__))


def unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


#: A term for a message that asks something: the question mark is no word, but it counts.
ASKS = "<?>"


def terms(text: str) -> list[str]:
    """The lexical features of ``text``: its stems, each pair of neighbouring stems, and
    :data:`ASKS` when it holds a question mark."""
    words = stems(text)
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)] + (
        [ASKS] if "?" in text else [])


@dataclass(frozen=True)
class Lexicon:
    """Vocabulary and inverse document frequencies of the training messages' terms."""

    vocabulary: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: list[str]) -> Lexicon:
        """Terms seen in the training messages, weighted by how rare they are."""
        counts = Counter(t for text in texts for t in set(terms(text)))
        vocabulary = {t: i for i, t in enumerate(sorted(counts))}
        df = np.array([counts[t] for t in sorted(counts)], dtype=np.float32)
        return cls(vocabulary, np.log((1 + len(texts)) / (1 + df)) + 1)

    def vectors(self, texts: list[str]) -> np.ndarray:
        """Unit TF-IDF rows (sublinear term frequency) for ``texts``."""
        rows = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for term, count in Counter(terms(text)).items():
                if term in self.vocabulary:
                    row[self.vocabulary[term]] = 1 + np.log(count)
        return unit(rows * self.idf)


@dataclass(frozen=True)
class _Fitted:
    classes: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    lexicon: Lexicon


def fit_weights(features: np.ndarray, labels: list[str]) -> tuple[np.ndarray, ...]:
    """Multinomial logistic regression: classes, one coefficient row per class, intercepts."""
    from sklearn.linear_model import LogisticRegression  # only when fitting

    model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=3000)
    model.fit(features, labels)
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # binary models keep one row: make it one row per class
        coef, intercept = np.vstack([-coef, coef]) / 2, np.array([-intercept[0], intercept[0]]) / 2
    return np.array(model.classes_), coef, intercept


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities from the logits of each row."""
    odds = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return odds / odds.sum(axis=-1, keepdims=True)


class EmbeddingClassifier:
    """Labels messages by the labelled set's examples, read through ``embedder``."""

    def __init__(self, labelled: LabelledSet, embedder: Embeddings, cache_dir: Path) -> None:
        self.labelled = labelled
        self.embedder = embedder
        key = hashlib.sha256(f"{model_key(embedder)}/{FEATURES}".encode()).hexdigest()[:12]
        self.cache_file = cache_dir / "classifiers" / f"{labelled.name}-{labelled.digest}-{key}.npz"
        self._fitted: _Fitted | None = None
        self._lock = threading.Lock()

    @property
    def cached(self) -> bool:
        """Whether a fitted classifier is already on disk (loading it is cheap)."""
        return self.cache_file.exists()

    def prepare(self) -> None:
        """Load the fitted classifier, fitting it first if it is not cached."""
        self._load_or_fit()

    def _load_or_fit(self) -> _Fitted:
        with self._lock:
            if self._fitted is None:
                self._fitted = self._read_cache() or self._fit()
            return self._fitted

    def _read_cache(self) -> _Fitted | None:
        try:
            with np.load(self.cache_file, allow_pickle=False) as data:
                terms_ = [str(t) for t in data["terms"]]
                lexicon = Lexicon({t: i for i, t in enumerate(terms_)}, data["idf"])
                return _Fitted(data["classes"], data["coef"], data["intercept"], lexicon)
        except (OSError, KeyError, ValueError):
            return None  # absent or damaged: fit again

    def _fit(self) -> _Fitted:
        texts, labels = (list(column) for column in zip(*self.labelled.pairs(), strict=True))
        lexicon = Lexicon.fit(texts)
        classes, coef, intercept = fit_weights(self.features(texts, lexicon), labels)
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_file.with_name(self.cache_file.stem + f".{os.getpid()}.tmp.npz")
        np.savez(tmp, classes=classes, coef=coef, intercept=intercept, idf=lexicon.idf,
                 terms=np.array(sorted(lexicon.vocabulary, key=lexicon.vocabulary.get)))
        os.replace(tmp, self.cache_file)
        return _Fitted(classes, coef, intercept, lexicon)

    def features(self, texts: list[str], lexicon: Lexicon | None = None) -> np.ndarray:
        """Embedding and lexical features of ``texts``, one row each."""
        lexicon = lexicon or self._load_or_fit().lexicon
        embedded = unit(np.asarray(self.embedder.embed_documents(texts), dtype=np.float32))
        return np.hstack([embedded, LEXICAL_WEIGHT * lexicon.vectors(texts)])

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        """The reading of each of ``texts`` (embedded together, in one call)."""
        fitted = self._load_or_fit()
        probabilities = softmax(self.features(texts) @ fitted.coef.T + fitted.intercept)
        classes = [str(c) for c in fitted.classes]
        return [
            Prediction(classes[int(row.argmax())], dict(zip(classes, map(float, row),
                                                             strict=True)))
            for row in probabilities
        ]

    def predict(self, text: str) -> Prediction:
        """The reading of ``text``: its label and every label's probability."""
        return self.predict_many([text])[0]
