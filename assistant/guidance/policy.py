"""The guidance policy: a pipeline of small, deterministic steps that turn a message into a plan.

Each step reads the turn and refines the plan; later capabilities (goal drafting, a safety
pre-check, rehearsal personas) are more steps in :data:`STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from assistant.guidance import goals, grow, reflect, safety, scope
from assistant.guidance.contacts import Contacts, load_contacts
from assistant.guidance.cues import read_mode
from assistant.guidance.session import Session
from assistant.index.retriever import Hit
from assistant.plan import NOT_COVERED, Mode, Passage, Plan
from assistant.reader.safety import SafetyFinding
from assistant.text import shorten

OPENING = (
    "Welcome. Before we start, what kind of guidance would help most today: quick advice "
    "(a direct answer), coaching (I ask questions and you find your own way), or mentoring "
    "(what mentors and mentees in our program literature report)? And what would you like to "
    "have by the end of this conversation?"
)
FEEDBACK_QUESTION = (
    "How did this conversation go for you: was the mix of advice, coaching and mentoring what "
    "you needed, and what would make the next one more useful?"
)

_WHAT_EACH_MODE_DOES = {
    "advising": "I'll give you a direct answer from the program literature.",
    "coaching": "you steer, and I'll ask questions.",
    "mentoring": "I'll share what mentors and mentees in our program literature report.",
}
_WHAT_WAS_ASKED = {
    "advising": "a direct answer",
    "coaching": "coaching",
    "mentoring": "others' experience",
}


@dataclass(frozen=True)
class TurnInput:
    """Everything a turn is decided on."""

    message: str
    session: Session
    choice: Mode | None
    hits: list[Hit]
    today: date = field(default_factory=date.today)
    #: What the safety check found in this message, if anything.
    safety: SafetyFinding | None = None
    contacts: Contacts = field(default_factory=lambda: load_contacts(None))
    #: Corpus passages to cite with a safety reply (a reporting route, guidance for mentors).
    guidance: list[Hit] = field(default_factory=list)


Step = Callable[[Plan, TurnInput], None]


def safety_first(plan: Plan, turn: TurnInput) -> None:
    """Distress pre-empts every flow and mode; the conversation stays in safety until the
    person wants to go on."""
    asked = [t.text for t in turn.session.history if t.role == "user" and t.text.strip()]
    safety.safety_first(plan, turn.safety, turn.session.extras.get("safety"), turn.contacts,
                        turn.guidance, asked[-1] if asked else None)


def choose_mode(plan: Plan, turn: TurnInput) -> None:
    """The user's explicit choice wins; else cues, else inference; say so when switching."""
    previous = turn.session.mode
    if plan.kind == "safety":
        return
    if plan.kind != "answer":
        # Openings, closings and declines keep the conversation's mode: no silent switch.
        plan.mode = turn.choice or previous or ("advising" if plan.kind == "out_of_scope"
                                                else "coaching")
        return
    cue = read_mode(turn.message, previous)
    plan.mode = turn.choice or ("coaching" if plan.flow_lines else cue.mode)
    if turn.choice and cue.explicit and cue.mode != turn.choice:
        plan.notices.append(
            f"You chose {turn.choice} in the guidance setting, so I'm staying with "
            f"{turn.choice}, although you asked for {_WHAT_WAS_ASKED[cue.mode]}; switch the "
            f"setting to Auto or {cue.mode.capitalize()} for that."
        )
    if previous and plan.mode != previous:
        plan.switched_from = previous
        plan.notices.insert(
            0, f"I'm switching to {plan.mode} now: {_WHAT_EACH_MODE_DOES[plan.mode]}"
        )


def classify(plan: Plan, turn: TurnInput) -> None:
    """Opening, closing and clinical (out-of-scope) turns are not answered from the corpus."""
    if plan.kind != "answer":
        return
    if not turn.message.strip():
        plan.kind = "opening"
        plan.script = [OPENING]
    elif scope.is_clinical(turn.message):
        plan.kind = "out_of_scope"
        plan.script = [scope.DECLINE]
    elif scope.is_closing(turn.message) and turn.session.history:
        plan.kind = "closing"
        plan.closing = summarise(turn.session)
        plan.script = [f"Before we stop, here is what we covered. {plan.closing}",
                       FEEDBACK_QUESTION]


def draft_goal(plan: Plan, turn: TurnInput) -> None:
    """Goal drafting takes over the coaching turn while a SMART goal is being shaped."""
    if plan.kind != "answer" or turn.choice not in (None, "coaching"):
        return
    step = goals.goal_step(turn.message, turn.session.extras, turn.today)
    if step is not None:
        plan.flow_lines = step.lines or []
        plan.session_updates.update(step.updates)


def coach(plan: Plan, turn: TurnInput) -> None:
    """In coaching: reflect the learner's words and ask the next GROW question."""
    if plan.mode != "coaching" or plan.kind != "answer" or plan.flow_lines:
        return
    restarting = turn.session.mode != "coaching"
    plan.grow_stage = grow.next_stage(None if restarting else turn.session.grow_stage,
                                      turn.message)
    plan.reflection = reflect.reflect(turn.message)
    plan.questions = grow.questions_for(plan.grow_stage, reflect.topic(turn.message))


def attach_passages(plan: Plan, turn: TurnInput) -> None:
    """Number the retrieved passages; advice or experience with nothing retrieved is declined."""
    if plan.kind != "answer":
        return
    plan.passages = [Passage(i, hit.chunk, hit.score) for i, hit in enumerate(turn.hits, 1)]
    if not plan.passages and plan.mode != "coaching":
        plan.kind = "not_covered"
        plan.script = [NOT_COVERED]


STEPS: list[Step] = [safety_first, classify, draft_goal, choose_mode, coach, attach_passages]


def plan_turn(turn: TurnInput, steps: list[Step] | None = None) -> Plan:
    """Run the policy steps and return the plan for this turn."""
    plan = Plan(message=turn.message, mode=turn.session.mode or "coaching",
                history=list(turn.session.history))
    for step in steps or STEPS:
        step(plan, turn)
    return plan


def summarise(session: Session) -> str:
    """A short summary of the conversation, for the closing turn."""
    asked = [" ".join(t.text.split()) for t in session.history if t.role == "user"]
    asked = [text for text in asked if text]
    modes = list(dict.fromkeys(t.mode for t in session.history if t.mode and t.mode != "safety"))
    parts = []
    if asked:
        parts.append(f"You came with this: {_quoted(asked[0])}")
    if len(asked) > 1:
        parts.append(f"Your last thoughts were: {_quoted(asked[-1])}")
    if modes:
        parts.append(f"Along the way I was {_join(list(modes))}.")
    return " ".join(parts)


def _quoted(text: str) -> str:
    """``text`` shortened and quoted as a sentence of its own (a full stop only if it has none)."""
    short = shorten(text)
    return f'"{short}"' + ("" if short.endswith((".", "?", "!", "...")) else ".")


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
