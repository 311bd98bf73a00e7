"""Starting the web app: sign-in rules, bind refusal, first-run indexing, a taken port."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings, get_settings
from tests.support.scripted import ScriptedEngine
from ui.web.launch import (
    LaunchError,
    check_bind,
    checker,
    is_loopback,
    launch,
    read_auth,
)
from ui.web.roles import Account
from ui.web.services import Services

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "localhost", "::1", "[::1]"])
def test_loopback_hosts(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "mentor.example.org"])
def test_other_hosts_are_not_loopback(host):
    assert not is_loopback(host)


def test_accounts_from_the_variable_or_a_file(tmp_path):
    assert read_auth(None) is None and read_auth("  ") is None
    assert read_auth("alice:s3cret") == {"alice": Account("s3cret", "learner")}
    assert read_auth("bob:pa:ss:word") == {"bob": Account("pa:ss:word")}
    assert read_auth("carol:pa:ss:staff") == {"carol": Account("pa:ss", "staff")}
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("# staff\nalice:one:staff\n\n bob :two words:learner\neve:x\n",
                        encoding="utf-8")
    assert read_auth(str(accounts)) == {"alice": Account("one", "staff"),
                                        "bob": Account("two words", "learner"),
                                        "eve": Account("x", "learner")}
    check = checker(read_auth(str(accounts)))
    assert check("alice", "one") and not check("alice", "two words") and not check("eve", "one")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("alice:one\nbob-without-password-Secr3t\n", "line 2: expected user:password"),
        ("alice:\n", "line 1: expected user:password"),
        (":Secr3t\n", "line 1: expected user:password"),
        ("# only a comment\n", "holds no user:password line"),
    ],
)
def test_malformed_account_files_are_refused_without_echoing_them(tmp_path, content, problem):
    accounts = tmp_path / "accounts.txt"
    accounts.write_text(content, encoding="utf-8")
    with pytest.raises(LaunchError, match=problem) as refused:
        read_auth(str(accounts))
    assert "Secr3t" not in str(refused.value) and "MENTORCOACH_UI_AUTH" in str(refused.value)


def test_unusable_auth_values_are_refused(tmp_path):
    with pytest.raises(LaunchError, match="no file at"):
        read_auth(str(tmp_path / "missing.txt"))
    with pytest.raises(LaunchError, match="must be user:password") as refused:
        read_auth("JustAPassw0rd")
    assert "JustAPassw0rd" not in str(refused.value)


def test_non_loopback_address_needs_sign_in():
    with pytest.raises(LaunchError, match="MENTORCOACH_UI_AUTH"):
        check_bind("0.0.0.0", None)
    check_bind("0.0.0.0", {"alice": Account("one")})
    check_bind("127.0.0.1", None)


def test_launch_refuses_before_opening_anything(settings: Settings):
    with pytest.raises(LaunchError, match=r"Refusing to listen on 0\.0\.0\.0 without sign-in"):
        launch(settings, host="0.0.0.0", port=free_port(), block=False)
    assert not settings.home.exists()


def test_the_ui_command_refuses_a_public_address_without_sign_in(isolated_home):
    done = subprocess.run(
        [sys.executable, "-c", "from ui.cli import main; main()", "ui", "--host", "0.0.0.0"],
        capture_output=True, text=True, timeout=60,
        env=os.environ | {"PYTHONPATH": os.getcwd(), "COLUMNS": "200"},
    )
    assert done.returncode == 2
    assert "MENTORCOACH_UI_AUTH" in done.stderr and "0.0.0.0" in done.stderr
    assert not isolated_home.exists()


def test_sign_in_is_required_when_accounts_are_set(monkeypatch, embedder):
    monkeypatch.setenv("MENTORCOACH_UI_AUTH", "alice:correct horse")
    settings = get_settings()
    services = Services.create(settings, embedder=embedder, engine=ScriptedEngine())
    # A non-empty index, so launching does not index the starter corpus.
    notes = settings.home / "notes"
    notes.mkdir(parents=True)
    (notes / "cadence.md").write_text("# Cadence\nMeet monthly.\n", encoding="utf-8")
    services.sync([notes])
    port = free_port()
    demo = launch(settings, host="127.0.0.1", port=port, block=False, services=services)
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=10) as web:
            assert web.get("/config").status_code == 401
            wrong = web.post("/login", data={"username": "alice", "password": "wrong"})
            assert wrong.status_code >= 400
            right = web.post("/login", data={"username": "alice", "password": "correct horse"})
            assert right.status_code == 200
            config = web.get("/config")
            assert config.status_code == 200
            assert "correct horse" not in config.text
    finally:
        demo.close()


def test_first_launch_indexes_the_starter_corpus(tmp_path, monkeypatch, capsys, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cadence.md").write_text("# Cadence\n## Meetings\nMeet monthly.\n", "utf-8")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    monkeypatch.setenv("MENTORCOACH_CORPUS_DIR", str(corpus))
    monkeypatch.setattr("ui.web.services.embedder_for", lambda settings: embedder)
    settings = get_settings()
    demo = launch(settings, host="127.0.0.1", port=free_port(), block=False)
    try:
        out = capsys.readouterr().out
        assert f"The index is empty: indexing the starter corpus in {corpus}" in out
        assert "Indexed 1 documents; 1 could not be read (see the Corpus tab)." in out
    finally:
        demo.close()
    from assistant.index.store import open_store

    assert [r.source for r in open_store(settings).documents()] == ["cadence.md"]


def test_a_taken_port_is_a_clear_error(settings, embedder):
    services = Services.create(settings, embedder=embedder, engine=ScriptedEngine())
    notes = Path(settings.home) / "notes"
    notes.mkdir(parents=True)
    (notes / "cadence.md").write_text("# Cadence\nMeet monthly.\n", encoding="utf-8")
    services.sync([notes])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LaunchError, match=re.escape(f"Cannot listen on 127.0.0.1:{port}")):
            launch(settings, host="127.0.0.1", port=port, block=False, services=services)
