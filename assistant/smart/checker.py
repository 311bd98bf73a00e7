"""Check a goal against the SMART criteria."""

from __future__ import annotations

from datetime import date

from . import questions
from .actions import read_specific
from .clauses import mask, purpose_spans
from .cues import read_attainable, read_relevant
from .measurable import read_measurable
from .report import SmartReport
from .timebound import read_time


def check_goal(text: str, *, today: date | None = None, context: str = "") -> SmartReport:
    """Read a goal statement against the five SMART criteria.

    `today` anchors relative dates ("in 3 months", "by Q3"); `context` is what the
    learner said earlier in the conversation, used for Attainable and Relevant only.
    """
    today = today or date.today()
    time = read_time(text, today)
    reasons = purpose_spans(text)
    dated = [(m.start, m.end) for m in time.matches if m.kind != "recurring"]
    scope = mask(text, reasons)
    action = read_specific(text, scope, [start for start, _ in [*dated, *reasons]])
    return SmartReport(
        text=text,
        specific=action.result,
        measurable=read_measurable(text, mask(scope, dated)),
        attainable=read_attainable(text, context),
        relevant=read_relevant(text, context),
        time_bound=time.result,
        deadline=time.deadline,
        multiple_goals=bool(action.goals),
        goals=action.goals,
        multiple_goals_question=questions.choose_goal(action.goals) if action.goals else None,
    )
