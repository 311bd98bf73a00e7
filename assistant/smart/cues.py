"""Attainable and Relevant: read from what the learner says, in the goal or earlier."""

from __future__ import annotations

from . import questions
from .clauses import sentence_end
from .lexicon import AMBITION, PURPOSE, SUPPORT
from .report import CriterionResult


def read_attainable(text: str, context: str = "") -> CriterionResult:
    """Present when the goal or the conversation mentions time, resources, support or
    obstacles; otherwise unclear, since feasibility cannot be read from the goal alone."""
    for source in (text, context):
        match = SUPPORT.search(source)
        if match:
            return CriterionResult("present", match[0])
    return CriterionResult("unclear", None, questions.ATTAINABLE)


def read_relevant(text: str, context: str = "") -> CriterionResult:
    """Present when the goal or the conversation says why it matters ("so that",
    "because", a longer-term role); otherwise unclear."""
    for source, pattern in ((text, PURPOSE), (context, PURPOSE), (context, AMBITION)):
        match = pattern.search(source)
        if match:
            end = sentence_end(source, match.start())
            return CriterionResult("present", source[match.start() : end].strip())
    return CriterionResult("unclear", None, questions.RELEVANT)
