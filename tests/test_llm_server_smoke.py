"""Smoke tests for the real-LLM path: SmolLM2-135M served by llama-cpp-python.

Covers the two ways the assistant reaches a local model: an OpenAI-compatible server driven
through ``langchain_openai.ChatOpenAI`` and the in-process ``llama_cpp.Llama`` GGUF engine,
which runs in a child process so that a crash in llama.cpp fails one test, not the run.
"""

from __future__ import annotations

import platform
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.isolated import REBUILD_HINT, run_in_child
from tests.support.llm_server import (
    DEFAULT_N_CTX,
    run_llm_server,
    served_model_id,
    smollm2_gguf_path,
)

llama_cpp = pytest.importorskip(
    "llama_cpp",
    reason="llama-cpp-python is not installed (pip install -e '.[server]')",
)

pytestmark = pytest.mark.slow

MAX_TOKENS = 48
MESSAGES = [
    {
        "role": "system",
        "content": "You are a coaching assistant for mentors in the health professions.",
    },
    {
        "role": "user",
        "content": "My mentee freezes when presenting cases on rounds. Suggest a question to ask.",
    },
]


@pytest.fixture(scope="module")
def smollm2_path() -> Path:
    return smollm2_gguf_path()


@pytest.fixture(scope="module")
def llm_base_url(smollm2_path: Path) -> Iterator[str]:
    with run_llm_server(smollm2_path) as base_url:
        yield base_url


def test_server_lists_the_model(llm_base_url: str, smollm2_path: Path) -> None:
    assert llm_base_url.startswith("http://127.0.0.1:")
    assert llm_base_url.endswith("/v1")
    assert served_model_id(llm_base_url) == smollm2_path.stem


def test_chat_openai_streams_from_server(llm_base_url: str) -> None:
    from langchain_core.messages import HumanMessage, SystemMessage
    from langchain_openai import ChatOpenAI

    chat = ChatOpenAI(
        base_url=llm_base_url,
        api_key="not-needed",
        model=served_model_id(llm_base_url),
        streaming=True,
        temperature=0,
        timeout=120,
        max_retries=0,
        # ChatOpenAI sends max_tokens as max_completion_tokens, which llama-cpp's server
        # ignores; the server only honours the legacy field.
        extra_body={"max_tokens": MAX_TOKENS},
    )
    chunks = list(
        chat.stream(
            [
                SystemMessage(content=MESSAGES[0]["content"]),
                HumanMessage(content=MESSAGES[1]["content"]),
            ]
        )
    )
    pieces = [c.content for c in chunks if isinstance(c.content, str) and c.content]
    assert len(pieces) >= 3, f"expected several streamed chunks, got {chunks!r}"
    text = "".join(pieces)
    assert text.strip(), "streamed chunks concatenate to empty text"
    # One token per chunk: the length cap proves max_tokens reached the server.
    assert len(pieces) <= MAX_TOKENS


def chat_completion_chunks(model: Path) -> list[dict]:
    """A streamed chat completion from ``llama_cpp.Llama`` in this process."""
    llm = llama_cpp.Llama(model_path=str(model), n_ctx=DEFAULT_N_CTX, verbose=False)
    try:
        stream = llm.create_chat_completion(
            messages=MESSAGES, stream=True, max_tokens=MAX_TOKENS, temperature=0
        )
        return list(stream)
    finally:
        llm.close()


def test_llama_in_process_streams_chat_completion(smollm2_path: Path) -> None:
    # In a child process: a crash in llama.cpp fails this test instead of the whole run.
    chunks = run_in_child(chat_completion_chunks, smollm2_path, hint=REBUILD_HINT)
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks]
    pieces = [d["content"] for d in deltas if d.get("content")]
    assert deltas[0].get("role") == "assistant"
    assert len(pieces) >= 3, f"expected several streamed chunks, got {chunks!r}"
    assert "".join(pieces).strip()
    assert chunks[-1]["choices"][0]["finish_reason"] in {"stop", "length"}


@pytest.mark.skipif(platform.machine() not in {"x86_64", "AMD64"}, reason="x86-64 build flags")
def test_llama_cpp_is_built_for_any_x86_64_cpu() -> None:
    # A native build compiles in what the build machine has (AVX-512, AMX); a portable one
    # keeps to the AVX2 baseline, so the AMX kernel that crashes on some CPUs is never built.
    info = llama_cpp.llama_print_system_info().decode()
    assert "AVX2 = 1" in info
    assert "AMX_INT8 = 1" not in info and "AVX512 = 1" not in info, f"{info}\n{REBUILD_HINT}"
