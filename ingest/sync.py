"""Incremental sync: make the index mirror the given paths, losing nothing on failure."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from langchain_core.embeddings import Embeddings

from assistant.index.state import update_state
from assistant.index.store import DocumentRecord, IndexDamagedError, Store, searchable
from assistant.settings import Settings
from assistant.text import sentences
from ingest.chunking import Chunk, chunk_document
from ingest.discover import Found, discover
from ingest.document import LoadedDocument, LoadError
from ingest.loaders import is_supported, parse_document, read_file
from ingest.lock import sync_lock

Status = Literal["added", "updated", "unchanged", "removed", "failed", "skipped"]

#: Called as embedding advances: (chunks done, chunks in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FileOutcome:
    """What the sync did with one file."""

    source: str
    root: str
    status: Status
    reason: str = ""
    chunks: int = 0


@dataclass
class SyncReport:
    """The outcome of one sync, for the summary table and ``--json``."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fingerprint: str = ""
    previous_fingerprint: str = ""
    garbage_removed: int = 0
    model_loaded: bool = False

    def count(self, status: Status) -> int:
        """Number of files with ``status``."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return self.count("failed") == 0

    def to_dict(self) -> dict:
        """JSON-ready form."""
        counts = {s: self.count(s) for s in Status.__args__}  # type: ignore[attr-defined]
        return {
            "counts": counts,
            "files": [asdict(o) for o in self.outcomes],
            "warnings": self.warnings,
            "fingerprint": self.fingerprint,
            "fingerprint_changed": self.fingerprint != self.previous_fingerprint,
            "garbage_removed": self.garbage_removed,
        }


def document_key(root: Path, source: str) -> str:
    """Manifest key of a document: its root and path, hashed."""
    return hashlib.sha256(f"{root}\x1f{source}".encode()).hexdigest()[:24]


#: Bump when loaders or chunking change what a file yields, so the next sync re-reads it.
PIPELINE_VERSION = "3"


def document_version(key: str, file_hash: str, settings: Settings) -> str:
    """Version of a document: changes with its bytes, the chunking settings and the pipeline."""
    raw = (f"{key}\x1f{file_hash}\x1f{settings.chunk_size}\x1f{settings.chunk_overlap}"
           f"\x1f{PIPELINE_VERSION}")
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


@dataclass
class _Pending:
    record: DocumentRecord
    chunks: list[Chunk]
    status: Status


def sync_paths(
    paths: Sequence[Path],
    *,
    settings: Settings,
    store: Store,
    embedder: Embeddings,
    progress: Progress | None = None,
) -> SyncReport:
    """Sync every path (a folder or a single file) into ``store`` and record the fingerprint.

    A damaged index (:class:`~assistant.index.store.IndexDamagedError`) is rebuilt: every
    document it listed is embedded again from its file, with the paths.

    Raises :class:`~ingest.lock.SyncBusyError` when another sync of the same home is running.
    """
    with sync_lock(settings.home):
        try:
            return _sync(paths, settings, store, embedder, progress)
        except IndexDamagedError as exc:
            listed = store.reset()
            report = _sync(paths, settings, store, embedder, progress, restore=listed)
            report.warnings.insert(0, f"The index could not be read ({exc.__cause__}) and "
                                      "was rebuilt: every document it listed was embedded "
                                      "again from its file.")
            return report


def _sync(
    paths: Sequence[Path], settings: Settings, store: Store, embedder: Embeddings,
    progress: Progress | None, restore: Sequence[DocumentRecord] = (),
) -> SyncReport:
    report = SyncReport(previous_fingerprint=store.fingerprint())
    report.garbage_removed = store.collect_garbage()
    live = {record.key: record for record in store.documents()}
    pending: list[_Pending] = []
    gone: list[DocumentRecord] = []
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            root, found = path, discover(path)
        elif path.is_file():
            root, found = path.parent, [Found(path, path.name)]
        else:
            report.outcomes.append(FileOutcome(str(raw), str(raw), "failed", "path not found"))
            continue
        scope = {k: r for k, r in live.items() if r.root == str(root)}
        if not path.is_dir():
            scope = {k: r for k, r in scope.items() if r.source == path.name}
        seen = {document_key(root, f.source) for f in found}
        gone += [record for key, record in scope.items() if key not in seen]
        for item in found:
            prepared = _prepare(item, root, live, settings, report)
            if prepared is not None:
                pending.append(prepared)
    # Documents of a damaged index that the paths do not cover come back from their files.
    covered = {(o.root, o.source) for o in report.outcomes} | {
        (p.record.root, p.record.source) for p in pending}
    for record in restore:
        if (record.root, record.source) not in covered:
            found = Found(Path(record.root) / record.source, record.source)
            prepared = _prepare(found, Path(record.root), {}, settings, report)
            if prepared is not None:
                pending.append(prepared)

    total = sum(len(p.chunks) for p in pending)
    done = 0
    for group in _groups(pending):
        # Each chunk and each of its sentences is embedded under the chunk's header: a
        # sentence alone ("42 agreed to take part") rarely says what it is about.
        texts = [searchable(c.header, c.text) for item in group for c in item.chunks]
        # Each item's sentences, as (chunk, position, text), in the order they are embedded.
        said = [[(c, position, s.text) for c in item.chunks
                 for position, s in enumerate(sentences(c.text))] for item in group]
        vectors = embedder.embed_documents(
            texts + [searchable(c.header, text) for own in said for c, _, text in own])
        chunk_vectors, sentence_vectors = vectors[: len(texts)], vectors[len(texts) :]
        done += len(texts)
        if progress:
            progress(done, total)
        report.model_loaded = True
        for item, own in zip(group, said, strict=True):
            item_vectors = chunk_vectors[: len(item.chunks)]
            chunk_vectors = chunk_vectors[len(item.chunks) :]
            own_vectors = sentence_vectors[: len(own)]
            sentence_vectors = sentence_vectors[len(own) :]
            store.write_chunks(
                [c.id for c in item.chunks],
                [c.text for c in item.chunks],
                item_vectors,
                [_chunk_metadata(item.record, c) for c in item.chunks],
            )
            store.write_sentences(
                [f"{c.id}:{position}" for c, position, _ in own],
                [text for _, _, text in own],
                own_vectors,
                [_sentence_metadata(item.record, c.id, position) for c, position, _ in own],
            )
            store.activate(item.record)
            report.outcomes.append(
                FileOutcome(item.record.source, item.record.root, item.status, "",
                            len(item.chunks))
            )
    for record in gone:
        store.deactivate(record.key)
        report.outcomes.append(FileOutcome(record.source, record.root, "removed"))

    report.fingerprint = store.fingerprint()
    update_state(
        settings.state_path,
        last_sync=datetime.now(UTC).isoformat(timespec="seconds"),
        fingerprint=report.fingerprint,
        failures=[asdict(o) for o in report.outcomes if o.status == "failed"],
    )
    return report


def remove_documents(keys: Sequence[str], *, settings: Settings, store: Store) -> str:
    """Take documents out of the index by manifest key (chunks, sentences and record), one
    sync at a time as for :func:`sync_paths`; returns the new fingerprint.

    The files are not touched: a document whose file stays in a synced folder comes back on
    the next sync of that folder.
    """
    with sync_lock(settings.home):
        for key in keys:
            store.deactivate(key)
        fingerprint = store.fingerprint()
        update_state(settings.state_path, fingerprint=fingerprint)
    return fingerprint


#: Chunks embedded per call: large batches across documents keep the model busy; documents
#: are written only once all their chunks have vectors.
_EMBED_GROUP = 256


def _groups(pending: list[_Pending]) -> Iterator[list[_Pending]]:
    group: list[_Pending] = []
    for item in pending:
        group.append(item)
        if sum(len(p.chunks) for p in group) >= _EMBED_GROUP:
            yield group
            group = []
    if group:
        yield group


def _prepare(
    item: Found, root: Path, live: dict[str, DocumentRecord], settings: Settings,
    report: SyncReport,
) -> _Pending | None:
    """Read one file; record it as unchanged/skipped/failed, or return it for embedding."""

    def outcome(status: Status, reason: str = "", chunks: int = 0) -> None:
        report.outcomes.append(FileOutcome(item.source, str(root), status, reason, chunks))

    if item.problem:
        outcome("failed", item.problem)
        return None
    if not is_supported(item.path):
        outcome("skipped", f"unsupported file type {item.path.suffix or '(none)'}")
        return None
    key = document_key(root, item.source)
    previous = live.get(key)
    try:
        data = read_file(item.path, max_bytes=int(settings.max_file_mb * 1_000_000))
    except LoadError as exc:
        outcome("failed", _kept(exc.problem, previous))
        return None
    file_hash = hashlib.sha256(data).hexdigest()
    version = document_version(key, file_hash, settings)
    if previous is not None and previous.version == version:
        outcome("unchanged", chunks=previous.chunks)
        return None
    try:
        document: LoadedDocument = parse_document(item.path, item.source, data)
    except LoadError as exc:
        outcome("failed", _kept(exc.problem, previous))
        return None
    report.warnings += document.warnings
    chunks = chunk_document(
        document, version, size=settings.chunk_size, overlap=settings.chunk_overlap
    )
    record = DocumentRecord(
        key=key,
        root=str(root),
        source=item.source,
        title=document.title,
        version=version,
        file_hash=file_hash,
        size=len(data),
        chunks=len(chunks),
        indexed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        warnings="; ".join(document.warnings),
    )
    return _Pending(record, chunks, "updated" if previous else "added")


def _kept(problem: str, previous: DocumentRecord | None) -> str:
    return f"{problem}; the previously indexed version is kept" if previous else problem


def _sentence_metadata(record: DocumentRecord, chunk_id: str, position: int) -> dict:
    return {"doc_key": record.key, "doc_version": record.version, "chunk_id": chunk_id,
            "position": position}


def _chunk_metadata(record: DocumentRecord, chunk: Chunk) -> dict:
    return {
        "header": chunk.header,
        "doc_key": record.key,
        "doc_version": record.version,
        "source": record.source,
        "root": record.root,
        "title": record.title,
        "locator": chunk.locator,
        "page": chunk.page,
        "section": chunk.section,
        "ordinal": chunk.ordinal,
    }

