"""Loaders: read one file into a :class:`LoadedDocument`. Pure: nothing here touches the store."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ingest.document import LoadedDocument, LoadError, TextUnit, title_from_filename
from ingest.structure import Block, blocks, title_of

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SPACES = re.compile(r"[ \t]+")


def clean_inline(text: str) -> str:
    """Strip inline Markdown/HTML markup so quoted sentences read as plain prose."""
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _HTML_TAG.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).rstrip() for line in text.splitlines()).strip()


def read_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    """Decode text as UTF-8, falling back to cp1252/Latin-1 with a warning; refuse binary data."""
    if b"\x00" in data[:8192]:
        raise LoadError(path, "binary content in a text file (NUL bytes); is the extension wrong?")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        position = exc.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, [
            f"{path}: not valid UTF-8 (first bad byte at offset {position}); "
            f"decoded as {encoding}, check accented characters"
        ]
    raise AssertionError("latin-1 decodes every byte sequence")  # pragma: no cover


def _section_units(
    sections: Iterable[tuple[list[str], list[str]]], title: str | None
) -> list[TextUnit]:
    """Units from (heading path, lines) pairs; the document title is left out of the path."""
    units = []
    for path, lines in sections:
        body = clean_inline("\n".join(lines))
        if not body:
            continue
        shown = path[1:] if title and path and path[0] == title else path
        locator = " > ".join(shown) if shown else "Introduction"
        units.append(TextUnit(text=body, locator=locator, section=locator))
    return units


def _split_by_headings(
    items: Iterable[tuple[int, str]],
) -> tuple[list[tuple[list[str], list[str]]], str | None]:
    """Group (heading level or 0 for body, text) items into sections; return them and the H1."""
    sections: list[tuple[list[str], list[str]]] = [([], [])]
    stack: list[tuple[int, str]] = []
    title = None
    for level, text in items:
        if level == 0:
            sections[-1][1].append(text)
            continue
        if level == 1 and title is None:
            title = text
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, text))
        sections.append(([t for _, t in stack], []))
    return sections, title


def load_markdown(path: Path, source: str, data: bytes) -> LoadedDocument:
    """Markdown: one unit per section, located by its heading path (``Roles > Mentors``)."""
    text, warnings = read_text(path, data)
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
        if end is not None:
            lines = lines[end + 1 :]
    items: list[tuple[int, str]] = []
    in_fence = False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            items.append((len(match.group(1)), clean_inline(match.group(2))))
        else:
            items.append((0, line))
    sections, title = _split_by_headings(items)
    units = _section_units(sections, title)
    return LoadedDocument(source, title or title_from_filename(path), units, warnings)


def _sections_of(found: list[Block], title: str) -> Iterator[tuple[str | None, list[Block]]]:
    """Paragraph blocks grouped under the heading path above them (title left out)."""
    stack: list[tuple[int, str]] = []
    body: list[Block] = []
    for block in found:
        if block.level == 0:
            body.append(block)
            continue
        if body:
            yield " > ".join(t for _, t in stack) or None, body
            body = []
        if block.text == title and not stack:
            continue
        while stack and stack[-1][0] >= block.level:
            stack.pop()
        stack.append((block.level, block.text))
    if body:
        yield " > ".join(t for _, t in stack) or None, body


def load_text(path: Path, source: str, data: bytes) -> LoadedDocument:
    """Plain text: headings and paragraphs recovered (see :mod:`ingest.structure`), one unit
    per section, its chunks located by section and line range."""
    text, warnings = read_text(path, data)
    found = blocks(text.replace("\r\n", "\n").replace("\r", "\n"))
    title = title_of(found)
    if title:
        found = found[1:]
    units = [
        TextUnit(text="\n".join(b.text for b in body), locator=section or "lines",
                 section=section, lines=tuple((b.first_line, b.last_line) for b in body))
        for section, body in _sections_of(found, title)
    ]
    return LoadedDocument(source, title or title_from_filename(path), units, warnings)


_DOCX_HEADING = re.compile(r"^heading (\d)$", re.IGNORECASE)


def load_docx(path: Path, source: str, data: bytes) -> LoadedDocument:
    """Word: one unit per section, located by heading path; tables read row by row."""
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(path, f"not a readable Word document ({exc.__class__.__name__})") from None
    items: list[tuple[int, str]] = []
    style_title = None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [c.text.strip() for c in row.cells if c.text.strip()]
                if cells:
                    items.append((0, " | ".join(dict.fromkeys(cells))))
            continue
        text = block.text.strip()
        if not text:
            continue
        style = (block.style.name if block.style is not None else "") or ""
        heading = _DOCX_HEADING.match(style)
        if style.lower() == "title":
            style_title = style_title or text
            items.append((1, text))
        elif heading:
            # Under a Title paragraph, Heading 1 sits one level below it.
            items.append((int(heading.group(1)) + (1 if style_title else 0), text))
        else:
            bullet = "- " if "list" in style.lower() else ""
            items.append((0, bullet + text))
    sections, title = _split_by_headings(items)
    core_title = (document.core_properties.title or "").strip()
    units = _section_units(sections, title)
    return LoadedDocument(source, core_title or title or title_from_filename(path), units)


def load_pdf(path: Path, source: str, data: bytes) -> LoadedDocument:
    """PDF: one unit per page, located as ``p. N`` (1-based)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(path, "encrypted PDF (password protected); save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LoadError(path, f"not a readable PDF ({exc})") from None
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        if "crypt" in str(exc).lower():
            raise LoadError(path, f"encrypted PDF that cannot be opened ({exc})") from None
        raise LoadError(path, f"not a readable PDF ({exc.__class__.__name__}: {exc})") from None
    # Headings carry over from page to page; a unit is one section's text on one page.
    per_page = [(number, blocks(raw.replace("\r", ""))) for number, raw in
                enumerate(pages, start=1)]
    first = next((found for _, found in per_page if found), [])
    title = meta_title.strip() or title_of(first)
    units = []
    current: str | None = None
    for number, found in per_page:
        if title and found is first and found[0].text == title:
            found = found[1:]
        for section, body in _sections_of(_under(current, found), title):
            current = section
            units.append(TextUnit(text="\n".join(b.text for b in body), locator=f"p. {number}",
                                  page=number, section=section))
        headings = [b for b in found if b.level]
        if headings and not any(b.level == 0 for b in found[found.index(headings[-1]):]):
            current = headings[-1].text  # a heading at the foot of a page leads the next
    if not units:
        raise LoadError(path, "no extractable text (a scanned PDF?); run OCR on it first")
    return LoadedDocument(source, title or title_from_filename(path), units)


def _under(section: str | None, found: list[Block]) -> list[Block]:
    """A page's blocks, led by the section heading it continues (as one level-1 heading)."""
    if section is None or (found and found[0].level):
        return found
    return [Block(section, 0, 0, 1), *found]


Loader = Callable[[Path, str, bytes], LoadedDocument]

LOADERS: dict[str, Loader] = {
    ".pdf": load_pdf,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".docx": load_docx,
    ".txt": load_text,
    ".text": load_text,
}


def is_supported(path: Path) -> bool:
    """Whether a loader exists for the file's extension."""
    return path.suffix.lower() in LOADERS


def read_file(path: Path, *, max_bytes: int) -> bytes:
    """The file's bytes, refusing unsupported types, oversized, unreadable and empty files."""
    if path.suffix.lower() not in LOADERS:
        raise LoadError(path, f"unsupported file type {path.suffix or '(none)'}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                path,
                f"file is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:g} MB "
                "(MENTORCOACH_MAX_FILE_MB)",
            )
        data = path.read_bytes()
    except LoadError:
        raise
    except OSError as exc:
        raise LoadError(path, f"cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise LoadError(path, "empty file")
    return data


def parse_document(path: Path, source: str, data: bytes) -> LoadedDocument:
    """Parse bytes already read from ``path``; raise :class:`LoadError` when there is no text."""
    document = LOADERS[path.suffix.lower()](path, source, data)
    if not document.units:
        raise LoadError(path, "no text found")
    return document


def load_document(path: Path, source: str, *, max_bytes: int) -> LoadedDocument:
    """Read and parse ``path``; raise :class:`LoadError` naming the file and the problem."""
    return parse_document(path, source, read_file(path, max_bytes=max_bytes))
