"""SMART goal support: check a goal, build it up over a conversation, export it."""

from .checker import check_goal
from .checkins import plan_checkins
from .dates import format_date
from .draft import GoalDraft
from .export import to_ics, to_markdown
from .report import CRITERIA, Criterion, CriterionResult, SmartReport, Status
from .statement import goal_statement

__all__ = [
    "CRITERIA",
    "Criterion",
    "CriterionResult",
    "GoalDraft",
    "SmartReport",
    "Status",
    "check_goal",
    "format_date",
    "goal_statement",
    "plan_checkins",
    "to_ics",
    "to_markdown",
]
