"""The GROW stages (Goal, Reality, Options, Will): where a coaching conversation is, and what
to ask there. Open what/how questions only."""

from __future__ import annotations

import re

from assistant.plan import GROW_STAGES, GrowStage

# A learner may enter at any stage; these cues say which, on the first coaching turn.
_ENTRY_CUES: list[tuple[GrowStage, re.Pattern[str]]] = [
    ("will", re.compile(r"\b(i(?:'ll| will)|i(?:'m| am) going to|next step|commit)\b", re.I)),
    ("options", re.compile(r"\b(options|what could i|alternatives|ideas for|choices)\b", re.I)),
    ("reality", re.compile(r"\b(i(?:'ve| have) tried|so far|currently|right now)\b", re.I)),
]

QUESTIONS: dict[GrowStage, tuple[str, str]] = {
    "goal": (
        "What would success with {topic} look like a month from now: how would you notice it?",
        "What would you like to have by the end of this conversation?",
    ),
    "reality": (
        "What is happening now with {topic}, and what have you already tried?",
        "What tends to get in the way?",
    ),
    "options": (
        "What could you do about {topic}, if nothing stood in the way?",
        "What else might work, and who could help?",
    ),
    "will": (
        "What will you do first, and by when?",
        "On a scale of 1 to 10, how committed are you to that step, and what would make it a 10?",
    ),
}


def next_stage(previous: GrowStage | None, message: str) -> GrowStage:
    """The stage for this coaching turn: entry by cue, then one step on per turn, ending at Will."""
    if previous is None:
        return next((stage for stage, cue in _ENTRY_CUES if cue.search(message)), "goal")
    return GROW_STAGES[min(GROW_STAGES.index(previous) + 1, len(GROW_STAGES) - 1)]


def questions_for(stage: GrowStage, topic: str | None) -> list[str]:
    """One or two open questions for ``stage`` about ``topic``."""
    first, second = QUESTIONS[stage]
    if "{topic}" in first:
        if topic is None:
            return [second]
        return [first.format(topic=topic)]
    return [first, second]
