"""Goal drafting in conversation: a policy step that walks the SMART criteria one open
question at a time, keeps the draft in the session, and asks the learner to confirm it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from assistant.guidance import grow
from assistant.guidance.memory import score_only, time_in
from assistant.guidance.reflect import reflect_move, reflect_scale
from assistant.reader.reading import Reading
from assistant.smart import CRITERIA, GoalDraft, Status
from assistant.smart.clauses import without_lead_in
from assistant.smart.dates import format_date
from assistant.text import bare_reply

#: Session extras keys.
GOAL = "goal"
GOAL_STATUS = "goal_status"
#: The statuses of a draft under way: each message is read as an answer to it.
DRAFTING = ("awaiting_goal", "drafting", "checking_deadline", "confirming", "first_step")
#: What the last drafting question asked for: a criterion, or the goal in the learner's own
#: words (:data:`OWN_WORDS`).
GOAL_ASKED = "goal_asked"
OWN_WORDS = "own_words"
#: The deadline the learner has confirmed as realistic (ISO date).
DEADLINE_CHECKED = "deadline_checked"
#: A deadline closer than this is checked with the learner before the statement is kept.
SOON = timedelta(weeks=6)

_GOAL_TEXT = re.compile(
    r"[\"\u201c'](?P<quoted>[^\"\u201d']{12,})[\"\u201d']|"
    r"\b(?:my goal (?:is|would be)(?: to)?|a goal (?:to|of|around|about|on)|goal\b[^:\n.?]{0,40}:|"
    r"(?:a|my|our) (?:smart )?goal for (?=\w+ing\b)|"
    r"i want(?: to)?|i would like to|"
    r"i'd like to|i will|i plan to|i hope to)\s+(?P<goal>.+)",
    re.IGNORECASE,
)
# Dropping a draft is a command, so a rule; whether a message asks for a goal at all is the
# reader's to say.
_NO = re.compile(r"^\W*(?:no|nope|not really|probably not|unrealistic)\b|\btoo (?:soon|tight)\b",
                 re.IGNORECASE)
_STOP = re.compile(
    r"\b(?:stop|cancel|forget|drop|park)\b[^.?!]*\bgoal\b|something else|another topic",
    re.IGNORECASE,
)
#: Drafting takes over only when the message plainly asks for a goal ("Help me set a SMART
#: goal", "My goal is to ... by June"); a wish such as "I want to get better at teaching" is
#: coached from the Goal stage instead.
DRAFT_FROM = 0.8
#: How the checklist marks each criterion status.
MARKS: dict[Status, str] = {"present": "\u2713", "missing": "\u2717", "unclear": "\u25cb"}

ASK_FOR_GOAL = "What is the goal you have in mind, in your own words?"
CONFIRM = (
    'Does that say what you mean? Reply "yes" to keep it, or tell me what to change; I won\'t '
    "save a goal you haven't agreed to."
)
LATER_DATE = "What date would be realistic for it?"
IN_OWN_WORDS = "I'd rather the goal were in your own words, so I'll wait for them."
IN_ONE_SENTENCE = ("How would you put the whole goal in one sentence: what you will do, how "
                   "you will know, and by when?")
#: What each answered criterion adds to the draft, named rather than quoted back.
_ADDED = {"specific": "what you will do", "measurable": "how you will know",
          "attainable": "what it will take", "relevant": "why it matters",
          "time_bound": "by when"}
FIRST_STEP = "What is the first step you will take, and by when?"
#: A thanks in place of a first step: the goal stays saved and the step can come later.
SAVED_THANKS = ("Glad that helped. Your goal is saved, and you can add a first step whenever "
                "you are ready.")
#: A score given where the first step was asked for: the step that keeps or raises it.
KEEP_IT = "What first step would keep it that way, and when will you take it?"
TOWARDS_TEN = "What first step would take it closer to a 10, and when will you take it?"
#: A second reply that gives no goal where one was asked for: the draft waits.
KEPT_FOR_LATER = ("I'll keep the draft as it is, and we can put it in one sentence whenever "
                  "you are ready.")
#: An answer that leaves the statement as it was, where it was asked to be confirmed.
KEPT_STATEMENT = 'That leaves the statement as it was: "{statement}"'
CHANGED_STATEMENT = 'Here is the statement with that change: "{statement}"'
WHAT_TO_CHANGE = ("What would you change in it: what you will do, how you will know, the date "
                  "or the reason?")
CONFIRM_AGAIN = 'Is it right as it stands? Reply "yes" to keep it, or tell me what to change in it.'
COMMITMENT = (
    "On a scale of 1 to 10, how committed are you to that step, and what would make it a 10?"
)


def checklist(draft: GoalDraft) -> str:
    """The five criteria on one line: ``✓ specific, ✗ measurable, ○ attainable, ...``."""
    marks = [f"{MARKS[draft.report.criterion(n).status]} {n.replace('_', '-')}" for n in CRITERIA]
    return "Checklist: " + ", ".join(marks) + "."


def current_goal(extras: dict[str, Any]) -> GoalDraft | None:
    """The goal draft kept in a session's extras, if any."""
    data = extras.get(GOAL)
    return GoalDraft.from_dict(data) if data else None


