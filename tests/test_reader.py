"""The reader: learned readings of ordinary phrasing, through the whole guide and on its own."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

import assistant.guidance
from assistant.chain.guide import Guide
from assistant.guidance.policy import WHICH_GUIDANCE, TurnInput, plan_turn
from assistant.guidance.session import Session
from assistant.reader.reading import Judged, Reader, Reading, command_in

HELDOUT = sorted((Path(__file__).resolve().parents[1] / "benchmarks" / "data").glob(
    "reader_heldout*.yaml"))
#: Floors a little under the held-out figures (benchmarks/reader_bench.py prints them).
HELDOUT_FLOORS = {"guidance": 0.93, "kind": 0.93, "scope": 0.95, "speaker": 0.88}


def ask(guide: Guide, *messages: str) -> str:
    session = Session()
    text = ""
    for message in messages:
        text = guide.ask(session, message).text
    return text


def test_a_mentoring_question_with_a_clinical_word_is_answered(guide: Guide) -> None:
    reply = guide.ask(Session(), "How do I tell my attending I disagree with her diagnosis "
                                 "without damaging our working relationship?")
    assert not reply.out_of_scope and reply.mode != "safety"


def test_burnout_is_wellbeing_not_a_clinical_question(guide: Guide) -> None:
    reply = guide.ask(Session(), "I think I'm showing symptoms of burnout and I dread every "
                                 "shift")
    assert not reply.out_of_scope and reply.mode == "coaching"


def test_ruling_out_others_experience_asks_for_coaching(guide: Guide) -> None:
    reply = guide.ask(Session(), "I'm not interested in what worked for other people; I need "
                                 "my own plan")
    assert reply.mode == "coaching" and "?" in reply.text


def test_dont_tell_me_asks_for_coaching_and_is_reflected_grammatically(guide: Guide) -> None:
    reply = guide.ask(Session(), "I don't need you to tell me what to do, I just want to think "
                                 "out loud about my PI")
    assert reply.mode == "coaching"
    assert "You want to find your own way through this" in reply.text
    assert "need you to tell you" not in reply.text


def test_im_done_being_left_off_is_not_a_goodbye(guide: Guide) -> None:
    text = ask(guide, "How should authorship order be agreed on a project with my PI?",
               "I'm done being left off author lists. How do I raise it with my PI?")
    assert "Before we stop" not in text


def test_ok_and_a_step_is_a_step_not_a_goodbye(guide: Guide) -> None:
    text = ask(guide, "I want to get my case report written. I could keep two evenings a week "
                      "for it", "ok I'll begin on Thursday night")
    assert "Before we stop" not in text and "Thursday night" in text


def test_a_mentor_gets_mentor_side_advice(guide: Guide) -> None:
    reply = guide.ask(Session(), "We set goals at our first meeting but my mentee hasn't "
                                 "touched them since. How do I bring it up?")
    assert reply.mode == "advising" and reply.citations
    assert not re.search(r"\bmentees? (?:should|sets?|sends?|must)\b", reply.text, re.I)


def test_a_practice_line_is_coached_as_practice(guide: Guide) -> None:
    reply = guide.ask(Session(), "Hi Dr. Patel, I really admire your work on heart failure "
                                 "clinics and I was wondering if you would consider being my "
                                 "mentor.")
    assert reply.mode == "coaching"
    assert "Dr. Patel" in reply.text and "What is happening now" not in reply.text


def test_a_request_to_practise_is_followed_by_practice(guide: Guide) -> None:
    session = Session()
    invite = guide.ask(session, "I want to ask Dr. Patel to be my mentor but I'm nervous. Can I "
                                "practise asking her?").text
    assert "Let's practise" in invite
    line = guide.ask(session, "Hi Dr. Patel, would you consider mentoring me this year?").text
    assert line.startswith("[Rehearsal: Dr. Patel]") and "?" in line
    assert "end of the rehearsal" in guide.ask(session, "stop practising").text


def test_a_short_follow_up_takes_its_scope_from_the_conversation(guide: Guide) -> None:
    session = Session()
    guide.ask(session, "My mentee keeps missing our meetings. What should I do?")
    assert not guide.ask(session, "What if it happens again next month?").out_of_scope
    session = Session()
    assert guide.ask(session, "What dose of amoxicillin should I give a child?").out_of_scope
    assert guide.ask(session, "And for an adult?").out_of_scope


def test_a_real_goodbye_closes_and_the_terminal_chat_ends_there(guide: Guide) -> None:
    session = Session()
    guide.ask(session, "How often should mentors and mentees meet?")
    assert "Before we stop" not in guide.ask(session, "Thanks, that helps. What about when she "
                                                      "cancels again?").text
    assert "Before we stop" in guide.ask(session, "Great, that's all for today.").text
    assert session.extras.get("closed")


def test_the_speaker_shown_once_is_kept(guide: Guide) -> None:
    session = Session()
    guide.ask(session, "My mentee keeps missing our meetings. What should I do?")
    assert session.extras["speaker"] == "mentor"


def test_the_message_is_embedded_once_per_turn(guide: Guide, monkeypatch) -> None:
    embedder = guide.embedder
    encoded: list[str] = []
    real = type(embedder)._encode

    def spy(self, texts, *, bulk):
        encoded.extend(texts)
        return real(self, texts, bulk=bulk)

    monkeypatch.setattr(type(embedder), "_encode", spy)
    message = "How should a mentee prepare for a mid-year review with a new mentor, exactly?"
    guide.ask(Session(), message)
    assert encoded.count(message) == 1


@pytest.mark.parametrize(
    ("message", "command"),
    [
        ("Just tell me how to write the email.", "advice"),
        ("I don't want you to just tell me the answer.", None),
        ("Please don't just tell me what to do.", "coaching"),
        ("Coach me: I want to speak up more.", "coaching"),
        ("Don't ask me questions, just give me the answer.", "advice"),
        ("In your experience, does group mentoring work?", "mentoring"),
        ("Switch back to coaching, please.", "coaching"),
        ("What should a first email to a mentor say?", None),
    ],
)
def test_commands_are_rules_and_their_negations_are_not_commands(message, command) -> None:
    assert command_in(message) == command


SITUATION = "I'm torn between a research track and staying clinical next year."


def _reading(guidance: dict[str, float], kind: str = "situation") -> Reading:
    top = max(guidance, key=guidance.__getitem__)
    return Reading(SITUATION, Judged(top, guidance[top], guidance), Judged(kind, 0.9),
                   Judged("mentoring", 0.95), Judged("unknown", 0.9), None, frozenset(),
                   SITUATION)


def test_an_undecided_reading_asks_which_guidance_rather_than_guessing() -> None:
    undecided = _reading({"advice": 0.4, "coaching": 0.35, "mentoring": 0.05, "none": 0.2})
    plan = plan_turn(TurnInput(undecided, Session(), None, []))
    assert plan.kind == "clarify" and plan.script == [WHICH_GUIDANCE] and not plan.cites
    clear = _reading({"advice": 0.8, "coaching": 0.1, "mentoring": 0.05, "none": 0.05})
    assert plan_turn(TurnInput(clear, Session(), None, [])).kind != "clarify"
    chosen = plan_turn(TurnInput(undecided, Session(), "coaching", []))
    assert chosen.kind == "answer" and chosen.mode == "coaching"
    # A question is answered: asking which guidance would only delay the answer.
    question = _reading({"advice": 0.4, "coaching": 0.35, "mentoring": 0.05, "none": 0.2},
                        kind="question")
    assert plan_turn(TurnInput(question, Session(), None, [])).kind != "clarify"


def test_no_policy_step_keeps_a_cue_regex_for_what_the_reader_answers() -> None:
    probes = ["Just tell me what to do", "Coach me through it", "In your experience, what works?",
              "What dose of amoxicillin for a child?", "What is the differential diagnosis?",
              "Goodbye, that's all for today", "Can you help me set a SMART goal?",
              "I'm a mentor and my mentee keeps cancelling", "Hello there"]
    # A pattern that matches plain prose too is a tokenizer, not a cue.
    control = "the committee meets in the library on thursdays"
    found = []
    for info in pkgutil.iter_modules(assistant.guidance.__path__):
        if info.name == "reflect":
            continue  # it rewrites the learner's words into a reflection; it decides nothing
        module = importlib.import_module(f"assistant.guidance.{info.name}")
        for name, value in vars(module).items():
            patterns = value if isinstance(value, list | tuple) else [value]
            for pattern in patterns:
                pattern = pattern[1] if isinstance(pattern, tuple) else pattern
                if isinstance(pattern, re.Pattern) and not pattern.search(control):
                    found += [f"{info.name}.{name}: {p}" for p in probes if pattern.search(p)]
    assert not found


@pytest.mark.parametrize("split", HELDOUT, ids=lambda path: path.stem)
def test_heldout_split_meets_its_floors(reader: Reader, split: Path) -> None:
    held = yaml.safe_load(split.read_text(encoding="utf-8"))
    for name, floor in HELDOUT_FLOORS.items():
        recalls = []
        for label, texts in held[name].items():
            readings = [reader.read(text) for text in texts]
            if name == "scope":
                said = ["clinical" if r.clinical else "mentoring" for r in readings]
            else:
                said = [getattr(r, name).label for r in readings]
            recalls.append(sum(s == label for s in said) / len(texts))
        assert sum(recalls) / len(recalls) >= floor, (name, recalls)
