"""Loaders on real files made here, and every kind of bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.discover import discover
from ingest.document import LoadError
from ingest.loaders import load_document
from tests.support.documents import make_docx, make_encrypted_pdf, make_pdf, make_scanned_pdf

MB = 1_000_000


def load(path: Path, max_bytes: int = 50 * MB):
    return load_document(path, path.name, max_bytes=max_bytes)


def test_pdf_pages_are_one_based_and_title_comes_from_metadata(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "guide.pdf",
        ["Mentors listen first. Mentees set the agenda.", "Goals should be time-bound."],
        title="Mentoring guide",
    )
    document = load(path)
    assert document.title == "Mentoring guide"
    assert [u.locator for u in document.units] == ["p. 1", "p. 2"]
    assert [u.page for u in document.units] == [1, 2]
    assert "Goals should be time-bound." in document.units[1].text


def test_pdf_lines_wrapped_by_the_layout_are_joined_into_sentences(tmp_path: Path) -> None:
    sentence = "A mentoring agreement records the goals, the meeting cadence and how " * 4
    document = load(make_pdf(tmp_path / "wrapped.pdf", [sentence.strip() + "."]))
    assert "\n" not in document.units[0].text


def test_markdown_sections_carry_their_heading_path(tmp_path: Path) -> None:
    path = tmp_path / "handbook.md"
    path.write_text(
        "---\nauthor: staff\n---\n# Program handbook\nWelcome to the program.\n"
        "## Roles\nEveryone has a role.\n### Mentor expectations\nMentors meet **monthly**.\n"
        "```\n# not a heading\n```\n## Confidentiality\nWhat is said stays in the room, "
        "see [policy](http://example.org).\n",
        encoding="utf-8",
    )
    document = load(path)
    assert document.title == "Program handbook"
    assert [u.locator for u in document.units] == [
        "Introduction",
        "Roles",
        "Roles > Mentor expectations",
        "Confidentiality",
    ]
    assert document.units[2].text.startswith("Mentors meet monthly.")
    assert "# not a heading" in document.units[2].text
    assert document.units[3].text == "What is said stays in the room, see policy."


def test_docx_sections_carry_their_heading_path(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "handbook.docx",
        [
            ("Title", "Program handbook"),
            ("Normal", "How our program works."),
            ("Heading 1", "Roles"),
            ("Heading 2", "Mentor expectations"),
            ("Normal", "Mentors meet their mentees every month."),
            ("List Bullet", "Mentors reply within a week."),
        ],
    )
    document = load(path)
    assert document.title == "Program handbook"
    assert [u.locator for u in document.units] == ["Introduction", "Roles > Mentor expectations"]
    assert "- Mentors reply within a week." in document.units[1].text


def test_text_chunks_are_located_by_line_range(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("\n".join(f"Line {i} says something useful." for i in range(1, 121)))
    document = load(path)
    chunks = chunk_document(document, "v1", size=400, overlap=50)
    assert chunks[0].locator.startswith("lines 1-")
    assert all(c.locator.startswith("lines ") for c in chunks)
    last_line = int(chunks[-1].locator.rsplit("-", 1)[1])
    assert last_line == 120


def test_cp1252_text_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Caf\u00e9 meetings with the r\u00e9sident \u2013 weekly.".encode("cp1252"))
    document = load(path)
    assert "r\u00e9sident \u2013 weekly" in document.units[0].text
    assert "not valid UTF-8" in document.warnings[0]
    assert "legacy.txt" in document.warnings[0]


@pytest.mark.parametrize(
    ("name", "make", "problem"),
    [
        ("corrupt.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n junk \x00"), "not a readable PDF"),
        ("locked.pdf", make_encrypted_pdf, "encrypted PDF"),
        ("scan.pdf", make_scanned_pdf, "no extractable text"),
        ("empty.md", lambda p: p.write_text(""), "empty file"),
        ("blank.txt", lambda p: p.write_text("  \n\n "), "empty file"),
        ("image.md", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR"), "binary"),
        ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "Word document"),
        ("photo.jpg", lambda p: p.write_bytes(b"\xff\xd8\xff"), "unsupported file type .jpg"),
    ],
)
def test_bad_input_gets_an_error_naming_file_and_problem(tmp_path: Path, name, make, problem):
    path = tmp_path / name
    make(path)
    with pytest.raises(LoadError) as caught:
        load(path)
    assert problem in str(caught.value)
    assert str(path) in str(caught.value)


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("word " * 1000)
    with pytest.raises(LoadError, match=r"huge.txt: file is 0.0 MB, over the limit"):
        load(path, max_bytes=1000)


def test_discovery_reports_broken_links_and_loops_and_skips_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("# A\ntext")
    (tmp_path / ".hidden.md").write_text("secret")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    os.symlink(tmp_path / "missing.md", tmp_path / "dangling.md")
    os.symlink(tmp_path / "self-a", tmp_path / "self-b")
    os.symlink(tmp_path / "self-b", tmp_path / "self-a")
    found = {f.source: f.problem for f in discover(tmp_path)}
    assert found["sub/a.md"] is None
    assert found["sub/loop"] == "symlink loop (folder links back)"
    assert found["dangling.md"] == "broken link (target does not exist)"
    assert found["self-a"] == "symlink loop"
    assert ".hidden.md" not in found
