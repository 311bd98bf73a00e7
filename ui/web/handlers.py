"""The web app's event handlers as plain functions: state and input in, what to show out.

Nothing here imports Gradio; :mod:`ui.web.app` wires these functions to components.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, cast

from assistant.engines import EngineError
from assistant.guidance.contacts import Contacts
from assistant.guidance.session import Session
from assistant.index.model_files import EmbeddingModelError
from assistant.index.store import IndexDamagedError
from assistant.plan import LABELS, MODES, Mode, Reply
from assistant.text import shorten
from ingest.lock import SyncBusyError
from ui.web.feedback import FeedbackStore
from ui.web.services import Services
from ui.web.uploads import save_uploads, upload_folder

#: The guidance selector: Auto lets the guide choose the mode.
GUIDANCE = ("Auto", "Advising", "Coaching", "Mentoring")
MAX_MESSAGE_CHARS = 4000
#: Seconds between streamed updates: pieces arriving faster are shown together.
STREAM_EVERY = 0.1
SOURCES_EMPTY = (
    "Sources of each reply appear here: the document, the page or section, and the passage "
    "quoted."
)
_LABEL_LINE = re.compile(r"\A\[(" + "|".join(m.capitalize() for m in LABELS)
                         + r"|Rehearsal: [^\]\n]+)\][ \t]*\n")
_BULLET = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")

Message = dict[str, str]
#: Failures a person can be told about (the message says what to fix), not crashes.
TURN_ERRORS = (EngineError, EmbeddingModelError, IndexDamagedError)


class TurnTaker(Protocol):
    """What the chat handlers need from :class:`~assistant.chain.guide.Guide`."""

    def stream(
        self, session: Session, message: str, choice: Mode | None = None
    ) -> Iterator[str | Reply]: ...


@dataclass
class ChatState:
    """One browser's conversation: the session, every reply in full, pending feedback."""

    session: Session = field(default_factory=Session)
    replies: list[Reply] = field(default_factory=list)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    feedback_id: int | None = None


@dataclass(frozen=True)
class ChatView:
    """What the chat tab shows; ``None`` leaves a component as it is."""

    messages: list[Message]
    sources: str | None = None
    notice: str | None = None
    draft: str | None = None


# --- rendering -------------------------------------------------------------------------------


def choice_mode(choice: str | None) -> Mode | None:
    """The mode picked in the guidance selector, or None for Auto."""
    mode = (choice or "").strip().lower()
    return cast(Mode, mode) if mode in MODES else None


def badge(mode: str) -> str:
    """The mode badge that opens every assistant message: its label in bold, styled by CSS.

    The safety badge is also emphasised, so the page styles it apart from the others.
    """
    label = f"**[{mode.capitalize()}]**"
    return f"*{label}*" if mode == "safety" else label


def render_text(text: str) -> str:
    """Assistant text for the chat: its label line as a badge, the rest as Markdown.

    A line after a bullet list gets a blank line first, so it is not read into the last item.
    """
    match = _LABEL_LINE.match(text)
    body = text[match.end():] if match else text
    lines: list[str] = []
    for line in body.split("\n"):
        if lines and _BULLET.match(lines[-1]) and line.strip() and not _BULLET.match(line):
            lines.append("")
        lines.append(line)
    shown = "\n".join(lines)
    if not match:
        return shown
    label = match.group(1)
    # A rehearsal counterpart's badge carries its name ("[Rehearsal: Dr. Patel]").
    head = f"**[{label}]**" if label.startswith("Rehearsal") else badge(label.lower())
    return f"{head}\n\n{shown}"


