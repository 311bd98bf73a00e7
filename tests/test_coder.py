"""The behaviour coder: agreement with hand labels, echoes, summary scores, and a reply that
enforcement lets through but the judge fails."""

from __future__ import annotations

import pytest

from assistant.chain.enforce import enforce
from assistant.plan import Plan
from evals.agreement import coder_agreement
from evals.cases import Expect
from evals.coder import CODES, code, code_utterance, echo_overlap, summarise
from evals.labels import PARTS, load_part
from evals.metrics.stance import directives, reflection_ratio, reflections
from evals.results import CaseResult, TurnResult
from tests.test_eval_metrics import turn as made_turn

#: Floors under the measured kappas (development cross-validated 0.85, held-out A 0.94 after
#: its errors were studied, held-out B 0.89): a change to the coder may not lose ground.
KAPPA_FLOOR = {"development (5-fold cross-validated)": 0.8, "held-out A (seen)": 0.9,
               "held-out B": 0.85}


def test_the_labelled_set_is_large_enough_and_covers_every_code():
    parts = {name: load_part(name) for name in PARTS}
    assert sum(len(items) for items in parts.values()) >= 150
    for items in parts.values():
        assert {item.code for item in items} == set(CODES)


def test_the_coder_agrees_with_the_hand_labels(capsys):
    found = coder_agreement()
    with capsys.disabled():
        for part, result in found.items():
            print(f"\ncoder agreement, {part}: {result['utterances']} utterances, accuracy "
                  f"{result['accuracy']:.3f}, Cohen's kappa {result['kappa']:.3f}")
            for row in result["per_code"]:
                print(f"  {row['code']:20} recall {row['recall']} precision {row['precision']}"
                      f" (labelled {row['labelled']})")
    for part, floor in KAPPA_FLOOR.items():
        assert found[part]["kappa"] >= floor, part


def test_a_pronoun_swapped_echo_is_not_a_reflection():
    message = "I think she's overwhelmed with night shifts, but I haven't asked her."
    echo = "You think she's overwhelmed with night shifts, but you haven't asked her."
    assert echo_overlap(echo, message) > 0.8
    assert code_utterance(echo, message).code == "neutral"
    short = code_utterance("You suspect the night shifts are behind it.", message)
    assert short.code == "simple_reflection"
    deeper = code_utterance("You're worried about her, and unsure it's your place to ask.",
                            message)
    assert deeper.code == "complex_reflection"


def test_a_feeling_said_in_other_words_is_a_simple_reflection_and_a_new_one_complex():
    message = "I'm scared of saying the wrong thing to the family."
    assert code_utterance("You're afraid of the wrong words.", message).code == (
        "simple_reflection")
    assert code_utterance("You're ashamed of how the last meeting went.", message).code == (
        "complex_reflection")


def test_one_sentence_of_a_longer_message_echoed_is_still_an_echo():
    message = "Okay, back to the family meetings. I usually run out of time before they finish."
    assert code_utterance("You usually run out of time before they finish.", message).code == (
        "neutral")


def test_a_reply_is_coded_sentence_by_sentence_and_summarised():
    reply = ("[Coaching]\nYou've tried sending shorter emails, but nothing changed. You're "
             "running out of ideas and getting frustrated. What else might work? Programs "
             "describe re-agreeing the meeting cadence. [1]\nSources:\n[1] Handbook, p. 2")
    coded = code(reply, "I've tried sending shorter emails, but nothing changed.")
    assert [c.code for c in coded] == [
        "neutral", "complex_reflection", "open_question", "giving_information"]
    summary = summarise(coded)
    assert (summary.questions, summary.reflections, summary.echoes) == (1, 1, 1)
    assert summary.reflection_to_question == 1.0 and summary.complex_share == 1.0


def _coaching(body: str, message: str) -> list[CaseResult]:
    result = made_turn(body, in_mode="coaching", message=message)
    return [CaseResult(_case(), [result])]


def _case():
    from evals.cases import Case, Turn

    return Case("mentor/x/y", "mentor", "x", (Turn(message="m", expect=Expect()),))


def test_enforcement_lets_a_persuading_coaching_reply_through_but_the_judge_fails_it():
    message = "My mentee keeps missing our meetings."
    written = ("Try asking her what gets in the way before the next meeting. What would a good "
               "outcome look like for you?")
    reply = enforce(Plan(message=message, mode="coaching"), written, engine="scripted")
    assert written in reply.text  # enforcement saw no directive and kept the reply as written
    body = reply.text.split("\n", 1)[1]
    judged = directives(_coaching(body, message))
    assert judged.value == 1 and not judged.passed
    assert "Try asking her" in judged.failures[0].reason


def test_echoes_fail_the_reflection_metrics():
    message = "I want to get better at teaching medical students on the wards."
    echoed = _coaching("You want to get better at teaching medical students on the wards. "
                       "What would you like to have by the end of this conversation?", message)
    metric = reflections(echoed)
    assert metric.value == 0.0 and "echoed (overlap 1.00)" in metric.failures[0].reason
    assert reflection_ratio(echoed).value == 0.0
    real = _coaching("Teaching matters to you, and you want the students to leave with more. "
                     "What would good teaching on the wards look like?", message)
    assert reflections(real).value == 1.0 and reflection_ratio(real).value == 1.0


@pytest.mark.parametrize(("utterance", "expected"), [
    ("What would you like to have by the end of this conversation?", "open_question"),
    ("Would you send it this week?", "closed_question"),
    ("Which of these fits, or what else comes to mind?", "open_question"),
    ("You should ask her directly.", "persuade"),
    ("It's your decision.", "emphasise_autonomy"),
    ("That took courage.", "affirm"),
    ("Programs describe a no-fault rematch. [1]", "giving_information"),
    ("I'd suggest raising it with your program director.", "persuade"),
    ("You really should finish the year first.", "persuade"),
    ("Block out thirty minutes each morning for them.", "persuade"),
    ("Research shows that regular meetings matter.", "giving_information"),
    ("Part of you wonders whether she values these meetings.", "complex_reflection"),
    ("This is your call to make.", "emphasise_autonomy"),
    ("Finish this year before you decide anything.", "persuade"),
    ("That showed real integrity.", "affirm"),
])
def test_codes_of_plain_utterances(utterance, expected):
    assert code_utterance(utterance, "My mentee keeps missing our meetings.").code == expected


def test_a_turn_without_a_reply_is_not_coded():
    assert code("", "hello") == []
    assert TurnResult("hello").body == ""
