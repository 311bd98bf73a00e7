"""Retrieval metrics: the retriever run on the message alone, against the expected documents."""

from __future__ import annotations

from evals.metrics.base import Failure, MetricResult, meets
from evals.results import CaseResult, each_turn
from evals.thresholds import THRESHOLDS


def recall(expected: set[str], retrieved: list[str]) -> float:
    """Share of the expected documents among the retrieved ones."""
    return len(expected & set(retrieved)) / len(expected)


def reciprocal_rank(expected: set[str], retrieved: list[str]) -> float:
    """1/rank of the first retrieved document that is expected; 0 when there is none."""
    rank = next((r for r, source in enumerate(retrieved, 1) if source in expected), None)
    return 1 / rank if rank else 0.0


def recall_at_5(results: list[CaseResult]) -> MetricResult:
    """Mean share of the expected documents found among the top 5 retrieved chunks."""
    scores, failures = [], []
    for case, index, turn in each_turn(results):
        expected = set(turn.expect.sources)
        if not expected:
            continue
        scores.append(recall(expected, turn.retrieved))
        if scores[-1] < 1:
            missed = ", ".join(sorted(expected - set(turn.retrieved)))
            failures.append(Failure(case.id, index, "retrieval_recall_at_5",
                                    f"{missed} not in the top 5"))
    return _mean("retrieval_recall_at_5", THRESHOLDS["retrieval_recall_at_5"],
                 "Expected documents found in the top 5 retrieved chunks (mean per question).",
                 scores, failures)


def mrr(results: list[CaseResult]) -> MetricResult:
    """Mean reciprocal rank of the first chunk from an expected document (0 if not in the top 5)."""
    scores, failures = [], []
    for case, index, turn in each_turn(results):
        expected = set(turn.expect.sources)
        if not expected:
            continue
        scores.append(reciprocal_rank(expected, turn.retrieved))
        if not scores[-1]:
            failures.append(Failure(case.id, index, "retrieval_mrr",
                                    "no expected document in the top 5"))
    return _mean("retrieval_mrr", THRESHOLDS["retrieval_mrr"],
                 "Mean reciprocal rank of the first expected document in the top 5.",
                 scores, failures)


def _mean(
    name: str, threshold: float, description: str, scores: list[float], failures: list[Failure]
) -> MetricResult:
    value = round(sum(scores) / len(scores), 4) if scores else None
    return MetricResult(name=name, value=value, threshold=threshold,
                        passed=meets(value, threshold), description=description,
                        population=len(scores), failures=failures)
