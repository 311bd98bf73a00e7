"""One sync at a time per home: a concurrent sync could collect the other's unfinished chunks."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


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


class AppRunningError(RuntimeError):
    """The web app holds the embedded index of this home."""


def hold_app_lock(home: Path) -> TextIO:
    """Mark the embedded index of ``home`` as in use by the web app, for as long as the
    returned handle stays open (the lock goes with the process, however it ends)."""
    home.mkdir(parents=True, exist_ok=True)
    handle = (home / "app.lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise AppRunningError(_app_running(home)) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def check_no_app(home: Path) -> None:
    """Raise :class:`AppRunningError` when a web app holds the embedded index of ``home``."""
    path = home / "app.lock"
    if not path.exists():
        return
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AppRunningError(_app_running(home)) from None
        fcntl.flock(handle, fcntl.LOCK_UN)


def _app_running(home: Path) -> str:
    try:
        pid = (home / "app.lock").read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        pid = "unknown"
    # Embedded Chroma keeps its vector index in each process's memory: a second process's
    # writes are not seen by the app's searches, and the app's next write would overwrite them.
    return (
        f"The web app (pid {pid}) is using this index, which is embedded in {home}: a change "
        "made from here would not reach its searches and could be lost. Add documents in the "
        "app's Corpus tab, stop the app first, or run Chroma as a server (`chroma run`, then "
        "MENTORCOACH_CHROMA_URL=http://host:8000 for both) so the app and the command line "
        "share one index."
    )
