"""One index, several processes: a command-line sync while the web app runs.

On a Chroma server the app sees what the command line added, without a restart, and nothing
is lost. On the embedded store each process keeps its own vector index in memory (a second
process's chunks never reach the app's searches, and the app's next write would overwrite
them), so the command line refuses while the app runs and says what to do instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.guidance.session import Session
from assistant.settings import Settings
from assistant.text import sentences
from tests.support.llm_server import free_port
from tests.support.web import call_event
from tests.test_crash_and_server import chroma_server  # noqa: F401 (a fixture)
from ui.web.launch import launch
from ui.web.services import Services

CADENCE = "# Meeting cadence\n## Monthly\nMentor and mentee meet once a month for an hour.\n"
ZEBRA = ("# Night float handover\n## Zebra stickers\nOn night float, residents pass a zebra "
         "sticker at handover to flag one unusual patient who needs a second look.\n")
QUESTION = "What is the zebra sticker at night float handover for?"


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from ui.cli import main; main()", *args],
        capture_output=True, text=True, timeout=300,
        env=os.environ | {"PYTHONPATH": os.getcwd(), "COLUMNS": "200"} | env,
    )


def corpora(root: Path) -> tuple[Path, Path]:
    first, later = root / "corpus", root / "later"
    first.mkdir()
    later.mkdir()
    (first / "cadence.md").write_text(CADENCE, encoding="utf-8")
    (later / "night-float.md").write_text(ZEBRA, encoding="utf-8")
    return first, later


def serve(settings: Settings, embedder, corpus: Path):
    services = Services.create(settings, embedder=embedder)
    services.sync([corpus])
    port = free_port()
    demo = launch(settings, host="127.0.0.1", port=port, block=False, services=services)
    return services, demo, f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_on_the_embedded_store_the_cli_refuses_while_the_app_runs(tmp_path, embedder):
    first, later = corpora(tmp_path)
    settings = Settings(home=tmp_path / "home", corpus_dir=first, llm="offline")
    services, demo, _ = serve(settings, embedder, first)
    env = {"MENTORCOACH_HOME": str(settings.home)}
    try:
        refused = cli("ingest", str(later), env=env)
        assert refused.returncode == 2
        message = " ".join(refused.stderr.split())
        assert "The web app (pid" in message and "Corpus tab" in message
        assert "MENTORCOACH_CHROMA_URL" in message
        assert [d.source for d in services.store.documents()] == ["cadence.md"]
    finally:
        demo.close()
    # Once the app has stopped, the same command syncs.
    done = cli("ingest", str(later), env=env)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_on_a_chroma_server_a_cli_sync_reaches_the_running_app(
    chroma_server, tmp_path, embedder  # noqa: F811
):
    first, later = corpora(tmp_path)
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("rosa:pw-staff-1:staff\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home", corpus_dir=first, llm="offline",
                        chroma_url=chroma_server, ui_auth=str(accounts))
    services, demo, url = serve(settings, embedder, first)
    try:
        before = services.guide.ask(Session(), QUESTION, "advising")
        assert "night-float.md" not in {c.source for c in before.citations}
        done = cli("ingest", str(first), str(later),
                   env={"MENTORCOACH_HOME": str(settings.home),
                        "MENTORCOACH_CHROMA_URL": chroma_server})
        assert done.returncode == 0, done.stderr

        # No restart: the app's next turn searches the new document, by meaning and by word.
        deadline = time.monotonic() + 10
        while True:
            reply = services.guide.ask(Session(), QUESTION, "advising")
            if "night-float.md" in {c.source for c in reply.citations}:
                break
            assert time.monotonic() < deadline, reply.text
            time.sleep(0.5)
        vector = embedder.embed_query(QUESTION)
        assert services.store.search(vector, 1)[0][0].source == "night-float.md"
        with httpx.Client(base_url=url, timeout=30) as web:
            assert web.post("/login", data={"username": "rosa",
                                            "password": "pw-staff-1"}).status_code == 200
            status = next(k for k, fn in demo.fns.items() if fn.api_name == "corpus_status")
            answer = call_event(web, status, [])
        assert "night-float.md" in str(answer["output"]["data"])

        # Nothing lost or doubled: both documents, every sentence once.
        store = services.store
        assert [d.source for d in store.documents()] == ["cadence.md", "night-float.md"]
        assert store.sentence_count() == sum(len(sentences(c.text))
                                             for c in store.live_chunks())
        assert store.chunk_count() == len(store.live_chunks()) == 2
    finally:
        demo.close()
