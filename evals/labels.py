"""The hand-labelled guide utterances behind the behaviour coder, shipped in ``evals/data``.

Three parts: the development part (the coder's rules were written against it and its
statement classifier is fitted on it), the first held-out part (written after an earlier
coder; its errors were then studied, so it is seen), and the held-out part written after the
present coder and never used to change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal, get_args

import yaml

Code = Literal[
    "open_question", "closed_question", "simple_reflection", "complex_reflection",
    "giving_information", "persuade", "affirm", "emphasise_autonomy", "neutral",
]
CODES: tuple[Code, ...] = get_args(Code)

#: The labelled parts, in the order the report shows them.
PARTS = {"development": "coder_dev.yaml", "held-out A (seen)": "coder_heldout.yaml",
         "held-out B": "coder_heldout_b.yaml"}


class LabelError(ValueError):
    """A labelled file that cannot be used; the message names the file and the item."""


@dataclass(frozen=True)
class Labelled:
    """One hand-labelled utterance and the message it answers."""

    utterance: str
    message: str
    code: Code


@cache
def load_part(name: str) -> tuple[Labelled, ...]:
    """The labelled utterances of one part (a key of :data:`PARTS`)."""
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
    return tuple(items)
