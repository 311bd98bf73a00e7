"""Build the corpus documents that ship as PDF and DOCX from their Markdown sources.

The sources live next to this script so that the ingester, which indexes everything under
``corpus/``, only sees the built files. Supported Markdown: ``#``/``##``/``###`` headings,
``- `` bullets and plain paragraphs (consecutive lines are joined).

Usage: ``python scripts/build_corpus/build.py``
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from docx import Document
from fpdf import FPDF
from fpdf.enums import XPos, YPos

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "corpus"
AUTHOR = "Mentoring Program Office"
BUILD_DATE = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)  # fixed, so rebuilds are reproducible

Kind = Literal["title", "h2", "h3", "para", "bullet"]


@dataclass(frozen=True)
class Block:
    """One rendered unit of a document."""

    kind: Kind
    text: str


def parse(markdown: str) -> list[Block]:
    """Split a small Markdown subset into blocks; the first block must be the ``#`` title."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", " ".join(para)))
            para.clear()

    prefixes: tuple[tuple[str, Kind], ...] = (
        ("### ", "h3"),
        ("## ", "h2"),
        ("# ", "title"),
        ("- ", "bullet"),
    )
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        for prefix, kind in prefixes:
            if line.startswith(prefix):
                flush()
                blocks.append(Block(kind, line[len(prefix) :].strip()))
                break
        else:
            para.append(line)
    flush()
    if not blocks or blocks[0].kind != "title":
        raise ValueError("document must start with a '# ' title")
    return blocks


def build_pdf(blocks: list[Block], out: Path) -> int:
    """Render blocks with the Helvetica core font; return the number of pages."""
    for block in blocks:
        try:
            block.text.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise ValueError(f"not Latin-1 safe: {block.text[:60]!r}") from exc

    pdf = FPDF(format="A4")
    pdf.set_margins(left=22, top=22, right=22)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.set_title(blocks[0].text)
    pdf.set_author(AUTHOR)
    pdf.set_creation_date(BUILD_DATE)
    pdf.add_page()

    def write(text: str, style: str, size: float, height: float, width: float = 0) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    section = ""
    for block in blocks:
        small = section == "References"  # reference lists are set smaller
        size, height = (9.5, 5.2) if small else (11.0, 6.2)
        if block.kind == "title":
            write(block.text, "B", 20, 10)
            pdf.ln(5)
        elif block.kind == "h2":
            if pdf.get_y() > pdf.h - 70:  # keep a heading with the text that follows it
                pdf.add_page()
            else:
                pdf.ln(4)
            write(block.text, "B", 14, 8)
            pdf.ln(2)
            section = block.text
        elif block.kind == "h3":
            pdf.ln(1)
            write(block.text, "B", 12, 7)
            pdf.ln(1)
        elif block.kind == "bullet":
            pdf.set_font("Helvetica", "", size)
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(5, height, "-")
            write(block.text, "", size, height, width=pdf.epw - 8)
            pdf.ln(1.5)
        else:
            write(block.text, "", size, height)
            pdf.ln(3)

    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return pdf.page


def build_docx(blocks: list[Block], out: Path) -> None:
    """Render blocks with Word's built-in Title, Heading and List Bullet styles."""
    doc = Document()
    props = doc.core_properties
    props.title = blocks[0].text
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.comments = ""
    props.created = BUILD_DATE.replace(tzinfo=None)
    props.modified = BUILD_DATE.replace(tzinfo=None)
    props.revision = 1

    levels = {"title": 0, "h2": 2, "h3": 3}
    for block in blocks:
        if block.kind in levels:
            doc.add_heading(block.text, level=levels[block.kind])
        elif block.kind == "bullet":
            doc.add_paragraph(block.text, style="List Bullet")
        else:
            doc.add_paragraph(block.text)

    buffer = io.BytesIO()
    doc.save(buffer)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Re-pack with fixed entry timestamps so that rebuilds are byte-identical.
    stamp = BUILD_DATE.timetuple()[:6]
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            dst.writestr(entry, src.read(info), compress_type=zipfile.ZIP_DEFLATED)


def main() -> None:
    """Build ``corpus/difficult-situations.pdf`` and ``corpus/program-handbook.docx``."""
    pdf_src = HERE / "difficult-situations.md"
    pdf_out = CORPUS / "difficult-situations.pdf"
    pages = build_pdf(parse(pdf_src.read_text(encoding="utf-8")), pdf_out)
    print(f"wrote {pdf_out} ({pages} pages)")

    docx_src = HERE / "program-handbook.md"
    docx_out = CORPUS / "program-handbook.docx"
    build_docx(parse(docx_src.read_text(encoding="utf-8")), docx_out)
    print(f"wrote {docx_out}")


if __name__ == "__main__":
    main()
