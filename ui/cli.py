"""The ``mentorcoach`` command line: thin commands over the assistant and ingest packages."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from assistant.settings import Settings, SettingsError, get_settings, override_home

if TYPE_CHECKING:
    from assistant.index.store import ChromaStore
    from ingest.sync import SyncReport

app = typer.Typer(
    help="mentorcoach: advising, coaching and mentoring for health-professions mentoring programs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)


@app.callback()
def _global(
    home: Annotated[
        Path | None,
        typer.Option("--home", help="Folder for all state (index, sessions, reports)."),
    ] = None,
) -> None:
    if home is not None:
        override_home(home.expanduser().resolve())


def settings() -> Settings:
    """The settings, or a clear exit when the configuration is invalid."""
    try:
        return get_settings()
    except SettingsError as exc:
        fail(str(exc))


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error to stderr and exit with ``code``."""
    errors.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def open_index(config: Settings, *, rebuild: bool = False) -> ChromaStore:
    """The configured store, or a clear exit (model mismatch, unreachable server)."""
    from assistant.index.store import ModelMismatchError, StoreUnavailableError, open_store

    try:
        return open_store(config, rebuild=rebuild)
    except (ModelMismatchError, StoreUnavailableError) as exc:
        fail(str(exc))


@contextmanager
def embedding_progress(*, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar for embedding, only on a terminal."""
    if not (enabled and console.is_terminal):
        yield None
        return
    with Progress(
        TextColumn("Embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console, transient=True,
    ) as bar:
        task = bar.add_task("embed", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def show_sync_report(report: SyncReport) -> None:
    """The sync summary: every file that changed or failed, then the counts."""
    changed = [o for o in report.outcomes if o.status != "unchanged"]
    if changed:
        files = table("Sync", ["status", "file", "chunks", "reason"])
        for o in changed:
            colour = {"failed": "red", "skipped": "yellow", "removed": "magenta"}.get(
                o.status, "green"
            )
            files.add_row(f"[{colour}]{o.status}[/]", o.source, str(o.chunks or ""), o.reason)
        console.print(files)
    for warning in report.warnings:
        errors.print(f"[yellow]Warning:[/] {warning}", highlight=False)
    counts = ", ".join(f"{report.count(s)} {s}" for s in
                       ("added", "updated", "unchanged", "removed", "failed", "skipped"))
    console.print(f"{counts}. Corpus fingerprint {report.fingerprint}.", highlight=False)


def print_json(data: object) -> None:
    """Exactly one JSON object on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def table(title: str, columns: list[str]) -> Table:
    """A rich table with our look."""
    result = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        result.add_column(column, overflow="fold")
    return result


def main() -> None:
    """Console-script entry point."""
    app(prog_name="mentorcoach")


# --- corpus ---------------------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Folders or files to mirror in the index (default: starter corpus)."),
    ] = None,
    rebuild: Annotated[bool, typer.Option(help="Drop the index and re-embed everything.")] = False,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the index already has documents.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Sync documents (PDF, DOCX, Markdown, text) into the index: only what changed is embedded."""
    from assistant.index.embeddings import embedder_for
    from ingest.sync import sync_paths

    config = settings()
    store = open_index(config, rebuild=rebuild)
    if if_empty and store.documents():
        return
    targets = paths or [config.corpus_dir]
    with embedding_progress(enabled=not as_json) as progress:
        report = sync_paths(
            targets, settings=config, store=store, embedder=embedder_for(config), progress=progress
        )
    if as_json:
        print_json(report.to_dict())
    else:
        show_sync_report(report)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Show what the index holds: documents, chunks, model, location, last sync, failures."""
    from ingest.status import index_status

    info = index_status(settings(), open_index(settings()))
    if as_json:
        print_json(info)
        return
    grid = table("mentorcoach index", ["", ""])
    grid.show_header = False
    for label, key in STATUS_ROWS:
        grid.add_row(label, str(info[key] if info[key] is not None else "never"))
    console.print(grid)
    if info["failures"]:
        failed = table("Last sync failures", ["file", "problem"])
        for failure in info["failures"]:
            failed.add_row(failure["source"], failure["reason"])
        console.print(failed)


STATUS_ROWS = [
    ("Documents", "documents"),
    ("Chunks", "chunks"),
    ("Embedding model", "embedding_model"),
    ("Store", "store"),
    ("Last sync", "last_sync"),
    ("Corpus fingerprint", "fingerprint"),
]
