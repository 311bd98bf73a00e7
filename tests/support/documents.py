"""Real documents made inside tests: PDFs with fpdf2/pypdf, Word files with python-docx."""

from __future__ import annotations

from pathlib import Path


def make_pdf(path: Path, pages: list[str], *, title: str | None = None) -> Path:
    """A text PDF with one page per entry of ``pages``."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def make_encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A password-protected PDF."""
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(path.with_suffix(".plain.pdf"), ["Confidential mentoring notes."])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=password, owner_password=password)
    writer.write(path)
    plain.unlink()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose pages carry no text layer, like a scan."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(path)
    return path


def make_docx(path: Path, blocks: list[tuple[str, str]], *, title: str | None = None) -> Path:
    """A Word file from (style, text) pairs, e.g. ("Heading 1", "Roles")."""
    import docx

    document = docx.Document()
    for style, text in blocks:
        document.add_paragraph(text, style=style)
    if title:
        document.core_properties.title = title
    document.save(str(path))
    return path
