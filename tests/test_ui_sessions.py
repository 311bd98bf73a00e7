"""Two browsers at once, simulated with gradio_client: each keeps its own conversation."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.web import offline_services, serving

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder) -> Iterator[str]:
    """The app on a free loopback port, answering with the offline composer."""
    services = offline_services(tmp_path_factory.mktemp("ui-sessions"), embedder, {
        "meetings.md": (
            "# Meetings\n## Missed meetings\nWhen a mentee misses two meetings in a row, the "
            "mentor can ask what is getting in the way before re-agreeing the meeting cadence.\n"
        ),
        "goals.md": (
            "# Goals\n## Time-bound goals\nA SMART goal names the date by which it will be "
            "done, and mentors review goals with their mentee every month.\n"
        ),
    })
    with serving(services) as url:
        yield url


def said(chat: list[dict], role: str) -> list[str]:
    """The texts of one side of a Chatbot value as the API returns it."""
    return [
        "".join(part["text"] for part in message["content"] if part.get("type") == "text")
        for message in chat
        if message["role"] == role
    ]


def test_two_sessions_at_once_never_see_each_other(server: str):
    from gradio_client import Client

    scripts = {
        "a": ["My mentee keeps missing our meetings. What should I do?",
              "What if it happens again next month?"],
        "b": ["How should I set a time-bound goal with my mentee?",
              "How often should we review goals?"],
    }
    results: dict[str, list] = {}
    start = threading.Barrier(len(scripts))

    def converse(name: str) -> None:
        client = Client(server, verbose=False)
        start.wait()
        outputs = [client.predict(text, "Advising", api_name="/send") for text in scripts[name]]
        results[name] = outputs

    threads = [threading.Thread(target=converse, args=(name,)) for name in scripts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert set(results) == {"a", "b"}

    for name, other in (("a", "b"), ("b", "a")):
        chat, sources, notice, _ = results[name][-1]
        assert said(chat, "user") == scripts[name], f"session {name} saw another conversation"
        assert all(text.startswith("**[Advising]**") for text in said(chat, "assistant"))
        assert notice == ""
        assert all(f"reply to “{text}”" in sources for text in scripts[name])
        assert not any(text in sources for text in scripts[other])


def test_a_new_conversation_in_one_session_leaves_the_other_alone(server: str):
    from gradio_client import Client

    first, second = Client(server, verbose=False), Client(server, verbose=False)
    first.predict("My mentee keeps missing our meetings. What should I do?", "Auto",
                  api_name="/send")
    second.predict("How should I set a time-bound goal?", "Auto", api_name="/send")
    opened, sources, _, _ = first.predict("Coaching", api_name="/new_conversation")
    assert said(opened, "user") == [] and said(opened, "assistant")[0].startswith("**[Coaching]")
    assert "appear here" in sources
    chat, *_ = second.predict("And how often should we review it?", "Auto", api_name="/send")
    assert said(chat, "user") == [
        "How should I set a time-bound goal?", "And how often should we review it?"
    ]


def test_corpus_status_is_shared(server: str, tmp_path: Path):
    from gradio_client import Client

    summary, failures, documents = Client(server, verbose=False).predict(
        api_name="/corpus_status"
    )
    assert "- **Documents:** 2" in summary
    assert failures == "No failures in the last sync."
    assert "`goals.md`" in documents and "`meetings.md`" in documents
