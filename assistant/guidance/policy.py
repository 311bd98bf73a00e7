"""The guidance policy: a pipeline of small, deterministic steps that turn a message into a plan.

Each step reads the turn and refines the plan; later capabilities (goal drafting, a safety
pre-check, rehearsal personas) are more steps in :data:`STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from assistant.guidance import goals, grow, practice, reflect, safety
from assistant.guidance.contacts import Contacts, load_contacts
from assistant.guidance.session import Session
from assistant.index.retriever import Hit
from assistant.plan import NOT_COVERED, Mode, Passage, Plan
from assistant.reader.reading import SHORT_FOLLOW_UP, SPEAKER, Guidance, Reading
from assistant.text import shorten

OPENING = (
    "Welcome. Before we start, what kind of guidance would help most today: quick advice "
    "(a direct answer), coaching (I ask questions and you find your own way), or mentoring "
    "(what mentors and mentees in our program literature report)? And what would you like to "
    "have by the end of this conversation?"
)
DECLINE = (
    "That is a clinical question, and I don't answer questions about patient care, doses or "
    "diagnoses. Please use your clinical references and ask your supervising clinician or "
    "pharmacist. I'm here for the mentoring side of your work: asking someone to mentor you, "
    "setting goals, preparing a difficult conversation, or handling a mentoring relationship. "
    "What would you like to work on?"
)
#: When the reader cannot tell which guidance is wanted, the guide asks rather than guesses.
WHICH_GUIDANCE = (
    "I can help with this in more than one way, and I'd rather ask than guess: would a direct "
    "answer from the program literature help most, coaching (I ask questions and you find your "
    "own way), or what mentors and mentees in our literature report?"
)
THANKS_FOR_FEEDBACK = "Thank you for telling me how this is going; it helps me get it right."
FEEDBACK_QUESTION = (
    "How did this conversation go for you: was the mix of advice, coaching and mentoring what "
    "you needed, and what would make the next one more useful?"
)

_WHAT_EACH_MODE_DOES = {
    "advising": "I'll give you a direct answer from the program literature.",
    "coaching": "you steer, and I'll ask questions.",
    "mentoring": "I'll share what mentors and mentees in our program literature report.",
}
#: The mode each kind of guidance asked for is given in.
MODE_FOR: dict[Guidance, Mode] = {"advice": "advising", "coaching": "coaching",
                                  "mentoring": "mentoring"}
_WHAT_WAS_ASKED = {
    "advising": "a direct answer",
    "coaching": "coaching",
    "mentoring": "others' experience",
}


@dataclass(frozen=True)
class TurnInput:
    """Everything a turn is decided on: the reader's reading of the message (its safety
    finding included), the conversation so far, the guidance setting and what was retrieved."""

    reading: Reading
    session: Session
    choice: Mode | None
    hits: list[Hit]
    today: date = field(default_factory=date.today)
    contacts: Contacts = field(default_factory=lambda: load_contacts(None))
    #: Corpus passages to cite with a safety reply (a reporting route, guidance for mentors).
    guidance: list[Hit] = field(default_factory=list)

    @property
    def message(self) -> str:
        """The user's message (patient identifiers already removed)."""
        return self.reading.message

    @property
    def asked(self) -> Mode | None:
        """The mode the message asks for, if it asks for one (clearly, once the conversation
        has a mode)."""
        asked = self.reading.asks(midway=self.session.mode is not None)
        return MODE_FOR[asked] if asked else None


Step = Callable[[Plan, TurnInput], None]
#: Session extras key: the conversation was closed (the terminal chat ends there).
CLOSED = "closed"
#: A user message of fewer words ("Hi", "stop practising") is left out of the summary.
_SAYS_SOMETHING = 3


def safety_first(plan: Plan, turn: TurnInput) -> None:
    """Distress pre-empts every flow and mode; the conversation stays in safety until the
    person wants to go on."""
    asked = [t.text for t in turn.session.history if t.role == "user" and t.text.strip()]
    safety.safety_first(plan, turn.reading.safety, turn.session.extras.get("safety"),
                        turn.contacts, turn.guidance, asked[-1] if asked else None)


def classify(plan: Plan, turn: TurnInput) -> None:
    """Openings, greetings, closings, clinical (out-of-scope) turns and feedback on the guide
    are not answered from the corpus; nor is a message whose guidance the reader cannot tell."""
    if turn.session.extras.get(CLOSED):
        plan.session_updates[CLOSED] = None
    if plan.kind != "answer":
        return
    reading, history = turn.reading, turn.session.history
    kind = reading.is_kind
    if not turn.message.strip() or (kind == "greeting" and not history):
        plan.kind = "opening"
        plan.script = [OPENING]
    elif reading.clinical:
        plan.kind = "out_of_scope"
        plan.script = [DECLINE]
    elif kind == "closing" and history:
        plan.kind = "closing"
        plan.closing = summarise(turn.session)
        plan.script = [f"Before we stop, here is what we covered. {plan.closing}",
                       FEEDBACK_QUESTION]
        plan.session_updates[CLOSED] = True
    elif kind == "feedback_on_guide" and history and not turn.asked:
        plan.kind = "clarify"
        plan.script = [THANKS_FOR_FEEDBACK, WHICH_GUIDANCE]
    elif kind == "feedback_on_guide" and history:
        plan.notices.append(THANKS_FOR_FEEDBACK)
    elif (reading.undecided and not turn.choice and turn.session.mode is None
          and kind == "situation"):
        plan.kind = "clarify"
        plan.script = [WHICH_GUIDANCE]


