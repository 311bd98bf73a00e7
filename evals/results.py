"""What a run observed: each turn's reply plus the evidence the metrics judge it on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assistant.plan import Mode
from evals.cases import Case, Expect

_LABEL = re.compile(r"\A\[(?:Advising|Coaching|Mentoring|Safety|Rehearsal: [^\]\n]+)\]\n?")
_SOURCES = re.compile(r"\n(?:Sources|References):\n.*\Z", re.DOTALL)


@dataclass
class TurnResult:
    """One turn: the message as sent, the reply (``Reply.to_dict()``) or the error, and evidence.

    ``chunk_texts`` holds the stored text of every cited chunk the index still has;
    ``support`` maps each citation marker to its support score (see :mod:`evals.evidence`);
    ``retrieved`` lists the source documents of the top retrieved chunks, best first (only
    for turns that name expected sources); ``smart`` holds the SMART checker's status per
    criterion (only for turns that expect one).
    """

    message: str
    choice: Mode | None = None
    expect: Expect = field(default_factory=Expect)
    reply: dict[str, Any] | None = None
    error: str | None = None
    seconds: float = 0.0
    chunk_texts: dict[str, str] = field(default_factory=dict)
    support: dict[int, float] = field(default_factory=dict)
    retrieved: list[str] = field(default_factory=list)
    smart: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """The turn produced a reply."""
        return self.reply is not None

    @property
    def mode(self) -> Mode | None:
        """The reply's mode."""
        return self.reply["mode"] if self.reply else None

    @property
    def text(self) -> str:
        """The reply's whole text, label line and sources included."""
        return self.reply["text"] if self.reply else ""

    @property
    def body(self) -> str:
        """The reply without its label line and ``Sources:`` block."""
        return _SOURCES.sub("", _LABEL.sub("", self.text)).strip()

    @property
    def citations(self) -> list[dict[str, Any]]:
        """The reply's citations (marker, source, title, locator, chunk_id, quote)."""
        return list(self.reply["citations"]) if self.reply else []

    @property
    def cited_sources(self) -> list[str]:
        """Documents the reply cites, in order of first citation."""
        return list(dict.fromkeys(c["source"] for c in self.citations))

    @property
    def declined(self) -> bool:
        """The reply declined the message as out of scope."""
        return bool(self.reply and self.reply.get("out_of_scope"))


@dataclass
class CaseResult:
    """A case and what happened on each of its turns."""

    case: Case
    turns: list[TurnResult]
    seconds: float = 0.0

    @property
    def id(self) -> str:
        """The case id."""
        return self.case.id


def each_turn(results: list[CaseResult]) -> Iterator[tuple[CaseResult, int, TurnResult]]:
    """Every turn of every case, with its case and its index in the case."""
    for result in results:
        for index, turn in enumerate(result.turns):
            yield result, index, turn
