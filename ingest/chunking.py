"""Chunking by paragraph groups within pages and sections, with stable ids.

A chunk is a run of whole paragraphs of one unit, up to ``size`` characters; a paragraph
longer than that is split at sentence boundaries. Each chunk keeps the document title and
section path as its ``header``: embedded and searched with the chunk, never quoted.
"""

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
    header: str
    page: int | None = None
    section: str | None = None


def chunk_id(doc_version: str, locator: str, ordinal: int, text: str) -> str:
    """Stable id: the same document version, place and text always give the same id."""
    content = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = f"{doc_version}\x1f{locator}\x1f{ordinal}\x1f{content}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _line_locator(unit: TextUnit, first: int, last: int) -> str:
    """``Section, lines a-b`` of paragraphs ``first`` to ``last`` of a plain-text unit."""
    start, end = unit.lines[first][0], unit.lines[last][1]
    lines = f"lines {start}-{end}" if end > start else f"line {start}"
    return f"{unit.section}, {lines}" if unit.section else lines


def _paragraph_groups(paragraphs: list[str], size: int) -> list[tuple[int, int]]:
    """Runs of whole paragraphs (first, last index), each at most ``size`` characters long
    (a longer paragraph is a run of its own)."""
    groups: list[tuple[int, int]] = []
    for index, paragraph in enumerate(paragraphs):
        if groups:
            first, last = groups[-1]
            length = sum(len(p) + 1 for p in paragraphs[first : last + 1]) + len(paragraph)
            if length <= size:
                groups[-1] = (first, index)
                continue
        groups.append((index, index))
    return groups


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
    """Split each unit on its own into paragraph groups, so no chunk spans two pages or two
    sections; a paragraph too long for one chunk is split at sentence boundaries, with
    ``overlap`` characters of sentences shared by neighbouring pieces."""
    chunks: list[Chunk] = []
    for unit in document.units:
        paragraphs = unit.text.split("\n")
        header = " > ".join(p for p in (document.title, unit.section) if p)
        for first, last in _paragraph_groups(paragraphs, size):
            group = "\n".join(paragraphs[first : last + 1])
            locator = _line_locator(unit, first, last) if unit.lines else unit.locator
            for start, end in _spans(group, size, overlap) if len(group) > size else [
                    (0, len(group))]:
                text = group[start:end].strip()
                if not text:
                    continue
                ordinal = len(chunks)
                chunks.append(Chunk(
                    id=chunk_id(doc_version, locator, ordinal, text), text=text,
                    locator=locator, ordinal=ordinal, header=header, page=unit.page,
                    section=unit.section))
    return chunks
