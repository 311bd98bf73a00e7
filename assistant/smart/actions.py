"""The Specific criterion: what the learner will do, and whether that is one goal or several."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, cast

from assistant.text import content_words, sentences

from . import questions
from .clauses import clause_end, trim
from .lexicon import (
    CHANGE_VERBS,
    CONCRETE_PHRASES,
    CONCRETE_VERBS,
    COUNT_WORDS,
    DELIVERABLE,
    FLAGS,
    STATE_VERBS,
    WEAK_VERBS,
    alternation,
)
from .report import CriterionResult

Kind = Literal["concrete", "change", "vague", "aspiration", "weak"]

_VERB = re.compile(
    r"\b(?:"
    r"(?P<certified>(?:become|becoming|get|getting|be)\s+(?:board[- ])?"
    r"(?:certified|accredited|licensed|credentialed)"
    r"|be\s+(?:on time|punctual|present at|available (?:to|for)))"
    r"|(?P<vague>(?:get|getting|be|being|become|becoming|do|doing)\s+better\s+at"
    r"|(?:work|focus)(?:s|ed|ing)?\s+on|learn(?:s|ed|t|ing)?(?:\s+more)?(?:\s+about)?(?!\s+to\b)"
    r"|know\s+more|understand|explore|develop(?:ing)?\s+(?:my|our)\b"
    r"|build(?:ing)?\s+(?:my|our)\s+(?:confidence|skills?|knowledge|reputation|network)"
    r"|(?:do|doing|teach|teaching)\s+more|try(?:ing)?\s+harder"
    r"|gain(?:s|ed|ing)?\s+(?:more\s+)?(?:confidence|experience|exposure|insight|knowledge"
    r"|skills?))"
    r"|(?P<aspiration>(?:be|being|become|becoming|feel|feeling|have|having|get|getting|stay"
    r"|staying)\s+(?:(?:a|an|much|a lot|a bit|even|far)\s+)*(?:better|more|less|good|great"
    r"|best|happier|healthier|calmer|fitter|stronger|excellent|confident|comfortable"
    r"|balanced|productive|efficient|resilient)\b)"
    rf"|(?P<concrete>{alternation((*CONCRETE_PHRASES, *CONCRETE_VERBS))})"
    rf"|(?P<change>{alternation(CHANGE_VERBS)})"
    rf"|(?P<weak>{alternation(WEAK_VERBS)})"
    r")\b",
    FLAGS,
)
# What may come right before a verb that is really a verb: "I will", "to", the start of
# a clause, "and"; "by" only before a gerund ("by giving feedback").
_LICENSE = re.compile(
    r"(?:^\s*|[.;:!?,]\s*|\b(?P<word>will|to|shall|'ll|i|we|must|can|could|would|and|then"
    r"|also|plus|or|not|by|as well as|have|has|had|'ve)\s+)"
    r"(?:(?:\w+ly|also|then|first|now|personally|actually|finally|still|further)\s+)*$",
    FLAGS,
)
# Licensing and joining words sit just before a verb; looking further back is wasted work.
_LOOKBEHIND = 80
_NOT_A_GOAL = re.compile(r"\s+(?:(?:able|going|sure|about)\s+)?to\b|\s+sure\b", FLAGS)
_COORDINATOR = re.compile(
    r"(?:\band\b(?!\s+then)|\bas well as\b|\bplus\b|[;.!?])\s*"
    r"(?:(?:also|i|will|'ll|i'll|want|would|like|i'd|plan|aim|hope|to|am|going)\s+)*$",
    FLAGS,
)
_OBJECT_START = re.compile(
    rf"\s+(?:a|an|the|my|our|their|his|her|this|these|all|every|each|at least|\d|{COUNT_WORDS})\b",
    FLAGS,
)
#: What joins one step of a goal to the next in a list: a comma, "and", "then".
_SERIES = re.compile(r"\s*,\s*(?:(?:and|then)\s+)*(?:(?:i'll|i will|will|to)\s+)?", FLAGS)
_BACK_REFERENCE = re.compile(
    r"\b(?:it|them|this|these|those|the (?:results?|findings|data|outcomes?))\b", FLAGS
)
_STATE = re.compile(alternation(STATE_VERBS), FLAGS)
#: Objects that say nothing about what is done ("do better", "work harder on things",
#: "finish the project").
_EMPTY_OBJECT = content_words("more better less harder well again things stuff project task")
#: Quantifiers the shared stop-word list keeps, and that name no object either.
_QUANTIFIERS = content_words("every per")
_WEAK_WITH_DELIVERABLE = re.compile(
    rf"\s+(?:a|an|the|my|our|one)\s+(?:[\w'&-]+\s+){{0,3}}?{DELIVERABLE}\b", FLAGS
)


@dataclass(frozen=True)
class Action:
    """A verb the learner commits to, and the clause that says what it is about."""

    start: int
    verb_end: int
    kind: Kind
    by_means: bool
    end: int = 0


@dataclass(frozen=True)
class ActionReading:
    result: CriterionResult
    goals: tuple[str, ...]


def _verbs(scope: str) -> list[Action]:
    found: list[Action] = []
    for match in _VERB.finditer(scope):
        kind = "concrete" if match["certified"] else match.lastgroup
        license_ = _LICENSE.search(scope, max(0, match.start() - _LOOKBEHIND), match.start())
        if not license_ or not kind:
            continue
        by_means = (license_["word"] or "").lower() == "by"
        if by_means and not match[0].lower().endswith("ing"):
            continue
        if kind == "weak" and _NOT_A_GOAL.match(scope, match.end()):
            continue
        found.append(Action(match.start(), match.end(), cast(Kind, kind), by_means))
    # "have finished": the auxiliary is not the action.
    return [
        verb
        for verb, after in zip(found, [*found[1:], None], strict=False)
        if not (verb.kind == "weak" and after and not scope[verb.verb_end : after.start].strip())
    ]


def _words(text: str) -> set[str]:
    return content_words(text) - _QUANTIFIERS


def _starts_new_goal(scope: str, previous: Action, verb: Action) -> int | None:
    """Where the joining words start if `verb` opens a separate goal, else None."""
    window = max(previous.verb_end, verb.start - _LOOKBEHIND)
    coordinator = _COORDINATOR.search(scope, window, verb.start)
    if not coordinator or verb.by_means or not _OBJECT_START.match(scope, verb.verb_end):
        return None
    clause = scope[verb.verb_end : clause_end(scope, verb.verb_end)]
    shared_object = not _words(scope[previous.verb_end : coordinator.start()])
    earlier = scope[previous.start : coordinator.start()]
    if shared_object or _BACK_REFERENCE.search(clause) or _words(clause) & _words(earlier):
        return None
    return coordinator.start()


def _goals(scope: str, verbs: Sequence[Action], stops: Sequence[int]) -> list[Action]:
    heads = [verbs[0]]
    cuts: list[int] = []
    # Where each goal's clause resumes: a step that follows straight on from the one before
    # ("finish it, do the analysis, and present at ...") belongs to the same goal.
    tails = [verbs[0].verb_end]
    for verb in verbs[1:]:
        cut = _starts_new_goal(scope, heads[-1], verb)
        if cut is not None:
            heads.append(verb)
            cuts.append(cut)
            tails.append(verb.verb_end)
        elif _SERIES.fullmatch(scope, clause_end(scope, tails[-1], [*stops, *cuts]),
                               verb.start):
            tails[-1] = verb.verb_end
    return [replace(h, end=clause_end(scope, tail, [*stops, *cuts]))
            for h, tail in zip(heads, tails, strict=True)]


def _judge(scope: str, action: Action, means: Action | None) -> tuple[str, Action | None]:
    """Status of the main action, and the action that supports it when present."""
    rest = scope[action.verb_end : action.end]
    if action.kind == "concrete":
        content = _words(rest) - _EMPTY_OBJECT or re.search(r"\d", rest)
        return ("present", action) if content else ("unclear", action)
    if action.kind == "change" and re.search(rf"\d|\b{COUNT_WORDS}\b", rest, FLAGS):
        return "present", action
    if means:
        return "present", means
    if action.kind == "weak" and _WEAK_WITH_DELIVERABLE.match(scope, action.verb_end):
        return "present", action
    if action.kind == "aspiration" or _STATE.fullmatch(scope[action.start : action.verb_end]):
        return "missing", None
    return "unclear", action


def read_specific(text: str, scope: str, stops: Sequence[int]) -> ActionReading:
    """Judge the Specific criterion and split out separate goals.

    `scope` is `text` with the learner's reasons blanked out; `stops` are indices
    (deadlines) where a described action ends.
    """
    verbs = [v for v in _verbs(scope) if not v.by_means]
    if not verbs:
        return ActionReading(CriterionResult("missing", None, questions.SPECIFIC_MISSING), ())
    goals = _goals(scope, verbs, stops)
    means = next(
        (
            replace(v, end=clause_end(scope, v.verb_end, stops))
            for v in _verbs(scope)
            if v.by_means and v.kind == "concrete" and v.start > goals[0].start
        ),
        None,
    )
    status, support = _judge(scope, goals[0], means)
    spans = [trim(text, g.start, g.end) for g in goals]
    named = tuple(text[start:end] for start, end in spans) if len(goals) > 1 else ()
    if support is None:
        return ActionReading(CriterionResult("missing", None, questions.SPECIFIC_MISSING), named)
    start, end = trim(text, support.start, support.end)
    # "Learn to place arterial lines": the learning is part of the action.
    learn = re.search(r"\blearn(?:ing)?\s+to\s+$", text[:start], FLAGS)
    start = learn.start() if learn else start
    evidence = text[start:end]
    if status == "present":
        return ActionReading(CriterionResult("present", evidence), named)
    return ActionReading(
        CriterionResult("unclear", evidence, questions.specific_unclear(evidence)), named
    )


def without_goals(text: str, goals: Sequence[str], keep: int) -> str:
    """The goal text with every goal except `goals[keep]` taken out."""
    for index, goal in enumerate(goals):
        if index == keep:
            continue
        quoted = re.escape(goal)
        for pattern in (
            rf"{quoted}\s*,?\s*(?:and|as well as|plus)\s+(?:also\s+)?",
            rf"\s*,?\s*(?:\band\b|\bas well as\b|\bplus\b|;)\s*(?:also\s+)?"
            rf"(?:i will\s+|i'll\s+|i (?:also )?want to\s+|to\s+)?{quoted}",
        ):
            shorter = re.sub(pattern, "", text, count=1, flags=FLAGS)
            if shorter != text:
                text = shorter
                break
        else:
            text = _without_sentence(text, goal)
    return text.strip()


def _without_sentence(text: str, goal: str) -> str:
    """`text` without the sentence that states `goal`."""
    for sentence in sentences(text):
        if goal.lower() in sentence.text.lower():
            return text[: sentence.start] + text[sentence.end :].lstrip()
    return text
