"""The real LLM path: a tiny local model behind an OpenAI-compatible server, and every
structural guarantee holding although the model ignores its instructions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.chain.guide import Guide
from assistant.guidance.session import Session
from assistant.plan import Reply
from assistant.settings import Settings
from assistant.stance import DIRECTIVE, has_open_question
from tests.support.llm_server import run_llm_server, served_model_id, smollm2_gguf_path

pytest.importorskip("llama_cpp", reason="the llama.cpp server comes with `make test`")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def llm_guide(starter_home: Path, embedder) -> Iterator[Guide]:
    with run_llm_server(smollm2_gguf_path(), extra_args=("--n_threads", "2")) as base_url:
        settings = Settings(
            home=starter_home, llm="openai", llm_base_url=base_url,
            llm_model=served_model_id(base_url), llm_max_tokens=48,
        )
        yield Guide(settings, embedder=embedder)


def assert_structure(guide: Guide, reply: Reply) -> None:
    label = reply.text.splitlines()[0]
    assert label == f"[{reply.mode.capitalize()}]"
    assert len(re.findall(r"^\[(?:Advising|Coaching|Mentoring)\]", reply.text, re.M)) == 1
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", reply.text.split("\nSources:")[0])}
    assert markers == {c.marker for c in reply.citations}
    chunks = guide.store.get_chunks([c.chunk_id for c in reply.citations])
    assert all(c.quote in chunk.text for c, chunk in zip(reply.citations, chunks, strict=True))


def test_a_streamed_advising_reply_keeps_every_guarantee(llm_guide: Guide) -> None:
    events = list(llm_guide.stream(
        Session(), "My mentee keeps missing our meetings. What should I do?"
    ))
    reply = events[-1]
    assert isinstance(reply, Reply)
    assert len(events) > 3, "the engine streams pieces"
    assert reply.mode == "advising" and reply.engine == llm_guide.engine.name
    assert_structure(llm_guide, reply)


def test_coaching_from_a_small_model_never_prescribes(llm_guide: Guide) -> None:
    session = Session()
    for message in ["Help me think about asking a senior colleague to mentor me.",
                    "I am nervous she will say no."]:
        reply = llm_guide.ask(session, message)
        assert reply.mode == "coaching"
        assert_structure(llm_guide, reply)
        assert not DIRECTIVE.search(reply.text)
        assert has_open_question(reply.text)


def test_a_switch_is_announced_whatever_the_model_writes(llm_guide: Guide) -> None:
    session = Session()
    llm_guide.ask(session, "Help me think about my research goals.")
    reply = llm_guide.ask(session, "Just tell me what goes into a mentoring agreement.")
    assert reply.switched_from == "coaching"
    assert "switch" in reply.text.lower()
    assert_structure(llm_guide, reply)