@dataclass(frozen=True)
class GoalTurn:
    """What goal drafting does this turn: the coaching lines to say (None: not a goal turn)
    and the session updates to keep."""

    lines: list[str] | None
    updates: dict[str, Any]


def goal_step(reading: Reading, extras: dict[str, Any], today: date) -> GoalTurn | None:
    """Goal drafting for this message, or None when the turn has nothing to do with a goal."""
    message = reading.message
    status = extras.get(GOAL_STATUS)
    if status in DRAFTING:
        if _STOP.search(message):
            return GoalTurn(["We can come back to the goal whenever you like.",
                             "What would you like to turn to now?"], {GOAL_STATUS: "parked"})
        if reading.asks(midway=True) not in (None, "coaching"):
            return GoalTurn(None, {GOAL_STATUS: "parked"})  # asked for another kind of help
        if status == "first_step" and reading.is_kind in ("closing", "thanks_continue"):
            # A goodbye is answered by the chat; a thanks hears that the goal is saved.
            thanks = [SAVED_THANKS, *grow.QUESTIONS["anything_else"]]
            return GoalTurn(thanks if reading.is_kind == "thanks_continue" else None,
                            {GOAL_STATUS: "confirmed"})
        return _continue(message, extras, status, today)
    if reading.kind.label != "goal_request" or reading.kind.confidence < DRAFT_FROM:
        return None
    stated = _GOAL_TEXT.search(message)
    goal = stated and without_lead_in(stated.group("quoted") or stated.group(0))
    if not goal or len(goal.split()) < 3:
        # The request said back would only parrot it.
        return GoalTurn(["Let's shape a goal together.", "We'll take it one question at a time.",
                         ASK_FOR_GOAL],
                        {GOAL_STATUS: "awaiting_goal", GOAL: None, GOAL_ASKED: None})
    return _drafted(GoalDraft.start(goal, today=today), extras, today)


def _continue(message: str, extras: dict[str, Any], status: str, today: date) -> GoalTurn:
    draft = current_goal(extras)
    score = score_only(message)
    if status == "awaiting_goal":
        if bare_reply(message) or score is not None:
            return _still_awaited(draft, extras, score)
        if draft is None:
            return _drafted(GoalDraft.start(without_lead_in(message), today=today), extras,
                            today)
        # The goal in one sentence, after every question: it completes the draft, and a reply
        # that adds nothing to it leaves the draft as it was.
        completed = draft.update(message, today=today)
        if completed.report == draft.report:
            return _still_awaited(draft, extras, score)
        return _drafted(completed, extras, today)
    assert draft is not None
    if status == "first_step" and score is not None:
        # The commitment answered before the step was given: the step is still to come.
        towards = KEEP_IT if score >= 8 else TOWARDS_TEN
        return GoalTurn([reflect_scale(score), towards], {GOAL_STATUS: status})
    if status == "first_step":
        draft = draft.with_first_steps(*draft.first_steps, message)
        step = reflect_move("commitment", message, when=time_in(message, today))
        return GoalTurn([step.text if step else "That is your first step.", COMMITMENT],
                        {GOAL: draft.to_dict(), GOAL_STATUS: "confirmed"})
    if status == "checking_deadline":
        assert draft.deadline is not None
        changed = draft.redated(message, today=today)
        if changed.deadline != draft.deadline:
            return _drafted(changed, extras, today)
        if _NO.search(message):
            return GoalTurn([LATER_DATE], {GOAL_STATUS: "checking_deadline"})
        # Kept as realistic; anything else the reply says ("why it matters: ...") still counts.
        updates = {DEADLINE_CHECKED: draft.deadline.isoformat()}
        return _drafted(draft.update(message, today=today), extras | updates, today, updates)
    if status == "confirming" and bare_reply(message) == "agrees":
        return GoalTurn(
            [f"Your goal is saved: {draft.statement}",
             "You can export it as Markdown, or as calendar reminders for the check-ins.",
             FIRST_STEP],
            {GOAL_STATUS: "first_step"},
        )
    if status == "confirming" and bare_reply(message) == "passes":
        return GoalTurn([WHAT_TO_CHANGE], {GOAL_STATUS: status})
    return _drafted(draft.update(message, today=today), extras, today)


