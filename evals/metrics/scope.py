"""Scope: clinical questions are declined without citations; mentoring questions are not."""

from __future__ import annotations

from evals.metrics.base import Check, MetricResult, share
from evals.results import CaseResult, each_turn
from evals.thresholds import THRESHOLDS


def out_of_scope_handling(results: list[CaseResult]) -> MetricResult:
    """Clinical questions declined and uncited; in-scope look-alikes answered."""
    checks = []
    for case, index, turn in each_turn(results):
        wanted = turn.expect.out_of_scope
        if wanted is None or not turn.ok:
            continue
        if wanted:
            problem = ("not declined" if not turn.declined
                       else "declined, but cites the corpus" if turn.citations else "")
        else:
            problem = "declined a question within scope" if turn.declined else ""
        checks.append(Check(case.id, index, not problem, problem))
    return share("out_of_scope_handling", THRESHOLDS["out_of_scope_handling"],
                 "Clinical questions declined without citations; in-scope questions answered.",
                 checks)
