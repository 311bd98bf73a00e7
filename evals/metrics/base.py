"""The shape every metric returns, and helpers that turn per-turn checks into a metric."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from evals.results import CaseResult, TurnResult


@dataclass(frozen=True)
class Failure:
    """One check that failed: which case, which turn (0-based), which metric, and why."""

    case: str
    turn: int
    metric: str
    reason: str


@dataclass(frozen=True)
class Check:
    """The outcome of one check on one turn (or one citation of a turn)."""

    case: str
    turn: int
    ok: bool
    reason: str = ""


@dataclass
class MetricResult:
    """A metric's value against its threshold; ``value`` is None when nothing was measured."""

    name: str
    value: float | None
    threshold: float
    passed: bool
    description: str = ""
    higher_is_better: bool = True
    population: int = 0
    failures: list[Failure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    #: Every case must pass this check (a share that must be 1.0, a count that must be 0).
    must_hold: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


#: A metric: a function of all case results.
Metric = Callable[[list[CaseResult]], MetricResult]


def meets(value: float | None, threshold: float, *, higher_is_better: bool = True) -> bool:
    """Whether ``value`` clears ``threshold`` (nothing measured counts as clear)."""
    if value is None:
        return True
    return value >= threshold if higher_is_better else value <= threshold


def share(
    name: str, threshold: float, description: str, checks: list[Check], **details: Any
) -> MetricResult:
    """A metric whose value is the share of checks that passed."""
    value = sum(c.ok for c in checks) / len(checks) if checks else None
    return MetricResult(
        name=name,
        value=None if value is None else round(value, 4),
        threshold=threshold,
        passed=meets(value, threshold),
        description=description,
        population=len(checks),
        failures=[Failure(c.case, c.turn, name, c.reason) for c in checks if not c.ok],
        details=details,
        must_hold=threshold == 1.0,
    )


def no_reply(turn: TurnResult) -> str:
    """Failure reason for a turn that produced no reply."""
    return f"no reply: {turn.error}"
