"""Retrieval on real documents: structure recovered from plain text and PDFs, a sentence index
built at ingest and kept consistent, the light ONNX query path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from assistant.index.retriever import HybridRetriever
from assistant.index.store import ChromaStore, open_store
from assistant.settings import Settings
from assistant.text import sentences
from ingest.chunking import chunk_document
from ingest.loaders import load_document
from ingest.sync import sync_paths
from tests.support.documents import make_pdf

ARTICLE = """\
Mentoring at a Distance: A Twelve-Month Pilot of Video Mentoring for Rural
Family Medicine Residents

Journal of Rural Training                                  Vol. 4
A. Author, MD; B. Author, PhD

ABSTRACT

We paired twenty residents with faculty mentors at a distant centre and
followed them for a year. Most pairs completed the year.

1. Methods

Journal of Rural Training                                  Vol. 4
1.1 Participants

Of 24 eligible residents, 20 agreed to take part (83%). Mentors were
volunteers from the academic centre who had completed a two-hour work-
shop on distance mentoring.
Page 1 of 3

Pairs met by video once a month and exchanged messages in between.

2. Results

Journal of Rural Training                                  Vol. 4
Eighteen of the twenty pairs completed the year.
Page 2 of 3
"""


def test_plain_text_headings_paragraphs_and_noise_are_recovered(tmp_path: Path) -> None:
    path = tmp_path / "pilot.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    document = load_document(path, "pilot.txt", max_bytes=10**6)
    assert document.title == ("Mentoring at a Distance: A Twelve-Month Pilot of Video Mentoring "
                              "for Rural Family Medicine Residents")
    sections = [unit.section for unit in document.units]
    assert "ABSTRACT" in sections and "1. Methods > 1.1 Participants" in sections
    assert "2. Results" in sections
    participants = next(u for u in document.units if u.section == "1. Methods > 1.1 Participants")
    # Hard wraps joined (a word broken at the margin too), the footer and running header gone.
    assert participants.text.split("\n") == [
        "Of 24 eligible residents, 20 agreed to take part (83%). Mentors were volunteers from "
        "the academic centre who had completed a two-hour workshop on distance mentoring.",
        "Pairs met by video once a month and exchanged messages in between.",
    ]
    assert "Journal of Rural Training" not in "\n".join(u.text for u in document.units)
    chunks = chunk_document(document, "v1", size=1000, overlap=100)
    cited = next(c for c in chunks if "agreed to take part" in c.text)
    assert cited.locator == "1. Methods > 1.1 Participants, lines 17-22"
    assert cited.header == f"{document.title} > 1. Methods > 1.1 Participants"
    assert cited.header not in cited.text


def test_one_paragraph_a_line_and_indented_paragraphs_are_read_as_paragraphs(tmp_path) -> None:
    long = "A long paragraph about the mentoring agreement and what it records. " * 4
    (tmp_path / "lines.txt").write_text(f"Guide for New Mentors\n{long}\n{long}\nCONTACTS\n"
                                        "Write to the coordinator at any time.\n")
    lines = load_document(tmp_path / "lines.txt", "lines.txt", max_bytes=10**6)
    assert lines.title == "Guide for New Mentors"
    assert [u.section for u in lines.units] == [None, "CONTACTS"]
    assert len(lines.units[0].text.split("\n")) == 2
    indented = ("Coaching in Residency\n    The first paragraph starts here and wraps\n"
                "onto a second line.\n    The second paragraph starts on an indented line\n"
                "and also wraps.\n")
    (tmp_path / "indented.txt").write_text(indented)
    document = load_document(tmp_path / "indented.txt", "indented.txt", max_bytes=10**6)
    assert document.units[0].text.split("\n") == [
        "The first paragraph starts here and wraps onto a second line.",
        "The second paragraph starts on an indented line and also wraps."]


def test_pdf_headings_give_sections_that_carry_over_pages(tmp_path: Path) -> None:
    pages = ["Mentoring Handbook\n\nMEETINGS\n\nPairs meet monthly for an hour.",
             "Meetings move to every six weeks after the first half year.\n\n"
             "ENDING\n\nEither person may end the relationship without giving a reason."]
    path = make_pdf(tmp_path / "handbook.pdf", pages)
    document = load_document(path, "handbook.pdf", max_bytes=10**6)
    assert document.title == "Mentoring Handbook"
    assert [(u.page, u.section) for u in document.units] == [
        (1, "MEETINGS"), (2, "MEETINGS"), (2, "ENDING")]
    assert all(u.locator.startswith("p. ") for u in document.units)


def test_paragraphs_are_grouped_into_chunks_within_a_section(tmp_path: Path) -> None:
    paragraphs = [f"Paragraph {i} of this section says one thing about mentoring agreements."
                  for i in range(30)]
    (tmp_path / "a.txt").write_text("Agreements\n\n" + "\n\n".join(paragraphs))
    document = load_document(tmp_path / "a.txt", "a.txt", max_bytes=10**6)
    chunks = chunk_document(document, "v1", size=400, overlap=50)
    assert all(len(c.text) <= 400 for c in chunks)
    assert [p for c in chunks for p in c.text.split("\n")] == paragraphs


def assert_sentences_match(store: ChromaStore) -> None:
    """Every live chunk has each of its sentences in the index, and no others are stored."""
    chunks = store.live_chunks()
    scored = store.sentences_of([c.id for c in chunks], np.zeros(384))
    for chunk in chunks:
        assert [h.text for h in scored.get(chunk.id, [])] == [
            s.text for s in sentences(chunk.text)]
    assert store.sentence_count() == sum(len(sentences(c.text)) for c in chunks)


def test_the_sentence_index_follows_adds_changes_and_deletions(settings, embedder, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cadence.md").write_text("# Cadence\n## Meetings\nPairs meet monthly. Agendas "
                                       "go out a week before.\n")
    (corpus / "ending.md").write_text("# Ending\n## No-fault\nEither person may end it.\n")
    store = open_store(settings)
    sync_paths([corpus], settings=settings, store=store, embedder=embedder)
    assert_sentences_match(store)
    (corpus / "cadence.md").write_text("# Cadence\n## Meetings\nPairs meet every week.\n")
    (corpus / "ending.md").unlink()
    sync_paths([corpus], settings=settings, store=store, embedder=embedder)
    assert_sentences_match(store)
    scored = store.sentences_of([c.id for c in store.live_chunks()],
                                embedder.embed_query("how often"))
    assert [h.text for hits in scored.values() for h in hits] == ["Pairs meet every week."]


def test_an_empty_index_finds_nothing_instead_of_failing(settings, embedder) -> None:
    assert HybridRetriever(open_store(settings), embedder).search("how often should we meet") == []


def test_hits_carry_their_sentences_scored_so_no_turn_embeds_corpus_text(
        starter_settings: Settings, embedder) -> None:
    retriever = HybridRetriever(open_store(starter_settings), embedder)
    embedder.batch_sizes.clear()
    hits = retriever.search("My mentee keeps missing our meetings. What should I do?")
    assert hits and all(hit.sentences for hit in hits)
    assert list(embedder.batch_sizes) in ([], [1])  # the question, unless seen already
    best = max((s for hit in hits for s in hit.sentences), key=lambda s: s.similarity)
    assert "meeting" in best.text.lower()


def test_the_onnx_export_finds_what_torch_finds_on_the_starter_corpus(
        starter_settings: Settings, embedder, torch_embedder) -> None:
    assert embedder.exported.faithfulness >= 0.999
    store = open_store(starter_settings)
    for question in ["How do I ask someone to be my mentor?",
                     "What should a mentoring agreement include?",
                     "My mentee gets defensive when I give feedback."]:
        onnx_top = [c.id for c, _ in store.search(embedder.embed_query(question), 5)]
        torch_top = [c.id for c, _ in store.search(torch_embedder.embed_query(question), 5)]
        assert onnx_top == torch_top


def test_an_int8_copy_is_used_only_when_it_agrees_with_fp32(embedder) -> None:
    verdict = json.loads((embedder.exported.folder / "export.json").read_text())
    assert verdict["int8_used"] == (verdict["int8_agreement"] >= 0.99)
    assert (embedder.exported.folder / "model.int8.onnx").exists() == verdict["int8_used"]


def test_ask_never_imports_torch_or_sentence_transformers(starter_settings: Settings) -> None:
    script = (
        "import sys\n"
        "from ui.cli import main\n"
        # A patient's record number: the patient-information guard loads too.
        "sys.argv = ['mentorcoach', 'ask', 'A patient, MRN 1234567, complained about my "
        "mentee. How do I raise it with her?']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    env = os.environ | {"MENTORCOACH_HOME": str(starter_settings.home),
                        "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "[Advising]" in done.stdout or "[Coaching]" in done.stdout
    assert "1234567" not in done.stdout
    assert "HEAVY []" in done.stdout


ROOT = Path(__file__).resolve().parent.parent


def test_abstention_on_the_labelled_sets_keeps_its_floor(starter_settings: Settings,
                                                         embedder) -> None:
    """The retriever declines off-topic questions and answers the ones the corpus covers.

    Floors, not targets: near-misses that share the corpus's words (the benchmark's
    abstention sets) are declined only rarely; see ``benchmarks/retrieval_bench.py``.
    """
    import yaml

    retriever = HybridRetriever(open_store(starter_settings), embedder,
                                floor=starter_settings.relevance_floor)
    answerable = [q["question"] for q in yaml.safe_load(
        (ROOT / "benchmarks" / "retrieval_questions.yaml").read_text())]
    off_topic = ["What's the best pizza place near the hospital?", "Will it rain tomorrow?",
                 "Can you recommend a good laptop for gaming?"]
    answered = sum(bool(retriever.search(q)) for q in answerable) / len(answerable)
    declined = sum(not retriever.search(q) for q in off_topic) / len(off_topic)
    assert answered >= 0.95
    assert declined >= 2 / 3


def test_the_corpus_is_judged_not_to_answer_what_it_never_states(starter_settings: Settings,
                                                                 embedder) -> None:
    """A question with the handbook's words that asks for what it never states (a fee, a
    phone number) gets no passage; one it answers keeps its passages."""
    from assistant.index.answerable import Answerability

    store = open_store(starter_settings)
    deciding = Answerability(embedder, starter_settings.cache_dir)
    retriever = HybridRetriever(store, embedder, floor=starter_settings.relevance_floor,
                                answerability=deciding)
    for unanswered in ["How much does it cost to register for the Alliance's six-month "
                       "mentorship program for CE/CPD professionals?",
                       "What is the program coordinator's email address or phone extension?"]:
        assert HybridRetriever(store, embedder).search(unanswered)  # similar passages exist
        assert retriever.search(unanswered) == []
    hits = retriever.search("How often should a mentor and mentee meet in the first six months?")
    assert any("once a month" in hit.chunk.text for hit in hits)


def test_the_shipped_answerability_weights_were_fitted_on_the_shipped_questions() -> None:
    from assistant.index.answerable import FEATURES, shipped_weights, training_digest

    shipped = shipped_weights()
    assert tuple(shipped["features"]) == FEATURES  # type: ignore[arg-type]
    assert shipped["training"] == training_digest()  # else: python scripts/fit_answerability.py
