"""Coaching stance, in the spirit of motivational-interviewing coding (MITI): open questions,
reflections of the learner's words, and no directives.

Coaching turns are replies in coaching mode that do not decline the message. A turn can opt
in (``open_question: true``, ``reflection: true``) whatever its mode, or opt out with
``false`` (a closing turn has nothing to reflect).
"""

from __future__ import annotations

import re

from assistant.stance import DIRECTIVE, has_open_question
from assistant.text import content_words, sentences
from evals.metrics.base import Check, Failure, MetricResult, meets, share
from evals.results import CaseResult, TurnResult, each_turn

_MARKER = re.compile(r"\[\d{1,3}\]")
_TRAILING_MARKERS = re.compile(r"([.!?])((?:\s*\[\d{1,3}\])+)")
# Typical openings of a reflection; they carry none of the learner's words.
_REFLECTIVE_LEAD = re.compile(
    r"^(?:so,?\s+)?(?:it sounds (?:like|as if|as though)|it seems (?:like|that|as if)?|"
    r"you(?:'re| are) saying(?: that)?|what i hear is(?: that)?|i hear that)\s*",
    re.IGNORECASE,
)


def is_coaching(turn: TurnResult) -> bool:
    """A coaching-mode reply that does not decline the message."""
    return turn.ok and turn.mode == "coaching" and not turn.declined


def _checked(turn: TurnResult, wanted: bool | None) -> bool:
    return turn.ok and (wanted is True or (wanted is None and is_coaching(turn)))


def has_reflection(body: str, message: str) -> bool:
    """A statement handing the learner's words back: an uncited, non-question sentence with at
    least two content words from the message, making up at least half of its content words
    (after a reflective opening such as "It sounds like")."""
    said = content_words(message)
    body = _TRAILING_MARKERS.sub(r"\2\1", body)  # "way. [1]" -> "way [1]." stays one sentence
    for sentence in (s.text for s in sentences(body)):
        if sentence.endswith("?") or _MARKER.search(sentence):
            continue
        words = content_words(_REFLECTIVE_LEAD.sub("", sentence))
        shared = words & said
        if len(shared) >= 2 and 2 * len(shared) >= len(words):
            return True
    return False


def open_questions(results: list[CaseResult]) -> MetricResult:
    """Coaching turns with at least one open (what/how/...) question."""
    checks = [
        Check(case.id, index, has_open_question(turn.body), "no open question")
        for case, index, turn in each_turn(results)
        if _checked(turn, turn.expect.open_question)
    ]
    return share("coaching_open_questions", 1.0,
                 "Coaching turns with at least one open question.", checks)


def reflections(results: list[CaseResult]) -> MetricResult:
    """Coaching turns that reflect the learner's own words back."""
    checks = [
        Check(case.id, index, has_reflection(turn.body, turn.message),
              "no reflection of the learner's words")
        for case, index, turn in each_turn(results)
        if _checked(turn, turn.expect.reflection)
    ]
    return share("coaching_reflections", 0.65,
                 "Coaching turns with a reflection of the learner's words.", checks)


def directives(results: list[CaseResult]) -> MetricResult:
    """Directive phrases ("you should", "I recommend"...) in coaching turns: none allowed."""
    count, turns, failures = 0, 0, []
    for case, index, turn in each_turn(results):
        if not is_coaching(turn):
            continue
        turns += 1
        found = DIRECTIVE.findall(turn.body)
        count += len(found)
        if found:
            failures.append(Failure(case.id, index, "coaching_directives",
                                    "directive phrasing: " + ", ".join(repr(f) for f in found)))
    return MetricResult(
        name="coaching_directives", value=count, threshold=0,
        passed=meets(count, 0, higher_is_better=False),
        description="Directive phrases in coaching turns (none allowed).",
        higher_is_better=False, population=turns, failures=failures,
    )
