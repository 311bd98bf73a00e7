"""Replies from a local GGUF model through llama-cpp-python, with no server involved."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.messages import convert_to_openai_messages

from assistant.engines.base import EngineError
from assistant.engines.prompting import build_messages
from assistant.plan import Plan
from assistant.settings import Settings

#: Room for a reply of about 150 words plus label and citations.
#: Fits the system prompt, four passages of ~1,000 characters, six turns and the reply.
CONTEXT_TOKENS = 4096


class LlamaCppEngine:
    """A :class:`~assistant.engines.base.ChatEngine` running a GGUF file in-process."""

    def __init__(
        self,
        settings: Settings,
        llm: Any | None = None,
    ) -> None:
        """Use ``llm`` (a ``llama_cpp.Llama``) if given, else load ``llm_model_path``."""
        self._settings = settings
        self._max_tokens = settings.llm_max_tokens
        path = settings.llm_model_path
        self.name: str = path.name if path else "llamacpp"
        self._llm = llm or _load(path)
        # One Llama holds one decoding state: concurrent requests would corrupt each other.
        self._lock = threading.Lock()

    def stream(self, plan: Plan) -> Iterator[str]:
        """Yield reply text token by token as the model generates it."""
        messages = convert_to_openai_messages(build_messages(plan))
        with self._lock:
            try:
                chunks = self._llm.create_chat_completion(
                    messages=messages,
                    stream=True,
                    temperature=self._settings.llm_temperature,
                    max_tokens=self._max_tokens,
                )
                for chunk in chunks:
                    text = chunk["choices"][0]["delta"].get("content")
                    if text:
                        yield text
            except ValueError as exc:
                # llama-cpp-python reports an overlong prompt and similar as ValueError.
                raise EngineError(f"The local model {self.name} failed: {exc}") from exc


def _load(path: Path | None) -> Any:
    if path is None:
        raise EngineError("The local engine needs MENTORCOACH_LLM_MODEL_PATH (a .gguf file).")
    if not path.is_file():
        raise EngineError(f"MENTORCOACH_LLM_MODEL_PATH points to no file: {path}")
    try:
        from llama_cpp import Llama
    except ImportError:
        raise EngineError(
            "The local engine needs llama-cpp-python: pip install 'mentorcoach[local]'"
        ) from None
    try:
        return Llama(model_path=str(path), n_ctx=CONTEXT_TOKENS, verbose=False)
    except ValueError as exc:
        raise EngineError(f"Cannot load the model at {path}: {exc}") from exc
