"""The ``mentorcoach`` command line: thin commands over the assistant and ingest packages."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.live import Live
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
    from assistant.chain.guide import Guide
    from assistant.guidance.session import Session
    from assistant.index.store import ChromaStore
    from assistant.plan import Mode, Reply
    from ingest.sync import SyncReport

app = typer.Typer(
    help="mentorcoach: advising, coaching and mentoring for health-professions mentoring programs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)  # an error is one line, whatever the width


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
    from assistant.index.state import load_state
    from assistant.index.store import IndexDamagedError
    from ingest.lock import AppRunningError, SyncBusyError, check_no_app
    from ingest.sync import sync_paths

    config = settings()
    if not config.chroma_url:
        try:
            check_no_app(config.home)
        except AppRunningError as exc:
            fail(str(exc))
    store = open_index(config, rebuild=rebuild)
    try:
        indexed = if_empty and bool(store.documents())
    except IndexDamagedError:
        indexed = False  # the sync rebuilds it
    if indexed:
        return
    targets = paths or [config.corpus_dir]
    try:
        with embedding_progress(enabled=not as_json) as progress:
            report = sync_paths(
                targets, settings=config, store=store, embedder=embedder_for(config),
                progress=progress,
            )
    except SyncBusyError as exc:
        fail(str(exc))
    prepare_reader(config, quiet=as_json)
    if as_json:
        print_json(report.to_dict())
    else:
        show_sync_report(report)
        evaluated = load_state(config.state_path).get("last_eval_fingerprint")
        if evaluated != report.fingerprint:
            console.print(
                "The corpus has changed since the last evaluation: run `mentorcoach eval` to "
                "check that the assistant still behaves.", highlight=False,
            )
    raise typer.Exit(0 if report.ok else 1)


def prepare_reader(config: Settings, *, quiet: bool) -> None:
    """Fit the reader's classifiers (the safety check's among them) now if they are not
    cached, so no first question waits."""
    from assistant.index.embeddings import embedder_for
    from assistant.reader.reading import Reader

    reader = Reader(embedder_for(config), config.cache_dir)
    if reader.cached:
        return
    with nullcontext() if quiet else console.status("Preparing the message reader (once per "
                                                    "machine)..."):
        reader.prepare()


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


# --- conversation ---------------------------------------------------------------------------


class ModeChoice(StrEnum):
    """Guidance modes a user can pick; ``auto`` lets the guide choose."""

    auto = "auto"
    advising = "advising"
    coaching = "coaching"
    mentoring = "mentoring"


def build_guide(config: Settings) -> Guide:
    """The guide on the configured store and engine, or a clear exit."""
    from assistant.chain.guide import Guide
    from assistant.engines import EngineError
    from assistant.guidance.contacts import ContactsError
    from assistant.index.store import IndexDamagedError

    store = open_index(config)
    try:
        if not store.documents():
            errors.print("[yellow]The index is empty:[/] run `mentorcoach ingest` first.")
        return Guide(config, store=store)
    except (EngineError, ContactsError, IndexDamagedError) as exc:
        fail(str(exc))


def stream_reply(guide: Guide, session: Session, text: str, choice: Mode | None) -> Reply:
    """Show the reply as it streams, then the enforced text with its sources."""
    from assistant.engines import EngineError
    from assistant.index.store import IndexDamagedError
    from assistant.plan import Reply

    reply = None
    shown = ""
    try:
        with Live(console=console, transient=True, auto_refresh=False) as live:
            for event in guide.stream(session, text, choice):
                if isinstance(event, Reply):
                    reply = event
                else:
                    shown += event
                    live.update(shown, refresh=True)
    except (EngineError, IndexDamagedError) as exc:
        fail(str(exc))
    assert reply is not None
    return reply


def show_reply(reply: Reply) -> None:
    """The reply with its mode as a coloured badge on the label line."""
    colour = {"advising": "cyan", "coaching": "green", "mentoring": "magenta",
              "safety": "bold white on red", "rehearsal": "yellow"}[reply.mode]
    label, _, rest = reply.text.partition("\n")
    console.print(f"[bold {colour}]{label}[/]", highlight=False)
    console.print(rest, highlight=False, markup=False)
    console.print()


@app.command()
def ask(
    text: Annotated[str, typer.Argument(help="Your message.")],
    mode: Annotated[ModeChoice, typer.Option(help="Guidance mode.")] = ModeChoice.auto,
    session: Annotated[
        Path | None, typer.Option(help="JSON file that keeps the conversation across calls.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Ask for advice, coaching or mentoring; the reply is labelled and cited."""
    from assistant.guidance.session import Session, SessionFileError, load_session, save_session
    from ui.conversations import remember_session, sweep

    config = settings()
    sweep(config)
    try:
        state = load_session(session) if session else Session()
    except SessionFileError as exc:
        fail(f"{exc}. The file was left untouched; pass another --session path.")
    guide = build_guide(config)
    choice = None if mode is ModeChoice.auto else mode.value
    if as_json:
        reply = guide.ask(state, text, choice)
        print_json(reply.to_dict())
    else:
        show_reply(stream_reply(guide, state, text, choice))
    if session:
        save_session(state, session)
        remember_session(config.home, session)


