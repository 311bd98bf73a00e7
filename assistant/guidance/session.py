"""Conversation state across turns, and its JSON file for ``--session``."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.plan import GROW_STAGES, MODES, GrowStage, Mode, Turn

FORMAT = "mentorcoach-session"
VERSION = 1


class SessionFileError(ValueError):
    """A session file that is not ours or is damaged; it is left untouched."""


@dataclass
class Session:
    """History, current mode and GROW stage, plus state that later steps keep (goal drafts)."""

    history: list[Turn] = field(default_factory=list)
    mode: Mode | None = None
    grow_stage: GrowStage | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def record(self, user: str, reply_text: str, mode: Mode, *, sets_mode: bool = True) -> None:
        """Append a user message and the assistant's reply; the reply's mode becomes the
        conversation's unless ``sets_mode`` is false (an opening has chosen nothing yet)."""
        self.history += [Turn("user", user), Turn("assistant", reply_text, mode)]
        if sets_mode:
            self.mode = mode

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, tagged with our format and version."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "mode": self.mode,
            "grow_stage": self.grow_stage,
            "history": [asdict(t) for t in self.history],
            "extras": self.extras,
        }

    @classmethod
    def from_dict(cls, data: Any, origin: str = "session") -> Session:
        """Validate and load; raise :class:`SessionFileError` naming the problem."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SessionFileError(f"{origin}: not a mentorcoach session file")
        if data.get("version") != VERSION:
            raise SessionFileError(f"{origin}: unsupported session version {data.get('version')}")
        try:
            history = [
                Turn(t["role"], str(t["text"]), t.get("mode")) for t in data.get("history", [])
            ]
            mode, stage = data.get("mode"), data.get("grow_stage")
            if mode not in (None, *MODES) or stage not in (None, *GROW_STAGES):
                raise ValueError("unknown mode or stage")
            if any(t.role not in ("user", "assistant") for t in history):
                raise ValueError("unknown role")
        except (KeyError, TypeError, ValueError) as exc:
            raise SessionFileError(f"{origin}: damaged session file ({exc})") from None
        return cls(history, mode, stage, dict(data.get("extras") or {}))


def load_session(path: Path) -> Session:
    """The session saved at ``path``, or a new one when the file does not exist."""
    if not path.exists():
        return Session()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SessionFileError(f"{path}: cannot read session file ({exc})") from None
    return Session.from_dict(data, str(path))


def save_session(session: Session, path: Path) -> None:
    """Write atomically, so an interrupted save never leaves a damaged file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(session.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
