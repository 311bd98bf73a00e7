"""Reading the message right: closings, whom advice is for, and practice lines.

The judges here read only the reply text, with their own wording rules, not the guide's.
"""

from __future__ import annotations

import re

from evals.metrics.base import Check, MetricResult, share
from evals.results import CaseResult, TurnResult, each_turn
from evals.thresholds import THRESHOLDS

#: A reply that ends the conversation: it sums up, or asks how the conversation went.
CLOSES = re.compile(
    r"\b(?:before we (?:stop|finish|end)|to sum up|in summary|what we covered|"
    r"how did this conversation go|until next time)\b", re.IGNORECASE)
#: A sentence telling the other party what to do, by whom the advice is for.
TELLS_THE_OTHER_PARTY = {
    "mentor": re.compile(r"\b(?:mentee|learner|trainee)s? (?:should|must|needs? to|is expected "
                         r"to|sets?|sends?|prepares?|brings?)\b", re.IGNORECASE),
    "mentee": re.compile(r"\b(?:mentor|supervisor|coach)s? (?:should|must|needs? to|is expected "
                         r"to)\b", re.IGNORECASE),
}
#: A reply that treats the message as practice: it speaks of practising, or of the line said.
TREATS_AS_PRACTICE = re.compile(
    r"\b(?:practi[sc]\w*|rehears\w*|role[- ]?play\w*|the words you|your (?:opening|line|words)|"
    r"said aloud|how (?:that|it) (?:sounds|landed))\b", re.IGNORECASE)


def _problem(turn: TurnResult) -> str | None:
    """Why the reply misreads the message, '' when it reads it right, None when not judged."""
    expect, text = turn.expect, turn.reply["text"]
    problems = []
    judged = False
    if expect.closing is not None:
        judged = True
        if bool(CLOSES.search(text)) != expect.closing:
            problems.append("did not close the conversation" if expect.closing
                            else "closed the conversation")
    if expect.addressed_to is not None and turn.mode in ("advising", "mentoring"):
        judged = True
        found = TELLS_THE_OTHER_PARTY[expect.addressed_to].search(text)
        if found:
            problems.append(f"advice for the other party: {found.group(0)!r}")
    if expect.practice:
        judged = True
        if not TREATS_AS_PRACTICE.search(text) or turn.declined:
            problems.append("did not treat the message as practice")
    return "; ".join(problems) if judged else None


def misreads_handled(results: list[CaseResult]) -> MetricResult:
    """Closings, whom advice is for, and practice lines, read as the person meant them."""
    checks = []
    for case, index, turn in each_turn(results):
        if not turn.ok:
            continue
        problem = _problem(turn)
        if problem is not None:
            checks.append(Check(case.id, index, not problem, problem))
    return share("misreads_handled", THRESHOLDS["misreads_handled"],
                 "Closings, advice for the asker's role and practice lines read as meant.",
                 checks)
