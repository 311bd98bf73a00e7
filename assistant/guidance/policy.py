"""The guidance policy: a pipeline of small, deterministic steps that turn a message into a plan.

Each step reads the turn and refines the plan; later capabilities (goal drafting, a safety
pre-check, rehearsal personas) are more steps in :data:`STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from assistant.guidance import goals, grow, reflect, rehearsal, safety
from assistant.guidance.contacts import Contacts, load_contacts
from assistant.guidance.memory import MEMORY, SURE_MOVE, Memory, scale_value
from assistant.guidance.session import Session
from assistant.index.retriever import Hit
from assistant.plan import NOT_COVERED, Mode, Passage, Plan
from assistant.reader.reading import SHORT_FOLLOW_UP, SPEAKER, Guidance, Reading, is_command
from assistant.reader.safety import IN_SAFETY
from assistant.rehearsal.scenarios import ScenarioLibrary
from assistant.text import content_words, shorten

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
#: Asked what others do, in coaching, when the literature holds nothing close to it.
NOTHING_TO_OFFER = ("The program literature doesn't say what others do here, so I won't guess; "
                    "let's start from what you know.")
GLAD_IT_HELPS = "Thank you, I'm glad it helps."
#: After a step told in advising or mentoring: what else the person may want in that mode.
ANYTHING_ELSE_IN = {
    "advising": "Is there anything else you would like a direct answer on?",
    "mentoring": "Is there anything else you would like to hear others' experience of?",
}
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
#: What the guide asks when a person names the guidance they want and nothing else.
_ASK_WHAT = {
    "advising": "What would you like advice on?",
    "mentoring": "Which situation would you like to hear about?",
}
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
    #: The rehearsal scenarios a learner can practise.
    scenarios: ScenarioLibrary = field(default_factory=rehearsal.shipped_library)

    @property
    def message(self) -> str:
        """The user's message (patient identifiers already removed)."""
        return self.reading.message

    @property
    def asked(self) -> Mode | None:
        """The mode the message asks for, if it asks for one (clearly, once the conversation
        has a mode)."""
        midway = self.session.mode is not None
        # Working it through ("I could ask a co-author") asks for nothing unless it says so.
        asked = (self.reading.command if midway and self.tells
                 else self.reading.asks(midway=midway))
        return MODE_FOR[asked] if asked else None

    @property
    def tells(self) -> bool:
        """The message tells rather than asks: statements only, each read clearly as a goal,
        the situation, an obstacle, an option or a step ("I could ask a co-author, or book a
        writing afternoon.")."""
        moves = self.reading.moves
        return ("?" not in self.message and bool(moves)
                and all(m.confidence >= SURE_MOVE for m in moves))


Step = Callable[[Plan, TurnInput], None]
#: Session extras key: the conversation was closed (the terminal chat ends there).
CLOSED = "closed"
#: Session extras key: the guidance the person chose last turn with nothing to give it on yet;
#: what they tell next is answered in it.
CHOSEN = "chosen"
#: A user message of fewer words ("Hi", "stop practising") is left out of the summary.
_SAYS_SOMETHING = 3


def safety_first(plan: Plan, turn: TurnInput) -> None:
    """Distress pre-empts every flow and mode; the conversation stays in safety until the
    person wants to go on."""
    asked = [t.text for t in turn.session.history if t.role == "user" and t.text.strip()]
    safety.safety_first(plan, turn.reading.safety, turn.session.extras.get(IN_SAFETY),
                        turn.contacts, turn.guidance, asked[-1] if asked else None)


