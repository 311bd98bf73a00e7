"""The goal panel and its exports, driven through a goal conversation with the offline guide."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from icalendar import Calendar

from assistant.chain.guide import Guide
from assistant.guidance.goals import GOAL, GOAL_STATUS, current_goal
from assistant.smart import GoalDraft, to_markdown
from tests.support.web import SMART_GOALS_MD, offline_services
from ui.web import goal_panel, handlers
from ui.web.handlers import ChatState

YEAR = date.today().year + 1


@pytest.fixture(scope="module")
def guide(tmp_path_factory, embedder) -> Guide:
    """The offline guide over one small document (built once for the module)."""
    root = tmp_path_factory.mktemp("ui-goal-panel")
    return offline_services(root, embedder, {"smart-goals.md": SMART_GOALS_MD}).guide


def say(guide: Guide, state: ChatState, message: str) -> str:
    """One turn through the chat handler; returns the goal panel after it."""
    *_, (state, view) = handlers.respond(guide, state, message, "Auto")
    assert view.notice == ""
    return goal_panel.goal_markdown(state)


def test_without_a_goal_the_panel_says_how_to_start_one_and_nothing_is_exported(tmp_path):
    state = ChatState()
    assert goal_panel.goal_markdown(state) == goal_panel.GOAL_EMPTY
    assert goal_panel.export_goal_markdown(state, tmp_path) is None
    assert goal_panel.export_goal_ics(state, tmp_path) is None
    assert not any(tmp_path.rglob("*.*"))


def test_the_panel_follows_the_conversation_to_a_confirmed_goal(guide, tmp_path):
    state = ChatState()
    panel = say(guide, state, "Can you help me set a SMART goal for my teaching?")
    assert panel.startswith("**Status:** waiting for your goal")

    panel = say(guide, state, "I want to be a better teacher")
    assert "**Status:** drafting" in panel
    assert "**Your goal, in your words**\n\n> be a better teacher" in panel
    assert "- ✗ **Specific**, missing: What exactly will you do" in panel
    assert "- ○ **Measurable**, unclear (“better”): How would you measure 'better':" in panel
    assert "**Deadline:** not set yet; the calendar file is ready once there is one." in panel
    draft_file = goal_panel.export_goal_markdown(state, tmp_path)
    assert draft_file is not None
    assert draft_file.read_text(encoding="utf-8").startswith("## Draft goal\n")
    assert goal_panel.export_goal_ics(state, tmp_path) is None

    say(guide, state, "I will give structured feedback to each student after every teaching "
                      "session")
    panel = say(guide, state, "My chair protects two hours a week")
    assert "- ✓ **Attainable**: My chair protects two hours a week" in panel
    panel = say(guide, state, f"by March {YEAR}")
    assert f"**Deadline:** 31 March {YEAR}  \n**Check-ins:** " in panel
    assert "- ✓ **Time-bound**: by March" in panel
    panel = say(guide, state, "so that I can apply for the teaching award")
    assert "**Status:** waiting for your confirmation" in panel
    assert (
        f"**Goal statement**\n\n> By 31 March {YEAR}, I will give structured feedback to each "
        "student after every teaching session, so that I can apply for the teaching award."
    ) in panel
    assert panel.count("- ✓ ") == 5

    assert "**Status:** confirmed" in say(guide, state, "yes")
    panel = say(guide, state, "I will book a meeting with my chair by Friday")
    assert "**First step:** I will book a meeting with my chair by Friday" in panel

    draft = current_goal(state.session.extras)
    assert draft is not None
    markdown = goal_panel.export_goal_markdown(state, tmp_path)
    assert markdown is not None and markdown.name == "mentorcoach-goal.md"
    text = markdown.read_text(encoding="utf-8")
    assert text == to_markdown(draft)
    assert text.startswith("## SMART goal\n\n> By 31 March")
    assert "- [x] **Relevant**: so that I can apply for the teaching award" in text
    assert "1. I will book a meeting with my chair by Friday" in text

    ics = goal_panel.export_goal_ics(state, tmp_path)
    assert ics is not None and ics.name == "mentorcoach-goal.ics"
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    (deadline,) = [e for e in events if str(e["SUMMARY"]).startswith("Goal deadline")]
    assert deadline.decoded("DTSTART") == date(YEAR, 3, 31)
    checkins = sorted(e.decoded("DTSTART") for e in events if e is not deadline)
    assert checkins == list(draft.checkins)


def test_exports_are_per_conversation_and_survive_the_transcript_save(tmp_path):
    first, second = ChatState(), ChatState()
    for state, words in ((first, "case reports"), (second, "teaching rounds")):
        state.session.extras.update({
            GOAL: GoalDraft.start(f"I will publish two {words} by June {YEAR}").to_dict(),
            GOAL_STATUS: "drafting",
        })
    paths = [goal_panel.export_goal_markdown(state, tmp_path) for state in (first, second)]
    assert paths[0] != paths[1] and paths[0].parent.parent == tmp_path / first.id
    handlers.write_transcript(first, "offline", tmp_path, datetime(2026, 1, 1))
    assert "case reports" in paths[0].read_text(encoding="utf-8")
    assert "teaching rounds" in paths[1].read_text(encoding="utf-8")


def test_a_new_goal_without_a_deadline_withdraws_the_calendar_file(tmp_path):
    state = ChatState()
    extras = state.session.extras
    extras[GOAL] = GoalDraft.start(f"I will lead four teaching rounds by June {YEAR}").to_dict()
    calendar = goal_panel.export_goal_ics(state, tmp_path)
    assert calendar is not None and calendar.exists()
    extras[GOAL] = GoalDraft.start("I will lead more teaching rounds").to_dict()
    assert goal_panel.export_goal_ics(state, tmp_path) is None
    assert not calendar.exists()


def test_the_learners_words_cannot_change_the_panels_markup():
    state = ChatState()
    state.session.extras.update({
        GOAL: GoalDraft.start("I will run <b>four</b> *bedside* teaching rounds").to_dict(),
        GOAL_STATUS: "drafting",
    })
    panel = goal_panel.goal_markdown(state)
    assert "> I will run \\<b\\>four\\</b\\> \\*bedside\\* teaching rounds" in panel
    assert "<b>" not in panel
