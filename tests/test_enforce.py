"""Enforcement holds the structural guarantees whatever a (scripted, misbehaving) model writes."""

from __future__ import annotations

from assistant.chain.enforce import best_quote, enforce, resolve_citations
from assistant.chain.guide import Guide
from assistant.guidance.session import Session
from assistant.index.store import StoredChunk
from assistant.plan import Passage, Plan
from tests.support.scripted import ScriptedEngine

CHUNKS = [
    StoredChunk("a", "Mentors meet monthly. The agreement sets goals.", "h.md", "Handbook",
                "Cadence", "d1"),
    StoredChunk("b", "Coaching is learner-led. The learner sets the direction.", "g.md", "Roles",
                "Coaching", "d2"),
]


def advising_plan(**changes) -> Plan:
    passages = [Passage(i, chunk, 1.0) for i, chunk in enumerate(CHUNKS, 1)]
    return Plan(message="How often do we meet?", mode="advising", passages=passages, **changes)


def test_the_label_is_set_by_code_and_invented_labels_are_dropped() -> None:
    reply = enforce(advising_plan(), "[Coaching] **[Mentoring]**\nMeet monthly [1].",
                    engine="m")
    assert reply.text.splitlines()[0] == "[Advising]"
    assert "[Coaching]" not in reply.text and "[Mentoring]" not in reply.text


def test_invalid_markers_are_removed_and_the_rest_renumbered_in_order() -> None:
    body, citations = resolve_citations(
        "Coaching is learner-led [2]. Meet monthly [1] [1]. Made up [7].",
        advising_plan().passages,
    )
    assert body == "Coaching is learner-led [1]. Meet monthly [2]. Made up."
    assert [(c.marker, c.chunk_id) for c in citations] == [(1, "b"), (2, "a")]
    assert citations[1].quote == "Mentors meet monthly."


def test_the_quote_is_the_passage_sentence_closest_to_the_claim() -> None:
    assert best_quote(CHUNKS[0].text, "The agreement lists your goals") == (
        "The agreement sets goals."
    )


def test_turns_that_may_not_cite_lose_every_marker() -> None:
    plan = advising_plan(kind="out_of_scope")
    reply = enforce(plan, "Take 5 mg [1].\nSources: [1] Handbook", engine="m")
    assert reply.citations == [] and "[1]" not in reply.text and "Sources" not in reply.text
    assert reply.out_of_scope


def test_a_missing_switch_notice_is_added() -> None:
    plan = advising_plan(switched_from="coaching",
                         notices=["I'm switching to advising now: a direct answer."])
    reply = enforce(plan, "Meet monthly [1].", engine="m")
    assert reply.text.splitlines()[1] == "I'm switching to advising now: a direct answer."
    assert reply.switched_from == "coaching"


def coaching_guide(starter_settings, embedder, engine: ScriptedEngine) -> Guide:
    return Guide(starter_settings, embedder=embedder, engine=engine)


def test_directive_coaching_is_regenerated_once(starter_settings, embedder) -> None:
    engine = ScriptedEngine().enqueue(
        "You should block an hour every Friday.", ["What ", "would make ", "Friday work?"]
    )
    reply = coaching_guide(starter_settings, embedder, engine).ask(
        Session(), "Help me think about finding time for feedback."
    )
    assert reply.text == "[Coaching]\nWhat would make Friday work?"
    assert len(engine.history) == 2 and engine.pending == 0


def test_coaching_that_stays_directive_is_replaced_by_the_composers_question(
    starter_settings, embedder
) -> None:
    engine = ScriptedEngine().enqueue(
        "[Advising] I recommend weekly meetings [9].", "You need to set a goal."
    )
    reply = coaching_guide(starter_settings, embedder, engine).ask(
        Session(), "Help me think about finding time for feedback."
    )
    assert reply.mode == "coaching" and reply.engine == "scripted"
    assert "recommend" not in reply.text and "need to" not in reply.text
    assert "?" in reply.text
    assert reply.text.splitlines()[1] == (
        "What would you like to have by the end of this conversation?")


def test_the_engine_sees_the_plan_and_numbered_passages(starter_settings, embedder) -> None:
    engine = ScriptedEngine().enqueue("Re-agree the cadence [1].")
    reply = coaching_guide(starter_settings, embedder, engine).ask(
        Session(), "My mentee keeps missing our meetings. What should I do?"
    )
    plan = engine.history[0]
    assert plan.mode == "advising" and plan.passages
    assert "[1]" in engine.messages[0][0].content or "[1]" in engine.messages[0][-1].content
    assert reply.citations[0].chunk_id == plan.passages[0].chunk.id
