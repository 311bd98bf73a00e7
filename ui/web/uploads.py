"""Saving uploaded documents into the upload folder: safe names, accepted types, size limit."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings

#: Accepted extensions and the bytes such a file starts with (None: text, checked otherwise).
ACCEPTED: dict[str, bytes | None] = {
    ".pdf": b"%PDF-",
    ".docx": b"PK\x03\x04",
    ".md": None,
    ".txt": None,
}
ACCEPTED_LABEL = "PDF, DOCX, MD or TXT"
_MAX_NAME = 120
_UNSAFE = re.compile(r"[^\w.\- ()]+")


@dataclass(frozen=True)
class UploadResult:
    """What became of one uploaded file: saved under ``saved_as``, or refused with a reason."""

    name: str
    saved_as: str | None = None
    reason: str = ""

    @property
    def saved(self) -> bool:
        """Whether the file is now in the upload folder."""
        return self.saved_as is not None


def upload_folder(settings: Settings) -> Path:
    """The folder uploads are saved in, synced into the index as a root of its own."""
    return settings.home / "uploads"


def safe_name(name: str) -> str | None:
    """A plain file name for ``name``: no folders, no hidden or odd characters; None if empty.

    The extension is lower-cased so ``Notes.PDF`` and ``Notes.pdf`` are the same document.
    """
    base = unicodedata.normalize("NFKC", re.split(r"[\\/]", name)[-1])
    base = re.sub(r"\s+", " ", _UNSAFE.sub("_", base))
    base = re.sub(r"\.{2,}", ".", base).strip(" .").lstrip("-~$_")
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = stem.strip(" ._")[: _MAX_NAME - len(extension) - 1]
    if not stem:
        return None
    return f"{stem}.{extension.lower()}" if extension else stem


def check_upload(path: Path, name: str, max_bytes: int) -> str:
    """Why the file cannot be accepted, or an empty string when it can."""
    extension = Path(name).suffix.lower()
    if extension not in ACCEPTED:
        return f"{extension or 'files without an extension'} not accepted ({ACCEPTED_LABEL} only)"
    size = path.stat().st_size
    if size == 0:
        return "the file is empty"
    if size > max_bytes:
        return f"larger than the {max_bytes / 1_000_000:g} MB limit ({size / 1_000_000:.1f} MB)"
    with path.open("rb") as handle:
        head = handle.read(8192)
    signature = ACCEPTED[extension]
    if signature is not None and not head.startswith(signature):
        return f"not a real {extension[1:].upper()} file (its content does not match)"
    if signature is None and b"\x00" in head:
        return "not a text file (it contains binary data)"
    return ""


def save_upload(path: Path, folder: Path, max_bytes: int, name: str | None = None) -> UploadResult:
    """Copy one uploaded file into ``folder`` under a safe name (replacing a same-named one)."""
    shown = name or path.name
    clean = safe_name(shown)
    if clean is None:
        return UploadResult(shown, reason="the file name has no usable characters")
    try:
        problem = check_upload(path, clean, max_bytes)
    except OSError as exc:
        return UploadResult(shown, reason=f"cannot read the upload ({exc.strerror})")
    if problem:
        return UploadResult(shown, reason=problem)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / clean
    if target.resolve().parent != folder.resolve() or target.is_dir():
        return UploadResult(shown, reason="the file name is not allowed")
    partial = folder / f".{clean}.part"  # hidden: a sync running now does not pick it up
    shutil.copyfile(path, partial)
    os.replace(partial, target)
    return UploadResult(shown, saved_as=clean)


def save_uploads(paths: Iterable[Path | str], settings: Settings) -> list[UploadResult]:
    """Save each uploaded file into the upload folder, checking type and size first."""
    max_bytes = int(settings.ui_max_upload_mb * 1_000_000)
    folder = upload_folder(settings)
    return [save_upload(Path(p), folder, max_bytes) for p in paths]
