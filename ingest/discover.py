"""Find the files under an ingested path, following links without looping."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Found:
    """A file found under a root, or a path that could not be walked (``problem`` set)."""

    path: Path
    source: str
    problem: str | None = None


#: A corpus folder's rehearsal scenarios (YAML read by the rehearsal library, not documents).
SCENARIOS = "scenarios"


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name == "__pycache__"


def discover(root: Path) -> list[Found]:
    """Every non-hidden file below ``root`` with its path relative to ``root``, sorted."""
    found: list[Found] = []
    seen_dirs: set[tuple[int, int]] = set()

    def walk(folder: Path) -> None:
        try:
            info = folder.stat()
        except OSError as exc:
            found.append(Found(folder, _rel(folder, root), _problem(exc)))
            return
        if (info.st_dev, info.st_ino) in seen_dirs:
            found.append(Found(folder, _rel(folder, root), "symlink loop (folder links back)"))
            return
        seen_dirs.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.append(Found(folder, _rel(folder, root), _problem(exc)))
            return
        for entry in entries:
            if _hidden(entry.name):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
                if entry.is_symlink():
                    path.stat()  # raises on loops and dangling links
            except OSError as exc:
                found.append(Found(path, _rel(path, root), _problem(exc)))
                continue
            if is_dir and folder == root and entry.name == SCENARIOS:
                continue
            if is_dir:
                walk(path)
            elif is_file:
                found.append(Found(path, _rel(path, root)))
            else:
                found.append(Found(path, _rel(path, root), "not a regular file"))

    walk(root)
    return found


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "broken link (target does not exist)"
    if exc.errno == errno.EACCES:
        return "cannot read (permission denied)"
    return f"cannot read ({exc.strerror or exc})"
