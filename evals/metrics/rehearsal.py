"""Rehearsal: the counterpart stays in character, and the feedback judges each rubric item
with the learner's own words and the program's literature.

The judges read the reply text and the scenario files (what each rubric item is called),
never the guide's own record of what was met.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.rehearsal.scenarios import Scenario, bundled_dir, load_library
from evals.metrics.base import Check, MetricResult, share
from evals.results import CaseResult, TurnResult

_COUNTERPART = re.compile(r"\A\[Rehearsal: [^\]\n]+\]\n")
#: A counterpart that talks like a coach or a narrator has stepped out of character.
_OUT_OF_CHARACTER = re.compile(
    r"\[(?:coaching|advising|mentoring)\]|\brubric\b|\byour feedback\b(?!\.\))|"
    r"\b(?:as an ai|as your coach|good question|great job|well done)\b", re.IGNORECASE)
#: The learner's words quoted in the feedback.
_QUOTED = re.compile(r"\u201c([^\u201d]+)\u201d")
#: Words in a row shared with the learner's line that count as parroting it.
_PARROT_RUN = 5


@lru_cache(maxsize=1)
def _scenarios() -> dict[str, Scenario]:
    return {s.id: s for s in load_library([bundled_dir()]).scenarios}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _parrots(reply: str, line: str) -> bool:
    said = _words(line)
    shown = " ".join(_words(reply))
    return any(" ".join(said[i:i + _PARROT_RUN]) in shown
               for i in range(len(said) - _PARROT_RUN + 1))


def _in_character(turn: TurnResult) -> str | None:
    """Why a counterpart turn is not in character, or None."""
    text = turn.text
    if not _COUNTERPART.match(text):
        return f"not labelled as the counterpart: {text.split(chr(10), 1)[0][:40]!r}"
    body = text.split("\n", 1)[1]
    if found := _OUT_OF_CHARACTER.search(body):
        return f"out of character: {found.group(0)!r}"
    if _parrots(body, turn.message):
        return "repeats the learner's words back"
    if turn.citations:
        return "the counterpart cites the corpus"
    return None


def counterpart_in_character(results: list[CaseResult]) -> MetricResult:
    """Counterpart turns labelled with the persona, in character, never parroting."""
    checks = []
    for case in results:
        for index, turn in enumerate(case.turns):
            if turn.expect.counterpart and turn.ok:
                problem = _in_character(turn)
                checks.append(Check(case.id, index, problem is None, problem or ""))
    return share("rehearsal_in_character", 1.0,
                 "Rehearsal counterpart turns labelled, in character, never parroting.", checks)


def _section(body: str, heading: str) -> list[str]:
    """The bullet lines under ``heading`` ("Shown:") in the feedback."""
    lines, inside = [], False
    for line in body.splitlines():
        if line.rstrip().endswith(":") and not line.startswith("- "):
            inside = line.strip() == heading
            continue
        if inside and line.startswith("- "):
            lines.append(line[2:])
    return lines


def _feedback_checks(case: CaseResult, index: int, turn: TurnResult) -> list[Check]:
    scenario = _scenarios().get(case.case.rehearse or "")
    if scenario is None:
        return [Check(case.id, index, False, f"unknown scenario {case.case.rehearse!r}")]
    said = [t.message for t in case.turns[:index]]
    body = turn.body
    shown, missed = _section(body, "Shown:"), _section(body, "Not shown yet:")
    checks = []
    for item_id in turn.expect.rubric_met:
        behaviour = scenario.item(item_id).behaviour
        line = next((x for x in shown if x.startswith(behaviour)), None)
        quotes = _QUOTED.findall(line or "")
        if line is None:
            problem = f"{item_id}: not shown as met"
        elif not quotes or not any(q in m for q in quotes for m in said):
            problem = f"{item_id}: no quote of the learner's own words"
        elif not re.search(r"\[\d+\]", line):
            problem = f"{item_id}: no citation"
        else:
            problem = ""
        checks.append(Check(case.id, index, not problem, problem))
    for item_id in turn.expect.rubric_missed:
        behaviour = scenario.item(item_id).behaviour
        ok = any(x.startswith(behaviour) for x in missed)
        checks.append(Check(case.id, index, ok, "" if ok else f"{item_id}: not shown as missed"))
    if (turn.expect.rubric_met or turn.expect.rubric_missed) and not turn.citations:
        checks.append(Check(case.id, index, False, "the feedback cites nothing"))
    return checks


def rehearsal_feedback(results: list[CaseResult]) -> MetricResult:
    """Each expected rubric item judged right in the feedback, met ones quoting the learner
    and citing the literature."""
    checks = []
    for case in results:
        for index, turn in enumerate(case.turns):
            if not (turn.expect.rubric_met or turn.expect.rubric_missed):
                continue
            if not turn.ok:
                checks.append(Check(case.id, index, False, f"no reply: {turn.error}"))
                continue
            checks += _feedback_checks(case, index, turn)
    return share("rehearsal_feedback", 0.9,
                 "Rubric items judged as expected; met items quote the learner and cite.",
                 checks)
