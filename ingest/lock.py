"""One sync at a time per home: a concurrent sync could collect the other's unfinished chunks."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SyncBusyError(RuntimeError):
    """Another sync holds the lock."""


@contextmanager
def sync_lock(home: Path) -> Iterator[None]:
    """Hold ``home/sync.lock`` for the duration; fail at once if another process holds it."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "sync.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SyncBusyError(
                f"Another sync is running (pid {holder}); try again when it has finished."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
