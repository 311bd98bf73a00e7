"""Program staff's tools as plain functions: feedback to read and export, uploaded documents
to remove, the eval suite run from the app, and whether the corpus changed since the last eval.

Nothing here imports Gradio; :mod:`ui.web.staff_tabs` wires these to the Corpus and Evals tabs.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from html import escape as escape_html
from pathlib import Path
from typing import Any

from assistant.index.state import load_state
from evals.baseline import baseline_path, load_baseline
from evals.cases import bundled_cases_dir, load_cases
from evals.command import EvalOptions, evaluate_guide
from evals.report import agreement_table, comparison_table, failing_table, metrics_section
from ingest.lock import SyncBusyError
from ingest.sync import remove_documents
from ui.web.feedback import FeedbackRecord, FeedbackStore
from ui.web.handlers import escape
from ui.web.services import Services
from ui.web.uploads import upload_folder

#: The report's look inside the tab, scoped to it (the page keeps its own styles).
_REPORT_CSS = (
    "<style>#mc-evals-report pre{white-space:pre-wrap;margin:0;font-size:12px}"
    "#mc-evals-report table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem}"
    "#mc-evals-report th,#mc-evals-report td{border:1px solid #d0d7de;padding:.3rem .45rem;"
    "vertical-align:top;text-align:left}#mc-evals-report .fail{color:#cf222e;font-weight:600}"
    "#mc-evals-report .pass{color:#1a7f37;font-weight:600}</style>"
)
#: Failing turns shown in the tab; the downloaded report.html has them all.
SHOWN_FAILURES = 25
_EXCERPT = 240


# --- the corpus changed since the last eval ---------------------------------------------------


def corpus_changed_banner(services: Services) -> str:
    """A warning when the index differs from the one last evaluated; empty otherwise."""
    state = load_state(services.settings.state_path)
    evaluated = state.get("last_eval_fingerprint")
    if evaluated == services.store.fingerprint():
        return ""
    when = (state.get("last_eval") or {}).get("time")
    since = f"since the last eval ({escape(when)})" if evaluated and when else (
        "and it has never been evaluated")
    return (f"**The corpus has changed {since}.** Run the evals (Evals tab) to check that the "
            "assistant still behaves before learners rely on it.")


# --- feedback -------------------------------------------------------------------------------


def feedback_in_order(store: FeedbackStore) -> list[FeedbackRecord]:
    """Every piece of feedback: thumbs down first, newest first within each."""
    records = store.all()
    records.sort(key=lambda r: r.created_at, reverse=True)
    return sorted(records, key=lambda r: r.rating != "down")


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[:_EXCERPT].rstrip() + "..."


def _cited(record: FeedbackRecord) -> str:
    return "; ".join(f"[{c.get('marker')}] {c.get('source')}" for c in record.citations)


def feedback_markdown(records: list[FeedbackRecord]) -> str:
    """The feedback as a Markdown table for staff."""
    if not records:
        return "No feedback yet: learners rate replies with the thumbs under each message."
    down = sum(r.rating == "down" for r in records)
    lines = [f"{len(records)} ratings, {down} thumbs down (shown first).", "",
             "| rating | time | mode | engine | learner | reply | comment | citations |",
             "|---|---|---|---|---|---|---|---|"]
    for r in records:
        thumb = "**down**" if r.rating == "down" else "up"
        lines.append(
            f"| {thumb} | {escape(r.created_at)} | {escape(r.mode)} | {escape(r.engine)} | "
            f"{escape(_short(r.question))} | {escape(_short(r.reply))} | "
            f"{escape(r.comment) or '-'} | {escape(_cited(r)) or '-'} |"
        )
    return "\n".join(lines)


CSV_COLUMNS = ("rating", "created_at", "mode", "engine", "comment", "question", "reply",
               "citations", "session_id", "reply_index")


@cache
def _downloads() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="mentorcoach-downloads-")


def download_folder(name: str) -> Path:
    """A folder of this process's temporary files offered for download, removed at exit.

    Files are rewritten on each export: the app copies a file into its own cache as soon as
    it is returned, so an earlier download is not affected.
    """
    folder = Path(_downloads().name) / name
    folder.mkdir(exist_ok=True)
    return folder


def feedback_csv(records: list[FeedbackRecord], folder: Path | None = None) -> Path:
    """Write the feedback to ``mentorcoach-feedback.csv`` (in a download folder unless
    ``folder`` is given); returns the path."""
    target = (folder or download_folder("feedback")) / "mentorcoach-feedback.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for r in records:
            writer.writerow([r.rating, r.created_at, r.mode, r.engine, r.comment, r.question,
                             r.reply, json.dumps(r.citations, ensure_ascii=False),
                             r.session_id, r.reply_index])
    return target


# --- removing an uploaded document ----------------------------------------------------------


def uploaded_documents(services: Services) -> list[tuple[str, str]]:
    """(label, manifest key) of each indexed document that was uploaded in the app."""
    folder = str(upload_folder(services.settings).resolve())
    return [(f"{r.title} ({r.source})", r.key) for r in services.store.documents()
            if r.root == folder]


def remove_upload(services: Services, key: str | None) -> str:
    """Remove an uploaded document: its file, its chunks, sentences and manifest record."""
    if not key:
        return "Choose an uploaded document first."
    folder = upload_folder(services.settings).resolve()
    record = next((r for r in services.store.documents() if r.key == key), None)
    if record is None:
        return "That document is no longer in the index."
    if record.root != str(folder):
        return "Only documents uploaded in the app can be removed here."
    with services.sync_lock:
        try:
            remove_documents([key], settings=services.settings, store=services.store)
        except SyncBusyError as exc:
            return f"Not removed yet: {escape(str(exc))}"
        (folder / record.source).unlink(missing_ok=True)
    return f"Removed {escape(record.title)} (`{record.source}`) from the index."


# --- running the evals ----------------------------------------------------------------------


@dataclass(frozen=True)
class EvalView:
    """What the Evals tab shows after a run: a summary line, the HTML report, the files."""

    summary: str
    html: str
    files: list[str]


def run_evals(services: Services, on_case: Callable[[int, int], None] | None = None) -> EvalView:
    """Run the bundled suite on the app's own guide and index, and render the result."""
    cases_dir = bundled_cases_dir()
    cases = load_cases(cases_dir)
    baseline = load_baseline(baseline_path(cases_dir))
    run = evaluate_guide(services.settings, services.guide, cases, baseline, EvalOptions(),
                         on_case=on_case)
    report = run.report
    failing = sum(not c["passed"] for c in report["cases"])
    verdict = "passed" if report["passed"] else "FAILED"
    summary = (f"**Eval {verdict}** · {len(report['cases']) - failing} of "
               f"{len(report['cases'])} cases passed every check · engine "
               f"{escape(report['meta']['engine'])} · corpus "
               f"`{report['meta']['corpus_fingerprint']}` · {report['meta']['seconds']:g} s")
    # Downloads are copies: the reports folder itself is not served.
    downloads = download_folder("evals")
    files = []
    for path in (run.paths[2], run.paths[0]):
        copy = downloads / path.name
        copy.write_bytes(path.read_bytes())
        files.append(str(copy))
    return EvalView(summary, report_html(report), files)


def report_html(report: dict[str, Any]) -> str:
    """The report for the tab: verdict, problems, failing cases, baseline, charts, agreement."""
    verdict = ('<span style="color:#1a7f37">passed</span>' if report["passed"]
               else '<span style="color:#cf222e">FAILED</span>')
    problems = "".join(f"<li>{escape_html(p)}</li>" for p in report["problems"])
    return "\n".join([
        _REPORT_CSS,
        f'<div id="mc-evals-verdict"><h3>Eval: {verdict}</h3></div>',
        f"<ul>{problems}</ul>" if problems else "",
        failing_table(report, limit=SHOWN_FAILURES),
        "<h3>Compared with the baseline</h3>", comparison_table(report),
        "<h3>Metrics</h3>", metrics_section(report),
        "<h3>Behaviour coder agreement with hand labels</h3>", agreement_table(report),
    ])
