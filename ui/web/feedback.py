"""Feedback on replies (thumbs up or down, optional comment), kept in SQLite under the home."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.plan import Reply
from assistant.privacy.phi import redact

Rating = Literal["up", "down"]

#: Longest comment kept; the rest is cut so one visitor cannot fill the disk.
MAX_COMMENT_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    session_id TEXT NOT NULL,
    reply_index INTEGER NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    reply TEXT NOT NULL,
    mode TEXT NOT NULL,
    citations TEXT NOT NULL,
    engine TEXT NOT NULL,
    UNIQUE (session_id, reply_index)
)
"""


@dataclass(frozen=True)
class FeedbackRecord:
    """One stored piece of feedback, with the reply it is about."""

    id: int
    created_at: str
    session_id: str
    reply_index: int
    rating: Rating
    comment: str
    question: str
    reply: str
    mode: str
    citations: list[dict[str, Any]]
    engine: str


class FeedbackStore:
    """Feedback rows: one per reply of a conversation; a new rating replaces the old one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: handlers run on many threads at once.
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    def rate(
        self, session_id: str, reply_index: int, rating: Rating, *, question: str, reply: Reply
    ) -> int:
        """Record (or change) the rating of a reply; returns the feedback id."""
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"), session_id, reply_index, rating,
            question, reply.text, reply.mode,
            json.dumps([asdict(c) for c in reply.citations], ensure_ascii=False), reply.engine,
        )
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, session_id, reply_index, rating, question, "
                "reply, mode, citations, engine) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id, reply_index) DO UPDATE SET "
                "rating = excluded.rating, created_at = excluded.created_at RETURNING id",
                row,
            )
            return int(cursor.fetchone()[0])

    def withdraw(self, session_id: str, reply_index: int) -> None:
        """Forget the feedback on a reply (the visitor clicked the same thumb again)."""
        with self._connect() as db:
            db.execute(
                "DELETE FROM feedback WHERE session_id = ? AND reply_index = ?",
                (session_id, reply_index),
            )

    def comment(self, feedback_id: int, text: str) -> bool:
        """Attach a comment to feedback already given; False if that feedback is gone."""
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE feedback SET comment = ? WHERE id = ?",
                (redact(text.strip()[:MAX_COMMENT_CHARS]).text, feedback_id),
            )
            return cursor.rowcount == 1

    def forget(self, before: datetime | None) -> int:
        """Delete feedback given before ``before`` (all of it for None); returns how many."""
        with self._connect() as db:
            if before is None:
                return db.execute("DELETE FROM feedback").rowcount
            cutoff = before.astimezone(UTC).isoformat(timespec="seconds")
            return db.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,)).rowcount

    def all(self) -> list[FeedbackRecord]:
        """Every stored piece of feedback, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, created_at, session_id, reply_index, rating, comment, question, "
                "reply, mode, citations, engine FROM feedback ORDER BY id"
            ).fetchall()
        return [
            FeedbackRecord(*row[:9], citations=json.loads(row[9]), engine=row[10]) for row in rows
        ]


def feedback_path(home: Path) -> Path:
    """Where the feedback database lives."""
    return home / "feedback.sqlite3"
