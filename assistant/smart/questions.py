"""Open coaching questions for each gap in a SMART goal.

Every question opens with What, How, When or Which and leaves the answer to the
learner: no advice, no "you should".
"""

from __future__ import annotations

from datetime import date

from .dates import format_date

SPECIFIC_MISSING = "What exactly will you do, and what will be different once you have done it?"
MEASURABLE_MISSING = "How will you know you have achieved this: what could you count or observe?"
TIME_MISSING = "When would you like to have achieved this by?"
ATTAINABLE = (
    "What time, resources or support will you need for this, and what might get in the way?"
)
RELEVANT = (
    "How does this goal connect to what matters to you, or to the role you are working towards?"
)


def specific_unclear(evidence: str) -> str:
    return f"What would '{evidence}' look like in practice: what will you actually do?"


def measurable_unclear(evidence: str) -> str:
    return (
        f"How would you measure '{evidence}': which number, frequency or result would tell you "
        "that you are there?"
    )


def time_past(deadline: date) -> str:
    return f"Which new date would you like to aim for, now that {format_date(deadline)} has passed?"


def time_anchor(evidence: str) -> str:
    return f"Which date does '{evidence}' mean for you, so we can put it in the calendar?"


def time_recurring(evidence: str) -> str:
    return (
        f"Which end date suits you for looking back at how '{evidence}' has gone?"
    )


def time_start(evidence: str) -> str:
    return f"When would you like to have finished, having begun '{evidence}'?"


def choose_goal(goals: tuple[str, ...]) -> str:
    quoted = [f"'{goal}'" for goal in goals]
    options = ", ".join(quoted[:-1]) + f" or {quoted[-1]}"
    return f"Which of these would you like to focus on first: {options}?"
