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
    """The app on a free loopback port; yields its URL and closes it afterwards."""
    port = free_port()
    demo = launch(services.settings, host="127.0.0.1", port=port, block=False, services=services)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
