"""The web app over a small corpus, for the UI tests: built once, served on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.settings import Settings
from tests.support.llm_server import free_port
from ui.web.launch import launch
from ui.web.services import Services

SMART_GOALS_MD = (
    "# SMART goals\n## Time-bound\nA SMART goal names the date by which it will be done.\n"
)


def offline_services(root: Path, embedder, documents: dict[str, str]) -> Services:
    """Services with the offline engine over ``documents`` (file name -> Markdown), indexed.

    Files already in ``root / "corpus"`` (a PDF made by the test, say) are indexed too.
    """
    corpus = root / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, text in documents.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(home=root / "home", corpus_dir=corpus, llm="offline")
    services = Services.create(settings, embedder=embedder)
    services.sync([corpus])
    return services


@contextmanager
def serving(services: Services) -> Iterator[str]:
    """The app on a free loopback port, its models loaded (on a fresh cache the reader's
    classifiers are fitted first, which takes longer than a browser wait); yields its URL and
    closes it afterwards."""
    services.warm_up()
    port = free_port()
    demo = launch(services.settings, host="127.0.0.1", port=port, block=False, services=services)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def call_event(web, fn_index: int, data: list, timeout: float = 30.0) -> dict:
    """Call one event of the app as a bare API client would (``web`` is a signed-in
    ``httpx.Client``): join the queue, then read the event stream to its end."""
    import json
    import uuid

    session = uuid.uuid4().hex
    joined = web.post("/gradio_api/queue/join", json={
        "data": data, "fn_index": fn_index, "session_hash": session, "event_data": None,
        "trigger_id": None})
    if joined.status_code != 200:
        return {"msg": "refused", "status": joined.status_code, "text": joined.text}
    with web.stream("GET", "/gradio_api/queue/data", params={"session_hash": session},
                    timeout=timeout) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return message
    return {"msg": "no answer"}
