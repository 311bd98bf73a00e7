"""The Measurable criterion: a number, rhythm, threshold or observable result."""

from __future__ import annotations

import re

from . import questions
from .lexicon import (
    COMPLETION_VERBS,
    COUNT_WORDS,
    DELIVERABLE,
    FINISHING_VERBS,
    FLAGS,
    FREQUENCY,
    VAGUE_AMOUNT,
    alternation,
)
from .report import CriterionResult

_STOP = (
    r"(?:after|before|at|in|on|for|to|by|with|and|or|i|who|that|which|during|until|from|of|per"
    r"|a|an|the|so|because|every|each|under|over|within|when|while)"
)
_TAIL = rf"(?:\s+(?!{_STOP}\b)[\w'-]+){{0,3}}"

# Most telling first: the first pattern that matches supplies the evidence.
MEASURES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, FLAGS)
    for pattern in (
        r"\b(?:at least|at most|no more than|no fewer than|no less than|more than|fewer than"
        r"|less than|under|over|above|below|up to|a minimum of|a maximum of|a score of"
        r"|a grade of|from \d+%? to)\s+(?:\d[\d,.]*(?:\s*(?:/|out of)\s*\d+)?%?"
        rf"|{COUNT_WORDS}\b){_TAIL}",
        r"\b\d+(?:\.\d+)?\s*(?:%|percent\b|per cent\b)",
        r"\b\d+(?:\.\d+)?\s*(?:/|out of)\s*\d+\b",
        FREQUENCY.pattern,
        rf"(?<![\w/-])\d[\d,]*(?:\.\d+)?(?:-\w+)?{_TAIL}",
        rf"(?<!\bno )\b(?:a\s+)?{COUNT_WORDS}\b(?!-)(?!\s+of\b){_TAIL}",
        rf"\b(?:every|each)\s+(?:single\s+)?(?:of\s+(?:my|our|the)\s+)?[\w-]+{_TAIL}",
        r"\bpass(?:es|ed|ing)?\s+(?:the\s+|my\s+|a\s+|an\s+|all\s+)?(?:[\w-]+\s+){0,4}?"
        r"(?:exams?|examinations?|boards|tests?|osce|assessments?|certification|recertification"
        r"|courses?|modules?|part\s+\w+)\b",
        r"\b(?:become|becoming|get|getting|be|being)\s+(?:board[- ])?"
        r"(?:certified|accredited|licensed|credentialed)\b",
        rf"\b{alternation(COMPLETION_VERBS)}\s+(?:(?:for|to|in|up)\s+)?"
        rf"(?:a|an|the|my|our|one|this|his|her|their)\s+(?:[\w'&-]+\s+){{0,4}}?{DELIVERABLE}\b",
        rf"\b{alternation(FINISHING_VERBS)}\s+(?:(?:for|to|in|up)\s+)?"
        r"(?:a|an|the|my|our|one|this|his|her|their)\s+[\w'&-]+(?:\s+(?!(?:for|to|in|on|at|by"
        r"|with|and|so|because)\b)[\w'&-]+){0,3}",
        r"\b(?:funded|published|accepted|approved|signed off|ratified)\b",
    )
)


def read_measurable(text: str, scope: str) -> CriterionResult:
    """Judge the Measurable criterion.

    `scope` is `text` with dates and the learner's reasons blanked out, so that
    "by 30 June" or "so I can apply for two posts" are not read as the measure.
    """
    hit = next((m for pattern in MEASURES if (m := pattern.search(scope))), None)
    if hit:
        return CriterionResult("present", text[hit.start() : hit.end()].strip())
    vague = VAGUE_AMOUNT.search(scope)
    if vague:
        evidence = text[vague.start() : vague.end()]
        return CriterionResult("unclear", evidence, questions.measurable_unclear(evidence))
    return CriterionResult("missing", None, questions.MEASURABLE_MISSING)
