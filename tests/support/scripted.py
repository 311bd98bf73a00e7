"""A scripted engine: replies queued in advance, every request recorded for inspection."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence

from langchain_core.messages import BaseMessage

from assistant.engines.prompting import build_messages
from assistant.plan import Plan

#: A queued reply: whole text, the pieces to stream, or an exception to raise while streaming.
Script = str | Sequence[str] | BaseException


class ScriptExhaustedError(RuntimeError):
    """The engine was asked for a reply but none was queued."""


class ScriptedEngine:
    """A :class:`~assistant.engines.base.ChatEngine` that replays queued replies in order."""

    def __init__(self, name: str = "scripted") -> None:
        """An engine with an empty queue; add replies with :meth:`enqueue`."""
        self.name = name
        #: Every plan the engine was asked to answer, oldest first.
        self.history: list[Plan] = []
        #: The chat messages built for each plan in :attr:`history`.
        self.messages: list[list[BaseMessage]] = []
        self._queue: deque[Script] = deque()

    def enqueue(self, *replies: Script) -> ScriptedEngine:
        """Queue replies to give, one per call to :meth:`stream`; returns the engine."""
        self._queue.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """How many queued replies are still unused."""
        return len(self._queue)

    def stream(self, plan: Plan) -> Iterator[str]:
        """Record ``plan`` and stream the next queued reply."""
        self.history.append(plan)
        self.messages.append(build_messages(plan))
        if not self._queue:
            raise ScriptExhaustedError(
                f"ScriptedEngine {self.name!r} has no reply queued for {plan.message!r} "
                f"(call {len(self.history)}); enqueue() one first."
            )
        return _replay(self._queue.popleft())


def _replay(script: Script) -> Iterator[str]:
    if isinstance(script, BaseException):
        raise script
    yield from [script] if isinstance(script, str) else script
