"""The goal panel beside the chat: the live SMART draft, its checklist, and its two exports.

Plain functions of a :class:`~ui.web.handlers.ChatState`; :mod:`ui.web.app` wires them.
"""

from __future__ import annotations

from pathlib import Path

from assistant.guidance.goals import GOAL_STATUS, MARKS, current_goal
from assistant.smart import CRITERIA, GoalDraft, format_date, to_ics, to_markdown
from assistant.smart.report import CRITERION_LABELS
from ui.web.handlers import ChatState, escape

GOAL_EMPTY = 'No goal yet. Say "help me set a SMART goal" to start one.'
GOAL_AWAITED = "**Status:** waiting for your goal. Tell me in your own words what you want to do."
#: How each goal drafting status reads in the panel.
STATUS_LABELS = {
    "drafting": "drafting",
    "confirming": "waiting for your confirmation",
    "first_step": "confirmed",
    "confirmed": "confirmed",
    "parked": "set aside",
}
MARKDOWN_NAME = "mentorcoach-goal.md"
CALENDAR_NAME = "mentorcoach-goal.ics"


def goal_markdown(state: ChatState) -> str:
    """The panel: status, the goal, the five-item checklist, deadline and check-ins."""
    extras = state.session.extras
    draft = current_goal(extras)
    if draft is None:
        return GOAL_AWAITED if extras.get(GOAL_STATUS) == "awaiting_goal" else GOAL_EMPTY
    status = STATUS_LABELS.get(extras.get(GOAL_STATUS, ""), "drafting")
    title = "Goal statement" if draft.statement else "Your goal, in your words"
    lines = [
        f"**Status:** {status}",
        "",
        f"**{title}**",
        "",
        f"> {escape(draft.statement or draft.text)}",
        "",
        "**Checklist**",
        "",
        *_checklist(draft),
    ]
    if draft.report.multiple_goals_question:
        lines += ["", f"**Open question:** {escape(draft.report.multiple_goals_question)}"]
    lines += ["", *_dates(draft)]
    if draft.first_steps:
        lines += ["", f"**First step:** {escape('; '.join(draft.first_steps))}"]
    return "\n".join(lines)


def _checklist(draft: GoalDraft) -> list[str]:
    lines = []
    for name in CRITERIA:
        result = draft.report.criterion(name)
        item = f"- {MARKS[result.status]} **{CRITERION_LABELS[name]}**"
        if result.status == "present":
            lines.append(f"{item}: {escape(result.evidence or '')}")
            continue
        said = f" (“{escape(result.evidence)}”)" if result.evidence else ""
        lines.append(f"{item}, {result.status}{said}: {escape(result.question or '')}")
    return lines


def _dates(draft: GoalDraft) -> list[str]:
    if draft.deadline is None:
        return ["**Deadline:** not set yet; the calendar file is ready once there is one."]
    checkins = ", ".join(format_date(day) for day in draft.checkins) or "none planned"
    return [f"**Deadline:** {format_date(draft.deadline)}  ", f"**Check-ins:** {checkins}"]


def export_goal_markdown(state: ChatState, folder: Path) -> Path | None:
    """Save the goal as Markdown for a portfolio or learning plan; None while there is none."""
    draft = current_goal(state.session.extras)
    content = to_markdown(draft).encode("utf-8") if draft else None
    return _save(_goal_folder(state, folder) / MARKDOWN_NAME, content)


def export_goal_ics(state: ChatState, folder: Path) -> Path | None:
    """Save the deadline and check-in reminders as iCalendar; None until there is a deadline."""
    draft = current_goal(state.session.extras)
    content = to_ics(draft) if draft and draft.deadline else None
    return _save(_goal_folder(state, folder) / CALENDAR_NAME, content)


def _goal_folder(state: ChatState, folder: Path) -> Path:
    # A folder of its own: saving the transcript clears the Markdown files beside it.
    return folder / state.id / "goal"


def _save(target: Path, content: bytes | None) -> Path | None:
    """Write ``content`` to ``target``, or remove an earlier export when there is none."""
    if content is None:
        target.unlink(missing_ok=True)
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target
