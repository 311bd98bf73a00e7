"""What a message says about the guidance wanted: explicit cues first, then inference."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.plan import Mode


def _phrases(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


# Order matters: "don't tell me what to do" must win over "tell me what to do".
EXPLICIT_CUES: list[tuple[Mode, re.Pattern[str]]] = [
    ("coaching", _phrases(
        r"(?:don'?t|do not|rather you didn'?t) (?:just )?tell me(?: what to do)?",
        r"help me think", r"think (?:it|this) through", r"coach me", r"in coaching mode",
        r"help me (?:figure|work) (?:it |this )?out", r"ask me questions",
        r"(?:let me|i want to) (?:figure|work) (?:it|this) out(?: myself)?",
        r"switch (?:back )?to coaching", r"coaching,? please",
    )),
    ("mentoring", _phrases(
        r"in your experience", r"what (?:has )?worked for (?:others|other people|people|mentees)",
        r"what (?:have|did|do) (?:others|other \w+|mentors|mentees|people|participants)\b"
        r"[^?.]{0,50}\b(?:do|done|find|found|learn|learned|report|reported|say|said)",
        r"share (?:some )?experience",
        r"have (?:mentors|mentees|others|people|participants) (?:described|reported|said|found)",
        r"how did (?:others|other \w+|people)", r"mentor me (?:on|about|through)",
        r"switch (?:back )?to mentoring",
        r"what do (?:mentors|mentees|others) (?:usually|typically|tend to)",
        r"(?:stories|experience) (?:of|from) (?:others|other \w+|mentors|mentees)",
        r"mentoring,? please",
    )),
    ("advising", _phrases(
        r"just tell me", r"what should (?:i|we)", r"tell me what to do",
        r"give me (?:some )?advice",
        r"advise me", r"quick advice", r"what do (?:i|we) do", r"what(?:'s| is) the best way",
        r"any tips", r"(?:should|shall) i\b", r"switch (?:back )?to advising",
        r"i need (?:an answer|a direct answer|advice)", r"advice,? please",
        r"what would you recommend", r"what do you recommend",
    )),
]

_FIRST_PERSON_SITUATION = _phrases(
    r"i want to", r"i(?:'d| would) like to", r"i(?:'m| am) (?:struggling|stuck|trying|unsure|"
    r"not sure|worried|finding)", r"i never", r"i keep", r"i feel", r"i can'?t seem",
    r"my goal", r"i hope to", r"i wish", r"i(?:'ve| have) been",
)
_INFORMATION_QUESTION = re.compile(
    r"^\s*(?:what (?:is|are|does)|how (?:do|does|can|should|often|long)|when|where|who|which|"
    r"is there|are there|can (?:i|a|we)|do (?:i|we)|is it|should)\b",
    re.IGNORECASE,
)


#: A question this short is a follow-up within the current mode ("And then what?").
_SHORT = 8


@dataclass(frozen=True)
class ModeCue:
    """A mode read from the message, and whether the user asked for it in so many words."""

    mode: Mode
    explicit: bool


def explicit_cue(message: str) -> Mode | None:
    """The mode the message asks for in so many words, if any."""
    for mode, pattern in EXPLICIT_CUES:
        if pattern.search(message):
            return mode
    return None


def read_mode(message: str, previous: Mode | None) -> ModeCue:
    """Explicit cues; else a situation told in the first person suggests coaching, a question
    suggests advising; else the conversation keeps its mode (answers to coaching questions)."""
    cue = explicit_cue(message)
    if cue:
        return ModeCue(cue, explicit=True)
    question = message.rstrip().endswith("?")
    follow_up = len(message.split()) < _SHORT and not _INFORMATION_QUESTION.search(message)
    if previous is not None and (not question or follow_up):
        return ModeCue(previous, explicit=False)
    if _FIRST_PERSON_SITUATION.search(message):
        return ModeCue("coaching", explicit=False)
    if message.rstrip().endswith("?") or _INFORMATION_QUESTION.search(message):
        return ModeCue("advising", explicit=False)
    return ModeCue(previous or "coaching", explicit=False)