def classify(plan: Plan, turn: TurnInput) -> None:
    """Openings, greetings, closings, clinical (out-of-scope) turns and feedback on the guide
    are not answered from the corpus; nor is a message whose guidance the reader cannot tell."""
    for key in (CLOSED, CHOSEN):
        if turn.session.extras.get(key):
            plan.session_updates[key] = None
    if plan.kind != "answer":
        return
    reading, history = turn.reading, turn.session.history
    kind = reading.is_kind
    if not turn.message.strip() or (kind == "greeting" and not history):
        plan.kind = "opening"
        plan.script = [OPENING]
    elif reading.clinical and not (turn.session.extras.get(goals.GOAL_STATUS) in goals.DRAFTING
                                   and kind != "question"):
        # While a goal is being drafted, a statement answers its question ("measure it with a
        # survey at 6 and 12 months"); a clinical question is still declined.
        plan.kind = "out_of_scope"
        plan.script = [DECLINE]
    elif kind == "closing" and history:
        plan.kind = "closing"
        plan.closing = summarise(turn.session)
        plan.script = [f"Before we stop, here is what we covered. {plan.closing}",
                       FEEDBACK_QUESTION]
        plan.session_updates[CLOSED] = True
    elif chosen := _chosen_alone(turn):
        plan.kind, plan.mode = "chosen", chosen
        plan.session_updates[CHOSEN] = chosen
        plan.script = [f"{_WHAT_EACH_MODE_DOES[chosen]} {_ASK_WHAT[chosen]}"]
    elif kind == "feedback_on_guide" and history and not turn.asked:
        # Praise ("thanks, this was helpful") is thanked; only a complaint asks what would help.
        plan.kind = "clarify"
        plan.script = ([THANKS_FOR_FEEDBACK, WHICH_GUIDANCE] if reading.complains
                       else [GLAD_IT_HELPS, *grow.QUESTIONS["anything_else"]])
    elif kind == "feedback_on_guide" and history:
        plan.notices.append(THANKS_FOR_FEEDBACK)
    elif (reading.undecided and not turn.choice and turn.session.mode is None
          and kind == "situation"):
        plan.kind = "clarify"
        plan.script = [WHICH_GUIDANCE]


def _chosen_alone(turn: TurnInput) -> Mode | None:
    """Advice or mentoring, when the message names it and nothing else ("advice please") and
    there is nothing yet to give it on: no topic in the message or before it. (Coaching starts
    from there anyway, by asking what the person wants.)"""
    reading = turn.reading
    earlier = [t.text for t in turn.session.history if t.role == "user"]
    if (turn.choice or reading.command not in ("advice", "mentoring")
            or not is_command(turn.message)
            or not all(is_command(text) or len(content_words(text)) <= 1 for text in earlier)):
        return None
    return MODE_FOR[reading.command]


def read_speaker(plan: Plan, turn: TurnInput) -> None:
    """Who the person speaks as (a mentor asking about a mentee gets mentor-side answers);
    kept in the session once a message shows it."""
    plan.audience = turn.reading.speaking_as
    shown = turn.reading.speaker
    if shown.sure and shown.label not in ("unknown", turn.session.extras.get(SPEAKER)):
        plan.session_updates[SPEAKER] = shown.label