def _drafted(draft: GoalDraft, extras: dict[str, Any], today: date,
             updates: dict[str, Any] | None = None) -> GoalTurn:
    if draft.next_criterion() is not None and draft.next_criterion() == extras.get(GOAL_ASKED):
        draft = draft.passed_on()
    updates = {**(updates or {}), GOAL: draft.to_dict(), GOAL_ASKED: draft.next_criterion()}
    status, before = _status(draft), current_goal(extras)
    if before is not None and status == extras.get(GOAL_STATUS) == "awaiting_goal":
        # The one sentence was asked for already: say what this answer added, not it again.
        return GoalTurn([_noted(before, draft), _start_from(draft)],
                        updates | {GOAL_STATUS: status, GOAL_ASKED: OWN_WORDS})
    if before is not None and status == extras.get(GOAL_STATUS) == "confirming":
        said = KEPT_STATEMENT if before.statement == draft.statement else CHANGED_STATEMENT
        return GoalTurn([said.format(statement=draft.statement), CONFIRM_AGAIN],
                        updates | {GOAL_STATUS: status})
    if status == "confirming" and _too_soon(draft, extras, today):
        assert draft.deadline is not None
        days = (draft.deadline - today).days
        return GoalTurn(
            [f'Here is your goal as one statement: "{draft.statement}"',
             f"That deadline is {days} days away ({format_date(draft.deadline)}). Is that "
             "realistic for this goal, or would a later date work better?"],
            updates | {GOAL_STATUS: "checking_deadline"})
    lines = _drafting_lines(draft)
    if before is not None and status == "drafting" and lines[0] == _so_far(before):
        lines[0] = _noted(before, draft)  # the same goal so far again would be a parrot
    return GoalTurn(lines, updates | {GOAL_STATUS: status})


def _still_awaited(draft: GoalDraft | None, extras: dict[str, Any],
                   score: int | None) -> GoalTurn:
    """A "yes", "not sure" or a score where the goal itself was asked for: nothing is drafted
    from it, and the learner gets a start to finish in their own words. Asked once already,
    the guide does not say it again: the draft is kept for later."""
    heard = [reflect_scale(score)] if score is not None else []
    if extras.get(GOAL_ASKED) == OWN_WORDS:
        return GoalTurn([*heard, KEPT_FOR_LATER, *grow.QUESTIONS["anything_else"]],
                        {GOAL_STATUS: "parked", GOAL_ASKED: None})
    if draft is None:
        lines = [IN_OWN_WORDS, "What would you like to achieve, even roughly? We'll sharpen it "
                               "together."]
    else:
        lines = [IN_OWN_WORDS, _start_from(draft)]
    return GoalTurn([*heard, *lines], {GOAL_STATUS: "awaiting_goal", GOAL_ASKED: OWN_WORDS})


def _start_from(draft: GoalDraft) -> str:
    """A start for the goal in one sentence, with the deadline when there is one."""
    start = f"By {format_date(draft.deadline)}, I will" if draft.deadline else "I will"
    return (f'You could start from "{start} ..." and say what you will do and how you will know '
            "you have done it.")


def _noted(before: GoalDraft, after: GoalDraft) -> str:
    """What an answer changed in the draft, said in a line."""
    if after.deadline and after.deadline != before.deadline:
        return f"I've moved the date to {format_date(after.deadline)}."
    added = [_ADDED[name] for name in CRITERIA
             if after.report.criterion(name) != before.report.criterion(name)]
    return f"I've added {_join(added)} to the draft." if added else "I've kept the draft as it is."


def _too_soon(draft: GoalDraft, extras: dict[str, Any], today: date) -> bool:
    """A deadline under six weeks away, before the learner has been asked once whether a
    deadline is realistic (a date they then set themselves is theirs)."""
    deadline = draft.deadline
    return (deadline is not None and deadline - today < SOON
            and extras.get(DEADLINE_CHECKED) is None)


def _status(draft: GoalDraft) -> str:
    if draft.next_question() is None:
        # Every question asked and still no statement: the learner says it in one sentence.
        return "confirming" if draft.statement else "awaiting_goal"
    return "drafting"


def _drafting_lines(draft: GoalDraft) -> list[str]:
    question = draft.next_question()
    if question is None and draft.statement:
        return [f'Here is your goal as one statement: "{draft.statement}"', checklist(draft),
                CONFIRM]
    if question is None and draft.deadline:
        question = (f'How would you put the whole goal in one sentence, starting "By '
                    f'{format_date(draft.deadline)}, I will ..."?')
    return [_so_far(draft), checklist(draft), question or IN_ONE_SENTENCE]


def _so_far(draft: GoalDraft) -> str:
    """The goal in the learner's words, with what each answered criterion added."""
    text = draft.text.strip().rstrip(".")
    added = [
        _ADDED[name]
        for name in CRITERIA
        if (result := draft.report.criterion(name)).status == "present"
        and result.evidence and result.evidence.lower() not in text.lower()
    ]
    said = f'Your goal so far, in your words: "{text}".'
    return f"{said} You have also said {_join(added)}." if added else said


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
