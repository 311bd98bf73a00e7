"""Whether the corpus answers a question: the decision taken after retrieval.

Similar passages are not enough: "Is parking validated for mentors?" retrieves the handbook's
passage on group sessions, and nothing in it is about parking. The decision weighs what the
best passages say against what the question asks:

- how similar the best sentence and the best chunk are to the question;
- how much of the question's distinctive words (weighted by their rarity in the corpus) the
  best sentences and the retrieved passages hold, and how much no document holds at all;
- the kind of answer the question asks for (an amount of money, a count, a date or time, a
  named person, contact details, a place), read by a classifier over the question's
  embedding, and whether the best sentences hold something of that kind.

A logistic regression over these features, fitted on labelled questions (package data) by
``scripts/fit_answerability.py``, gives the probability that the corpus answers; below the
fitted threshold the retriever returns nothing. No corpus text is embedded: the sentences'
similarities come from the sentence index.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.index.store import SentenceHit, StoredChunk
from assistant.reader.classifier import EmbeddingClassifier
from assistant.reader.labelled import parse_labelled
from assistant.text import content_words


class Retrieved(Protocol):
    """What the decision reads of a retrieved hit."""

    @property
    def chunk(self) -> StoredChunk: ...
    @property
    def similarity(self) -> float | None: ...
    @property
    def sentences(self) -> tuple[SentenceHit, ...]: ...

#: Best passages the decision reads (the retriever's usual depth).
PASSAGES = 4
#: Best sentences searched for an answer of the kind asked.
EVIDENCE_SENTENCES = 5
#: Best sentences whose words count as covering the question.
COVERING_SENTENCES = 3
#: Names of the features, in order; the fitted weights are checked against them.
FEATURES = ("best_sentence", "best_chunk", "covered_by_sentences", "covered_by_passages",
            "unseen_words", "answer_missing", "asks_for_fact")

_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve fifteen "
                 "twenty thirty forty fifty hundred thousand half quarter third dozen").split()
_MONTHS = [m for m in calendar.month_name if m] + [m for m in calendar.month_abbr if m]
_DAYS = list(calendar.day_name)
_UNITS = r"(?:minutes?|hours?|days?|weeks?|months?|years?|sessions?|times?)"
#: Something of each kind of answer, in a sentence.
ANSWER_SHAPES: dict[str, re.Pattern[str]] = {
    "money": re.compile(r"[$€£¥]\s?\d|\b(?:dollars?|pounds?|euros?|USD|GBP|EUR|free of charge|"
                        r"no cost|at no charge|unpaid|paid|free)\b", re.IGNORECASE),
    "count": re.compile(r"\d|%|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b|\b(?:once|twice|"
                        r"monthly|weekly|quarterly|annually|daily)\b", re.IGNORECASE),
    "time": re.compile(r"\b(?:" + "|".join(_MONTHS + _DAYS) + r")\b|\b(?:19|20)\d\d\b|"
                       r"\b\d{1,2}(?::\d\d)?\s?[ap]\.?m\b|\b(?:noon|midnight|spring|summer|"
                       r"autumn|fall|winter|weekdays?|weekends?)\b|\b(?:within|after|before|"
                       r"by|at|every|each|per)\s+(?:\w+\s+){0,2}" + _UNITS + r"\b"),
    "person": re.compile(r"\b(?:Dr|Prof|Professor|Mr|Mrs|Ms|Mx)\.?\s+[A-Z][\w'-]+|"
                         r"\b[A-Z][a-z]+\s+[A-Z][\w'-]+,\s+(?:MD|PhD|RN|DO|MBBS|FRCP)"),
    "contact": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b(?:extension|ext\.?|tel\.?|telephone|"
                          r"phone|call|dial|text)\s+\+?[\d(]|\b\d{3}[-. ]\d{4}\b|"
                          r"\b\d-\d{4}\b|https?://|\bwww\.", re.IGNORECASE),
    "place": re.compile(r"\b(?:room|floor|building|pavilion|centre|center|hall|street|avenue|"
                        r"road|campus|suite|wing|lobby|library|auditorium|venue)\b|"
                        r"\b\d+\s+[A-Z][a-z]+\s+(?:Street|St|Road|Avenue|Ave)\b", re.IGNORECASE),
}
#: The kind of answer that is anything else (advice, an explanation, a policy, a role).
OPEN = "other"


@lru_cache(maxsize=4096)
def holds_answer(sentence: str, kind: str) -> bool:
    """Whether ``sentence`` holds something of the kind of answer ``kind`` names."""
    return ANSWER_SHAPES[kind].search(sentence) is not None


@dataclass(frozen=True)
class Weights:
    """A fitted decision: feature scaling, logistic-regression weights and the threshold."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def probability(self, features: np.ndarray) -> float:
        """Probability that the corpus answers, from one row of features."""
        logit = float(((features - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + math.exp(-logit))

    def to_json(self, training_digest: str) -> str:
        """The weights as the JSON file shipped beside the training set."""
        return json.dumps({
            "features": list(FEATURES), "training": training_digest,
            "mean": self.mean.tolist(), "scale": self.scale.tolist(),
            "coef": self.coef.tolist(), "intercept": self.intercept,
            "threshold": self.threshold}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Weights:
        """Weights read back; raises ``ValueError`` when they were fitted on other features."""
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise ValueError("answerability weights were fitted on other features; refit them")
        return cls(*(np.asarray(data[k], dtype=float) for k in ("mean", "scale", "coef")),
                   float(data["intercept"]), float(data["threshold"]))


def _data(name: str) -> str:
    return (resources.files("assistant.index") / "data" / name).read_text(encoding="utf-8")


def training_set() -> dict[str, dict[str, list[str]]]:
    """The labelled questions: corpus name -> ``answerable``/``unanswerable`` -> questions."""
    import yaml

    return yaml.safe_load(_data("answerability.yaml"))


def training_digest() -> str:
    """A short fingerprint of the labelled questions, recorded with the weights fitted on them."""
    return hashlib.sha256(json.dumps(training_set(), sort_keys=True).encode()).hexdigest()[:16]


def shipped_weights() -> dict[str, object]:
    """The shipped weights file as written (features, training digest, weights)."""
    return json.loads(_data("answerability.json"))


@dataclass(frozen=True)
class Rarity:
    """How many of the corpus's chunks hold each stemmed content word."""

    counts: Mapping[str, int]
    chunks: int

    def idf(self, word: str) -> float:
        """BM25's inverse document frequency of ``word`` (highest for a word no chunk holds)."""
        held = self.counts.get(word, 0)
        return math.log(1 + (self.chunks - held + 0.5) / (held + 0.5))


class Answerability:
    """Decides from a question and its retrieved hits whether the corpus answers it."""

    def __init__(self, embedder: Embeddings, cache_dir: Path, weights: Weights | None = None
                 ) -> None:
        labelled = parse_labelled(_data("answer_types.yaml"), "answer_types.yaml")
        self.kinds = EmbeddingClassifier(labelled, embedder, cache_dir)
        self._weights = weights

    @cached_property
    def weights(self) -> Weights:
        """The fitted weights: those given, else the shipped ones."""
        return self._weights or Weights.from_json(_data("answerability.json"))

    def features(self, question: str, hits: Sequence[Retrieved], rarity: Rarity) -> np.ndarray:
        """The decision's features (:data:`FEATURES`) for ``question`` and its ``hits``."""
        hits = hits[:PASSAGES]
        ranked = sorted((s for hit in hits for s in hit.sentences),
                        key=lambda s: s.similarity, reverse=True)
        weight = {w: rarity.idf(w) for w in content_words(question)}
        total = sum(weight.values()) or 1.0

        def share(found: set[str]) -> float:
            return sum(v for w, v in weight.items() if w in found) / total

        def words_of(texts: Iterable[str]) -> set[str]:
            return set().union(*map(content_words, texts))

        kinds = self.kinds.predict(question).probabilities
        evidence = [s.text for s in ranked[:EVIDENCE_SENTENCES]]
        missing = sum(p for kind, p in kinds.items() if kind != OPEN
                      and not any(holds_answer(text, kind) for text in evidence))
        return np.array([
            ranked[0].similarity if ranked else 0.0,
            max((hit.similarity for hit in hits if hit.similarity is not None), default=0.0),
            share(words_of(s.text for s in ranked[:COVERING_SENTENCES])),
            share(words_of(hit.chunk.searchable for hit in hits)),
            share({w for w in weight if w not in rarity.counts}),
            missing,
            1.0 - kinds.get(OPEN, 0.0),
        ])

    def probability(self, question: str, hits: Sequence[Retrieved], rarity: Rarity) -> float:
        """Probability that the corpus answers ``question``, given what was retrieved."""
        return self.weights.probability(self.features(question, hits, rarity))

    def answers(self, question: str, hits: Sequence[Retrieved], rarity: Rarity) -> bool:
        """Whether the corpus is taken to answer ``question``."""
        return bool(hits) and self.probability(question, hits, rarity) >= self.weights.threshold