def rehearse(plan: Plan, turn: TurnInput) -> None:
    """A request to practise gets a scenario offered; while rehearsing, the counterpart
    answers in character, "pause" gets a coaching aside and "end" the feedback. Safety
    pre-empts it all: the rehearsal waits until the person goes on."""
    if plan.kind in ("safety", "resume"):
        return
    if plan.kind != "answer" and not turn.session.extras.get(rehearsal.REHEARSAL):
        return
    # Mid-way through coaching, a plain answer ("I'd like us to meet every two weeks again")
    # is not a practice line, whatever it sounds like: only a request to practise is. Nor is
    # a line that speaks to nobody ("Chief is Dr Ferreira, he's fair"): it tells of them.
    answering = turn.reading.kind.label == "practice_line" and (
        (turn.session.mode == "coaching" and turn.tells) or not turn.reading.spoken_to_someone)
    rehearsal.rehearse(plan, turn.reading, turn.session.extras, turn.scenarios, turn.hits,
                       offer=turn.choice in (None, "coaching") and not answering)
    if plan.kind != "closing" and plan.session_updates.get(CLOSED):
        del plan.session_updates[CLOSED]  # an in-character goodbye closes nothing


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
    if plan.kind in ("safety", "rehearsal", "chosen"):
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
    conversation's mode, except that telling one's plans after advice is coached; a new
    question suggests advice, anything else coaching. Midway through a conversation only a
    confident reading counts as a question."""
    previous, kind = turn.session.mode, turn.reading.kind
    if previous is not None and turn.session.extras.get(CHOSEN) == previous:
        return previous  # what the person asked for advice or experience on
    if previous in ("advising", "mentoring") and turn.tells and kind.label != "question":
        return "coaching"  # after an answer, the person works it through: coach them
    question = kind.label == "question" and (kind.sure or previous is None)
    if previous is not None and (not question
                                 or len(turn.message.split()) < SHORT_FOLLOW_UP):
        return previous
    # Neither clinical nor mentoring: answered only if the corpus happens to cover it.
    return "advising" if question or turn.reading.scope.label == "other" else "coaching"


def remember(plan: Plan, turn: TurnInput) -> None:
    """Keep what the learner has said they want, the situation, obstacles, options and the
    step they chose, in their words, whatever the mode (goal drafting keeps its own draft)."""
    if plan.kind != "answer" or plan.flow_lines:
        return
    memory = Memory.of(turn.session.extras)
    if memory.last_asked == "anything_else" and _says(turn, "goal", "situation"):
        memory = Memory()  # a new topic once the last one is wrapped up
    memory.heard(turn.reading.moves, turn.message, turn.today)
    plan.session_updates[MEMORY] = memory.to_dict()


def acknowledge_step(plan: Plan, turn: TurnInput) -> None:
    """In advising or mentoring, a step the person tells ("I'll talk to her after rounds
    tomorrow") is theirs to take: it is acknowledged, not answered with more literature."""
    if (plan.kind != "answer" or plan.mode not in ANYTHING_ELSE_IN or plan.flow_lines
            or not turn.tells or not _says(turn, "commitment")):
        return
    memory = Memory.of(plan.session_updates)
    said = sum(1 for t in turn.session.history if t.role == "user")
    step = reflect.reflect_move("commitment", turn.message, when=memory.when, turn=said)
    plan.kind = "clarify"
    plan.script = [*([step.text] if step else []), ANYTHING_ELSE_IN[plan.mode]]


def coach(plan: Plan, turn: TurnInput) -> None:
    """In coaching: reflect what the learner said and ask for what the conversation still
    needs; at the Options stage, offer options from the literature when it has them."""
    if plan.mode != "coaching" or plan.kind != "answer" or plan.flow_lines:
        return
    memory = Memory.of(plan.session_updates)
    stuck = _says(turn, "unsure")
    # Asked what others do ("what do people usually ask for here?"), coaching offers what the
    # literature holds, as coaching with wisdom; a learner with no idea yet stays on options.
    wants_knowledge = (turn.reading.asked in ("advice", "mentoring")
                       and turn.reading.is_kind == "question")
    need = grow.next_need(memory)
    if (stuck or wants_knowledge) and need == "will" and not memory.options:
        need = "options"
    plan.grow_stage = grow.NEEDS[need]
    plan.reflection = _reflection(turn, memory)
    question = grow.question_for(need, memory, stuck=stuck or wants_knowledge)
    plan.questions = [question]
    weighing = (need == "options" or stuck or wants_knowledge
                or (need == "will" and _says(turn, "option")))
    if weighing and (wants_knowledge or not memory.offered) and _has_options(turn.hits):
        plan.wisdom = (grow.OFFERED_AGAIN if memory.offered else
                       grow.OFFERED_WITH_OWN if memory.options else grow.OFFERED)
        memory.offered = True
    elif wants_knowledge and not memory.offered:
        plan.notices.append(NOTHING_TO_OFFER)
    memory.asked.append(need)
    memory.questions.append(question)
    plan.session_updates[MEMORY] = memory.to_dict()


def _says(turn: TurnInput, *labels: str) -> bool:
    return any(m.label in labels and m.confidence >= SURE_MOVE for m in turn.reading.moves)


#: A passage sentence this close to the message may be offered as an option (coaching with
#: wisdom); below it the literature has nothing on the learner's situation.
WISDOM_FROM = 0.45


def _has_options(hits: list[Hit]) -> bool:
    return sum(1 for hit in hits for s in hit.sentences if s.similarity >= WISDOM_FROM) >= 2


def _reflection(turn: TurnInput, memory: Memory) -> str | None:
    """One reflection: a feeling or value not yet named (complex), else what the message adds
    to the plan (an option, a step), else its key content (simple)."""
    said = [t.text for t in turn.session.history if t.role == "user"]
    if turn.reading.is_kind in ("thanks_continue", "greeting", "closing"):
        return None  # "yes that helps, thanks" is not reflected back
    if memory.last_asked == "confidence" and memory.confidence:
        score = scale_value(memory.confidence)  # kept only when the answer has one
        if score is not None:
            return reflect.reflect_scale(score)
    feeling = reflect.feeling_of(turn.message)
    if feeling and feeling not in memory.felt:
        memory.felt.append(feeling)
        found = reflect.reflect_turn(turn.message, turn=len(said), about=" ".join(said))
        return found.text if found else None
    for label in ("commitment", "option", "unsure"):
        if _says(turn, label):
            move = reflect.reflect_move(label, turn.message, when=memory.when, turn=len(said))
            return move.text if move else None
    return reflect.reflect(turn.message, turn=len(said), concern=turn.reading.concern)


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
                     remember, acknowledge_step, coach, attach_passages]


