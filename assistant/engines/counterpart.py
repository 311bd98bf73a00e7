"""The offline counterpart of a rehearsal: in-character lines chosen by what the learner's
line showed. It warms up (the scenario's reaction to each behaviour) when the learner is
specific and respectful of its constraints, pushes back when the line shows nothing, stays in
character when the learner goes off script, and draws out what is still missing. It never
repeats the learner's words, and never says the same line twice while another is left.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.plan import Counterpart

#: Picking up after a coaching aside.
RESUMING = ("Sorry, where were we?", "Right, where were we?", "Okay. Go on.")
#: Reactions to at most this many behaviours shown in one line; more reads as a speech.
_REACTIONS = 2
#: A line sharing this many words in a row with the learner's would sound like an echo.
_ECHO = 4


def counterpart_lines(cue: Counterpart, heard: str = "") -> list[str]:
    """What the counterpart says this turn, in reply to the learner's line ``heard``."""
    if cue.moment == "opening":
        return [cue.opening]
    said = {_key(line) for text in cue.said for line in text.splitlines()}
    # Lines that would echo the learner count as said: another is chosen.
    said |= {_key(line) for options in (*cue.reactions.values(), *cue.prompts.values(),
                                        cue.pushback, cue.off_script, cue.closing)
             for line in options if _echoes(line, heard)}
    reactions = [r for item in cue.shown[:_REACTIONS]
                 if (r := _fresh(cue.reactions.get(item, ()), said))]
    if cue.moment == "closing":
        lines = [*reactions[:1], _pick(cue.closing, said)]
    else:
        if cue.moment == "resume":
            opener = [_pick(RESUMING, said)]
        elif not cue.on_script:
            opener = [_pick(cue.off_script, said)]
        elif reactions:
            opener = reactions if len(cue.missing) == 0 else reactions[:1]
        else:
            opener = [_pick(cue.pushback, said)]
        prompt = next((p for item in cue.missing if item not in cue.attempted
                       and (p := _fresh(cue.prompts.get(item, ()), said))), None)
        lines = [*opener, *([prompt] if prompt and _key(prompt) not in map(_key, opener)
                            else [])]
    return [*lines, *([cue.stage] if cue.stage else [])]


def _echoes(line: str, heard: str) -> bool:
    """``line`` repeats a run of the learner's words."""
    words = re.findall(r"[a-z0-9']+", heard.lower())
    spoken = " ".join(re.findall(r"[a-z0-9']+", line.lower()))
    return any(" ".join(words[i:i + _ECHO]) in spoken for i in range(len(words) - _ECHO + 1))


def _key(line: str) -> str:
    return " ".join(line.lower().split())


def _fresh(options: Sequence[str], said: set[str]) -> str | None:
    """The first of ``options`` not said yet."""
    return next((o for o in options if _key(o) not in said), None)


def _pick(options: Sequence[str], said: set[str]) -> str:
    """The first of ``options`` not said yet; once all were, the one said longest ago."""
    fresh = _fresh(options, said)
    if fresh is not None or not options:
        return fresh or ""
    return options[len(said) % len(options)]
