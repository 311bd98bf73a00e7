"""Practising a conversation: a request to rehearse, and the practice lines that follow, are
coached as practice rather than read as new topics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.guidance.reflect import reflect
from assistant.reader.reading import Reading
from assistant.stance import has_directive
from assistant.text import sentences

#: Session extras key: the learner is practising what they will say.
PRACTISING = "practising"

#: A person addressed by title and name ("Hi Dr. Patel, ..."): whom the line is for.
_ADDRESSED = re.compile(r"\b((?:Dr|Prof|Professor|Mr|Mrs|Ms|Mx)\.? [A-Z][\w'-]+)")

INVITE = (
    "Let's practise it; say \"stop practising\" whenever you want to step out. How would you "
    "open the conversation? Say the words just as you would to the person."
)
#: Questions about a line, varied so a second line does not get the same question.
ABOUT_A_LINE = (
    "Said aloud, how does that sound to you, and what do you most want {whom} to take away?",
    "What would you like {whom} to say yes to, and how clearly does your line ask for it?",
    "If {whom} hesitates at this point, what would you say next?",
)
_STOP = re.compile(r"\b(?:stop|done|finish(?:ed)?|end) (?:practi[sc]ing|the practice|rehears\w*)\b",
                   re.IGNORECASE)


@dataclass(frozen=True)
class PracticeTurn:
    """The coaching lines for a practice turn (None: the practice is left, and the turn goes
    on as usual), and what the session keeps."""

    lines: list[str] | None
    updates: dict[str, Any]


def practice_step(reading: Reading, extras: dict[str, Any]) -> PracticeTurn | None:
    """The practice turn for this message, or None when the learner is not practising."""
    lines_so_far = int(extras.get(PRACTISING) or 0)
    if lines_so_far and _STOP.search(reading.message):
        return PracticeTurn(["We can stop practising here.",
                             "What did you notice about how you asked, and what would you "
                             "keep for the real conversation?"], {PRACTISING: None})
    if reading.is_kind == "rehearsal_request":
        # What the learner wants from the conversation, when a sentence of theirs says it
        # ("I need to tell him" handed back as "You need to tell him" would be a directive).
        said = next((r for s in sentences(reading.message)
                     if (r := reflect(s.text)) and not has_directive(r)), None)
        return PracticeTurn([said, INVITE] if said else [INVITE], {PRACTISING: 1})
    # Once practising, the likeliest reading is enough for the next line; anything else (a
    # question, a command, a new topic) leaves the practice.
    line = reading.is_kind == "practice_line" or (
        lines_so_far and reading.kind.label == "practice_line" and not reading.command)
    if not line:
        return PracticeTurn(None, {PRACTISING: None}) if lines_so_far else None
    addressed = _ADDRESSED.search(reading.message)
    whom = addressed.group(1) if addressed else "the other person"
    opening = (f"That sounds like the words you'd say to {whom}." if lines_so_far <= 1
               else "Thanks, that's the next part of the conversation.")
    question = ABOUT_A_LINE[lines_so_far % len(ABOUT_A_LINE)].format(whom=whom)
    return PracticeTurn([opening, question], {PRACTISING: lines_so_far + 1})
