"""Sentences of corpus text that read well when quoted alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=[\"'(\[]?[A-Z0-9])")
_REFERENCE = re.compile(
    r"\bdoi\b|https?://|www\.|\bet al\b|\b(?:19|20)\d\d;|\bvol\.|\bpp\.|J Grad Med Educ|"
    r"Med Educ|Acad Med|MedEdPORTAL|\bISBN\b",
    re.IGNORECASE,
)
# Sentences that lean on the one before, or speak as "I" (checklist items, quoted voices).
_DANGLING_START = re.compile(
    r"^(?:this|it|these|they|such|that|those|also|and|but|or|so|i|i'm|i've|i'll|my)\b",
    re.IGNORECASE,
)
_POINTS_ELSEWHERE = re.compile(
    r"\b(?:below|above|this section|this document|the following)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Sentence:
    """A sentence and where it sits in its chunk's text (so a quote is an exact substring)."""

    text: str
    start: int


_ABBREVIATION = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|St|vs|e\.g|i\.e|etc|al|cf)\.$", re.IGNORECASE)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their offsets (exact substrings); lines split too."""
    sentences: list[Sentence] = []
    for line_match in re.finditer(r"[^\n]+", text):
        line, offset = line_match.group(0), line_match.start()
        start = 0
        for boundary in _SPLIT.finditer(line):
            if _ABBREVIATION.search(line[start : boundary.start()]):
                continue
            _add(sentences, line[start : boundary.start()], offset + start)
            start = boundary.end()
        _add(sentences, line[start:], offset + start)
    return sentences


def _add(sentences: list[Sentence], piece: str, at: int) -> None:
    stripped = piece.strip()
    if stripped:
        sentences.append(Sentence(stripped, at + len(piece) - len(piece.lstrip())))


def clean_bullet(text: str) -> str:
    """Drop a leading list marker."""
    return re.sub(r"^(?:[-*\u2022]|\d+[.)])\s+", "", text)


def quotable(text: str) -> bool:
    """A complete, self-contained prose sentence: no fragment, heading or reference entry."""
    body = clean_bullet(text)
    if not 40 <= len(body) <= 320 or not body[0].isupper() or body[-1] not in ".!?":
        return False
    if _REFERENCE.search(body) or _DANGLING_START.match(body) or _POINTS_ELSEWHERE.search(body):
        return False
    return len(body.split()) >= 7 and body.count('"') % 2 == 0
