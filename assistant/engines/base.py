"""The chat-engine seam: every engine, built-in or LLM-backed, turns a plan into text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from assistant.plan import Plan


class ChatEngine(Protocol):
    """Streams the text of a reply for ``plan``; enforcement happens afterwards, in code."""

    #: What the UI and ``--json`` show as the engine answering (``offline`` or a model name).
    name: str

    def stream(self, plan: Plan) -> Iterator[str]:
        """Yield the reply text in pieces as it is produced."""
        ...


class EngineError(RuntimeError):
    """The engine cannot answer (misconfigured, unreachable); the message says what to fix."""
