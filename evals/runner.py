"""Runs cases on one guide: one session per case, cases in parallel threads, a progress bar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from time import perf_counter

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from assistant.chain.guide import Guide
from assistant.guidance.session import Session
from assistant.privacy.phi import redact
from assistant.smart import check_goal
from evals.cases import Case
from evals.evidence import retrieved_sources, stored_texts, support_scores
from evals.results import CaseResult, TurnResult


def warm_up(guide: Guide) -> float:
    """Load the embedding model and the lexical index before timing cases; returns seconds."""
    start = perf_counter()
    guide.embedder.embed_query("mentoring")
    guide.retriever.refresh()
    return perf_counter() - start


def run_case(guide: Guide, case: Case) -> CaseResult:
    """All turns of ``case`` in one session; a turn that fails ends the case."""
    session = Session()
    start = perf_counter()
    turns: list[TurnResult] = []
    if case.rehearse:
        try:
            guide.rehearse(session, case.rehearse)
        except KeyError:
            error = f"no rehearsal scenario {case.rehearse!r}"
            return CaseResult(case, [TurnResult(redact(t.message).text, t.choice, t.expect,
                                                error=error) for t in case.turns], 0.0)
    for turn in case.turns:
        # The report keeps the message as the guide kept it: patient identifiers removed.
        result = TurnResult(redact(turn.message).text, turn.choice, turn.expect)
        turns.append(result)
        if any(not t.ok for t in turns[:-1]):
            result.error = "not run: an earlier turn failed"
            continue
        began = perf_counter()
        try:
            result.reply = guide.ask(session, turn.message, turn.choice).to_dict()
        except Exception as exc:  # a crashing turn is a finding to report, not a reason to stop
            result.error = f"{type(exc).__name__}: {exc}"
        result.seconds = round(perf_counter() - began, 3)
        observe(guide, result)
    return CaseResult(case, turns, round(perf_counter() - start, 3))


def observe(guide: Guide, result: TurnResult) -> None:
    """Gather the evidence the metrics need: cited chunks, support scores, retrieval."""
    if result.ok:
        result.chunk_texts = stored_texts(guide.store, result)
        result.support = support_scores(guide.embedder, result)
    if result.expect.sources:
        result.retrieved = retrieved_sources(guide.retriever, result.message)
    if result.expect.smart:
        report = check_goal(result.message)
        result.smart = {name: report.criterion(name).status for name in result.expect.smart}


def run_suite(
    guide: Guide, cases: Sequence[Case], *, workers: int = 1, console: Console | None = None,
    on_case: Callable[[int, int], None] | None = None,
) -> list[CaseResult]:
    """Every case, ``workers`` at a time, in the order given, with a progress bar.

    ``on_case`` is called with (cases done, cases in all) as each case finishes.
    """
    results: list[CaseResult | None] = [None] * len(cases)
    with (
        Progress(
            TextColumn("Evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TimeRemainingColumn(), console=console, transient=True,
        ) as progress,
        ThreadPoolExecutor(max_workers=workers) as pool,
    ):
        task = progress.add_task("cases", total=len(cases))
        futures = {pool.submit(run_case, guide, case): i for i, case in enumerate(cases)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            progress.advance(task)
            if on_case:
                on_case(sum(r is not None for r in results), len(cases))
    return [r for r in results if r is not None]