def plan_turn(turn: TurnInput, steps: list[Step] | None = None) -> Plan:
    """Run the policy steps and return the plan for this turn."""
    plan = Plan(message=turn.message, mode=turn.session.mode or "coaching",
                history=list(turn.session.history))
    for step in steps or STEPS:
        step(plan, turn)
    return plan


def summarise(session: Session) -> str:
    """A short summary of the conversation for the closing turn, in the learner's own words:
    what they wanted or asked, where things stand, the options weighed, the step they chose,
    and the guidance given (a greeting or a command of a word or two says nothing worth
    summing up, and the welcome gives no guidance)."""
    memory = Memory.of(session.extras)
    history = session.history
    said = [(" ".join(t.text.split()), reply.mode)
            for t, reply in zip(history[::2], history[1::2], strict=False)]
    said = [(text, mode) for text, mode in said if len(text.split()) >= _SAYS_SOMETHING]
    asked = [text for text, _ in said]
    modes = list(dict.fromkeys(mode for _, mode in said if mode in _GIVEN))
    parts = []
    where = [*memory.situation, *memory.obstacles][:2]
    if memory.goal:
        parts.append(_brought("What you wanted", memory.goal[0]))
    elif asked and not where:
        parts.append(_brought("You came with this", asked[0]))
    if where:
        parts.append("Where things stand: " + " ".join(_quoted(text) for text in where))
    if memory.options:
        parts.append("Options you weighed: " + " ".join(_quoted(t) for t in memory.options[:2]))
    if memory.commitment:
        parts.append(f"Your next step: {_quoted(memory.commitment[-1])}")
    elif len(asked) > 1 and not where:
        parts.append(_brought("Your last thoughts were", asked[-1], asking="Then you asked"))
    if len(modes) == 1:
        parts.append(f"Throughout, I was {_GIVEN[modes[0]]}.")
    elif modes:
        parts.append(f"Along the way I was {_join([_GIVEN[m] for m in modes])}.")
    return " ".join(parts)


#: The guidance each mode gives, as the closing summary names it.
_GIVEN: dict[str | None, str] = {
    "advising": "advising", "coaching": "coaching", "mentoring": "mentoring",
    "rehearsal": "playing the other person in a rehearsal",
}


def _brought(telling: str, text: str, *, asking: str = "You asked") -> str:
    """``text`` quoted after ``telling``, or after ``asking`` when it is a question."""
    return f"{asking if text.rstrip().endswith('?') else telling}: {_quoted(text)}"


def _quoted(text: str) -> str:
    """``text`` shortened and quoted as a sentence of its own (a full stop only if it has none)."""
    short = shorten(text)
    return f'"{short}"' + ("" if short.endswith((".", "?", "!", "...")) else ".")


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
