"""Chunking within pages and sections, with stable ids."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.document import LoadedDocument, TextUnit


@dataclass(frozen=True)
class Chunk:
    """A retrievable span of one unit, with the locator its citation shows."""

    id: str
    text: str
    locator: str
    ordinal: int
    page: int | None = None
    section: str | None = None


def chunk_id(doc_version: str, locator: str, ordinal: int, text: str) -> str:
    """Stable id: the same document version, place and text always give the same id."""
    content = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = f"{doc_version}\x1f{locator}\x1f{ordinal}\x1f{content}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _line_locator(unit: TextUnit, start: int, text: str) -> str:
    assert unit.start_line is not None
    first = unit.start_line + unit.text.count("\n", 0, start)
    last = first + text.count("\n")
    return f"lines {first}-{last}" if last > first else f"line {first}"


def chunk_document(
    document: LoadedDocument, doc_version: str, *, size: int, overlap: int
) -> list[Chunk]:
    """Split each unit on its own, so no chunk spans two pages or two sections."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=overlap,
        separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
        keep_separator="end",
        add_start_index=True,
    )
    chunks: list[Chunk] = []
    for unit in document.units:
        for piece in splitter.create_documents([unit.text]):
            text = piece.page_content.strip()
            if not text:
                continue
            locator = (
                _line_locator(unit, piece.metadata["start_index"], piece.page_content)
                if unit.start_line is not None
                else unit.locator
            )
            ordinal = len(chunks)
            chunks.append(
                Chunk(
                    id=chunk_id(doc_version, locator, ordinal, text),
                    text=text,
                    locator=locator,
                    ordinal=ordinal,
                    page=unit.page,
                    section=unit.section,
                )
            )
    return chunks
