"""Labelled example messages shipped as package data: one YAML mapping of label to messages."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

#: The reader's sets: what a message asks for, its kind, its scope and who is speaking. Every
#: message in them is ordinary traffic, so the safety check learns from them too.
READER_SETS = ("guidance", "kind", "scope", "speaker")
#: libyaml's safe loader where installed: the sets are read at every start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LabelledSetError(ValueError):
    """A labelled set that is missing or malformed; the message names the file and problem."""


@dataclass(frozen=True)
class LabelledSet:
    """Messages grouped by label, with a digest that changes whenever any of them does."""

    name: str
    examples: dict[str, tuple[str, ...]]

    @property
    def digest(self) -> str:
        """A short fingerprint of the labels and messages."""
        data = json.dumps(self.examples, sort_keys=True).encode()
        return hashlib.sha256(data).hexdigest()[:16]

    def pairs(self) -> list[tuple[str, str]]:
        """Every ``(text, label)`` pair, in file order."""
        return [(text, label) for label, texts in self.examples.items() for text in texts]

    def folds(self, k: int) -> Iterator[tuple[LabelledSet, LabelledSet]]:
        """``k`` (training, held-out) splits for cross-validation: every ``k``-th message,
        in file order, is held out once."""
        pairs = self.pairs()
        for fold in range(k):
            parts: tuple[dict[str, list[str]], dict[str, list[str]]] = ({}, {})
            for i, (text, label) in enumerate(pairs):
                parts[i % k == fold].setdefault(label, []).append(text)
            train, held = (LabelledSet(f"{self.name}-{name}{fold}",
                                       {label: tuple(texts) for label, texts in part.items()})
                           for name, part in zip(("train", "held"), parts, strict=True))
            yield train, held


def parse_labelled(text: str, origin: str) -> LabelledSet:
    """Validate the YAML of a labelled set; raise :class:`LabelledSetError` naming the problem."""
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise LabelledSetError(f"{origin}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not data:
        raise LabelledSetError(f"{origin}: expected a mapping of label to a list of messages")
    examples: dict[str, tuple[str, ...]] = {}
    for label, texts in data.items():
        if not isinstance(texts, list) or not texts:
            raise LabelledSetError(f"{origin}: label {label!r} needs a non-empty list")
        bad = [t for t in texts if not isinstance(t, str) or not t.strip()]
        if bad:
            raise LabelledSetError(f"{origin}: label {label!r} has a non-text entry {bad[0]!r}")
        examples[str(label)] = tuple(" ".join(t.split()) for t in texts)
    return LabelledSet(Path(origin).stem, examples)


def load_labelled(name: str) -> LabelledSet:
    """The labelled set ``name`` shipped in ``assistant/reader/data/``."""
    resource = resources.files("assistant.reader") / "data" / f"{name}.yaml"
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LabelledSetError(f"labelled set {name!r} is not installed ({resource})") from None
    return parse_labelled(text, f"{name}.yaml")
