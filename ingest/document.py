"""What a loader returns: a document as text units that each know where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class TextUnit:
    """A page or a section: the largest span a chunk may come from.

    ``text`` holds one paragraph a line. ``lines`` is set for plain text: the first and last
    line of the file each paragraph came from, so its chunks are located by line range.
    """

    text: str
    locator: str
    page: int | None = None
    section: str | None = None
    lines: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class LoadedDocument:
    """A parsed file: its path relative to the ingested root, title, units and warnings."""

    source: str
    title: str
    units: list[TextUnit]
    warnings: list[str] = field(default_factory=list)


class LoadError(Exception):
    """A file that cannot be indexed; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def title_from_filename(path: Path) -> str:
    """A readable title for a document that does not state one."""
    words = path.stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else path.name
