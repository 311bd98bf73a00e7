"""Drafting a SMART goal across turns: coaching questions, a kept draft, a confirmed statement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from assistant.chain.guide import Guide
from assistant.guidance.goals import GOAL_STATUS, TOWARDS_TEN, current_goal
from assistant.guidance.session import Session
from assistant.plan import Plan

TODAY = date(2026, 11, 22)
Turn = Callable[[Session, str], list[str]]


@pytest.fixture
def turn(plan: Callable[..., Plan]) -> Turn:
    """Plans one turn the way the guide does, keeps its session updates, returns its lines."""
    def planned(session: Session, message: str) -> list[str]:
        return _lines(plan(message, session, today=TODAY), session, message)
    return planned


def _lines(plan: Plan, session: Session, message: str) -> list[str]:
    assert plan.mode == "coaching"
    assert sum(line.count("?") for line in plan.flow_lines) <= 1, "one question at a time"
    session.record(message, "\n".join(plan.flow_lines), plan.mode)
    session.extras.update(plan.session_updates)
    return plan.flow_lines


def test_a_vague_goal_is_walked_to_a_confirmed_statement_one_question_at_a_time(turn: Turn) -> None:
    session = Session()
    assert turn(session, "Can you help me set a SMART goal for my teaching?")[-1] == (
        "What is the goal you have in mind, in your own words?"
    )
    lines = turn(session, "I want to be a better teacher")
    assert lines[1].startswith("Checklist: \u2717 specific")
    assert lines[2].startswith("What exactly will you do")
    turn(session, "I will give structured feedback to each student after every teaching session")
    turn(session, "My chair protects two hours a week for it")
    turn(session, "by March 2027")
    lines = turn(session, "so that I can apply for the teaching award")
    assert lines[0] == (
        'Here is the statement with that change: "By 31 March 2027, I will give structured '
        "feedback to each student after every teaching session, so that I can apply for the "
        'teaching award."'
    )
    assert session.extras[GOAL_STATUS] == "confirming"

    lines = turn(session, "yes")
    assert lines[0].startswith("Your goal is saved: By 31 March 2027")
    turn(session, "I'll draft a feedback form on Monday")
    draft = current_goal(session.extras)
    assert draft is not None and draft.first_steps == ("I'll draft a feedback form on Monday",)
    assert draft.deadline == date(2027, 3, 31) and draft.checkins


def test_the_goal_is_never_saved_without_the_learners_yes(turn: Turn) -> None:
    session = Session()
    turn(session, "My goal is to publish two case reports by June 2027 so that I can apply "
                  "for fellowship")
    turn(session, "My co-author and I have four hours a week")
    assert session.extras[GOAL_STATUS] == "confirming"
    lines = turn(session, "Make it three case reports")
    assert session.extras[GOAL_STATUS] != "confirmed"
    assert lines[0].startswith('Here is the statement with that change: "By 30 June 2027, I '
                               "will publish three case reports")


def test_a_new_date_while_confirming_moves_the_deadline(turn: Turn) -> None:
    session = Session()
    turn(session, "My goal is to publish two case reports by June 2027 so that I can apply "
                  "for fellowship")
    turn(session, "My co-author and I have four hours a week")
    assert session.extras[GOAL_STATUS] == "confirming"
    lines = turn(session, "let's say end of September instead")
    assert lines[0].startswith('Here is the statement with that change: "By 30 September 2027')
    assert current_goal(session.extras).deadline == date(2027, 9, 30)


def test_asking_for_another_mode_parks_the_draft(turn: Turn, plan: Callable[..., Plan]) -> None:
    session = Session()
    turn(session, "I want to set a goal to present at grand rounds")
    result = plan("Just tell me what a good goal looks like.", session)
    assert result.mode == "advising" and result.session_updates[GOAL_STATUS] == "parked"


def test_the_guide_labels_goal_turns_coaching_and_keeps_the_draft(guide: Guide) -> None:
    session = Session()
    reply = guide.ask(session, "Help me write a SMART goal: I want to improve my procedures")
    assert reply.text.splitlines()[0] == "[Coaching]"
    assert "Checklist:" in reply.text and "?" in reply.text.splitlines()[-1]
    assert current_goal(session.extras) is not None


def test_a_quoted_goal_is_taken_as_the_learners_words(turn: Turn) -> None:
    session = Session()
    lines = turn(session, "Help me turn 'I want better work-life balance' into a goal")
    assert lines[0].startswith('Your goal so far, in your words: "I want better work-life')


def test_each_answer_lands_on_the_criterion_it_speaks_to(turn: Turn) -> None:
    """A measure is not taken as the reason asked for, and is not declined as clinical; the
    statement says the outcome the learner chose (submitting, not publishing); the reason
    given with a later date is kept; a thanks is not taken as the first step."""
    session = Session()
    turn(session, "I'd like to set a goal to publish a case report this year")
    turn(session, "I have an interesting case from my ICU month and my attending said it might "
                  "be worth writing up")
    lines = turn(session, "I'd measure it by getting it submitted to a journal, accepted would "
                          "be nice but I can't control that")
    assert lines[0] == ('Here is your goal as one statement: "By 31 December 2026, I will '
                        'submit a case report to a journal."')
    assert "realistic" in lines[1]
    lines = turn(session, "submit by the end of October. it matters because I want to apply to "
                          "fellowship and I have zero publications")
    assert lines[0] == ('Here is your goal as one statement: "By 31 October 2027, I will submit '
                        'a case report to a journal, because I want to apply to fellowship and I '
                        'have zero publications."')
    turn(session, "yes")
    lines = turn(session, "thanks!")
    assert lines[0].startswith("Glad that helped. Your goal is saved")
    assert current_goal(session.extras).first_steps == ()
    assert session.extras[GOAL_STATUS] == "confirmed"


def test_a_yes_where_the_goal_itself_is_asked_for_drafts_nothing(turn: Turn) -> None:
    session = Session()
    turn(session, "Can you help me set a SMART goal?")
    lines = turn(session, "ok")
    assert current_goal(session.extras) is None
    assert session.extras[GOAL_STATUS] == "awaiting_goal"
    assert "your own words" in lines[0] and lines[-1].endswith("together.")
    lines = turn(session, "I want to present my audit at the regional meeting")
    assert "present my audit" in current_goal(session.extras).text



def test_the_steps_said_in_answer_to_what_the_goal_looks_like_are_its_action(turn: Turn) -> None:
    session = Session()
    turn(session, "help me write a SMART goal, right now it's just 'finish the project'")
    turn(session, "data entry is half done, and I need to finish it, write up the results, and "
                  "present at the regional meeting in June")
    draft = current_goal(session.extras)
    assert draft is not None and draft.report.specific.evidence == (
        "finish the project, write up the results, and present at the regional meeting")


def test_asking_for_help_with_a_smart_goal_starts_drafting_not_a_direct_answer(
        plan: Callable[..., Plan]) -> None:
    result = plan("could you help me write a SMART goal for my QI audit? at the moment my goal "
                  "is basically just 'finish the project'", choice="coaching", today=TODAY)
    assert not result.notices
    assert result.flow_lines[0] == 'Your goal so far, in your words: "finish the project".'
    assert result.flow_lines[-1].startswith("What would 'finish the project' look like")


def test_a_score_in_place_of_the_first_step_is_heard_and_the_step_still_asked(
        turn: Turn) -> None:
    session = Session()
    turn(session, "My goal is to publish two case reports by June 2027 so that I can apply "
                  "for fellowship")
    turn(session, "My co-author and I have four hours a week")
    turn(session, "yes")
    lines = turn(session, "confidence 6")
    assert lines == ["So you are partly there, with some doubt left.", TOWARDS_TEN]
    assert current_goal(session.extras).first_steps == ()
    assert session.extras[GOAL_STATUS] == "first_step"


def test_the_goal_is_asked_for_in_own_words_once_then_kept_for_later(turn: Turn) -> None:
    session = Session()
    turn(session, "Help me set a SMART goal: I want to be a better teacher")
    while session.extras[GOAL_STATUS] == "drafting":
        turn(session, "not sure")
    first = turn(session, "yes, looks good")
    second = turn(session, "confidence 8")
    assert "your own words" in first[0]
    assert not set(first) & set(second)
    assert second[0] == "So you are fairly sure of it."
    assert session.extras[GOAL_STATUS] == "parked" and current_goal(session.extras) is not None


@pytest.mark.parametrize(("message", "goal"), [
    ("can you help me set a goal around submitting my first career development grant",
     "submitting my first career development grant"),
    ("help me make a SMART goal for our program: get more pairs actually meeting",
     "get more pairs actually meeting"),
])
def test_a_goal_named_in_the_request_is_drafted_not_asked_for_again(turn: Turn, message: str,
                                                                    goal: str) -> None:
    session = Session()
    lines = turn(session, message)
    assert lines[0] == f'Your goal so far, in your words: "{goal}".'
    assert "What is the goal you have in mind" not in " ".join(lines)


def test_a_goal_named_as_what_one_is_doing_is_stated_with_its_base_verb(turn: Turn) -> None:
    session = Session()
    turn(session, "can you help me set a goal around submitting my first career development "
                  "grant")
    turn(session, "my mentor and I have two hours a week for it")
    lines = turn(session, "the deadline is end of June 2027")
    statement = next(line for line in lines if line.startswith("Here is your goal"))
    assert "I will submit my first career development grant" in statement
    # A date inside a reason is no new deadline.
    turn(session, "it matters because he's retiring in 2 years")
    assert current_goal(session.extras).deadline == date(2027, 6, 30)


def test_answers_are_read_for_what_they_say_not_for_the_question_asked(turn: Turn) -> None:
    session = Session()
    turn(session, "can you help me turn this into a SMART goal: submit my case report abstract "
                  "to the regional ACP meeting")
    # "The 21st" is the deadline the learner names, not "in two weeks".
    turn(session, "deadline is in two weeks, the 21st. I have a rough draft and my attending "
                  "hasn't seen it yet")
    # A reason was asked for; the learner labels a measure, and it is not taken as the reason.
    lines = turn(session, "measure = it's submitted lol. and I guess getting Dr. Haddad's "
                          "edits before I submit")
    assert lines[0] == ('Here is your goal as one statement: "By 21 December 2026, I will submit '
                        'my case report abstract to the regional ACP meeting."')
    assert "realistic" in lines[1]
    lines = turn(session, "why it matters: I'm an MS3 applying IM and I have zero presentations")
    assert lines[0].endswith("meeting, because I'm an MS3 applying IM and I have zero "
                             'presentations."')
    # The date given for the goal's own action moves the deadline; it is not checked again.
    lines = turn(session, "cut it to 300 words by sunday, send to Dr. Haddad monday, submit by "
                          "the 19th so there's a buffer")
    assert lines[0].startswith('Here is the statement with that change: "By 19 December 2026,')
    assert not any("realistic" in line for line in lines)
    lines = turn(session, "not sure")
    assert lines == ["What would you change in it: what you will do, how you will know, the "
                     "date or the reason?"]
    turn(session, "yes")
    # A score with its reason, where the first step was asked for, is heard as the score.
    lines = turn(session, "confidence 6, depends how fast he replies")
    assert lines == ["So you are partly there, with some doubt left.", TOWARDS_TEN]


def test_a_measure_given_where_a_reason_was_asked_becomes_the_measure(turn: Turn) -> None:
    session = Session()
    turn(session, "I want to get better at ultrasound guided IVs. can we make that a SMART goal")
    turn(session, "I'm a PA in the ED, about 8 months in. So far I've done maybe 5 with "
                  "supervision")
    lines = turn(session, "i guess 20 successful supervised ones logged in my procedure log")
    assert lines[0] == "I've added how you will know to the draft."
    assert current_goal(session.extras).report.measurable.evidence == (
        "20 successful supervised ones")
    lines = turn(session, "by end of march?")
    assert lines[-1] == ('How would you put the whole goal in one sentence, starting "By 31 March '
                         '2027, I will ..."?')
    lines = turn(session, "let's say end of april instead")
    assert lines[0] == "I've moved the date to 30 April 2027."
    lines = turn(session, "it matters because the nurses always need help with hard sticks")
    assert lines[0] == "I've added why it matters to the draft."
