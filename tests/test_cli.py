"""The command line as users run it: exit codes, JSON output, sessions, configuration errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.settings import get_settings
from ui.cli import app

runner = CliRunner()


def invoke(*args: str):
    get_settings.cache_clear()
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "cadence.md").write_text(
        "# Handbook\n## Meeting cadence\nMentors and mentees meet once a month for an hour.\n"
        "A mentor can ask what is getting in the way when meetings are missed.\n"
    )
    return folder


def test_ingest_json_status_and_exit_codes(corpus: Path, isolated_home: Path) -> None:
    result = invoke("ingest", str(corpus), "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["counts"]["added"] == 1 and summary["fingerprint_changed"]

    (corpus / "broken.pdf").write_bytes(b"not a pdf")
    result = invoke("ingest", str(corpus), "--json")
    assert result.exit_code == 1
    failed = [f for f in json.loads(result.stdout)["files"] if f["status"] == "failed"]
    assert failed[0]["source"] == "broken.pdf" and "not a readable PDF" in failed[0]["reason"]

    status = json.loads(invoke("status", "--json").stdout)
    assert status["documents"] == 1 and status["chunks"] >= 1
    assert status["store"] == str(isolated_home / "chroma")
    assert status["failures"][0]["source"] == "broken.pdf"


def test_the_table_summary_nudges_an_eval_when_the_corpus_changed(corpus: Path) -> None:
    result = invoke("ingest", str(corpus))
    assert "1 added" in result.stdout
    assert "run `mentorcoach eval`" in result.stdout


def test_home_option_moves_all_state(corpus: Path, tmp_path: Path) -> None:
    home = tmp_path / "elsewhere"
    assert invoke("--home", str(home), "ingest", str(corpus), "--json").exit_code == 0
    assert (home / "chroma").is_dir() and (home / "state.json").is_file()


def test_ask_json_is_one_object_and_sessions_continue(corpus: Path, tmp_path: Path) -> None:
    invoke("ingest", str(corpus), "--json")
    session = tmp_path / "talk.json"
    first = invoke("ask", "How often should mentors and mentees meet?", "--json",
                   "--session", str(session))
    reply = json.loads(first.stdout)
    assert set(reply) == {"mode", "label", "switched_from", "text", "citations", "engine",
                          "out_of_scope", "safety", "redacted"}
    assert reply["mode"] == "advising" and reply["citations"][0]["source"] == "cadence.md"
    second = json.loads(invoke("ask", "Help me think it through instead.", "--json",
                               "--session", str(session)).stdout)
    assert (second["mode"], second["switched_from"]) == ("coaching", "advising")
    assert len(json.loads(session.read_text())["history"]) == 4


def test_ask_json_names_a_safety_reply_and_redactions(corpus: Path) -> None:
    invoke("ingest", str(corpus), "--json")
    reply = json.loads(invoke("ask", "Some days I wonder what the point of waking up is.",
                              "--json", "--mode", "coaching").stdout)
    assert (reply["mode"], reply["label"]) == ("safety", "[Safety]")
    assert reply["safety"]["detected"] == ["suicide"] and reply["citations"] == []
    redacted = json.loads(invoke("ask", "Mrs Patel (MRN 4482913) complained. How often should "
                                 "mentors and mentees meet?", "--json").stdout)
    assert redacted["redacted"] == ["patient_name", "mrn"] and "4482913" not in redacted["text"]


@pytest.mark.slow
def test_ingest_prepares_the_reader_once(corpus: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORCOACH_CACHE_DIR", str(tmp_path / "cache"))
    invoke("ingest", str(corpus), "--json")
    fitted = sorted((tmp_path / "cache" / "classifiers").glob("*.npz"))
    assert [f.name.split("-")[0] for f in fitted] == ["grow", "guidance", "kind", "ownership",
                                                      "safety", "scope", "speaker"]
    before = [f.stat().st_mtime_ns for f in fitted]
    invoke("ingest", str(corpus), "--json")
    assert [f.stat().st_mtime_ns for f in fitted] == before, "cached classifiers are kept"


def test_bad_contacts_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text("contacts: []\n")
    monkeypatch.setenv("MENTORCOACH_SAFETY_CONTACTS", str(contacts))
    result = invoke("ask", "Hello")
    assert result.exit_code == 2
    assert f"{contacts}: contacts: needs a contact with role emergency and crisis" in (
        " ".join(result.stderr.split()))


def test_a_foreign_session_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    session = tmp_path / "notes.json"
    session.write_text('{"something": "else"}')
    result = invoke("ask", "Hello", "--session", str(session))
    assert result.exit_code == 2
    assert "not a mentorcoach session file" in " ".join(result.stderr.split())
    assert session.read_text() == '{"something": "else"}'


def test_bad_configuration_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORCOACH_CHUNK_SIZE", "lots")
    result = invoke("status")
    assert result.exit_code == 2
    assert "MENTORCOACH_CHUNK_SIZE" in result.stderr


def test_model_mismatch_tells_the_user_to_rebuild(corpus: Path, monkeypatch) -> None:
    invoke("ingest", str(corpus), "--json")
    monkeypatch.setenv("MENTORCOACH_EMBEDDING_MODEL", "some/other-model")
    result = invoke("status")
    assert result.exit_code == 2 and "mentorcoach ingest --rebuild" in result.stderr


def test_smart_reports_each_criterion() -> None:
    report = json.loads(invoke("smart", "I will publish two papers by June 2030", "--json").stdout)
    assert report["criteria"]["time_bound"]["status"] == "present"
    assert report["criteria"]["relevant"]["question"].endswith("?")


def test_chat_opens_answers_and_closes(corpus: Path) -> None:
    invoke("ingest", str(corpus), "--json")
    get_settings.cache_clear()
    result = runner.invoke(
        app, ["chat"], input="How often should mentors and mentees meet?\nThanks, that's all.\n"
    )
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("Welcome") < out.index("[Advising]") < out.index("How did this conversation")
    assert "cadence.md" in out
