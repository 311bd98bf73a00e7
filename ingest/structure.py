"""Structure in plain text: paragraphs, headings and the noise between them.

Text pasted or extracted from articles, newsletters and PDFs has no markup. Paragraphs are
separated by blank lines, by an indented first line, or are one long line each; lines are
hard-wrapped at a margin; page footers ("Page 3 of 9") and running headers repeat through
the text. :func:`blocks` turns such text into paragraphs and headings, each with the lines it
came from, so a chunk can stay within one section and cite where it is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_PAGE_FOOTER = re.compile(
    r"^[-\u2013\u2014\s]*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?[-\u2013\u2014\s]*$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
_HYPHEN_END = re.compile(r"(\w)-$")
_BULLET = re.compile(r"^(?:[-*\u2022\u25aa]|\(?\d{1,2}[.)]|[a-z][.)])\s+")
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "\u201d", ")")
#: A heading is a short line: at most this many characters and words.
_HEADING_CHARS = 90
_HEADING_WORDS = 12
#: A short line repeated this often is a running header or footer, not text.
_REPEATED = 3


@dataclass(frozen=True)
class Block:
    """A paragraph (``level`` 0) or a heading (level 1 and deeper), with its line range."""

    text: str
    first_line: int
    last_line: int
    level: int = 0


def _noise(lines: list[str]) -> set[str]:
    """Running headers and footers: short lines that repeat through the document."""
    counts = Counter(s for line in lines if (s := line.strip()) and len(s) <= _HEADING_CHARS)
    return {line for line, n in counts.items() if n >= _REPEATED}


def _raw_paragraphs(lines: list[str], first_line: int
                    ) -> list[tuple[list[str], int, int, bool]]:
    """Lines grouped into paragraphs: (lines, first and last line number, whether it is a
    heading by its place: a short line between finished sentences and a new one)."""
    noise = _noise(lines)
    widths = sorted(len(line.rstrip()) for line in lines if line.strip())
    margin = widths[int(len(widths) * 0.75)] if widths else 0
    indented_style = sum(1 for line in lines if re.match(r"^ {2,}\S|^\t\S", line)) >= 3
    # Text with lines far longer than any print margin is not wrapped: one paragraph a line.
    wrapped = margin <= 120
    kept = [(number, raw.rstrip()) for number, raw in enumerate(lines, start=first_line)
            if not (raw.strip() in noise or _PAGE_FOOTER.match(raw.strip()))
            or not raw.strip()]
    groups: list[tuple[list[str], int, int, bool]] = []
    current: list[str] = []
    start = end = 0
    placed_heading = False

    def close() -> None:
        nonlocal current, placed_heading
        if current:
            groups.append((current, start, end, placed_heading))
        current, placed_heading = [], False

    for index, (number, line) in enumerate(kept):
        stripped = line.strip()
        if not stripped:
            close()
            continue
        previous = current[-1] if current else ""
        following = kept[index + 1][1].strip() if index + 1 < len(kept) else ""
        before = previous or (groups[-1][0][-1] if groups else "")
        # A short line with no closing punctuation, after a finished sentence and before a
        # capitalised line, is a heading even in sentence case ("A stalled relationship").
        heading_here = (
            len(stripped) < 0.6 * margin and _is_heading_shape(stripped)
            and (not before or before.endswith(_SENTENCE_END)) and following[:1].isupper()
        )
        starts_new = (
            not wrapped
            or heading_here
            or (indented_style and re.match(r"^ {2,}\S|^\t\S", line))
            or _BULLET.match(stripped)
            # A line that ended well short of the margin, with a full stop, ends a paragraph.
            or (previous and len(previous) < 0.7 * margin and previous.endswith(_SENTENCE_END))
            or (previous and len(previous) < 0.8 * margin and _is_heading_line(previous))
            # Extracted PDF text keeps no blank lines: a numbered or capitalised heading
            # after a finished sentence starts a block of its own.
            or (previous.endswith(_SENTENCE_END) and _is_marked_heading(stripped))
            or placed_heading
        )
        if starts_new:
            close()
        if not current:
            start = number
            placed_heading = bool(heading_here)
        current.append(stripped)
        end = number
    close()
    return groups


def _is_heading_shape(line: str) -> bool:
    """Short, capitalised, without the punctuation of a sentence, a list item or a byline."""
    words = line.split()
    return (0 < len(words) <= _HEADING_WORDS and line[0].isupper()
            and not line.endswith((".", ",", ";", "?", "!", ":")) and ";" not in line
            and not _BULLET.match(line))


def _is_marked_heading(line: str) -> bool:
    return _is_heading_line(line) and bool(_NUMBERED.match(line) or line.isupper())


def _is_heading_line(line: str) -> bool:
    words = line.split()
    if not words or len(line) > _HEADING_CHARS or len(words) > _HEADING_WORDS:
        return False
    if line.endswith((".", ",", ";", "?", "!")) or (
            _BULLET.match(line) and not _NUMBERED.match(line)):
        return False
    if _NUMBERED.match(line) or (line.isupper() and len(line) > 3):
        return True
    # Title case: most words capitalised (short function words aside).
    capitalised = [w for w in words if len(w) > 3]
    return bool(capitalised) and all(w[0].isupper() or not w[0].isalpha() for w in capitalised)


def _join(lines: list[str]) -> str:
    text = ""
    for line in lines:
        if _HYPHEN_END.search(text) and line[:1].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


def _level(text: str) -> int:
    numbered = _NUMBERED.match(text)
    if numbered:
        return numbered.group(1).count(".") + 1
    return 1


def blocks(text: str, first_line: int = 1) -> list[Block]:
    """Paragraphs and headings of plain ``text``, in order, noise lines dropped."""
    found: list[Block] = []
    for lines, start, end, placed in _raw_paragraphs(text.split("\n"), first_line):
        joined = _join(lines)
        heading = len(lines) == 1 and (placed or _is_heading_line(joined))
        found.append(Block(joined, start, end, _level(joined) if heading else 0))
    return found


def title_of(found: list[Block]) -> str:
    """The document's title: its first block when that is short and not a sentence."""
    if not found:
        return ""
    first = found[0].text
    if len(first) <= 200 and not first.endswith((".", "?", "!")):
        return first
    return ""
