"""How far the behaviour coder agrees with hand labels: accuracy, Cohen's kappa, per code.

The labelled parts are described in :mod:`evals.labels`.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any

from evals.coder import Coder, coder
from evals.labels import CODES, PARTS, Labelled, load_part

#: Folds of the development part's cross-validation.
FOLDS = 5


def agreement(items: tuple[Labelled, ...], by: Coder | None = None) -> dict[str, Any]:
    """Accuracy, Cohen's kappa and per-code precision and recall of the coder on ``items``."""
    return _scores(_coded(by or coder(), items))


def cross_validated(items: tuple[Labelled, ...], k: int = FOLDS) -> dict[str, Any]:
    """The agreement on ``items`` of coders fitted on the rest: every ``k``-th item, in file
    order, is coded once by a coder fitted on the others."""
    pairs = []
    for fold in range(k):
        fitted = Coder(item for i, item in enumerate(items) if i % k != fold)
        pairs += _coded(fitted, items[fold::k])
    return _scores(pairs)


def _coded(by: Coder, items: tuple[Labelled, ...]) -> list[tuple[str, str]]:
    """(hand label, coder's code) for each of ``items``."""
    return [(item.code, by.code_utterance(item.utterance, item.message).code) for item in items]


def _scores(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    n = len(pairs)
    hits = sum(gold == got for gold, got in pairs)
    gold_counts = Counter(g for g, _ in pairs)
    got_counts = Counter(c for _, c in pairs)
    expected = sum(gold_counts[c] * got_counts[c] for c in CODES) / (n * n) if n else 0.0
    accuracy = hits / n if n else 0.0
    kappa = (accuracy - expected) / (1 - expected) if expected < 1 else 1.0
    per_code = []
    for name in CODES:
        both = sum(1 for g, c in pairs if g == name and c == name)
        per_code.append({
            "code": name, "labelled": gold_counts[name], "coded": got_counts[name],
            "recall": round(both / gold_counts[name], 3) if gold_counts[name] else None,
            "precision": round(both / got_counts[name], 3) if got_counts[name] else None,
        })
    confusions = Counter((g, c) for g, c in pairs if g != c)
    return {
        "utterances": n, "accuracy": round(accuracy, 3), "kappa": round(kappa, 3),
        "per_code": per_code,
        "confusions": [{"labelled": g, "coded": c, "count": k}
                       for (g, c), k in confusions.most_common()],
    }


@lru_cache(maxsize=1)
def coder_agreement() -> dict[str, dict[str, Any]]:
    """The coder's agreement on each labelled part (cached: the parts ship with the code); the
    development part, which the coder is fitted on, is cross-validated."""
    held_out = {name: agreement(load_part(name)) for name in PARTS if name != "development"}
    return {f"development ({FOLDS}-fold cross-validated)":
            cross_validated(load_part("development")), **held_out}
