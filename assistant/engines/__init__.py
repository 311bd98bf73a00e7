"""Chat engines, chosen by ``MENTORCOACH_LLM``: the offline composer or an LLM."""

from __future__ import annotations

from assistant.engines.base import ChatEngine, EngineError
from assistant.settings import Settings

__all__ = ["ChatEngine", "EngineError", "engine_for"]


def engine_for(settings: Settings) -> ChatEngine:
    """The configured engine; LLM engines are imported only when chosen."""
    if settings.llm == "openai":
        from assistant.engines.openai_engine import OpenAIEngine

        return OpenAIEngine(settings)
    if settings.llm == "llamacpp":
        from assistant.engines.llamacpp_engine import LlamaCppEngine

        return LlamaCppEngine(settings)
    from assistant.engines.offline import OfflineComposer

    return OfflineComposer()
