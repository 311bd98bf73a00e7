"""The one text layer: sentence spans, stemmed tokens and stop words, as every part uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import starter_corpus
from assistant.text import (
    STOP_WORDS,
    Clause,
    bare_reply,
    clauses,
    content_words,
    overlap,
    position,
    sentences,
    tokens,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The cohort grew by approx. 20% in 2023. See Fig. 2 for details. He served in the "
            "U.S. Army for ten years. Dr. Patel agreed.",
            ["The cohort grew by approx. 20% in 2023.", "See Fig. 2 for details.",
             "He served in the U.S. Army for ten years.", "Dr. Patel agreed."],
        ),
        (
            "Meet for about 2 hrs. per month, e.g. over lunch. Mentors, i.e. faculty, etc. can "
            "help (Smith et al., 2020). What matters most? Then decide!",
            ["Meet for about 2 hrs. per month, e.g. over lunch.",
             "Mentors, i.e. faculty, etc. can help (Smith et al., 2020).",
             "What matters most?", "Then decide!"],
        ),
        (
            "- Agree on a cadence.\n- Review goals. Then book the next meeting.\n\nNext steps",
            ["- Agree on a cadence.", "- Review goals.", "Then book the next meeting.",
             "Next steps"],
        ),
        ('"Could you describe a moment when that happened?" she asked. It helped.',
         ['"Could you describe a moment when that happened?" she asked.', "It helped."]),
    ],
)
def test_sentences_keep_abbreviations_and_split_at_real_ends(text: str, expected: list[str]):
    found = sentences(text)
    assert [s.text for s in found] == expected
    assert all(text[s.start : s.end] == s.text for s in found)


def test_sentences_of_the_starter_corpus_are_exact_substrings_that_read_whole() -> None:
    corpus = Path(starter_corpus())
    checked = 0
    for path in sorted(corpus.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for sentence in sentences(text):
            assert text[sentence.start : sentence.end] == sentence.text
            # No sentence is cut after an abbreviation or before a lower-case continuation
            # ("et al." before a capital, as in reference lists, is a real ambiguity).
            assert not sentence.text.endswith((" e.g.", " i.e.", " Dr.", " approx."))
            assert not sentence.text[0].islower() or sentence.text.startswith(("e.g", "i.e"))
            checked += 1
    assert checked > 300


def test_a_corpus_paragraph_splits_into_its_sentences() -> None:
    text = (Path(starter_corpus()) / "smart-goals.md").read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p.count(". ") >= 2 and "\n" not in p)
    found = sentences(paragraph)
    assert len(found) == paragraph.count(". ") + 1 - paragraph.count("e.g. ")
    assert " ".join(s.text for s in found) == paragraph.strip()


def test_tokens_are_stemmed_lower_case_content_words() -> None:
    assert tokens("Meetings with my Mentees: scheduling the meeting") == [
        "meet", "mente", "schedul", "meet",
    ]
    assert {"the", "you", "should", "how", "my"} <= STOP_WORDS
    assert content_words("She missed meetings") == content_words("missing a meeting she")


def test_overlap_is_the_share_of_words_found() -> None:
    words = content_words("defensive mentee feedback")
    assert overlap(words, "A mentee who reacts defensively to feedback") == 1.0
    assert overlap(words, "Protected time for writing") == 0.0
    assert overlap(set(), "anything") == 0.0


def test_clauses_split_where_a_statement_turns_or_runs_on() -> None:
    assert clauses("I've asked her twice but she keeps cancelling") == (
        Clause("I've asked her twice"), Clause("she keeps cancelling", contrast=True))
    assert [c.text for c in clauses("we meet monthly, now people are busy. and the sessions "
                                    "drift")] == ["we meet monthly", "now people are busy",
                                                  "the sessions drift"]


@pytest.mark.parametrize(("reply", "does"), [
    ("yes", "agrees"), ("Yep, looks good, save it", "agrees"), ("perfect, thanks!", "agrees"),
    ("no", "passes"), ("not sure", "passes"), ("I don't know", "passes"), ("skip", "passes"),
    ("maybe", "passes"),
    ("yes, but make it three case reports", None), ("confidence 8", None),
    ("not yet, I need to ask my PI first", None), ("?", None),
])
def test_a_bare_reply_agrees_or_passes_and_says_nothing_else(reply: str, does: str | None):
    assert bare_reply(reply) == does


@pytest.mark.parametrize(("said", "count", "index"),
                         [("2", 3, 1), ("two", 3, 1), ("Second", 3, 1), ("last", 3, 2),
                          ("tenth", 3, None), ("0", 3, None)])
def test_a_place_in_a_list_is_read_however_it_is_named(said: str, count: int,
                                                        index: int | None) -> None:
    assert position(said, count) == index