@app.command()
def chat(
    mode: Annotated[ModeChoice, typer.Option(help="Guidance mode.")] = ModeChoice.auto,
) -> None:
    """An interactive conversation in the terminal (Ctrl-D or 'quit' to leave)."""
    from assistant.guidance.policy import CLOSED
    from assistant.guidance.session import Session
    from ui.conversations import sweep

    config = settings()
    sweep(config)
    guide = build_guide(config)
    state = Session()
    choice = None if mode is ModeChoice.auto else mode.value
    show_reply(stream_reply(guide, state, "", choice))
    while True:
        try:
            text = console.input("[bold]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if text.lower() in {"quit", "exit"}:
            return
        if text:
            reply = stream_reply(guide, state, text, choice)
            show_reply(reply)
            if state.extras.get(CLOSED):
                return


@app.command()
def forget(
    session: Annotated[
        Path | None, typer.Option(help="Delete this session file (saved by ask --session).")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Delete every session, transcript and feedback record.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete stored conversations (with confirmation) and report what was removed."""
    from assistant.guidance.session import SessionFileError
    from ui.conversations import forget_all, forget_session

    if (session is None) == (not everything):
        fail("Say what to forget: --session FILE or --all (not both).")
    config = settings()
    what = (f"the session file {session}" if session else
            f"every session file, transcript and feedback record under {config.home}")
    if not yes and not typer.confirm(f"Delete {what}?", default=False):
        fail("Nothing was deleted.", code=1)
    try:
        removed = forget_session(config, session) if session else forget_all(config)
    except SessionFileError as exc:
        fail(f"{exc}. Nothing was deleted.")
    console.print(removed.summary(), highlight=False)


@app.command()
def rehearse(
    scenario: Annotated[
        str | None, typer.Option(help="The scenario to rehearse (see --list).")
    ] = None,
    list_scenarios: Annotated[
        bool, typer.Option("--list", help="List the scenarios you can rehearse.")
    ] = False,
    script: Annotated[
        Path | None,
        typer.Option(help="Play the learner's turns from this file, one per line."),
    ] = None,
    export: Annotated[
        Path | None, typer.Option(help="Save the transcript and feedback as Markdown here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON value.")] = False,
) -> None:
    """Rehearse a hard conversation with a counterpart in character, then get rubric feedback."""
    from assistant.rehearsal.scenarios import bundled_dir, load_library

    config = settings()
    library = load_library([bundled_dir(), config.scenarios_dir])
    for problem in library.problems:
        errors.print(f"[yellow]Scenario skipped:[/] {problem}", highlight=False)
    if list_scenarios:
        if as_json:
            print_json([s.summary() for s in library.scenarios])
            return
        grid = table("Scenarios", ["id", "for", "title", "objective"])
        for s in library.scenarios:
            grid.add_row(s.id, s.audience, s.title, s.objective)
        console.print(grid)
        return
    if scenario is None:
        fail("Say which scenario to rehearse: --scenario ID (see mentorcoach rehearse --list).")
    if library.get(scenario) is None:
        fail(f"No scenario {scenario!r}; known: {', '.join(library.ids)}.")
    if script is None and as_json:
        fail("--json needs --script FILE (the learner's turns, one per line).")
    try:
        lines = ([t.strip() for t in script.read_text(encoding="utf-8").splitlines()
                  if t.strip()] if script else None)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"Cannot read the script {script}: {exc}")
    from ui.conversations import sweep

    sweep(config)
    play_rehearsal(build_guide(config), scenario, lines, export=export, as_json=as_json)


def play_rehearsal(guide: Guide, scenario_id: str, lines: list[str] | None, *,
                   export: Path | None, as_json: bool) -> None:
    """Play a rehearsal from ``lines`` (None: the terminal) up to its feedback."""
    from assistant.guidance.rehearsal import FEEDBACK, REHEARSAL
    from assistant.guidance.session import Session
    from assistant.rehearsal.export import feedback_data, to_markdown, transcript

    state = Session()
    reply = guide.rehearse(state, scenario_id)
    if not as_json:
        show_reply(reply)
    pending = list(lines) if lines is not None else None
    text: str | None = None
    while state.extras.get(REHEARSAL):
        if pending is None:
            try:
                text = console.input("[bold]you>[/] ").strip() or None
            except (EOFError, KeyboardInterrupt):
                console.print()
                text, pending = "end", []  # ask for the feedback once, then stop
        elif pending:
            text = pending.pop(0)
        elif text == "end":
            break  # the script is over and the rehearsal still waits (a safety reply)
        else:
            text = "end"
        if not text:
            continue
        reply = guide.ask(state, text) if as_json else stream_reply(guide, state, text, None)
        if not as_json:
            show_reply(reply)
    played = transcript(state.history)
    feedback = state.extras.get(FEEDBACK)
    scenario = guide.scenarios.get(scenario_id)
    assert scenario is not None
    if export is not None:
        export.write_text(to_markdown(scenario, played, reply.text if feedback else None),
                          encoding="utf-8")
    if as_json:
        print_json({"scenario": scenario_id, "transcript": played,
                    "feedback": feedback_data(feedback, reply.label, reply.citations)
                    if feedback else None})


# --- web app and evals ----------------------------------------------------------------------


@app.command("ui")
def web_ui(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
) -> None:
    """Open the web app (chat, goals, corpus); ingests the starter corpus if the index is empty."""
    from ui.web.launch import LaunchError, launch

    try:
        launch(settings(), host=host, port=port)
    except LaunchError as exc:
        fail(str(exc))


@app.command("eval")
def run_evals(
    cases: Annotated[Path | None, typer.Option(help="Folder of YAML case files.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the report.")] = None,
    engine: Annotated[
        str | None, typer.Option(help="Engine to evaluate: offline, openai or llamacpp.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Cases run in parallel.")] = 1,
    if_changed: Annotated[
        bool, typer.Option("--if-changed", help="Run only if the corpus changed since last eval.")
    ] = False,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Save this run's metrics as the baseline.")
    ] = False,
) -> None:
    """Run the quality suite against the current index and engine; exit 1 on any regression."""
    from evals.command import EvalOptions, run_eval_command

    options = EvalOptions(cases=cases, out=out, engine=engine, workers=workers,
                          if_changed=if_changed, update_baseline=update_baseline)
    raise typer.Exit(run_eval_command(settings(), options, console=console))


@app.command()
def smart(
    text: Annotated[str, typer.Argument(help="A goal, in your own words.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check a goal against the SMART criteria, with a coaching question for each gap."""
    from assistant.smart import CRITERIA, check_goal

    report = check_goal(text)
    if as_json:
        print_json(report.to_dict())
        return
    marks = {"present": "[green]present[/]", "missing": "[red]missing[/]",
             "unclear": "[yellow]unclear[/]"}
    grid = table(f"SMART check: {report.score}/5", ["criterion", "status", "evidence", "question"])
    for name in CRITERIA:
        result = report.criterion(name)
        grid.add_row(name.replace("_", "-"), marks[result.status], result.evidence or "",
                     result.question or "")
    console.print(grid)
    if report.multiple_goals_question:
        console.print(report.multiple_goals_question, highlight=False)
