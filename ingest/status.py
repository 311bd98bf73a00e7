"""What the index holds, for ``mentorcoach status`` and the staff corpus tab."""

from __future__ import annotations

from typing import Any

from assistant.index.state import load_state
from assistant.index.store import ChromaStore
from assistant.settings import Settings


def index_status(settings: Settings, store: ChromaStore) -> dict[str, Any]:
    """Documents, chunks, model, location, last sync, fingerprint and last failures."""
    records = store.documents()
    state = load_state(settings.state_path)
    return {
        "documents": len(records),
        "chunks": sum(r.chunks for r in records),
        "embedding_model": store.model_id,
        "store": settings.store_location,
        "last_sync": state.get("last_sync"),
        "fingerprint": store.fingerprint(),
        "failures": state.get("failures", []),
        "files": [
            {"source": r.source, "title": r.title, "chunks": r.chunks, "root": r.root,
             "indexed_at": r.indexed_at, "warnings": r.warnings}
            for r in records
        ],
    }
