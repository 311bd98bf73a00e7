"""The guidance policy on the reader's readings: modes, switches, GROW progression, scope,
openings and closings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.guidance import grow, reflect
from assistant.guidance.session import Session
from assistant.index.retriever import Hit
from assistant.index.store import StoredChunk
from assistant.plan import Mode, Plan

Planner = Callable[..., Plan]
HIT = Hit(StoredChunk("c1", "Mentors meet monthly.", "h.md", "Handbook", "Cadence", "d1"), 1.0, 0.8)




@pytest.fixture
def plan(plan: Planner) -> Planner:
    """Plans with one retrieved passage unless told otherwise."""
    def planned(message: str, session: Session | None = None, choice: Mode | None = None,
                hits: list[Hit] | None = None) -> Plan:
        return plan(message, session, choice, [HIT] if hits is None else hits)
    return planned


@pytest.mark.parametrize(
    ("message", "mode"),
    [
        ("Just tell me how to write the email.", "advising"),
        ("What should I do about a mentee who misses meetings?", "advising"),
        ("Help me think about whether to change mentors.", "coaching"),
        ("Don't tell me what to do, I want to work it out.", "coaching"),
        ("Please don't just tell me what to do.", "coaching"),
        ("In your experience, does group mentoring work?", "mentoring"),
        ("What worked for others in my position?", "mentoring"),
        ("What is a mentoring agreement?", "advising"),
        ("I want to get better at giving feedback but I never find the time.", "coaching"),
        ("I keep putting off asking Dr. Lee to mentor me.", "coaching"),
    ],
)
def test_mode_cues_and_inference(message: str, mode: Mode, plan: Planner) -> None:
    assert plan(message).mode == mode


def test_a_short_answer_keeps_the_conversation_in_coaching(plan: Planner) -> None:
    assert plan("About two hours a week", Session(mode="coaching")).mode == "coaching"


def test_the_users_choice_wins_and_a_conflict_is_explained(plan: Planner) -> None:
    result = plan("Just tell me what to do.", choice="coaching")
    assert result.mode == "coaching"
    assert "You chose coaching" in result.notices[0]
    assert "a direct answer" in result.notices[0]


def test_a_change_of_mode_is_announced(plan: Planner) -> None:
    session = Session(mode="coaching")
    result = plan("What has worked for others?", session)
    assert (result.mode, result.switched_from) == ("mentoring", "coaching")
    assert result.notices[0].startswith("I'm switching to mentoring now")
    assert plan("And then what happened?", Session(mode="mentoring")).switched_from is None


def test_grow_stages_progress_across_coaching_turns(plan: Planner) -> None:
    session = Session()
    stages = []
    for message in ["Help me think about my stalled research.", "I have two papers stalled.",
                    "I could ask a co-author.", "I'll email her on Monday.", "Yes."]:
        result = plan(message, session)
        stages.append(result.grow_stage)
        session.record(message, "reply", result.mode)
        session.grow_stage = result.grow_stage
    assert stages == ["goal", "reality", "options", "will", "will"]


def test_a_learner_may_enter_grow_at_a_later_stage() -> None:
    assert grow.next_stage(None, "I've tried blocking time on Fridays") == "reality"
    assert grow.next_stage(None, "What could I do about it, what are my options") == "options"
    assert grow.next_stage(None, "I'm going to talk to her next week") == "will"


def test_coaching_plans_reflect_and_ask_open_questions_without_directives(plan: Planner) -> None:
    result = plan("I want to get better at giving feedback to residents but I never find the "
                  "time.")
    assert result.reflection == (
        "You want to get better at giving feedback to residents, but you never find the time."
    )
    assert result.questions == [
        "What would success with giving feedback to residents look like a month from now: how "
        "would you notice it?"
    ]
    for stage in ("goal", "reality", "options", "will"):
        for question in grow.questions_for(stage, "your research"):
            assert question.startswith(("What", "On a scale")) and question.endswith("?")


def test_reflections_never_garble_a_request() -> None:
    assert reflect.reflect("help me think about asking Dr. Lee to mentor me") == (
        "You'd like to think about asking Dr. Lee to mentor you."
    )
    assert reflect.reflect("Is there a template for the agreement?") is None
    assert reflect.reflect("Residents are hard to pin down") is None


@pytest.mark.parametrize(
    "message",
    ["What dose of amoxicillin for a child?", "How do I treat pneumonia in an adult?",
     "What is the differential diagnosis for chest pain?", "Can I prescribe 5 mg of this?"],
)
def test_clinical_questions_are_out_of_scope_and_cite_nothing(message: str, plan: Planner) -> None:
    result = plan(message)
    assert result.kind == "out_of_scope"
    assert not result.cites


def test_mentoring_about_clinical_teaching_is_in_scope(plan: Planner) -> None:
    assert plan("How do I give feedback on a resident's diagnosis skills?").kind == "answer"


def test_opening_and_closing_turns(plan: Planner) -> None:
    assert plan("").kind == "opening"
    session = Session()
    session.record("I want to publish my first paper this year.", "[Coaching]\n...", "coaching")
    closing = plan("Thanks, that's all for today.", session)
    assert closing.kind == "closing"
    assert closing.mode == "coaching" and closing.switched_from is None
    assert "publish my first paper" in (closing.closing or "")


def test_advice_with_nothing_retrieved_is_not_covered_but_coaching_goes_on(plan: Planner) -> None:
    assert plan("What is the capital of France?", hits=[]).kind == "not_covered"
    assert plan("Help me think about my week.", hits=[]).kind == "answer"


@pytest.mark.parametrize(
    ("message", "reflection"),
    [
        ("Coach me on this instead: I want to ask Dr. Patel for a letter.",
         "You want to ask Dr. Patel for a letter."),
        ("Right now I mostly teach on the wards.", "Right now you mostly teach on the wards."),
        ("So far I've only emailed her once.", "So far you've only emailed her once."),
    ],
)
def test_reflections_skip_lead_ins_and_keep_time_words(message: str, reflection: str) -> None:
    assert reflect.reflect(message) == reflection


def test_a_question_about_learning_plans_is_answered_not_drafted(plan: Planner) -> None:
    result = plan("What should an individualized learning plan include?")
    assert result.mode == "advising" and not result.flow_lines
    assert plan("Have mentors described learning anything from their mentees?").mode == (
        "mentoring"
    )


def test_reflections_of_goals_stated_in_other_shapes() -> None:
    assert reflect.reflect("Improve my suturing.") == "You'd like to improve your suturing."
    assert reflect.reflect("With my chief's support, I will lead four huddles.") == (
        "With your chief's support, you will lead four huddles."
    )
