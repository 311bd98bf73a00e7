"""Chunks stay inside their page or section, have the configured size and stable ids."""

from __future__ import annotations

from ingest.chunking import chunk_document
from ingest.document import LoadedDocument, TextUnit

SECTION = " ".join(f"Sentence {i} describes one habit of an effective mentee." for i in range(60))


def document() -> LoadedDocument:
    return LoadedDocument(
        source="guide.md",
        title="Guide",
        units=[
            TextUnit(SECTION, "Roles", section="Roles"),
            TextUnit("A short section.", "Ending", section="Ending"),
        ],
    )


def test_no_chunk_spans_two_sections_and_sizes_are_bounded() -> None:
    chunks = chunk_document(document(), "v1", size=800, overlap=100)
    assert chunks[-1].text == "A short section."
    assert chunks[-1].locator == "Ending"
    roles = [c for c in chunks if c.locator == "Roles"]
    assert len(roles) >= 3
    assert all(len(c.text) <= 800 for c in chunks)
    assert all(c.text in SECTION for c in roles)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_consecutive_chunks_overlap() -> None:
    first, second = chunk_document(document(), "v1", size=800, overlap=150)[:2]
    assert second.text[:40] in first.text


def test_ids_are_stable_and_change_with_the_version() -> None:
    again = chunk_document(document(), "v1", size=800, overlap=100)
    assert [c.id for c in again] == [c.id for c in chunk_document(document(), "v1", size=800,
                                                                   overlap=100)]
    other = chunk_document(document(), "v2", size=800, overlap=100)
    assert not {c.id for c in again} & {c.id for c in other}
    assert len({c.id for c in again}) == len(again)


def test_chunks_start_and_end_on_sentence_boundaries() -> None:
    text = ("Dr. Patel met the cohort approx. 20 times in the U.S. Army hospital. See Fig. 2 for "
            "the schedule. ") * 30
    unit = LoadedDocument("a.md", "A", [TextUnit(text, "S", section="S")])
    chunks = chunk_document(unit, "v1", size=400, overlap=120)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.text.startswith("Dr. Patel") and chunk.text.endswith("the schedule.")
        assert len(chunk.text) <= 400


def test_a_sentence_longer_than_a_chunk_is_split_within_it() -> None:
    text = "Short opener here. " + "word " * 300 + "end."
    unit = LoadedDocument("a.md", "A", [TextUnit(text, "S", section="S")])
    chunks = chunk_document(unit, "v1", size=300, overlap=50)
    assert chunks[0].text.startswith("Short opener here.")
    assert all(len(c.text) <= 300 for c in chunks)
    assert chunks[-1].text.endswith("end.")
