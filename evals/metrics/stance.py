"""Coaching stance, coded in the spirit of MITI 4.2.1 by the eval's own coder
(:mod:`evals.coder`): open questions, real reflections of what the learner said, and no
persuading.

Coaching turns are replies in coaching mode that do not decline the message. A turn can opt
in (``open_question: true``, ``reflection: true``) whatever its mode, or opt out with
``false`` (a closing turn has nothing to reflect).
"""

from __future__ import annotations

from evals.coder import REFLECTIONS, Coded, code, summarise
from evals.metrics.base import Check, Failure, MetricResult, meets, share
from evals.results import CaseResult, TurnResult, each_turn
from evals.thresholds import THRESHOLDS


def is_coaching(turn: TurnResult) -> bool:
    """A coaching-mode reply that does not decline the message."""
    return turn.ok and turn.mode == "coaching" and not turn.declined


def _checked(turn: TurnResult, wanted: bool | None) -> bool:
    return turn.ok and (wanted is True or (wanted is None and is_coaching(turn)))


def coded(turn: TurnResult) -> list[Coded]:
    """The turn's reply, sentence by sentence, coded against the learner's message."""
    return code(turn.body, turn.message)


def has_reflection(body: str, message: str) -> bool:
    """A simple or complex reflection of ``message`` in ``body`` (an echo is not one)."""
    return any(c.code in REFLECTIONS for c in code(body, message))


def _no_reflection(items: list[Coded]) -> str:
    echo = max(items, key=lambda c: c.echo, default=None)
    if echo is not None and echo.code == "neutral" and echo.echo:
        return f"no reflection: the learner's words echoed (overlap {echo.echo:.2f})"
    return "no reflection of what the learner said"


def open_questions(results: list[CaseResult]) -> MetricResult:
    """Coaching turns with at least one open question."""
    checks = [
        Check(case.id, index, any(c.code == "open_question" for c in coded(turn)),
              "no open question")
        for case, index, turn in each_turn(results)
        if _checked(turn, turn.expect.open_question)
    ]
    return share("coaching_open_questions", THRESHOLDS["coaching_open_questions"],
                 "Coaching turns with at least one open question.", checks)


def reflections(results: list[CaseResult]) -> MetricResult:
    """Coaching turns with a simple or complex reflection (verbatim echoes do not count)."""
    checks, overlaps = [], []
    for case, index, turn in each_turn(results):
        if not _checked(turn, turn.expect.reflection):
            continue
        items = coded(turn)
        overlaps.append(max((c.echo for c in items), default=0.0))
        ok = any(c.code in REFLECTIONS for c in items)
        checks.append(Check(case.id, index, ok, "" if ok else _no_reflection(items)))
    mean = round(sum(overlaps) / len(overlaps), 4) if overlaps else None
    return share("coaching_reflections", THRESHOLDS["coaching_reflections"],
                 "Coaching turns with a reflection of what the learner said (an echo of the "
                 "message, token overlap above 0.8, is not one).", checks,
                 mean_overlap=mean, echoes=sum(1 for o in overlaps if o > 0.8))


def _coaching_summary(results: list[CaseResult]) -> tuple[list[tuple[str, int, list[Coded]]],
                                                          int, int, int]:
    turns = [(case.id, index, coded(turn)) for case, index, turn in each_turn(results)
             if is_coaching(turn)]
    total = summarise(c for _, _, items in turns for c in items)
    return turns, total.questions, total.reflections, total.counts["complex_reflection"]


def reflection_ratio(results: list[CaseResult]) -> MetricResult:
    """MITI reflection-to-question ratio over all coaching turns (fair: 1:1)."""
    turns, questions, reflected, complex_ = _coaching_summary(results)
    value = round(reflected / questions, 4) if questions else None
    failures = [Failure(case, index, "coaching_reflection_ratio",
                        f"{s.questions} question(s), {s.reflections} reflection(s)")
                for case, index, items in turns
                if (s := summarise(items)).questions > s.reflections]
    name = "coaching_reflection_ratio"
    return MetricResult(
        name=name, value=value, threshold=THRESHOLDS[name],
        passed=meets(value, THRESHOLDS[name]),
        description="Reflections per question in coaching turns (MITI R:Q; fair 1.0, good 2.0).",
        population=len(turns), failures=failures,
        details={"questions": questions, "reflections": reflected, "complex": complex_},
    )


def complex_reflections(results: list[CaseResult]) -> MetricResult:
    """Share of coaching reflections that are complex (MITI; fair 40%, good 50%).

    With coaching turns but no reflection at all the share is 0, not "nothing measured".
    """
    turns, _, reflected, complex_ = _coaching_summary(results)
    value = round(complex_ / reflected, 4) if reflected else (0.0 if turns else None)
    failures = [Failure(case, index, "coaching_complex_reflections",
                        f"simple reflection only: {c.text!r}")
                for case, index, items in turns for c in items if c.code == "simple_reflection"]
    name = "coaching_complex_reflections"
    return MetricResult(
        name=name, value=value, threshold=THRESHOLDS[name],
        passed=meets(value, THRESHOLDS[name]),
        description="Complex reflections among all reflections in coaching turns (MITI; fair "
                    "0.4, good 0.5).",
        population=reflected, failures=failures,
        details={"reflections": reflected, "complex": complex_},
    )


def directives(results: list[CaseResult]) -> MetricResult:
    """Sentences of coaching turns the coder reads as persuading: none allowed."""
    count, turns, failures = 0, 0, []
    for case, index, turn in each_turn(results):
        if not is_coaching(turn):
            continue
        turns += 1
        found = [c.text for c in coded(turn) if c.code == "persuade"]
        count += len(found)
        if found:
            failures.append(Failure(case.id, index, "coaching_directives",
                                    "persuades: " + "; ".join(repr(f) for f in found)))
    name = "coaching_directives"
    return MetricResult(
        name=name, value=count, threshold=THRESHOLDS[name],
        passed=meets(count, THRESHOLDS[name], higher_is_better=False),
        description="Sentences in coaching turns that tell the learner what to do (none "
                    "allowed).",
        higher_is_better=False, population=turns, failures=failures, must_hold=True,
    )
