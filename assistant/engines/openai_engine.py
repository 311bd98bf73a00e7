"""Replies from any OpenAI-compatible chat server (OpenAI, vLLM, Ollama, llama.cpp...)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import openai
from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from assistant.engines.base import EngineError
from assistant.engines.prompting import build_messages
from assistant.plan import Plan
from assistant.settings import Settings

#: Room for a reply of about 150 words plus label and citations.
DEFAULT_TIMEOUT_S = 60.0
# Local servers ignore the key, but the client refuses to start without one.
_NO_KEY = SecretStr("not-needed")


class OpenAIEngine:
    """A :class:`~assistant.engines.base.ChatEngine` streaming from an OpenAI-compatible API."""

    def __init__(
        self,
        settings: Settings,
        client: BaseChatModel | None = None,
    ) -> None:
        """Use ``client`` if given, else a ``ChatOpenAI`` built from the ``llm_*`` settings."""
        self._settings = settings
        self._max_tokens = settings.llm_max_tokens
        self.name: str = settings.llm_model or "openai"
        self._client = client or self._create_client()

    def _create_client(self) -> BaseChatModel:
        base_url, model = self._settings.llm_base_url, self._settings.llm_model
        if not base_url or not model:
            missing = [
                variable
                for variable, value in (
                    ("MENTORCOACH_LLM_BASE_URL", base_url),
                    ("MENTORCOACH_LLM_MODEL", model),
                )
                if not value
            ]
            raise EngineError(f"The OpenAI-compatible engine needs {' and '.join(missing)}.")
        return ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=self._settings.llm_api_key or _NO_KEY,
            temperature=self._settings.llm_temperature,
            timeout=DEFAULT_TIMEOUT_S,
            max_retries=1,
            streaming=True,
            **self._token_limit(base_url),
        )

    def _token_limit(self, base_url: str) -> dict[str, Any]:
        # ChatOpenAI sends the cap as max_completion_tokens, which llama-cpp-python, Ollama and
        # other compatible servers ignore (they would generate until the context is full),
        # while OpenAI rejects the older max_tokens for reasoning models: give each its name.
        if urlparse(base_url).hostname == "api.openai.com":
            return {"max_tokens": self._max_tokens}
        return {"extra_body": {"max_tokens": self._max_tokens}}

    def stream(self, plan: Plan) -> Iterator[str]:
        """Yield reply text as the server streams it; failures become :class:`EngineError`."""
        url = self._settings.llm_base_url
        try:
            for chunk in self._client.stream(build_messages(plan)):
                if chunk.text:
                    yield chunk.text
        except openai.APIConnectionError as exc:
            raise EngineError(
                f"Cannot reach the LLM server at {url} ({exc.__class__.__name__}); "
                "check MENTORCOACH_LLM_BASE_URL and that the server is running."
            ) from exc
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise EngineError(
                f"The LLM server at {url} rejected the API key (HTTP {exc.status_code}); "
                "check MENTORCOACH_LLM_API_KEY."
            ) from exc
        except openai.APIStatusError as exc:
            raise EngineError(
                f"The LLM server at {url} failed for model {self.name!r} "
                f"(HTTP {exc.status_code}): {exc.message}"
            ) from exc
