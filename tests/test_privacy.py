"""Patient identifiers never leave the message; stored conversations can be forgotten."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.chain.guide import Guide
from assistant.guidance.session import Session, save_session
from assistant.plan import Reply
from assistant.privacy.phi import find, redact
from assistant.settings import get_settings
from tests.support.scripted import ScriptedEngine
from ui.cli import app
from ui.conversations import remember_session, sweep, transcripts_dir
from ui.web import handlers
from ui.web.feedback import FeedbackStore, feedback_path
from ui.web.services import Services

DEV = yaml.safe_load((Path(__file__).parent / "data" / "phi_dev.yaml").read_text())["messages"]
MESSAGE = ("My patient Harold Jenkins, MRN 4482913, DOB 03/12/1961, phone 617-555-0148, "
           "complained that I rushed him. How do I talk to my mentor about it?")
IDENTIFIERS = ["Harold", "Jenkins", "4482913", "03/12/1961", "617-555-0148"]
runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    get_settings.cache_clear()
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("labelled", DEV, ids=lambda m: m["text"][:40])
def test_the_guard_finds_exactly_the_labelled_identifiers(labelled) -> None:
    text = labelled["text"]
    wanted = {i["value"] for i in labelled["identifiers"]}
    assert {text[f.start:f.end] for f in find(text)} == wanted


def test_redaction_names_what_was_removed_and_keeps_the_rest() -> None:
    redaction = redact(MESSAGE)
    assert redaction.text == (
        "My patient [patient name], MRN [MRN], DOB [date of birth], phone [phone number], "
        "complained that I rushed him. How do I talk to my mentor about it?"
    )
    assert redaction.kinds == ["patient_name", "mrn", "date_of_birth", "phone"]
    assert "[MRN]" in redaction.notice and "must not be stored" in redaction.notice
    assert redact("How do I ask Dr. Okafor to mentor me?").found == ()
    # No digit, no "@": the title alone is enough to look.
    assert redact("Mrs. Patel complained that I was rude.").text == (
        "Mrs. [patient name] complained that I was rude.")


def test_a_language_model_gets_only_the_redacted_message(starter_settings, embedder) -> None:
    engine = ScriptedEngine().enqueue("[Advising]\nTalk to your mentor soon. [1]")
    reply = Guide(starter_settings, embedder=embedder, engine=engine).ask(
        Session(), MESSAGE, choice="advising")
    sent = engine.history[0].message + json.dumps([m.content for m in engine.messages[0]])
    assert not [i for i in IDENTIFIERS if i in sent] and "[MRN]" in sent
    assert "I removed patient details" in reply.text and "mrn" in reply.redacted
    assert not [i for i in IDENTIFIERS if i in reply.text]


def every_file(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_no_file_written_under_the_home_holds_an_identifier(tmp_path, embedder) -> None:
    home = Path(os.environ["MENTORCOACH_HOME"])
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "cadence.md").write_text("# Handbook\n## Complaints\nTalk to your mentor about a "
                                     "patient complaint soon, and write a reflection.\n")
    invoke("ingest", str(docs))
    session = home / "sessions" / "talk.json"
    invoke("ask", MESSAGE, "--session", str(session), "--json")

    settings = get_settings()
    services = Services.create(settings, embedder=embedder)
    state, _ = handlers.open_conversation(services.guide, "Auto")
    *_, (state, _) = handlers.respond(services.guide, state, MESSAGE, "Advising")
    handlers.rate_reply(services.feedback, state, 2, True)
    handlers.comment_on_reply(services.feedback, state, "Thanks. Harold Jenkins, MRN 4482913.")
    handlers.write_transcript(state, "offline", services.transcripts, datetime.now())

    written = every_file(home)
    assert session in written and feedback_path(home) in written
    assert any(p.is_relative_to(transcripts_dir(home)) for p in written)
    leaks = {str(p.relative_to(home)): i for p, data in written.items() for i in IDENTIFIERS
             if i.encode() in data}
    assert not leaks
    assert "[MRN]" in session.read_text()


# --- retention and forgetting ---------------------------------------------------------------


def saved_session(home: Path, name: str) -> Path:
    path = home / "sessions" / name
    session = Session()
    session.record("How do I ask for a mentor?", "[Advising]\nAsk early.", "advising")
    save_session(session, path)
    remember_session(home, path)
    return path


def test_forget_a_session_asks_first_and_reports_what_it_removed(isolated_home: Path) -> None:
    path = saved_session(isolated_home, "one.json")
    kept = invoke("forget", "--session", str(path), input="n\n")
    assert kept.exit_code == 1 and path.exists() and "Nothing was deleted" in kept.output
    gone = invoke("forget", "--session", str(path), "--yes")
    assert gone.exit_code == 0 and not path.exists()
    assert "Removed 1 session file, 0 transcript files and 0 feedback records." in gone.output


def test_forget_refuses_a_file_that_is_not_a_session(isolated_home: Path, tmp_path) -> None:
    other = tmp_path / "notes.json"
    other.write_text('{"mine": true}')
    result = invoke("forget", "--session", str(other), "--yes")
    assert result.exit_code == 2 and other.exists()
    assert "not a mentorcoach session file" in " ".join(result.output.split())


def test_forget_all_removes_sessions_transcripts_and_feedback(isolated_home: Path) -> None:
    sessions = [saved_session(isolated_home, f"{n}.json") for n in ("a", "b")]
    transcript = transcripts_dir(isolated_home) / "x" / "talk.md"
    transcript.parent.mkdir(parents=True)
    transcript.write_text("# Conversation")
    store = FeedbackStore(feedback_path(isolated_home))
    store.rate("s", 0, "up", question="q", reply=Reply("advising", "[Advising]\nx", [], "t"))
    result = invoke("forget", "--all", "--yes")
    assert "Removed 2 session files, 1 transcript file and 1 feedback record." in result.output
    assert not any(p.exists() for p in [*sessions, transcript]) and store.all() == []
    assert invoke("forget", "--yes").exit_code == 2, "says what to forget"


def test_retention_removes_only_what_is_older_than_the_limit(isolated_home: Path,
                                                            monkeypatch) -> None:
    monkeypatch.setenv("MENTORCOACH_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    old, new = saved_session(isolated_home, "old.json"), saved_session(isolated_home, "new.json")
    long_ago = time.time() - 31 * 86400
    os.utime(old, (long_ago, long_ago))
    removed = sweep(get_settings())
    assert removed.sessions == [old] and new.exists() and not old.exists()
