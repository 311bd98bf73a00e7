"""Memory of the conversation: what the learner has said they want, the situation, obstacles,
options, the step they chose and when, in their own words, kept in the session.

The guide consults it so it never asks for something already given, and the closing summary
is written from it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from assistant.guidance.reflect import introduces
from assistant.reader.reading import Move
from assistant.smart.lexicon import WEEKDAY
from assistant.smart.timebound import find_time
from assistant.text import content_words, first_phrase, sentences, without_filler

#: Session extras key.
MEMORY = "memory"
#: A move the reader is less sure of than this is taken as the answer to the question asked.
SURE_MOVE = 0.5
#: A question of this many words says what the learner is after ("How do I raise it with my
#: PI?"); a shorter one ("And then?") does not.
_STATES_AIM = 6
#: Which slot answers each question the guide asks.
ANSWERS = {"goal": "goal", "reality": "situation", "options": "options", "will": "commitment"}
_SLOTS = {"goal": "goal", "situation": "situation", "obstacle": "obstacles",
          "option": "options", "commitment": "commitment"}
_WEEKDAY = re.compile(rf"\b(?:(?:on|by|this|next|before)\s+)?{WEEKDAY}(?:\s+(?:morning|"
                      r"afternoon|evening|night|after (?:clinic|rounds|the meeting|work)))?\b|"
                      r"\b(?:tonight|tomorrow(?: morning| afternoon)?)\b", re.IGNORECASE)
#: An answer to "on a scale of 1 to 10": a number from 1 to 10, in figures or words.
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten".split())}
_SCALE = re.compile(r"\b(10|[1-9]|" + "|".join(list(_NUMBER_WORDS)[1:]) + r")\b", re.IGNORECASE)
#: Words that go with a score and say nothing else ("I'd say a confident 8 out of 10").
_SCORING = content_words(" ".join(_NUMBER_WORDS) + " confidence confident committed commitment "
                         "sure scale maybe probably guess say think feel 10 thanks pretty "
                         "fairly honestly")

#: A confidence score said outright, whatever was asked ("confidence is maybe a 5", "7/10").
_STATED_SCORE = re.compile(
    r"\b(?:confiden\w*|commit\w*)\W+(?:(?:is|at|level|of|maybe|about|around|probably|"
    r"like|a|an)\W+)*(?:10|[1-9])\b(?!\s*(?:weeks?|days?|months?|of|times|more))"
    r"|\b(?:10|[1-9])\s*(?:/|out of)\s*10\b", re.IGNORECASE)



@dataclass
class Memory:
    """What the learner has given so far, each part in their own words."""

    goal: list[str] = field(default_factory=list)
    situation: list[str] = field(default_factory=list)
    obstacles: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    commitment: list[str] = field(default_factory=list)
    #: When the chosen step will happen ("on Monday"), and how confident the learner is.
    when: str | None = None
    confidence: str | None = None
    #: The questions asked (their ids, and their text so none is asked twice).
    asked: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    #: Whether options from the literature were offered, and the feelings already reflected.
    offered: bool = False
    felt: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, extras: dict[str, Any]) -> Memory:
        """The memory kept in a session's extras (a new one when there is none)."""
        data = extras.get(MEMORY) or {}
        known = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the session file."""
        return asdict(self)

    @property
    def last_asked(self) -> str | None:
        """The id of the question the guide asked last."""
        return self.asked[-1] if self.asked else None

    @property
    def has_reality(self) -> bool:
        """Whether the learner has said where things stand."""
        return bool(self.situation or self.obstacles)

    @property
    def topic(self) -> str:
        """What the conversation is about, in the learner's words: the first thing they said
        they want and the first thing they said about the situation."""
        return " ".join([*self.goal[:1], *self.situation[:1], *self.obstacles[:1]])

    def heard(self, moves: tuple[Move, ...], message: str, today: date) -> None:
        """Keep what this message adds: each statement in its slot, or, when the reader is
        unsure of one, as the answer to the question asked last."""
        answering = ANSWERS.get(self.last_asked or "")
        for move in moves:
            if introduces(move.text):
                continue
            slot = _SLOTS.get(move.label) if move.confidence >= SURE_MOVE else answering
            said = without_filler(move.text)
            if slot and said and said not in getattr(self, slot):
                getattr(self, slot).append(said)
            if slot == "commitment" and self.when is None:
                self.when = time_in(move.text, today)
        question = next((s.text for s in sentences(message) if s.text.endswith("?")), None)
        if question and not self.goal and len(question.split()) >= _STATES_AIM:
            self.goal.append(question)  # "How do I set expectations...?" says what they want
        if self.last_asked == "when" and self.when is None:
            self.when = time_in(message, today) or " ".join(message.split())
        stated = self.confidence is None and _STATED_SCORE.search(message)
        if (self.last_asked == "confidence" and scale_value(message) is not None) or stated:
            # A score said with the step ("... next week. confidence is maybe a 5") is not
            # asked for again.
            self.confidence = " ".join(message.split())


def scale_value(text: str) -> int | None:
    """The 1-10 score in an answer to the confidence question ("probably a 7"), if any."""
    found = _SCALE.search(text)
    if not found:
        return None
    value = found.group(1).lower()
    return int(value) if value.isdigit() else _NUMBER_WORDS[value]


def score_only(text: str) -> int | None:
    """The 1-10 score when that is all the message says ("confidence 8", "probably a 7"), or
    all its first clause says ("confidence 6, depends how fast he replies")."""
    for part in (text, first_phrase(text)):
        score = scale_value(part)
        if score is not None and content_words(part) <= _SCORING:
            return score
    return None


def time_in(text: str, today: date) -> str | None:
    """The time phrase in ``text`` ("on Monday", "this week", "at our next meeting"), if any."""
    found = [text[m.start:m.end] for m in find_time(text, today) if m.kind in ("date", "anchor")]
    if found:
        return found[0]
    weekday = _WEEKDAY.search(text)
    if weekday is None:
        return None
    return re.sub(WEEKDAY, lambda day: day.group(0).capitalize(), weekday.group(0),
                  flags=re.IGNORECASE)
