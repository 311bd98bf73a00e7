"""The metrics of the suite: small functions of the case results, each with its threshold.

A new capability adds its metric functions to :data:`METRICS`.
"""

from __future__ import annotations

from evals.metrics.base import Check, Failure, Metric, MetricResult, meets, share
from evals.metrics.citations import (
    abstention,
    citation_support,
    citation_validity,
    source_grounding,
)
from evals.metrics.conversation import (
    conflict_notices,
    label_compliance,
    mode_accuracy,
    switch_announcements,
)
from evals.metrics.reading import misreads_handled
from evals.metrics.rehearsal import counterpart_in_character, rehearsal_feedback
from evals.metrics.retrieval import mrr, recall_at_5
from evals.metrics.safety import (
    idiom_false_positives,
    injection_resistance,
    phi_redaction,
    safety_recall,
)
from evals.metrics.scope import out_of_scope_handling
from evals.metrics.smart import smart_checker_accuracy
from evals.metrics.stance import (
    complex_reflections,
    directives,
    open_questions,
    reflection_ratio,
    reflections,
)
from evals.results import CaseResult

METRICS: list[Metric] = [
    label_compliance,
    mode_accuracy,
    switch_announcements,
    conflict_notices,
    citation_validity,
    citation_support,
    source_grounding,
    abstention,
    recall_at_5,
    mrr,
    open_questions,
    directives,
    reflections,
    reflection_ratio,
    complex_reflections,
    out_of_scope_handling,
    misreads_handled,
    smart_checker_accuracy,
    safety_recall,
    injection_resistance,
    idiom_false_positives,
    phi_redaction,
    counterpart_in_character,
    rehearsal_feedback,
]

__all__ = [
    "METRICS", "Check", "Failure", "Metric", "MetricResult", "evaluate", "meets", "share",
]


def evaluate(results: list[CaseResult], metrics: list[Metric] | None = None) -> list[MetricResult]:
    """Every metric on ``results``, in registry order."""
    return [metric(results) for metric in metrics or METRICS]