def read_speaker(plan: Plan, turn: TurnInput) -> None:
    """Who the person speaks as (a mentor asking about a mentee gets mentor-side answers);
    kept in the session once a message shows it."""
    plan.audience = turn.reading.speaking_as
    shown = turn.reading.speaker
    if shown.sure and shown.label not in ("unknown", turn.session.extras.get(SPEAKER)):
        plan.session_updates[SPEAKER] = shown.label


def rehearse(plan: Plan, turn: TurnInput) -> None:
    """A request to practise a conversation, or a practice line, is coached as practice."""
    if plan.kind != "answer" or turn.choice not in (None, "coaching"):
        return
    step = practice.practice_step(turn.reading, turn.session.extras)
    if step is not None:
        plan.flow_lines = step.lines or []
        plan.session_updates.update(step.updates)


def draft_goal(plan: Plan, turn: TurnInput) -> None:
    """Goal drafting takes over the coaching turn while a SMART goal is being shaped."""
    if plan.kind != "answer" or turn.choice not in (None, "coaching") or plan.flow_lines:
        return
    step = goals.goal_step(turn.reading, turn.session.extras, turn.today)
    if step is not None:
        plan.flow_lines = step.lines or []
        plan.session_updates.update(step.updates)


def choose_mode(plan: Plan, turn: TurnInput) -> None:
    """The user's explicit choice wins; else what the message asks for, else what it is (a
    situation told suggests coaching, a question advice); say so when switching."""
    previous = turn.session.mode
    if plan.kind == "safety":
        return
    if plan.kind != "answer":
        # Openings, closings and declines keep the conversation's mode: no silent switch.
        plan.mode = turn.choice or previous or ("advising" if plan.kind == "out_of_scope"
                                                else "coaching")
        return
    asked = turn.asked
    plan.mode = turn.choice or ("coaching" if plan.flow_lines else asked or _inferred(turn))
    if turn.choice and asked and asked != turn.choice:
        plan.notices.append(
            f"You chose {turn.choice} in the guidance setting, so I'm staying with "
            f"{turn.choice}, although you asked for {_WHAT_WAS_ASKED[asked]}; switch the "
            f"setting to Auto or {asked.capitalize()} for that."
        )
    if previous and plan.mode != previous:
        plan.switched_from = previous
        plan.notices.insert(
            0, f"I'm switching to {plan.mode} now: {_WHAT_EACH_MODE_DOES[plan.mode]}"
        )


def _inferred(turn: TurnInput) -> Mode:
    """The mode for a message that asks for none: answers and short follow-ups keep the
    conversation's mode; a new question suggests advice, anything else coaching. Midway
    through a conversation only a confident reading counts as a question."""
    previous, kind = turn.session.mode, turn.reading.kind
    question = kind.label == "question" and (kind.sure or previous is None)
    if previous is not None and (not question
                                 or len(turn.message.split()) < SHORT_FOLLOW_UP):
        return previous
    # Neither clinical nor mentoring: answered only if the corpus happens to cover it.
    return "advising" if question or turn.reading.scope.label == "other" else "coaching"


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
    plan.passages = [Passage(i, hit.chunk, hit.score, hit.sentences)
                     for i, hit in enumerate(turn.hits, 1)]
    plan.topic = turn.reading.topic
    if not plan.passages and plan.mode != "coaching":
        plan.kind = "not_covered"
        plan.script = [NOT_COVERED]


STEPS: list[Step] = [safety_first, classify, read_speaker, rehearse, draft_goal, choose_mode,
                     coach, attach_passages]


def plan_turn(turn: TurnInput, steps: list[Step] | None = None) -> Plan:
    """Run the policy steps and return the plan for this turn."""
    plan = Plan(message=turn.message, mode=turn.session.mode or "coaching",
                history=list(turn.session.history))
    for step in steps or STEPS:
        step(plan, turn)
    return plan


def summarise(session: Session) -> str:
    """A short summary of the conversation, for the closing turn (a greeting or a command of
    a word or two says nothing worth summing up)."""
    asked = [" ".join(t.text.split()) for t in session.history if t.role == "user"]
    asked = [text for text in asked if len(text.split()) >= _SAYS_SOMETHING]
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
