"""Every eval metric on hand-made results: where it passes, and where it must fail."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.plan import Citation, Reply
from evals.cases import Case, Expect, Turn
from evals.evidence import claim_for, lexical_support, support_scores
from evals.metrics import METRICS, MetricResult, evaluate
from evals.metrics.citations import (
    SUPPORT_FLOOR,
    abstention,
    citation_support,
    citation_validity,
    source_grounding,
)
from evals.metrics.conversation import (
    conflict_notices,
    label_compliance,
    mode_accuracy,
    switch_announcements,
)
from evals.metrics.retrieval import mrr, recall_at_5
from evals.metrics.scope import out_of_scope_handling
from evals.metrics.smart import smart_checker_accuracy
from evals.metrics.stance import directives, has_reflection, open_questions, reflections
from evals.results import CaseResult, TurnResult

CHUNK = (
    "Missed meetings are the most common early sign of trouble. When a mentee misses two "
    "meetings in a row, the mentor can ask what is getting in the way."
)
QUOTE = "When a mentee misses two meetings in a row, the mentor can ask what is getting in the way."


def cite(marker: int = 1, source: str = "difficult-situations.pdf", quote: str = QUOTE,
         chunk_id: str = "c1") -> Citation:
    return Citation(marker, source, "Difficult situations", "p. 1", chunk_id, quote)


def turn(
    body: str,
    *,
    in_mode: str = "advising",
    message: str = "My mentee keeps missing our meetings.",
    choice: str | None = None,
    citations: tuple[Citation, ...] = (),
    switched_from: str | None = None,
    declined: bool = False,
    chunks: dict[str, str] | None = None,
    support: dict[int, float] | None = None,
    retrieved: tuple[str, ...] = (),
    **expect: Any,
) -> TurnResult:
    """A turn whose reply has the real ``Reply.to_dict()`` shape."""
    label = f"[{in_mode.capitalize()}]"
    reply = Reply(mode=in_mode, text=f"{label}\n{body}", citations=list(citations), engine="test",
                  switched_from=switched_from, out_of_scope=declined)
    return TurnResult(
        message=message, choice=choice, expect=Expect(**expect), reply=reply.to_dict(),
        chunk_texts={"c1": CHUNK} if chunks is None else chunks,
        support=support or {}, retrieved=list(retrieved),
    )


def case(*turns: TurnResult, name: str = "x") -> CaseResult:
    spec = tuple(Turn(message=t.message, choice=t.choice, expect=t.expect) for t in turns)
    return CaseResult(Case(f"mentor/test/{name}", "mentor", "test", spec), list(turns))


def run(metric, *turns: TurnResult) -> MetricResult:
    return metric([case(*turns)])


def reasons(result: MetricResult) -> list[str]:
    return [f.reason for f in result.failures]


# --- registry -------------------------------------------------------------------------------


def test_every_metric_is_registered_once_and_returns_a_result():
    results = evaluate([case(turn("Here is what helps. [1]", citations=(cite(),),
                                  support={1: 0.9}))])
    names = [r.name for r in results]
    assert len(names) == len(set(names)) == len(METRICS)
    assert all(isinstance(r, MetricResult) for r in results)


def test_nothing_measured_counts_as_passed():
    result = run(abstention, turn("An answer."))
    assert result.value is None and result.passed and result.population == 0


# --- label and mode -------------------------------------------------------------------------


def test_label_compliance_passes_one_matching_label():
    result = run(label_compliance, turn("Advice."), turn("A question?", in_mode="coaching"))
    assert result.value == 1.0 and result.passed


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Advice without a label.", "not a mode label"),
        ("[Advising]\n[Coaching]\nTwo labels.", "more than one mode label"),
        ("[Coaching]\nLabel and mode disagree.", "JSON mode advising"),
        ("**[Advising]**\nDecorated label.", "not a mode label"),
    ],
)
def test_label_compliance_fails(text, why):
    bad = turn("x")
    assert bad.reply is not None
    bad.reply["text"] = text
    result = run(label_compliance, bad)
    assert result.value == 0.0 and not result.passed
    assert why in reasons(result)[0]


def test_label_compliance_counts_a_crashed_turn_as_failed():
    crashed = TurnResult("Hello?", error="EngineError: unreachable")
    result = run(label_compliance, turn("Advice."), crashed)
    assert result.value == 0.5 and not result.passed
    assert reasons(result) == ["no reply: EngineError: unreachable"]


def test_mode_accuracy_accepts_any_expected_mode_and_fails_others():
    result = run(mode_accuracy,
                 turn("a", mode="advising"),
                 turn("b", in_mode="coaching", mode=["coaching", "advising"]),
                 turn("c", in_mode="mentoring", mode="advising"),
                 turn("d"))
    assert result.population == 3
    assert result.value == pytest.approx(2 / 3, abs=1e-4) and not result.passed
    assert reasons(result) == ["mode mentoring, expected advising"]


# --- switches and conflicts -----------------------------------------------------------------

SWITCH = "I'm switching to coaching now: you steer, and I'll ask questions."


def test_switch_announcements_pass_an_announced_switch():
    result = run(switch_announcements,
                 turn("Advice."),
                 turn(f"{SWITCH}\nWhat would help?", in_mode="coaching",
                      switched_from="advising", switch=True))
    assert result.population == 1 and result.value == 1.0


def test_switch_announcements_fail_a_silent_switch():
    result = run(switch_announcements,
                 turn("Advice."),
                 turn("What would help?", in_mode="coaching", switched_from="advising"))
    assert not result.passed
    assert reasons(result) == ["switched from advising to coaching without saying so"]


def test_switch_announcements_fail_a_switch_missing_from_the_json():
    result = run(switch_announcements,
                 turn("Advice."), turn(f"{SWITCH}\nWhat would help?", in_mode="coaching"))
    assert "switched_from is unset" in reasons(result)[0]


def test_switch_announcements_fail_a_missing_or_unwanted_switch():
    stayed = run(switch_announcements, turn("Advice."), turn("More advice.", switch=True))
    assert reasons(stayed) == ["expected a switch, stayed in advising"]
    drifted = run(switch_announcements,
                  turn("What would help?", in_mode="coaching"),
                  turn("Switching to advising: here is advice.", switched_from="coaching",
                       switch=False))
    assert reasons(drifted) == ["switched from coaching to advising; expected to stay"]


CONFLICT = ("You chose coaching in the guidance setting, so I'm staying with coaching, although "
            "you asked for a direct answer.")


def test_conflict_notices_pass_when_the_reply_stays_and_says_so():
    result = run(conflict_notices, turn(f"{CONFLICT}\nWhat would success look like?",
                                        in_mode="coaching", choice="coaching", conflict=True))
    assert result.value == 1.0


def test_conflict_notices_fail_without_the_notice_or_outside_the_chosen_mode():
    silent = turn("What would success look like?", in_mode="coaching", choice="coaching",
                  conflict=True)
    moved = turn(f"{CONFLICT}\nAdvice.", choice="coaching", conflict=True)
    result = run(conflict_notices, silent, moved)
    assert result.value == 0.0 and len(result.failures) == 2


# --- citations ------------------------------------------------------------------------------

CITED = "Ask what is getting in the way. [1]"


def test_citation_validity_passes_resolved_exact_quotes():
    result = run(citation_validity, turn(CITED, citations=(cite(),)), turn("No citations."))
    assert result.population == 1 and result.value == 1.0


@pytest.mark.parametrize(
    ("body", "citations", "chunks", "why"),
    [
        ("Ask. [1] Then agree a cadence. [2]", (cite(),), None, "marker [2] has no citation"),
        ("No marker here.", (cite(),), None, "citation [1] is never used"),
        (CITED, (cite(chunk_id="gone"),), None, "a chunk the index does not hold"),
        (CITED, (cite(quote="Mentors must phone every week."),), None, "not in"),
        (CITED, (cite(quote=" "),), None, "not in"),
        (CITED, (cite(),), {"c1": "Different text now."}, "not in"),
    ],
)
def test_citation_validity_fails(body, citations, chunks, why):
    result = run(citation_validity, turn(body, citations=citations, chunks=chunks))
    assert result.value == 0.0 and not result.passed
    assert why in reasons(result)[0]


def test_citation_support_applies_the_floor_per_citation():
    good = turn("A. [1] B. [2]", citations=(cite(1), cite(2)), support={1: 0.92, 2: 0.71})
    weak = turn(CITED, citations=(cite(),), support={1: SUPPORT_FLOOR - 0.01})
    result = run(citation_support, good, weak)
    assert result.population == 3 and result.value == pytest.approx(2 / 3, abs=1e-4)
    assert not result.passed and "support 0.49" in reasons(result)[0]
    assert result.details["mean_support"] == pytest.approx((0.92 + 0.71 + 0.49) / 3, abs=1e-3)


def test_source_grounding_wants_an_expected_document_and_no_forbidden_one():
    right = turn(CITED, citations=(cite(),), sources=["difficult-situations.pdf"])
    wrong = turn(CITED, citations=(cite(source="smart-goals.md"),),
                 sources=["difficult-situations.pdf"])
    forbidden = turn(CITED, citations=(cite(),), must_not_cite=["difficult-situations.pdf"])
    coaching = turn("What would help?", in_mode="coaching", sources=["smart-goals.md"])
    result = run(source_grounding, right, wrong, forbidden, coaching)
    assert result.population == 3 and result.value == pytest.approx(1 / 3, abs=1e-4)
    assert reasons(result) == [
        "cites smart-goals.md; expected one of difficult-situations.pdf",
        "cites difficult-situations.pdf",
    ]


def test_abstention_fails_any_citation_on_an_uncovered_question():
    clean = turn("The documents don't cover this.", abstain=True)
    cited = turn(CITED, citations=(cite(),), abstain=True)
    assert run(abstention, clean).value == 1.0
    result = run(abstention, clean, cited, cited)
    assert result.value == pytest.approx(1 / 3, abs=1e-4) and not result.passed
    assert reasons(result)[0] == "not covered by the corpus, but cites difficult-situations.pdf"


# --- retrieval ------------------------------------------------------------------------------


def test_recall_and_mrr_against_expected_documents():
    hit_first = turn("a", sources=["a.md"], retrieved=("a.md", "b.md"))
    half = turn("b", sources=["a.md", "b.md"], retrieved=("c.md", "b.md", "b.md"))
    miss = turn("c", sources=["a.md"], retrieved=("c.md",) * 5)
    unlabelled = turn("d", retrieved=("a.md",))
    recall = run(recall_at_5, hit_first, half, miss, unlabelled)
    rank = run(mrr, hit_first, half, miss, unlabelled)
    assert recall.population == rank.population == 3
    assert recall.value == pytest.approx((1 + 0.5 + 0) / 3, abs=1e-4) and not recall.passed
    assert rank.value == pytest.approx((1 + 0.5 + 0) / 3, abs=1e-4) and not rank.passed
    assert reasons(recall) == ["a.md not in the top 5", "a.md not in the top 5"]
    assert reasons(rank) == ["no expected document in the top 5"]


def test_perfect_retrieval_passes():
    result = run(recall_at_5, turn("a", sources=["a.md"], retrieved=("a.md",)))
    assert result.value == 1.0 and result.passed and run(mrr, turn(
        "a", sources=["a.md"], retrieved=("b.md", "a.md"))).value == 0.5


# --- coaching stance ------------------------------------------------------------------------

#: A reflection that hands back meaning, not the message with its pronouns turned.
REFLECTION = "Hearing from your attendings matters to you."


def test_open_questions_in_every_coaching_turn():
    result = run(open_questions,
                 turn(f"{REFLECTION}\nWhat would success look like?", in_mode="coaching"),
                 turn("Advice without a question.", in_mode="advising"))
    assert result.population == 1 and result.value == 1.0


def test_open_questions_fail_closed_questions_and_honour_opt_in_and_out():
    closed = turn("Did you try asking earlier?", in_mode="coaching")
    opted_in = turn("That is a clinical question.", declined=True, open_question=True)
    opted_out = turn("Goodbye.", in_mode="coaching", open_question=False)
    result = run(open_questions, closed, opted_in, opted_out)
    assert result.population == 2 and result.value == 0.0
    assert reasons(result) == ["no open question", "no open question"]


def test_directives_counts_every_directive_phrase_in_coaching_only():
    clean = turn("What would help?", in_mode="coaching")
    bossy = turn("You should ask her. I recommend a calendar invite. What else?",
                 in_mode="coaching")
    advice = turn("You should ask her.", in_mode="advising")
    result = run(directives, clean, bossy, advice)
    assert result.value == 2 and result.threshold == 0 and not result.passed
    assert not result.higher_is_better and result.population == 2
    assert "'You should ask her.'" in reasons(result)[0]
    assert run(directives, clean).passed


def test_reflections_in_coaching_turns():
    message = "I want to get better at asking my attendings for feedback."
    reflected = turn(f"{REFLECTION}\nWhat would success look like?", in_mode="coaching",
                     message=message)
    bare = turn("What tends to get in the way?", in_mode="coaching", message=message)
    closing = turn("Thanks for today.", in_mode="coaching", message="That's all.",
                   reflection=False)
    result = run(reflections, reflected, bare, closing)
    assert result.population == 2 and result.value == 0.5 and not result.passed
    assert reasons(result) == ["no reflection of what the learner said"]


def test_an_echo_of_the_message_is_not_a_reflection():
    message = "I want to get better at asking my attendings for feedback."
    echoed = turn("You want to get better at asking your attendings for feedback.\nWhat would "
                  "success look like?", in_mode="coaching", message=message)
    result = run(reflections, echoed)
    assert result.value == 0.0 and result.details["echoes"] == 1
    assert reasons(result) == ["no reflection: the learner's words echoed (overlap 1.00)"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # The message with its pronouns turned is an echo, not a reflection.
        ("You've tried asking at the end of shifts, but they are always rushed.", False),
        ("It sounds like rushed shifts make asking hard.", True),
        ("Have you tried asking at the end of shifts?", False),  # a question, not a reflection
        ("Asking at the end of shifts is hard for everyone. [1]", False),  # a cited passage
        ("What would success look like?", False),
        pytest.param("Shifts vary.", False, marks=pytest.mark.xfail(
            strict=True, reason="known weakness: a short general statement sharing one word "
            "with the message is coded as a simple reflection")),
    ],
)
def test_has_reflection(body, expected):
    message = "I've tried asking at the end of shifts but they are always rushed."
    assert has_reflection(body, message) is expected


# --- scope ----------------------------------------------------------------------------------


def test_out_of_scope_handling():
    declined = turn("That is a clinical question.", declined=True, out_of_scope=True)
    assert run(out_of_scope_handling, declined).value == 1.0
    answered = turn("Vancomycin dosing depends on...", out_of_scope=True)
    cited_decline = turn(CITED, citations=(cite(),), declined=True, out_of_scope=True)
    over_declined = turn("That is a clinical question.", declined=True, out_of_scope=False)
    result = run(out_of_scope_handling, answered, cited_decline, over_declined)
    assert result.value == 0.0 and not result.passed
    assert reasons(result) == ["not declined", "declined, but cites the corpus",
                               "declined a question within scope"]


def test_smart_checker_accuracy():
    right = turn("Goal noted.", smart={"specific": "present", "time_bound": "missing"})
    right.smart = {"specific": "present", "time_bound": "missing"}
    assert run(smart_checker_accuracy, right).value == 1.0
    wrong = turn("Goal noted.", smart={"measurable": "present", "time_bound": "present"})
    wrong.smart = {"measurable": "unclear", "time_bound": "present"}
    result = run(smart_checker_accuracy, right, wrong)
    assert result.value == 0.75 and not result.passed
    assert reasons(result) == ["measurable: expected present, checker said unclear"]


# --- evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "marker", "claim"),
    [
        ("- Ask what is getting in the way. [1]", 1, "Ask what is getting in the way."),
        ("First point. Second point [2]. Third [1].", 2, "Second point"),
        ("First point. Second point [2]. Third [1].", 1, "Third"),
        ("Intro line.\nBook the next meeting now. [3]", 3, "Book the next meeting now."),
        ("No marker at all.", 1, ""),
    ],
)
def test_claim_for(text, marker, claim):
    assert claim_for(text, marker) == claim


def test_lexical_support_folds_plurals_and_tenses():
    assert lexical_support("Missed meeting are a warning", CHUNK) == pytest.approx(2 / 3)
    assert lexical_support("Pizza", CHUNK) == 0.0
    assert lexical_support("", CHUNK) == 0.0


class KeywordEmbedder:
    """Two-dimensional vectors: meetings-ness and pizza-ness."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float("meeting" in t.lower()), float("pizza" in t.lower())] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def test_support_scores_take_the_better_of_embedding_and_word_overlap():
    paraphrase = turn("If two meetings are missed, find out why. [1]", citations=(cite(),))
    unrelated = turn("Pizza helps. [1]", citations=(cite(),))
    unresolved = turn("Pizza helps. [1]", citations=(cite(quote=""),))
    assert support_scores(KeywordEmbedder(), paraphrase) == {1: 1.0}
    assert support_scores(KeywordEmbedder(), unrelated) == {1: 0.0}
    assert support_scores(KeywordEmbedder(), unresolved) == {1: 0.0}
