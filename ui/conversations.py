"""Conversation data kept under the home: what is stored, where, for how long; forgetting it.

Three things hold what people wrote, always after patient identifiers were removed:
session files (``mentorcoach ask --session FILE``, listed in ``sessions.json`` under the
home), web transcripts and goal exports, rewritten after every reply for the download buttons
(``transcripts/`` under the home), and feedback on replies (``feedback.sqlite3``). Anything
older than ``MENTORCOACH_RETENTION_DAYS`` is removed whenever the CLI answers or the web app
starts a conversation.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.guidance.session import SessionFileError, load_session
from assistant.settings import Settings
from ui.web.feedback import FeedbackStore, feedback_path

STORED = (
    "What is kept: a transcript of this conversation and your goal exports (rewritten after "
    "every reply, for the download buttons), the feedback you give on replies, and (from the "
    "command line) session files named with `--session`. Patient identifiers are removed from "
    "every message before anything is kept or sent to a language model. Everything is kept "
    "under {home} and removed after {days} days; `mentorcoach forget --all` removes it at once."
)


@dataclass
class Removed:
    """What a sweep or ``forget`` deleted."""

    sessions: list[Path] = field(default_factory=list)
    transcripts: int = 0
    feedback: int = 0

    def summary(self) -> str:
        """One line a person can read."""
        def count(n: int, what: str) -> str:
            return f"{n} {what}{'' if n == 1 else 's'}"

        return (f"Removed {count(len(self.sessions), 'session file')}, "
                f"{count(self.transcripts, 'transcript file')} and "
                f"{count(self.feedback, 'feedback record')}.")


def transcripts_dir(home: Path) -> Path:
    """Where the web app writes transcripts and goal exports for download."""
    return home / "transcripts"


def _index_path(home: Path) -> Path:
    return home / "sessions.json"


def _sessions(home: Path) -> list[Path]:
    try:
        return [Path(p) for p in json.loads(_index_path(home).read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return []


def _write_sessions(home: Path, paths: list[Path]) -> None:
    home.mkdir(parents=True, exist_ok=True)
    target = _index_path(home)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(sorted({str(p) for p in paths}), indent=1), encoding="utf-8")
    os.replace(tmp, target)


def remember_session(home: Path, path: Path) -> None:
    """List a session file the CLI saved, so retention and ``forget --all`` find it."""
    path = path.resolve()
    known = _sessions(home)
    if path not in known:
        _write_sessions(home, [*known, path])


def _is_session(path: Path) -> bool:
    try:
        load_session(path)
    except SessionFileError:
        return False
    return path.exists()


def _delete_sessions(home: Path, paths: list[Path]) -> list[Path]:
    removed = [p for p in paths if _is_session(p)]
    for path in removed:
        path.unlink()
    _write_sessions(home, [p for p in _sessions(home) if p not in paths])
    return removed


def _delete_transcripts(home: Path, before: datetime | None) -> int:
    folder = transcripts_dir(home)
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    old = [p for p in files if before is None
           or datetime.fromtimestamp(p.stat().st_mtime, UTC) < before]
    for path in old:
        path.unlink()
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        if not any(sub.iterdir()):
            sub.rmdir()
    return len(old)


def sweep(settings: Settings, now: datetime | None = None) -> Removed:
    """Remove sessions, transcripts and feedback older than the retention period."""
    before = (now or datetime.now(UTC)) - timedelta(days=settings.retention_days)
    home = settings.home
    stale = [p for p in _sessions(home)
             if not p.exists() or datetime.fromtimestamp(p.stat().st_mtime, UTC) < before]
    removed = Removed(_delete_sessions(home, stale), _delete_transcripts(home, before))
    if feedback_path(home).exists():
        removed.feedback = FeedbackStore(feedback_path(home)).forget(before)
    return removed


def forget_session(settings: Settings, path: Path) -> Removed:
    """Delete one session file; raise :class:`SessionFileError` if it is not one of ours."""
    path = path.resolve()
    load_session(path)  # refuses anything that is not a mentorcoach session file
    if not path.exists():
        raise SessionFileError(f"{path}: no such session file")
    return Removed(_delete_sessions(settings.home, [path]))


def forget_all(settings: Settings) -> Removed:
    """Delete every listed session file, every transcript and all feedback."""
    home = settings.home
    removed = Removed(_delete_sessions(home, _sessions(home)), _delete_transcripts(home, None))
    if feedback_path(home).exists():
        removed.feedback = FeedbackStore(feedback_path(home)).forget(None)
    return removed
