"""Whole turns of the offline guide on the starter corpus: what users actually read."""

from __future__ import annotations

import re

import pytest

from assistant.chain.guide import Guide
from assistant.guidance.session import Session
from assistant.plan import Reply
from assistant.stance import coaching_violation, has_directive

MESSAGES = [
    ("My mentee keeps missing our meetings. What should I do?", "advising"),
    ("Just tell me what goes into a mentoring agreement.", "advising"),
    ("How should I handle a mentee who gets defensive about feedback?", "advising"),
    ("When should a mentor advise rather than coach?", "advising"),
    ("Who do I contact if something goes wrong in my mentoring relationship?", "advising"),
    ("In your experience, does having several mentors help?", "mentoring"),
    ("What worked for others who joined a six-month mentoring program?", "mentoring"),
    ("I want to get better at giving feedback to residents but I never find the time.",
     "coaching"),
    ("Help me think about how to ask Dr. Osei to be my mentor.", "coaching"),
    ("I'm struggling to set goals for my research year.", "coaching"),
]
_SENTENCE_END = re.compile(r"[.?!](?:\s*\[\d+\])*$")


def check_reads_well(reply: Reply) -> None:
    """Complete sentences, no duplicates, no markup debris, citations that resolve."""
    label, *lines = reply.text.splitlines()
    assert label == reply.label
    body = lines[: lines.index("Sources:")] if "Sources:" in lines else lines
    seen = set()
    for line in body:
        assert _SENTENCE_END.search(line) or line.endswith(":"), f"fragment: {line!r}"
        assert line not in seen, f"duplicate: {line!r}"
        seen.add(line)
        assert not re.search(r"\*\*|^#|\||\x0c|\s{2,}|\(\s*\)", line), f"debris: {line!r}"
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", "\n".join(body))}
    assert markers == {c.marker for c in reply.citations}
    assert [c.marker for c in reply.citations] == list(range(1, len(reply.citations) + 1))


@pytest.mark.parametrize(("message", "mode"), MESSAGES)
def test_replies_are_labelled_read_well_and_cite_the_corpus(guide: Guide, message, mode) -> None:
    reply = guide.ask(Session(), message)
    assert reply.mode == mode
    check_reads_well(reply)
    if mode == "coaching":
        assert coaching_violation(reply.text) is None
    else:
        assert len(reply.citations) >= 2
        chunks = guide.store.get_chunks([c.chunk_id for c in reply.citations])
        for citation, chunk in zip(reply.citations, chunks, strict=True):
            assert citation.quote in chunk.text
            assert (citation.source, citation.locator) == (chunk.source, chunk.locator)


def test_missed_meetings_gets_specific_cited_advice_and_an_offer_to_coach(guide: Guide) -> None:
    reply = guide.ask(Session(), "My mentee keeps missing our meetings. What should I do?")
    sources = {c.source for c in reply.citations}
    assert sources & {"difficult-situations.pdf", "program-handbook.docx"}
    assert any(c.locator.startswith("p. ") for c in reply.citations if c.source.endswith(".pdf"))
    assert "coach" in reply.text.splitlines()[-len(reply.citations) - 2].lower()


def test_the_feedback_example_reads_like_coaching(guide: Guide) -> None:
    reply = guide.ask(
        Session(), "I want to get better at giving feedback to residents but I never find the "
        "time."
    )
    lines = reply.text.splitlines()
    assert lines[0] == "[Coaching]"
    # The goal is given, so the guide names what it means and asks where things stand.
    assert lines[1] == "Growing in this matters to you."
    assert lines[2] == "What is happening now, and what have you tried so far?"
    assert not has_directive(reply.text)


def test_a_conversation_switches_modes_out_loud_and_closes_with_a_summary(guide: Guide) -> None:
    session = Session()
    first = guide.ask(session, "I want to prepare for asking Dr. Osei to mentor me.")
    second = guide.ask(session, "What has worked for others when they asked?")
    third = guide.ask(session, "Thanks, that's all.")
    assert (first.mode, second.mode) == ("coaching", "mentoring")
    assert second.switched_from == "coaching"
    assert "switching to mentoring" in second.text
    assert third.mode == "mentoring" and not third.citations
    assert "Dr. Osei" in third.text and "How did this conversation go" in third.text
    assert [t.role for t in session.history] == ["user", "assistant"] * 3


def test_questions_outside_the_corpus_or_clinical_ones_cite_nothing(guide: Guide) -> None:
    off_topic = guide.ask(Session(), "What is the best ski resort in the Alps?")
    clinical = guide.ask(Session(), "What dose of amoxicillin should I give a child?")
    assert not off_topic.citations and "don't cover" in off_topic.text
    assert clinical.out_of_scope and not clinical.citations
    assert "clinical question" in clinical.text


def test_streaming_yields_pieces_then_the_final_reply(guide: Guide) -> None:
    events = list(guide.stream(Session(), "What goes into a mentoring agreement?"))
    assert isinstance(events[-1], Reply)
    assert len(events) > 5 and all(isinstance(e, str) for e in events[:-1])


def test_a_reference_entry_is_never_quoted_as_advice(guide: Guide) -> None:
    reply = guide.ask(Session(), "I'm a preceptor on a med-surg unit and my new grad nurse cries "
                                 "after almost every shift. I don't know whether to push her or "
                                 "back off.")
    bullets = [line for line in reply.text.splitlines() if line.startswith("- ")]
    assert bullets
    assert not [line for line in bullets if re.match(r"- [A-Z][\w'-]+ [A-Z]{1,3}[,.] ", line)]
