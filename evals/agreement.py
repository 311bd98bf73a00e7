"""How far the behaviour coder agrees with hand labels: accuracy, Cohen's kappa, per code.

Two labelled parts ship in ``evals/data``: the development part the coder's rules were written
against, and a held-out part written after the coder was finished and never used to tune it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from evals.coder import CODES, Code, code_utterance

#: The labelled parts, in the order the report shows them.
PARTS = {"development": "coder_dev.yaml", "held-out": "coder_heldout.yaml"}


class LabelError(ValueError):
    """A labelled file that cannot be used; the message names the file and the item."""


@dataclass(frozen=True)
class Labelled:
    """One hand-labelled utterance and the message it answers."""

    utterance: str
    message: str
    code: Code


def load_part(name: str) -> list[Labelled]:
    """The labelled utterances of one part (``development`` or ``held-out``)."""
    file = PARTS[name]
    data = yaml.safe_load(files("evals").joinpath("data", file).read_text(encoding="utf-8"))
    items = []
    for number, item in enumerate((data or {}).get("items", []), 1):
        if not isinstance(item, dict) or item.get("code") not in CODES or not item.get(
            "utterance"
        ):
            raise LabelError(f"evals/data/{file}: item {number}: needs an utterance and one "
                             f"of the codes {', '.join(CODES)}")
        items.append(Labelled(str(item["utterance"]), str(item.get("message", "")),
                              item["code"]))
    return items


def agreement(items: list[Labelled]) -> dict[str, Any]:
    """Accuracy, Cohen's kappa and per-code precision and recall of the coder on ``items``."""
    pairs = [(item.code, code_utterance(item.utterance, item.message).code) for item in items]
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
    """The coder's agreement on each labelled part (cached: the parts ship with the code)."""
    return {name: agreement(load_part(name)) for name in PARTS}
