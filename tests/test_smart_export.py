"""Goal drafts over a conversation, and their Markdown and iCalendar exports."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from assistant.smart import GoalDraft, plan_checkins, to_ics, to_markdown

TODAY = date(2026, 11, 22)
COMPLETE = (
    "By 31 March 2027, I will deliver three bedside teaching sessions for the medical "
    "students on my team, so that I can build my teaching portfolio."
)


def _complete_draft() -> GoalDraft:
    return GoalDraft.start(COMPLETE, today=TODAY).with_first_steps(
        "Ask the rota coordinator for three dates", "Draft a session plan"
    )


def _events(payload: bytes) -> list:
    calendar = Calendar.from_ical(payload)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


# --- Draft across turns ----------------------------------------------------------


def test_draft_fills_in_over_several_answers() -> None:
    draft = GoalDraft.start("I want to be a better teacher.", today=TODAY)
    assert draft.next_question() == draft.report.specific.question
    assert draft.statement is None

    draft = draft.update(
        "I will give structured feedback to each resident after every call shift", TODAY
    )
    assert draft.report.specific.status == "present"
    assert draft.report.measurable.status == "present"
    assert draft.next_criterion() == "attainable"

    draft = draft.update("My attending has agreed to review my feedback notes", TODAY)
    assert draft.report.attainable.status == "present"
    assert draft.next_criterion() == "relevant"

    draft = draft.update("I want to become a clinician educator", TODAY)
    assert draft.report.relevant.evidence == "I want to become a clinician educator"
    assert draft.next_criterion() == "time_bound"

    draft = draft.update("Until 31 March 2027", TODAY)
    assert draft.report.score == 5
    assert draft.next_question() is None
    assert draft.deadline == date(2027, 3, 31)
    assert draft.statement == (
        "By 31 March 2027, I will give structured feedback to each resident after every call "
        "shift, because I want to become a clinician educator."
    )
    assert draft.checkins == (
        date(2026, 12, 22),
        date(2027, 1, 22),
        date(2027, 2, 22),
        date(2027, 3, 22),
    )
    assert draft.text == "I want to be a better teacher."
    assert len(draft.answers) == 4


def test_an_answer_about_something_else_is_not_taken_as_the_reason() -> None:
    draft = GoalDraft.start("I will run a journal club every month.", today=TODAY)
    draft = draft.update("I have protected time on Wednesdays", TODAY)
    assert draft.next_criterion() == "relevant"
    draft = draft.update("by the end of June 2027", TODAY)
    assert draft.report.time_bound.status == "present"
    assert draft.report.relevant.status == "unclear"


def test_not_knowing_moves_on_to_the_next_question() -> None:
    draft = GoalDraft.start("I will read two papers every week by June 2027.", today=TODAY)
    assert draft.next_criterion() == "attainable"
    draft = draft.update("I don't know", TODAY)
    assert draft.skipped == ("attainable",)
    assert draft.report.attainable.status == "unclear"
    assert draft.next_criterion() == "relevant"


def test_a_new_date_replaces_a_past_one() -> None:
    draft = GoalDraft.start("I will submit my grant application by March 2025.", today=TODAY)
    assert draft.report.time_bound.status == "unclear"
    draft = draft.update("I do not know", TODAY).update("I don't know", TODAY)
    assert draft.next_criterion() == "time_bound"
    draft = draft.update("30 April 2027", TODAY)
    assert draft.deadline == date(2027, 4, 30)


def test_choosing_between_two_goals_narrows_the_text() -> None:
    draft = GoalDraft.start(
        "I will publish a paper and run a marathon by October 2027.", today=TODAY
    )
    assert draft.next_question() == draft.report.multiple_goals_question

    marathon = draft.update("The marathon, I think", TODAY)
    assert marathon.text == "I will run a marathon by October 2027."
    assert not marathon.report.multiple_goals
    assert marathon.deadline == date(2027, 10, 31)

    first = draft.update("the first one", TODAY)
    assert first.text == "I will publish a paper by October 2027."

    unsure = draft.update("hmm", TODAY)
    assert unsure.report.multiple_goals and unsure.answers == ("hmm",)


def test_draft_round_trips_through_json() -> None:
    draft = GoalDraft.start("I want to improve my suturing.", today=TODAY, context="I'm a PGY-2.")
    draft = draft.update("Practise 20 interrupted sutures on a pad every week", TODAY)
    restored = GoalDraft.from_dict(json.loads(json.dumps(_complete_draft().to_dict())))
    assert restored == _complete_draft()
    assert GoalDraft.from_dict(json.loads(json.dumps(draft.to_dict()))) == draft


def test_same_goal_same_day_same_id() -> None:
    assert GoalDraft.start(COMPLETE, today=TODAY).id == _complete_draft().id
    assert GoalDraft.start(COMPLETE, today=TODAY + timedelta(days=1)).id != _complete_draft().id


# --- Check-ins -------------------------------------------------------------------


def test_checkins_are_monthly_by_default() -> None:
    assert plan_checkins(TODAY, date(2027, 3, 31)) == [
        date(2026, 12, 22),
        date(2027, 1, 22),
        date(2027, 2, 22),
        date(2027, 3, 22),
    ]


def test_checkins_on_request_are_evenly_spaced() -> None:
    dates = plan_checkins(TODAY, date(2027, 3, 31), 3)
    gaps = [(b - a).days for a, b in zip([TODAY, *dates], [*dates, date(2027, 3, 31)], strict=True)]
    assert len(dates) == 3
    assert max(gaps) - min(gaps) <= 1


def test_checkins_for_short_and_long_horizons() -> None:
    assert plan_checkins(TODAY, date(2026, 12, 6)) == [date(2026, 11, 29)]
    assert plan_checkins(TODAY, TODAY + timedelta(days=1)) == []
    assert len(plan_checkins(TODAY, date(2030, 1, 1))) == 12


# --- Markdown --------------------------------------------------------------------


def test_markdown_of_a_complete_goal() -> None:
    draft = _complete_draft()
    markdown = to_markdown(draft)
    assert markdown.startswith("## SMART goal\n")
    assert f"> {draft.statement}" in markdown
    assert markdown.count("- [x]") == draft.report.score == 4
    assert "- [ ] **Attainable**: unclear. What time, resources or support" in markdown
    assert "1. Ask the rota coordinator for three dates\n2. Draft a session plan" in markdown
    assert "- 22 December 2026" in markdown
    assert "**Deadline:** 31 March 2027" in markdown


def test_markdown_of_an_early_draft() -> None:
    markdown = to_markdown(GoalDraft.start("I want to be a better teacher.", today=TODAY))
    assert markdown.startswith("## Draft goal\n")
    assert markdown.count("- [ ]") == 5
    assert "- [ ] **Measurable**: unclear ('better')." in markdown
    assert "_None yet._" in markdown and "_None planned yet._" in markdown


# --- iCalendar -------------------------------------------------------------------


def test_ics_is_valid_with_deadline_and_checkin_events() -> None:
    draft = _complete_draft()
    payload = to_ics(draft)
    calendar = Calendar.from_ical(payload)
    assert str(calendar["PRODID"]) == "-//mentorcoach//SMART goal//EN"
    assert str(calendar["VERSION"]) == "2.0"

    events = _events(payload)
    assert len(events) == 1 + len(draft.checkins)
    starts = [event.decoded("DTSTART") for event in events]
    assert starts == [draft.deadline, *draft.checkins]
    for event in events:
        start = event.decoded("DTSTART")
        assert type(start) is date  # all-day events
        assert event.decoded("DTEND") == start + timedelta(days=1)
        assert event.decoded("DTSTAMP")
        alarms = [c for c in event.walk() if c.name == "VALARM"]
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0]["DESCRIPTION"]
        assert isinstance(alarms[0].decoded("TRIGGER"), timedelta)

    deadline = events[0]
    assert str(deadline["SUMMARY"]).startswith("Goal deadline: deliver three bedside")
    assert draft.statement and draft.statement in str(deadline["DESCRIPTION"])
    assert "- Draft a session plan" in str(deadline["DESCRIPTION"])
    reminder = next(c for c in deadline.walk() if c.name == "VALARM")
    assert reminder.decoded("TRIGGER") == timedelta(days=-7, hours=9)
    assert str(events[1]["SUMMARY"]).startswith("Goal check-in 1 of 4")
    assert "What is your next step?" in str(events[1]["DESCRIPTION"])


def test_ics_uids_are_unique_and_stable() -> None:
    first = [str(e["UID"]) for e in _events(to_ics(_complete_draft()))]
    again = [str(e["UID"]) for e in _events(to_ics(_complete_draft()))]
    assert first == again
    assert len(set(first)) == len(first)
    assert all(uid.endswith("@mentorcoach") for uid in first)
    assert to_ics(_complete_draft()) == to_ics(_complete_draft())


def test_ics_with_a_chosen_number_of_checkins() -> None:
    events = _events(to_ics(_complete_draft(), checkins=2))
    assert len(events) == 3
    assert [e.decoded("DTSTART") for e in events[1:]] == plan_checkins(TODAY, date(2027, 3, 31), 2)
    assert len(_events(to_ics(_complete_draft(), checkins=0))) == 1


def test_ics_needs_a_deadline() -> None:
    with pytest.raises(ValueError, match="deadline"):
        to_ics(GoalDraft.start("I want to be a better teacher.", today=TODAY))
