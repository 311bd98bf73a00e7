"""Export a goal draft as Markdown or as an iCalendar file of deadline and check-ins."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

from .checkins import plan_checkins
from .dates import format_date
from .draft import GoalDraft
from .report import CRITERIA, CRITERION_LABELS

PRODID = "-//mentorcoach//SMART goal//EN"
UID_DOMAIN = "mentorcoach"
# All-day events start at midnight; reminders fire at 09:00 on the day, and a week
# ahead of the deadline.
CHECKIN_REMINDER = timedelta(hours=9)
DEADLINE_REMINDER = timedelta(days=-7, hours=9)
CHECKIN_PROMPTS = (
    "What progress have you made since the last check-in?",
    "What is getting in the way?",
    "What is your next step?",
)


def _title(goal: GoalDraft) -> str:
    return goal.statement or goal.text.strip()


def _short(goal: GoalDraft, limit: int = 60) -> str:
    action = goal.report.specific.evidence or goal.text.strip()
    return action if len(action) <= limit else action[:limit].rsplit(" ", 1)[0] + "…"


def to_markdown(goal: GoalDraft) -> str:
    """The goal as Markdown: statement, SMART checklist, first steps and check-in dates."""
    heading = "## SMART goal" if goal.statement else "## Draft goal"
    lines = [heading, "", f"> {_title(goal)}", "", "### Checklist", ""]
    for name in CRITERIA:
        result = goal.report.criterion(name)
        label = CRITERION_LABELS[name]
        if result.status == "present":
            lines.append(f"- [x] **{label}**: {result.evidence}")
            continue
        said = f" ('{result.evidence}')" if result.evidence else ""
        lines.append(f"- [ ] **{label}**: {result.status}{said}. {result.question or ''}".rstrip())
    if goal.report.multiple_goals_question:
        lines += ["", f"_{goal.report.multiple_goals_question}_"]
    lines += ["", "### First steps", ""]
    lines += [f"{i}. {step}" for i, step in enumerate(goal.first_steps, 1)] or ["_None yet._"]
    lines += ["", "### Check-ins", ""]
    lines += [f"- {format_date(day)}" for day in goal.checkins] or ["_None planned yet._"]
    if goal.deadline:
        lines += ["", f"**Deadline:** {format_date(goal.deadline)}"]
    return "\n".join(lines) + "\n"


def _alarm(description: str, trigger: timedelta) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", trigger)
    return alarm


def _all_day(uid: str, day: date, summary: str, description: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def to_ics(goal: GoalDraft, *, checkins: int | None = None) -> bytes:
    """An iCalendar file with the deadline as an all-day event and a reminder per check-in.

    `checkins` asks for that many evenly spaced check-ins instead of the draft's own.
    UIDs derive from the draft id and the date, so re-exporting updates the same events.
    Raises ValueError when the draft has no deadline yet.
    """
    if not goal.deadline:
        raise ValueError("the goal has no deadline yet")
    dates = (
        plan_checkins(goal.created, goal.deadline, checkins)
        if checkins is not None
        else list(goal.checkins)
    )
    stamp = datetime.combine(goal.created, time(), tzinfo=UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "SMART goal")

    steps = "".join(f"\n- {step}" for step in goal.first_steps)
    deadline = _all_day(
        f"{goal.id}-deadline",
        goal.deadline,
        f"Goal deadline: {_short(goal)}",
        _title(goal) + (f"\n\nFirst steps:{steps}" if steps else ""),
        stamp,
    )
    deadline.add_component(_alarm(f"One week to go: {_short(goal)}", DEADLINE_REMINDER))
    calendar.add_component(deadline)

    for number, day in enumerate(dates, 1):
        summary = f"Goal check-in {number} of {len(dates)}: {_short(goal)}"
        event = _all_day(
            f"{goal.id}-checkin-{day:%Y%m%d}",
            day,
            summary,
            _title(goal) + "\n\n" + "\n".join(CHECKIN_PROMPTS),
            stamp,
        )
        event.add_component(_alarm(summary, CHECKIN_REMINDER))
        calendar.add_component(event)
    return calendar.to_ical()
