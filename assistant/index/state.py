"""Small JSON state beside the index: last sync, its failures, fingerprints."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def load_state(path: Path) -> dict[str, Any]:
    """The saved state, or an empty one (a damaged file is treated as absent)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def update_state(path: Path, **changes: Any) -> dict[str, Any]:
    """Merge ``changes`` into the state file atomically and return the new state."""
    state = load_state(path) | changes
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return state