def escape(text: str) -> str:
    """``text`` with Markdown and HTML syntax neutralised."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _redact(text: str) -> str:
    """``text`` without the user and password of any URL in it."""
    return re.sub(r"//[^/@\s]*@", "//", text)


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def exchanges(state: ChatState) -> list[tuple[str, Reply]]:
    """Each reply with the message it answered (empty for the opening)."""
    asked = [t.text for t in state.session.history if t.role == "user"]
    return list(zip(asked, state.replies, strict=False))


def to_messages(state: ChatState) -> list[Message]:
    """The conversation as Chatbot messages (the opening's empty user turn is not shown)."""
    messages: list[Message] = []
    for question, reply in exchanges(state):
        if question.strip():
            messages.append({"role": "user", "content": question})
        messages.append({"role": "assistant", "content": render_text(reply.text)})
    return messages


def reply_at(state: ChatState, message_index: int) -> int | None:
    """Which reply the Chatbot message at ``message_index`` is, or None for a user message."""
    position = -1
    for number, (question, _) in enumerate(exchanges(state)):
        position += 2 if question.strip() else 1
        if position == message_index:
            return number
    return None


def sources_markdown(state: ChatState) -> str:
    """The Sources panel: per reply, newest first, each citation with its quoted passage."""
    sections = []
    for question, reply in reversed(exchanges(state)):
        if not reply.citations:
            continue
        asked = f" to “{escape(shorten(question, 14))}”" if question.strip() else ""
        lines = [f"**{reply.mode.capitalize()} reply{asked}**", ""]
        for c in reply.citations:
            lines += [
                f"- **\\[{c.marker}\\] {escape(c.title)}**  ",
                f"  {_code(c.source)}, {escape(c.locator)}",
                f"  > {escape(c.quote)}",
            ]
        sections.append("\n".join(lines))
    return "\n\n---\n\n".join(sections) or SOURCES_EMPTY


def transcript_markdown(state: ChatState, engine: str, when: datetime) -> str:
    """The conversation as a Markdown document, with each reply's quoted passages."""
    lines = [
        "# Conversation with mentorcoach",
        "",
        f"Saved {when:%Y-%m-%d %H:%M} · answered by {engine}",
    ]
    for question, reply in exchanges(state):
        if question.strip():
            lines += ["", "## You", "", "  \n".join(question.strip().splitlines())]
        lines += ["", f"## mentorcoach · {reply.mode.capitalize()}", ""]
        lines.append("  \n".join(reply.text.splitlines()))
        if reply.citations:
            lines += ["", "Quoted passages:", ""]
            lines += [
                f"> [{c.marker}] “{c.quote}” ({c.title}, {c.locator}, {c.source})  "
                for c in reply.citations
            ]
    return "\n".join(lines) + "\n"


def in_safety(state: ChatState) -> bool:
    """Whether the conversation is in safety: its last reply was one, or it has not gone on."""
    return "safety" in state.session.extras or bool(
        state.replies and state.replies[-1].mode == "safety"
    )


def help_markdown(contacts: Contacts) -> str:
    """The panel of help contacts shown beside a conversation in safety."""
    lines = ["## Help now", ""]
    lines += [f"- **{escape(c.name)}:** {escape(c.how)}" for c in contacts.contacts]
    if contacts.defaults:
        lines += ["", "*These are the default contacts for the United States. Your program "
                      "can set its own (`MENTORCOACH_SAFETY_CONTACTS`).*"]
    return "\n".join(lines)


def engine_markdown(engine: str) -> str:
    """The line that says which engine answers, with how to connect an LLM when offline."""
    if engine == "offline":
        return (
            "**Answering: offline composer** (no language model; replies are built from the "
            "program documents). To connect a language model, set `MENTORCOACH_LLM=openai` "
            "with `MENTORCOACH_LLM_BASE_URL` and `MENTORCOACH_LLM_MODEL` (any "
            "OpenAI-compatible server), or `MENTORCOACH_LLM=llamacpp` with "
            "`MENTORCOACH_LLM_MODEL_PATH`, then restart."
        )
    return f"**Answering: {escape(engine)}** (language model; replies are checked and cited)"


# --- chat -----------------------------------------------------------------------------------


def _take_turn(guide: TurnTaker, state: ChatState, message: str, mode: Mode | None) -> Reply:
    reply = None
    for event in guide.stream(state.session, message, mode):
        if isinstance(event, Reply):
            reply = event
    assert reply is not None
    return reply


def open_conversation(guide: TurnTaker, choice: str | None) -> tuple[ChatState, ChatView]:
    """A new conversation whose opening asks what guidance the person wants."""
    state = ChatState()
    try:
        state.replies.append(_take_turn(guide, state, "", choice_mode(choice)))
    except TURN_ERRORS as exc:
        notice = f"The assistant cannot answer: {_redact(str(exc))}"
        return state, ChatView([], SOURCES_EMPTY, notice, "")
    return state, ChatView(to_messages(state), SOURCES_EMPTY, "", "")


def respond(
    guide: TurnTaker, state: ChatState | None, message: str, choice: str | None,
    every: float = STREAM_EVERY,
) -> Iterator[tuple[ChatState, ChatView]]:
    """Answer ``message``: the user's message at once, then the reply as it streams.

    Streamed text is shown at most once per ``every`` seconds. The final view carries the
    enforced reply (badge, markers) and the updated Sources panel. When the engine fails,
    the turn is not recorded and the message is given back to edit.
    """
    state = state if state is not None else ChatState()
    text = (message or "").strip()
    if not text:
        yield state, ChatView(to_messages(state), notice="Type a message first.")
        return
    if len(text) > MAX_MESSAGE_CHARS:
        yield state, ChatView(
            to_messages(state),
            notice=f"Please keep a message under {MAX_MESSAGE_CHARS:,} characters "
            f"(this one has {len(text):,}).",
        )
        return
    shown = [*to_messages(state), {"role": "user", "content": text}]
    yield state, ChatView(shown, notice="", draft="")
    written = ""
    reply = None
    shown_at = time.monotonic()
    try:
        for event in guide.stream(state.session, text, choice_mode(choice)):
            if isinstance(event, Reply):
                reply = event
                continue
            written += event
            if time.monotonic() - shown_at >= every:
                shown_at = time.monotonic()
                partial = {"role": "assistant", "content": render_text(written)}
                yield state, ChatView([*shown, partial])
    except TURN_ERRORS as exc:
        notice = f"The assistant cannot answer: {_redact(str(exc))}"
        yield state, ChatView(to_messages(state), notice=notice, draft=text)
        return
    assert reply is not None
    state.replies.append(reply)
    state.feedback_id = None
    yield state, ChatView(to_messages(state), sources_markdown(state), "")


def write_transcript(state: ChatState, engine: str, folder: Path, when: datetime) -> Path:
    """Save this browser's transcript (one file per conversation, rewritten each time)."""
    target = folder / state.id / f"mentorcoach-conversation-{when:%Y-%m-%d}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob("*.md"):
        old.unlink()
    target.write_text(transcript_markdown(state, engine, when), encoding="utf-8")
    return target


# --- feedback -------------------------------------------------------------------------------


def rate_reply(
    feedback: FeedbackStore, state: ChatState, message_index: int, liked: bool | str | None
) -> tuple[ChatState, str, bool]:
    """Store a thumbs up (``liked`` True) or down (False); "" withdraws it.

    Returns the state, a notice, and whether to offer the comment box.
    """
    number = reply_at(state, message_index)
    if number is None:
        return state, "", False
    if liked in ("", None):
        feedback.withdraw(state.id, number)
        state.feedback_id = None
        return state, "Feedback withdrawn.", False
    question, reply = exchanges(state)[number]
    rating = "up" if liked is True else "down"
    state.feedback_id = feedback.rate(state.id, number, rating, question=question, reply=reply)
    return state, "Thank you. You can add a comment on this reply below (optional).", True


def comment_on_reply(
    feedback: FeedbackStore, state: ChatState, comment: str
) -> tuple[ChatState, str, bool]:
    """Attach a comment to the feedback just given; returns state, notice, keep box open."""
    if not comment.strip():
        return state, "Write a comment first, or leave it: your rating is already saved.", True
    if state.feedback_id is None or not feedback.comment(state.feedback_id, comment):
        return state, "Rate a reply with the thumbs first, then add your comment.", False
    state.feedback_id = None
    return state, "Thank you, your comment is saved with your rating.", False


# --- corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusView:
    """The corpus tab: summary, documents and the last sync's failures, as Markdown."""

    summary: str
    documents: str
    failures: str


def corpus_view(status: dict[str, Any]) -> CorpusView:
    """Render :func:`ingest.status.index_status` for program staff."""
    rows = [
        ("Documents", str(status["documents"])),
        ("Chunks", str(status["chunks"])),
        ("Last sync", escape(status["last_sync"] or "never")),
        ("Corpus fingerprint", _code(status["fingerprint"])),
        ("Embedding model", _code(status["embedding_model"])),
        ("Index location", _code(_redact(status["store"]))),
    ]
    summary = "\n".join(f"- **{label}:** {value}" for label, value in rows)
    files = status["files"]
    documents = "No documents indexed yet." if not files else (
        "| Title | File | Chunks | Folder | Indexed |\n|---|---|---|---|---|\n"
        + "\n".join(
            f"| {escape(f['title'])} | {_code(f['source'])} | {f['chunks']} | "
            f"{escape(Path(f['root']).name)} | {escape(f['indexed_at'])} |"
            for f in files
        )
    )
    failures = status["failures"]
    problems = "No failures in the last sync." if not failures else (
        "**Files that could not be indexed in the last sync:**\n\n"
        + "\n".join(f"- {_code(f['source'])}: {escape(f['reason'])}" for f in failures)
    )
    return CorpusView(summary, documents, problems)


def add_documents(
    services: Services, paths: Sequence[str | Path] | None,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Save uploads into the upload folder and sync it into the index; returns a summary."""
    if not paths:
        return "Choose one or more files first."
    results = save_uploads(paths, services.settings)
    saved = {r.saved_as: r for r in results if r.saved}
    lines = [f"- Refused {escape(r.name)}: {escape(r.reason)}" for r in results if not r.saved]
    if saved:
        try:
            report = services.sync([upload_folder(services.settings)], progress=progress)
        except SyncBusyError as exc:
            lines.append(f"- Saved, but not indexed yet: {escape(str(exc))}")
            return "\n".join(lines)
        for outcome in report.outcomes:
            if outcome.source not in saved:
                continue
            if outcome.status == "failed":
                lines.append(f"- Not indexed {_code(outcome.source)}: {escape(outcome.reason)}")
            elif outcome.status == "unchanged":
                lines.append(f"- Already indexed, unchanged: {_code(outcome.source)}")
            else:
                chunks = f"{outcome.chunks} chunk{'s' if outcome.chunks != 1 else ''}"
                lines.append(f"- {outcome.status.capitalize()} {_code(outcome.source)} ({chunks})")
    return "\n".join(lines)
