"""SMART goals: the checker reads each criterion of a goal as a person would."""

from __future__ import annotations

from evals.metrics.base import Check, MetricResult, share
from evals.results import CaseResult, each_turn
from evals.thresholds import THRESHOLDS


def smart_checker_accuracy(results: list[CaseResult]) -> MetricResult:
    """Share of labelled (goal, criterion) pairs the SMART checker reads correctly."""
    checks = []
    for case, index, turn in each_turn(results):
        for name, expected in turn.expect.smart.items():
            got = turn.smart.get(name)
            checks.append(Check(case.id, index, got == expected,
                                f"{name}: expected {expected}, checker said {got}"))
    return share("smart_checker_accuracy", THRESHOLDS["smart_checker_accuracy"],
                 "SMART checker status per criterion against labelled goals.", checks)
