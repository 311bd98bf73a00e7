"""``mentorcoach eval``: run the suite on the current index and engine, report, compare with
the baseline, and exit non-zero on any metric below its threshold or any regression."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any, get_args

from langchain_core.embeddings import Embeddings
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.chain.guide import Guide
from assistant.engines import EngineError
from assistant.engines.prompting import PROMPT_VERSION
from assistant.index.embeddings import embedder_for
from assistant.index.state import load_state, update_state
from assistant.index.store import ModelMismatchError, StoreUnavailableError, open_store
from assistant.settings import Settings
from evals.baseline import (
    Baseline,
    BaselineError,
    baseline_path,
    load_baseline,
    regressions,
    save_baseline,
)
from evals.cases import Case, CaseError, bundled_cases_dir, load_cases
from evals.metrics import MetricResult, evaluate
from evals.report import RunInfo, build_report, write_reports
from evals.runner import run_suite, warm_up

ENGINES: tuple[str, ...] = get_args(Settings.model_fields["llm"].annotation)
#: Exit codes: everything met; a threshold or the baseline was missed; the run could not start.
PASSED, FAILED, UNUSABLE = 0, 1, 2
_LISTED_CASES = 12


@dataclass(frozen=True)
class EvalOptions:
    """The options of ``mentorcoach eval``."""

    cases: Path | None = None
    out: Path | None = None
    engine: str | None = None
    workers: int = 1
    if_changed: bool = False
    update_baseline: bool = False


def run_eval_command(
    settings: Settings,
    options: EvalOptions,
    *,
    console: Console,
    embedder: Embeddings | None = None,
) -> int:
    """Run the suite as ``options`` say and return the exit code.

    ``embedder`` replaces the configured embedding model (tests share one across runs).
    """
    if options.engine is not None:
        if options.engine not in ENGINES:
            return _unusable(console, f"Unknown engine {options.engine!r}; choose one of "
                             f"{', '.join(ENGINES)}.")
        settings = settings.model_copy(update={"llm": options.engine})
    cases_dir = options.cases or bundled_cases_dir()
    try:
        cases = load_cases(cases_dir)
        baseline = load_baseline(baseline_path(cases_dir))
        store = open_store(settings)
    except CaseError as exc:
        return _unusable(console, "Invalid eval cases:\n" + "\n".join(
            f"  {escape(p)}" for p in exc.problems))
    except (BaselineError, ModelMismatchError, StoreUnavailableError) as exc:
        return _unusable(console, escape(str(exc)))
    documents = store.documents()
    if not documents:
        return _unusable(console, "The index is empty: run `mentorcoach ingest` first.")
    fingerprint = store.fingerprint()
    if options.if_changed and load_state(settings.state_path).get(
        "last_eval_fingerprint"
    ) == fingerprint:
        console.print(f"The corpus has not changed since the last eval (fingerprint "
                      f"{fingerprint}); nothing to run.", highlight=False)
        return PASSED
    _warn_unknown_sources(console, cases, {d.source for d in documents})
    try:
        guide = Guide(settings, store=store,
                      embedder=embedder or embedder_for(settings))
    except EngineError as exc:
        return _unusable(console, escape(str(exc)))
    turns = sum(len(c.turns) for c in cases)
    console.print(f"Evaluating {len(cases)} cases ({turns} turns) with engine "
                  f"{guide.engine.name} on corpus {fingerprint} ({len(documents)} documents).",
                  highlight=False)
    run = evaluate_guide(settings, guide, cases, baseline, options, console=console)
    _print_summary(console, run.report, run.metrics,
                   run.baseline_entry is not None or options.update_baseline)
    console.print(f"Report: {run.paths[2]} (also report.md and report.json)", highlight=False)
    if options.update_baseline:
        console.print(f"Baseline for engine {guide.engine.name} saved to {baseline.path}.",
                      highlight=False)
    return PASSED if run.report["passed"] else FAILED


@dataclass(frozen=True)
class EvalRun:
    """One finished run: the report, its files (json, md, html) and the metrics."""

    report: dict[str, Any]
    paths: list[Path]
    metrics: list[MetricResult]
    baseline_entry: dict[str, Any] | None


def evaluate_guide(
    settings: Settings,
    guide: Guide,
    cases: list[Case],
    baseline: Baseline,
    options: EvalOptions,
    *,
    console: Console | None = None,
    on_case: Callable[[int, int], None] | None = None,
) -> EvalRun:
    """Run ``cases`` on ``guide``, compare with ``baseline``, write the reports and record the
    run in the index state (the web app's Evals tab and ``mentorcoach eval`` both use this)."""
    store = guide.store
    fingerprint = store.fingerprint()
    started = datetime.now(UTC)
    clock = perf_counter()
    setup = warm_up(guide)
    results = run_suite(guide, cases, workers=options.workers, console=console, on_case=on_case)
    metrics = evaluate(results)
    entry = baseline.entry(guide.engine.name)
    dropped = [] if options.update_baseline else regressions(metrics, entry, baseline.tolerance)
    info = RunInfo(
        started=started.isoformat(timespec="seconds"),
        seconds=round(perf_counter() - clock, 2),
        setup_seconds=round(setup, 2),
        engine=guide.engine.name,
        embedding_model=settings.embedding_model,
        prompt_version=PROMPT_VERSION,
        corpus_fingerprint=fingerprint,
        documents=len(store.documents()),
        cases=len(cases),
        turns=sum(len(c.turns) for c in cases),
        workers=options.workers,
        cases_dir=str(options.cases or bundled_cases_dir()),
    )
    report = build_report(info, results, metrics, dropped, entry)
    out = options.out or settings.home / "evals" / started.strftime("%Y%m%d-%H%M%S")
    paths = write_reports(report, out)
    update_state(settings.state_path, last_eval_fingerprint=fingerprint, last_eval={
        "time": info.started, "passed": report["passed"], "report": str(paths[2]),
    })
    if options.update_baseline:
        save_baseline(baseline, info.engine, metrics, {
            "recorded": info.started, "corpus_fingerprint": info.corpus_fingerprint,
            "documents": info.documents, "embedding_model": info.embedding_model,
            "prompt_version": info.prompt_version, "cases": info.cases,
        })
    return EvalRun(report, paths, metrics, entry)


def _unusable(console: Console, message: str) -> int:
    console.print(f"[bold red]Error:[/] {message}", highlight=False)
    return UNUSABLE


def _warn_unknown_sources(console: Console, cases: list[Case], indexed: set[str]) -> None:
    """Expected or forbidden documents the index does not hold (a typo, or another corpus)."""
    named = {source for case in cases for turn in case.turns
             for source in (*turn.expect.sources, *turn.expect.must_not_cite)}
    unknown = sorted(named - indexed)
    if unknown:
        console.print(f"[yellow]Warning:[/] the cases name documents the index does not hold: "
                      f"{escape(', '.join(unknown))}", highlight=False)


def _print_summary(
    console: Console, report: dict[str, Any], metrics: list[MetricResult], baseline_checked: bool
) -> None:
    table = Table(title="Eval metrics", title_justify="left")
    for column in ("metric", "value", "threshold", "baseline", "status"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for metric, row in zip(metrics, report["metrics"], strict=True):
        bound = ">=" if metric.higher_is_better else "<="
        status = "[green]pass[/]" if metric.passed else "[bold red]FAIL[/]"
        table.add_row(metric.name, _num(metric.value), f"{bound} {metric.threshold:g}",
                      _num(row["baseline"]), status)
    console.print(table)
    if not baseline_checked:
        console.print("[yellow]No baseline for this engine:[/] regressions not checked "
                      "(run with --update-baseline to record one).", highlight=False)
    for problem in report["problems"]:
        console.print(f"[bold red]Failed:[/] {escape(problem)}", highlight=False)
    failing = [c["id"] for c in report["cases"] if not c["passed"]]
    cases, timing = len(report["cases"]), report["timing"]
    console.print(f"{cases - len(failing)} of {cases} cases passed every check.",
                  highlight=False)
    for case_id in failing[:_LISTED_CASES]:
        console.print(f"  failing: {escape(case_id)}", highlight=False)
    if len(failing) > _LISTED_CASES:
        console.print(f"  ... and {len(failing) - _LISTED_CASES} more (see the report)")
    console.print(f"{cases} cases in {timing['cases_seconds']:g} s "
                  f"({_num(timing['per_case_seconds'])} s per case; setup "
                  f"{report['meta']['setup_seconds']:g} s).", highlight=False)


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"
