"""The web app's handlers as plain functions: a real guide and index, a scripted engine."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from assistant.engines import EngineError
from assistant.plan import Citation, Reply
from assistant.settings import Settings
from tests.support.documents import make_pdf
from tests.support.scripted import ScriptedEngine
from ui.web import handlers
from ui.web.feedback import FeedbackStore
from ui.web.handlers import ChatState
from ui.web.services import Services
from ui.web.uploads import safe_name, save_upload, save_uploads, upload_folder

QUESTION = "My mentee keeps missing our meetings. What should I do?"


def write_corpus(folder: Path) -> Path:
    """Three small documents; the missed-meetings advice is on page 1 of a PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    make_pdf(
        folder / "difficult-situations.pdf",
        [
            "Handling difficult situations in mentoring. When a mentee misses two meetings in a "
            "row, the mentor can ask what is getting in the way before re-agreeing the meeting "
            "cadence. Missed meetings usually signal competing clinical duties rather than a "
            "lack of interest."
        ],
        title="Handling difficult situations in mentoring",
    )
    (folder / "smart-goals.md").write_text(
        "# SMART goals\n## Time-bound\nA SMART goal names a date by which it will be done. "
        "Review goals with your mentor every month.\n",
        encoding="utf-8",
    )
    (folder / "finding-a-mentor.md").write_text(
        "# Finding a mentor\n## Where to look\nAsk your program coordinator for a list of "
        "mentors who have volunteered this year.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, embedder) -> Settings:
    """Settings whose index holds the small corpus (built once for the module)."""
    root = tmp_path_factory.mktemp("ui-handlers")
    settings = Settings(home=root / "home", corpus_dir=write_corpus(root / "corpus"))
    Services.create(settings, embedder=embedder).sync([settings.corpus_dir])
    return settings


@pytest.fixture
def engine() -> ScriptedEngine:
    return ScriptedEngine()


@pytest.fixture
def services(indexed: Settings, embedder, engine: ScriptedEngine) -> Services:
    return Services.create(indexed, embedder=embedder, engine=engine)


def reply(mode="advising", text=None, citations=()) -> Reply:
    return Reply(
        mode=mode,
        text=text or f"[{mode.capitalize()}]\nSome advice. [1]",
        citations=list(citations),
        engine="scripted",
    )


CITATION = Citation(1, "difficult-situations.pdf", "Handling *difficult* situations", "p. 1",
                    "chunk-1", "Ask what is getting in the way <b>first</b>.")


def conversation(*turns: tuple[str, Reply]) -> ChatState:
    state = ChatState()
    for question, answer in turns:
        state.session.record(question, answer.text, answer.mode)
        state.replies.append(answer)
    return state


def final(events):
    *_, (state, view) = list(events)
    return state, view


# --- rendering ------------------------------------------------------------------------------


def test_render_text_turns_the_label_into_a_badge_and_keeps_lists_apart():
    text = "[Advising]\nHere it is:\n- First. [1]\n- Second. [2]\nSay coach me.\nSources:\n[1] A"
    shown = handlers.render_text(text)
    assert shown.startswith("**[Advising]**\n\nHere it is:\n- First. [1]\n- Second. [2]\n\n")
    assert "\n\nSay coach me.\nSources:\n[1] A" in shown
    assert handlers.render_text("Partial text without") == "Partial text without"
    assert handlers.render_text("[Coaching]\n").startswith("**[Coaching]**")


def test_messages_skip_the_opening_prompt_and_map_back_to_replies():
    state = conversation(("", reply("coaching")), (QUESTION, reply()), ("Thanks", reply()))
    messages = handlers.to_messages(state)
    assert [m["role"] for m in messages] == ["assistant", "user", "assistant", "user", "assistant"]
    assert messages[0]["content"].startswith("**[Coaching]**")
    assert messages[1] == {"role": "user", "content": QUESTION}
    assert [handlers.reply_at(state, i) for i in range(5)] == [0, None, 1, None, 2]
    assert handlers.reply_at(state, 9) is None


def test_sources_panel_lists_each_reply_newest_first_with_quotes_escaped():
    other = Citation(1, "smart-goals.md", "SMART goals", "Time-bound", "c2", "Name a date.")
    state = conversation(
        ("", reply("coaching", "[Coaching]\nWelcome.")),
        (QUESTION, reply(citations=[CITATION])),
        ("And goals?", reply("mentoring", citations=[other])),
    )
    panel = handlers.sources_markdown(state)
    assert panel.index("smart-goals.md") < panel.index("difficult-situations.pdf")
    assert "**Mentoring reply to “And goals?”**" in panel
    assert "**\\[1\\] Handling \\*difficult\\* situations**" in panel
    assert "`difficult-situations.pdf`, p. 1" in panel
    assert "> Ask what is getting in the way \\<b\\>first\\</b\\>." in panel
    assert handlers.sources_markdown(ChatState()) == handlers.SOURCES_EMPTY


def test_transcript_has_every_turn_label_and_quoted_passage():
    state = conversation(
        ("", reply("coaching", "[Coaching]\nWelcome.")), (QUESTION, reply(citations=[CITATION]))
    )
    text = handlers.transcript_markdown(state, "offline", datetime(2025, 3, 4, 9, 30))
    assert text.startswith("# Conversation with mentorcoach\n\nSaved 2025-03-04 09:30")
    assert text.count("## You") == 1
    assert "## mentorcoach · Coaching\n\n[Coaching]  \nWelcome." in text
    assert f"## You\n\n{QUESTION}" in text
    assert "> [1] “Ask what is getting in the way <b>first</b>.” (Handling *difficult* " in text


def test_engine_line_says_how_to_connect_a_model_only_when_offline():
    offline = handlers.engine_markdown("offline")
    assert "offline composer" in offline and "MENTORCOACH_LLM=openai" in offline
    model = handlers.engine_markdown("gpt-4o-mini")
    assert "gpt-4o-mini" in model and "MENTORCOACH_LLM" not in model


def test_choice_mode():
    assert handlers.choice_mode("Auto") is None
    assert handlers.choice_mode("Mentoring") == "mentoring"
    assert handlers.choice_mode(None) is None


# --- chat against the guide -----------------------------------------------------------------


def test_opening_asks_what_guidance_is_wanted_in_the_chosen_mode(services, engine):
    engine.enqueue("Welcome. What kind of guidance would help most today?")
    state, view = handlers.open_conversation(services.guide, "Mentoring")
    assert [m["role"] for m in view.messages] == ["assistant"]
    assert view.messages[0]["content"].startswith("**[Mentoring]**")
    assert "What kind of guidance" in view.messages[0]["content"]
    assert engine.history[0].kind == "opening"
    assert view.sources == handlers.SOURCES_EMPTY and len(state.replies) == 1


def test_reply_streams_then_ends_with_badge_citations_and_sources(services, engine):
    engine.enqueue(["[Advising]\n", "Ask what is getting ", "in the way first. [1]"])
    events = list(handlers.respond(services.guide, None, QUESTION, "Advising", every=0))
    first_state, first = events[0]
    assert first.messages == [{"role": "user", "content": QUESTION}]
    assert first.draft == "" and first.sources is None
    partials = [view.messages[-1]["content"] for _, view in events[1:-1]]
    assert partials[0] == "**[Advising]**\n\n"
    assert partials[-1].endswith("in the way first. [1]")
    state, view = events[-1]
    assert state is first_state
    assert view.messages[-1]["content"].startswith("**[Advising]**\n\nAsk what is getting")
    assert "[1] Handling difficult situations in mentoring, p. 1 (difficult-situations.pdf)" in (
        view.messages[-1]["content"]
    )
    assert "`difficult-situations.pdf`, p. 1" in view.sources
    assert "When a mentee misses two meetings in a row" in view.sources
    assert state.replies[0].citations[0].source == "difficult-situations.pdf"
    assert [t.role for t in state.session.history] == ["user", "assistant"]
    assert engine.history[0].passages, "the engine saw the retrieved passages"


def test_fast_pieces_are_shown_together(services, engine):
    engine.enqueue(["[Advising]\n", "Ask what ", "is in the way. [1]"])
    events = list(handlers.respond(services.guide, None, QUESTION, "Advising", every=60))
    assert len(events) == 2, "only the user's message, then the final reply"


def test_empty_and_overlong_messages_are_not_sent(services, engine):
    state, view = final(handlers.respond(services.guide, ChatState(), "   ", "Auto"))
    assert view.notice == "Type a message first." and not state.session.history
    state, view = final(handlers.respond(services.guide, state, "x" * 5000, "Auto"))
    assert "under 4,000 characters" in view.notice and not state.session.history
    assert engine.history == []


def test_engine_failure_keeps_the_conversation_and_gives_the_message_back(services, engine):
    engine.enqueue("[Advising]\nFirst answer. [1]")
    state, _ = final(handlers.respond(services.guide, None, QUESTION, "Advising"))
    engine.enqueue(EngineError("The LLM server at http://me:pw@localhost:9 is not reachable."))
    state, view = final(handlers.respond(services.guide, state, "And then?", "Advising"))
    assert "cannot answer: The LLM server at http://localhost:9 is not" in view.notice
    assert view.draft == "And then?"
    assert len(state.replies) == 1 and len(state.session.history) == 2
    assert [m["role"] for m in view.messages] == ["user", "assistant"]


def test_two_conversations_on_one_guide_share_nothing(services, engine):
    engine.enqueue("[Advising]\nFor A. [1]", "[Coaching]\nWhat matters most to you, B?")
    a, _ = final(handlers.respond(services.guide, None, QUESTION, "Advising"))
    b, view_b = final(handlers.respond(services.guide, None, "Coach me on my goals", "Coaching"))
    assert a.id != b.id
    assert [t.text for t in a.session.history if t.role == "user"] == [QUESTION]
    assert [m["content"] for m in view_b.messages if m["role"] == "user"] == [
        "Coach me on my goals"
    ]


def test_transcript_file_is_per_conversation_and_rewritten(services, engine, tmp_path):
    engine.enqueue("[Advising]\nFirst. [1]")
    state, _ = final(handlers.respond(services.guide, None, QUESTION, "Advising"))
    first = handlers.write_transcript(state, "scripted", tmp_path, datetime(2025, 1, 1))
    second = handlers.write_transcript(state, "scripted", tmp_path, datetime(2025, 1, 2))
    assert first.parent == second.parent == tmp_path / state.id
    assert not first.exists() and second.name == "mentorcoach-conversation-2025-01-02.md"
    assert QUESTION in second.read_text(encoding="utf-8")


# --- feedback -------------------------------------------------------------------------------


def test_feedback_is_stored_with_the_reply_and_can_change_or_be_withdrawn(settings):
    store = FeedbackStore(settings.home / "feedback.sqlite3")
    state = conversation(("", reply("coaching")), (QUESTION, reply(citations=[CITATION])))
    state, notice, ask = handlers.rate_reply(store, state, 2, True)
    assert ask and "comment" in notice
    state, notice, ask = handlers.comment_on_reply(store, state, "  Useful, thanks.  ")
    assert not ask and "saved" in notice
    (row,) = store.all()
    assert (row.rating, row.comment, row.question, row.mode, row.engine) == (
        "up", "Useful, thanks.", QUESTION, "advising", "scripted"
    )
    assert row.reply.startswith("[Advising]") and row.session_id == state.id
    assert row.citations[0]["source"] == "difficult-situations.pdf"
    assert datetime.fromisoformat(row.created_at)

    state, _, _ = handlers.rate_reply(store, state, 2, False)
    (row,) = store.all()
    assert row.rating == "down" and row.comment == "Useful, thanks."
    handlers.rate_reply(store, state, 2, "")
    assert store.all() == []
    assert handlers.rate_reply(store, state, 1, True) == (state, "", False)
    _, notice, _ = handlers.comment_on_reply(store, state, "A comment with no rating")
    assert "thumbs first" in notice
    with sqlite3.connect(settings.home / "feedback.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM feedback").fetchone() == (0,)


# --- uploads and the corpus tab -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/cron.d/evil.md", "evil.md"),
        ("..\\..\\Windows\\notes.PDF", "notes.pdf"),
        ("/abs/path/handbook.docx", "handbook.docx"),
        (".hidden.md", "hidden.md"),
        ("..", None),
        ("", None),
        ("my<file>?.txt", "my_file.txt"),
        ("Évaluation du programme.md", "Évaluation du programme.md"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_uploads_never_leave_the_upload_folder_and_are_checked(tmp_path):
    folder, outside = tmp_path / "uploads", tmp_path / "outside"
    outside.mkdir()
    good = tmp_path / "incoming.md"
    good.write_text("# Notes\nMeet monthly.\n", encoding="utf-8")
    result = save_upload(good, folder, 1000, name="../outside/escaped.md")
    assert result.saved_as == "escaped.md" and (folder / "escaped.md").exists()
    assert list(outside.iterdir()) == []

    (folder / "linked.md").symlink_to(outside / "target.md")
    assert "not allowed" in save_upload(good, folder, 1000, name="linked.md").reason
    assert not (outside / "target.md").exists()

    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"text\x00\x01")
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    program = tmp_path / "tool.exe"
    program.write_bytes(b"MZ")
    reasons = {
        path.name: save_upload(path, folder, 1000).reason
        for path in (fake, binary, empty, program)
    }
    assert "not a real PDF" in reasons["fake.pdf"]
    assert "binary data" in reasons["binary.txt"]
    assert reasons["empty.md"] == "the file is empty"
    assert reasons["tool.exe"] == ".exe not accepted (PDF, DOCX, MD or TXT only)"
    assert save_upload(good, folder, 10).reason.startswith("larger than the")
    assert sorted(p.name for p in folder.iterdir()) == ["escaped.md", "linked.md"]


def test_added_documents_are_indexed_and_shown_to_staff(settings, embedder, tmp_path):
    services = Services.create(settings, embedder=embedder, engine=ScriptedEngine())
    note = tmp_path / "Mentor notes.md"
    note.write_text("# Mentor notes\n## Cadence\nMeet every month in the first year.\n", "utf-8")
    other = tmp_path / "slides.pptx"
    other.write_bytes(b"PK\x03\x04")
    calls: list[tuple[int, int]] = []
    notice = handlers.add_documents(
        services, [str(note), str(other)], lambda done, total: calls.append((done, total))
    )
    assert "- Added `Mentor notes.md` (1 chunk)" in notice
    assert "- Refused slides.pptx: .pptx not accepted" in notice
    assert calls == [(1, 1)]
    assert (upload_folder(settings) / "Mentor notes.md").exists()
    assert handlers.add_documents(services, [], None) == "Choose one or more files first."
    assert "Already indexed, unchanged" in handlers.add_documents(services, [str(note)])

    from ingest.status import index_status

    view = handlers.corpus_view(index_status(settings, services.store))
    assert "- **Documents:** 1" in view.summary and "- **Chunks:** 1" in view.summary
    assert "| Mentor notes | `Mentor notes.md` | 1 | uploads |" in view.documents
    assert view.failures == "No failures in the last sync."


def test_corpus_view_shows_failures_and_hides_credentials():
    status = {
        "documents": 0, "chunks": 0, "embedding_model": "bundled:all-MiniLM-L6-v2",
        "store": "https://admin:hunter2@chroma.example.org:8000", "last_sync": None,
        "fingerprint": "abc", "files": [],
        "failures": [{"source": "scan.pdf", "reason": "no text layer (scanned?)"}],
    }
    view = handlers.corpus_view(status)
    assert "hunter2" not in view.summary and "`https://chroma.example.org:8000`" in view.summary
    assert "- **Last sync:** never" in view.summary
    assert "- `scan.pdf`: no text layer \\(scanned?\\)" in view.failures
    assert view.documents == "No documents indexed yet."


def test_save_uploads_uses_the_configured_limit(settings, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 2_000_001, encoding="utf-8")
    limited = settings.model_copy(update={"ui_max_upload_mb": 2})
    (result,) = save_uploads([big], limited)
    assert "larger than the 2 MB limit (2.0 MB)" in result.reason

