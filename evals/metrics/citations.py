"""Citation metrics: markers that resolve, passages that support, sources that fit, abstention."""

from __future__ import annotations

import re

from evals.metrics.base import Check, MetricResult, share
from evals.results import CaseResult, TurnResult, each_turn
from evals.thresholds import THRESHOLDS

_MARKER = re.compile(r"\[(\d{1,3})\]")
#: A citation whose support score (see :mod:`evals.evidence`) is below this is unsupported.
SUPPORT_FLOOR = 0.5


def citation_validity(results: list[CaseResult]) -> MetricResult:
    """Every marker has a citation, every citation is used, resolves to a stored chunk, and
    quotes that chunk word for word."""
    checks = []
    for case, index, turn in each_turn(results):
        if turn.ok and (turn.citations or _MARKER.search(turn.body)):
            problems = citation_problems(turn)
            checks.append(Check(case.id, index, not problems, "; ".join(problems)))
    return share("citation_validity", THRESHOLDS["citation_validity"],
                 "Replies whose citations all resolve to an indexed passage they quote exactly.",
                 checks)


def citation_problems(turn: TurnResult) -> list[str]:
    """What is wrong with the citations of ``turn`` (empty when they are valid)."""
    problems = []
    cited = {c["marker"]: c for c in turn.citations}
    used = {int(m) for m in _MARKER.findall(turn.body)}
    problems += [f"marker [{m}] has no citation" for m in sorted(used - cited.keys())]
    problems += [f"citation [{m}] is never used in the text" for m in sorted(cited.keys() - used)]
    for marker, citation in sorted(cited.items()):
        stored = turn.chunk_texts.get(citation["chunk_id"])
        if stored is None:
            problems.append(f"citation [{marker}] points to a chunk the index does not hold")
        elif not citation["quote"].strip() or citation["quote"] not in stored:
            problems.append(f"citation [{marker}] quotes text that is not in {citation['source']}")
    return problems


def citation_support(results: list[CaseResult]) -> MetricResult:
    """Citations whose sentence is close to the quoted passage (score >= the support floor)."""
    checks = []
    scores = []
    for case, index, turn in each_turn(results):
        for citation in turn.citations:
            score = turn.support.get(citation["marker"], 0.0)
            scores.append(score)
            checks.append(Check(
                case.id, index, score >= SUPPORT_FLOOR,
                f"[{citation['marker']}] {citation['source']}: support {score:.2f} "
                f"< {SUPPORT_FLOOR}",
            ))
    mean = round(sum(scores) / len(scores), 4) if scores else None
    return share("citation_support", THRESHOLDS["citation_support"],
                 f"Citations whose sentence is supported by the quoted passage "
                 f"(embedding or word-overlap score >= {SUPPORT_FLOOR}).",
                 checks, mean_support=mean, floor=SUPPORT_FLOOR)


def source_grounding(results: list[CaseResult]) -> MetricResult:
    """Advice and experience cite an expected document, and never a forbidden one."""
    checks = []
    for case, index, turn in each_turn(results):
        if not turn.ok or turn.declined:
            continue
        cited = set(turn.cited_sources)
        expected, forbidden = set(turn.expect.sources), set(turn.expect.must_not_cite)
        if expected and turn.mode in ("advising", "mentoring"):
            ok = bool(cited & expected)
            checks.append(Check(case.id, index, ok, "" if ok else
                                f"cites {_names(cited)}; expected one of {_names(expected)}"))
        if forbidden:
            wrong = cited & forbidden
            checks.append(Check(case.id, index, not wrong, f"cites {_names(wrong)}"))
    return share("source_grounding", THRESHOLDS["source_grounding"],
                 "Advising and mentoring replies citing an expected document (and no forbidden "
                 "one).", checks)


def abstention(results: list[CaseResult]) -> MetricResult:
    """Questions the corpus does not answer get no citation."""
    checks = []
    for case, index, turn in each_turn(results):
        if turn.expect.abstain and turn.ok:
            cited = turn.cited_sources
            checks.append(Check(case.id, index, not cited,
                                f"not covered by the corpus, but cites {_names(set(cited))}"))
    return share("abstention", THRESHOLDS["abstention"],
                 "Questions the corpus does not answer, left uncited.", checks)


def _names(sources: set[str]) -> str:
    return ", ".join(sorted(sources)) or "nothing"
