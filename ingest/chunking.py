"""Chunking within pages and sections, at sentence boundaries, with stable ids."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.text import sentences
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


def _spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Character spans of ``text`` made of whole sentences, each at most ``size`` long.

    Neighbouring chunks share their last sentences, up to ``overlap`` characters; a sentence
    longer than ``size`` on its own is split by the character splitter.
    """
    pieces: list[tuple[int, int]] = []
    for sentence in sentences(text):
        if len(sentence.text) <= size:
            pieces.append((sentence.start, sentence.end))
            continue
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=size, chunk_overlap=overlap, add_start_index=True,
            separators=["; ", ", ", " ", ""], keep_separator="end",
        )
        for part in splitter.create_documents([sentence.text]):
            begin = sentence.start + part.metadata["start_index"]
            pieces.append((begin, begin + len(part.page_content)))
    spans: list[tuple[int, int]] = []
    first = 0
    while first < len(pieces):
        last = first
        while last + 1 < len(pieces) and pieces[last + 1][1] - pieces[first][0] <= size:
            last += 1
        spans.append((pieces[first][0], pieces[last][1]))
        if last + 1 == len(pieces):
            break
        # Step back over the sentences that fit in the overlap, but always move forward.
        following = last + 1
        while following - 1 > first and pieces[last][1] - pieces[following - 1][0] <= overlap:
            following -= 1
        first = following
    return spans


def chunk_document(
    document: LoadedDocument, doc_version: str, *, size: int, overlap: int
) -> list[Chunk]:
    """Split each unit on its own at sentence boundaries, so no chunk spans two pages or two
    sections and no chunk starts or ends inside a sentence."""
    chunks: list[Chunk] = []
    for unit in document.units:
        for start, end in _spans(unit.text, size, overlap):
            text = unit.text[start:end]
            locator = (
                _line_locator(unit, start, text) if unit.start_line is not None else unit.locator
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
