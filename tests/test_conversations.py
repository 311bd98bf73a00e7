"""Conversations a person wants to continue: reflections, coaching with wisdom, memory, topic
carry, advice for the asker's role and SMART statements, through the whole guide."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from assistant.chain.guide import Guide
from assistant.guidance.goals import GOAL, GOAL_STATUS, current_goal
from assistant.guidance.memory import MEMORY
from assistant.guidance.session import Session
from assistant.stance import has_directive
from benchmarks.conversation_bench import ROOT, Tally, judge, replay
from evals.coder import echo_overlap


def _talk(guide: Guide, *messages: str, choice=None) -> tuple[Session, list[str]]:
    session = Session()
    return session, [guide.ask(session, message, choice).text for message in messages]


def test_a_mentors_coaching_conversation_never_echoes_or_asks_for_what_was_given(
        guide: Guide) -> None:
    session, replies = _talk(
        guide,
        "My mentee seems to be struggling and keeps missing our meetings. Coach me through it.",
        "I think she's overwhelmed with night shifts, but I haven't asked her",
        "I could ask her at the end of our next meeting, or send a message first",
        "yes, I'll do it on Monday",
        "thanks, that's all for today",
    )
    assert all(reply.startswith("[Coaching]") for reply in replies)
    second = replies[1].splitlines()[1]
    assert echo_overlap(second, "I think she's overwhelmed with night shifts, but I haven't asked "
                              "her") < 0.5
    assert second in ("So you have a sense of what is behind it, but you haven't checked that "
                      "with her yet.", "You have a hunch, and it is still untested with her.")
    monday = replies[3].splitlines()
    assert monday[1] in ("On Monday, then.", "So on Monday it is.")
    assert "by when" not in replies[3] and "1 to 10" in replies[3]
    closing = replies[4]
    assert 'Your next step: "I\'ll do it on Monday"' in closing
    assert "night shifts" in closing and "How did this conversation go" in closing
    memory = session.extras[MEMORY]
    assert memory["when"] == "on Monday" and memory["options"]


def test_coaching_with_wisdom_offers_cited_options_and_hands_the_choice_back(
        guide: Guide) -> None:
    _, replies = _talk(
        guide,
        "My mentee keeps missing our meetings. Coach me through it.",
        "I'd like us to meet every two weeks again",
        "She has been on night shifts all month and I haven't asked her about it",
    )
    options = next(reply for reply in replies if "coaching with wisdom" in reply)
    assert options.startswith("[Coaching]")
    assert "coaching with wisdom" in options and "the choice stays yours" in options
    assert options.count("\n- ") >= 2 and "Sources:" in options
    body = options.split("Sources:")[0]
    assert body.rstrip().endswith("Which of these fits your situation, or what else comes to "
                                  "mind?")
    assert not has_directive(body)


def test_a_follow_up_keeps_the_conversations_topic(guide: Guide) -> None:
    _, replies = _talk(guide, "My resident gets defensive whenever I give feedback. What should "
                              "I do?", "In your experience, what has worked for other mentors?")
    follow_up = replies[1]
    assert follow_up.startswith("[Mentoring]")
    assert "feedback" in follow_up.split("Sources:")[0].lower()
    assert "Feedback conversations" in follow_up.split("Sources:")[1]


def test_advice_for_a_mentor_leads_with_what_a_mentor_can_do(guide: Guide) -> None:
    reply = guide.ask(Session(), "My resident gets defensive whenever I give feedback. What "
                                 "should I do?")
    lines = reply.text.splitlines()
    assert lines[1] == "The program literature suggests three things a mentor can do here:"
    points = [line for line in lines if line.startswith("- ")]
    assert 2 <= len(points) <= 3
    assert not any(p.lower().startswith(("- the mentee should", "- a mentee should"))
                   for p in points)


def test_switching_from_advice_to_working_it_through_is_coached(guide: Guide) -> None:
    _, replies = _talk(guide, "How do I set expectations with a new mentor without sounding "
                              "pushy?", "yes I'll write it up sunday night")
    assert replies[1].startswith("[Coaching]\nI'm switching to coaching now")
    assert "Sunday night" in replies[1]
    assert "What would you like to have" not in replies[1]  # the question said what they want


@pytest.mark.parametrize(
    "message",
    ["I was passed over for the chief resident role and I am not sure how to raise it",
     "I was told my presentations were disorganised and I was embarrassed"],
)
def test_reflections_agree_in_person_and_verb(guide: Guide, message: str) -> None:
    reply = guide.ask(Session(), message, "coaching").text
    assert "You was" not in reply and "you was" not in reply and "I are" not in reply


def test_a_smart_statement_is_built_from_parts_and_a_close_deadline_is_checked(
        guide: Guide) -> None:
    session, replies = _talk(
        guide,
        "I'd like to set a goal to publish a case report this year",
        "I'll have the case picked and the draft reviewed by my attending",
        "because I want to apply for cardiology fellowship",
    )
    draft = current_goal(session.extras)
    assert draft is not None and draft.statement is not None
    assert "set a goal" not in draft.statement and "I'd like" not in draft.statement
    assert draft.statement.startswith("By ") and ", I will publish a case report" in (
        draft.statement)
    if draft.deadline and (draft.deadline - date.today()).days < 42:
        assert "Is that realistic for this goal" in replies[-1]
        assert session.extras[GOAL_STATUS] == "checking_deadline"
        later = guide.ask(session, "no, let's say by the end of June").text
        assert "June" in later and "Does that say what you mean?" in later
    assert session.extras[GOAL]


DEV = yaml.safe_load((ROOT / "benchmarks" / "data" / "conversations_dev.yaml").read_text())


def test_the_transcript_benchmark_checks_hold_on_a_sample(guide: Guide) -> None:
    """Floors for ``benchmarks/conversation_bench.py``'s checks, on every third conversation
    of the development split (the benchmark prints both splits)."""
    tally = Tally()
    sample = DEV[::3]
    for conversation in sample:
        judge(conversation, replay(guide, conversation), tally)
    assert tally.defects["ungrammatical reflection"] == 0, tally.examples
    assert tally.defects["verbatim echo"] <= 5, tally.examples
    assert tally.defects["statement not well formed"] == 0, tally.examples
    assert tally.defects["repeated question"] <= 2, tally.examples
    assert tally.defects["already answered"] <= 2, tally.examples
    assert tally.offered >= tally.coaching // 3
