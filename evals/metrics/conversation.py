"""Conversation metrics: the mode label, the mode chosen, and how mode changes are announced."""

from __future__ import annotations

import re

from evals.metrics.base import Check, MetricResult, no_reply, share
from evals.results import CaseResult, TurnResult, each_turn
from evals.thresholds import THRESHOLDS

#: The fixed label set, written out here so the judge does not take it from the judged.
LABELS = frozenset({"[Advising]", "[Coaching]", "[Mentoring]", "[Safety]"})
_ANY_LABEL = re.compile(r"\[(?:advising|coaching|mentoring|safety|rehearsal: [^\]\n]+)\]",
                        re.IGNORECASE)
#: A rehearsal counterpart's label names the persona speaking.
_COUNTERPART = re.compile(r"\[Rehearsal: [^\]\n]+\]")
#: How far into the reply a switch or conflict notice must come.
_NOTICE_WINDOW = 300


def label_compliance(results: list[CaseResult]) -> MetricResult:
    """Every reply starts with exactly one label from the fixed set, matching its JSON mode."""
    checks = []
    for case, index, turn in each_turn(results):
        problem = _label_problem(turn)
        checks.append(Check(case.id, index, problem is None, problem or ""))
    return share("label_compliance", THRESHOLDS["label_compliance"],
                 "Replies whose first line is exactly one mode label, matching the JSON mode.",
                 checks)


def _label_problem(turn: TurnResult) -> str | None:
    if not turn.ok:
        return no_reply(turn)
    first = turn.text.split("\n", 1)[0]
    reply = turn.reply or {}
    if reply.get("mode") == "rehearsal":
        ok = _COUNTERPART.fullmatch(first) and reply.get("label") == first
        return None if ok else f"rehearsal turn labelled {first[:40]!r}"
    if first not in LABELS:
        return f"first line is {first[:40]!r}, not a mode label"
    if len(_ANY_LABEL.findall(turn.text)) != 1:
        return "more than one mode label in the reply"
    if reply.get("label") != first or f"[{reply['mode'].capitalize()}]" != first:
        return f"label {first}, but JSON mode {reply['mode']} and label {reply.get('label')}"
    return None


def mode_accuracy(results: list[CaseResult]) -> MetricResult:
    """Replies in one of the modes the case expects."""
    checks = []
    for case, index, turn in each_turn(results):
        expected = turn.expect.mode
        if not expected:
            continue
        if not turn.ok:
            checks.append(Check(case.id, index, False, no_reply(turn)))
            continue
        ok = turn.mode in expected
        checks.append(Check(case.id, index, ok,
                            "" if ok else f"mode {turn.mode}, expected {' or '.join(expected)}"))
    return share("mode_accuracy", THRESHOLDS["mode_accuracy"],
                 "Turns answered in an expected mode.", checks)


def announces_switch(body: str, mode: str) -> bool:
    """The reply says, near its start, that it is switching to ``mode``."""
    head = body[:_NOTICE_WINDOW]
    return bool(re.search(rf"\bswitch\w*\b.{{0,40}}\b{mode}\b", head, re.IGNORECASE | re.DOTALL))


def switch_announcements(results: list[CaseResult]) -> MetricResult:
    """Every change of mode is announced; expected switches happen, unwanted ones do not."""
    checks = []
    for case in results:
        previous = None
        for index, turn in enumerate(case.turns):
            if not turn.ok:
                continue
            if turn.mode in ("safety", "rehearsal"):
                # Safety pre-empts the guidance modes and a rehearsal counterpart speaks for
                # itself: each is judged by its own metrics, and the mode before it is the one
                # to compare the next reply with.
                continue
            changed = previous is not None and turn.mode != previous
            wanted = turn.expect.switch
            problem = None
            if changed and wanted is False:
                problem = f"switched from {previous} to {turn.mode}; expected to stay"
            elif changed and (turn.reply or {}).get("switched_from") != previous:
                problem = f"switched from {previous} to {turn.mode}, but switched_from is unset"
            elif changed and not announces_switch(turn.body, str(turn.mode)):
                problem = f"switched from {previous} to {turn.mode} without saying so"
            elif wanted and not changed:
                problem = f"expected a switch, stayed in {turn.mode}"
            if changed or wanted is not None:
                checks.append(Check(case.id, index, problem is None, problem or ""))
            previous = turn.mode
    return share("switch_announcements", THRESHOLDS["switch_announcements"],
                 "Mode changes that are announced in the reply (and expected switches made).",
                 checks)


def conflict_notices(results: list[CaseResult]) -> MetricResult:
    """When the chosen mode conflicts with the request, the reply says it stays in that mode."""
    checks = []
    for case, index, turn in each_turn(results):
        if not (turn.expect.conflict and turn.ok and turn.choice):
            continue
        head = turn.body[:_NOTICE_WINDOW]
        ok = turn.mode == turn.choice and bool(
            re.search(rf"\b{turn.choice}\b", head, re.IGNORECASE)
            and re.search(r"\b(?:chose|chosen|setting|stay\w*)\b", head, re.IGNORECASE)
        )
        checks.append(Check(case.id, index, ok, "" if ok else
                            f"chose {turn.choice}; the reply ({turn.mode}) does not say it stays"))
    return share("conflict_notices", THRESHOLDS["conflict_notices"],
                 "Requests that conflict with the chosen mode, acknowledged while staying in it.",
                 checks)
