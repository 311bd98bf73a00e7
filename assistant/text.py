"""The one text layer: sentences with character spans, stemmed tokens, one stop-word list.

Ingestion, retrieval (BM25), the composer, enforcement and the evals all read text through
these functions, so a quote, a BM25 term and an overlap score mean the same thing everywhere.
Sentence boundaries come from pysbd (rule-based, handles "Dr.", "U.S. Army", "Fig. 2", "et al.");
stems from the Snowball English stemmer; stop words are NLTK's English list as bm25s ships it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

#: Words too common to say what a text is about (NLTK's English list).
STOP_WORDS: frozenset[str] = frozenset(STOPWORDS_EN_PLUS)

# The same token pattern as bm25s: runs of two or more word characters.
_TOKEN = re.compile(r"\b\w\w+\b")
_LINE = re.compile(r"[^\n]+")
# Most lines (headings, bullets, short sentences) hold no inner boundary: skip the segmenter.
_INNER_END = re.compile(r"[.!?][\"')\]]*\s+\S")
# pysbd ends a sentence after abbreviations it does not list ("approx. 20%", "2 hrs. per week")
# and sometimes before a number ("number | 10. Then"). A piece continues the sentence before it
# when it starts in lower case, or with a digit after one of these abbreviations, or when the
# piece before it has no closing punctuation.
_CLOSED = re.compile(r"[.!?:;\"')\]\u2019\u201d\u2026]$")
_ABBREVIATION_END = re.compile(
    r"\b(?:approx|appr|est|hrs?|mins?|wks?|mos?|yrs?|nos?|vol|pp?|ca|cf|ref|refs|figs?|eqs?|"
    r"dept|univ|incl|resp|e\.g|i\.e|etc|vs|al)\.$",
    re.IGNORECASE,
)
_SEGMENTER = pysbd.Segmenter(language="en", clean=False, char_span=True)
_STEMMER = Stemmer.Stemmer("english")


@dataclass(frozen=True)
class Sentence:
    """A sentence and where it starts in the text it came from (an exact substring)."""

    text: str
    start: int

    @property
    def end(self) -> int:
        """Offset just past the sentence's last character."""
        return self.start + len(self.text)


@lru_cache(maxsize=8192)
def sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of ``text``, stripped, with their offsets; every line break ends one too."""
    found: list[Sentence] = []
    for match in _LINE.finditer(text):
        line = match.group(0)
        spans = _SEGMENTER.segment(line) if _INNER_END.search(line) else []
        pieces = [(s.start, s.end) for s in spans] or [(0, len(line))]
        for start, end in _merged(line, pieces):
            piece = line[start:end]
            stripped = piece.strip()
            if stripped:
                offset = match.start() + start + len(piece) - len(piece.lstrip())
                found.append(Sentence(stripped, offset))
    return tuple(found)


def _merged(line: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        following = line[start:end].lstrip()[:1]
        before = line[: merged[-1][1]].rstrip() if merged else ""
        if merged and following and (
            following.islower()
            or not _CLOSED.search(before)
            or (following.isdigit() and _ABBREVIATION_END.search(before))
        ):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


#: Where one clause of a statement ends and the next begins ("I've asked her twice | but she
#: keeps cancelling", "we meet monthly | now people are busy").
_CLAUSE_BREAK = re.compile(
    # "so" joins clauses when a subject follows ("so I asked"), not in "so reliable".
    r",?\s+(?P<joint>but|because|although|though|"
    r"so(?=\s+(?:i|we|she|he|they|it|my|our|the|this|there|you)\b)|and then|whereas)\s+|"
    r"\s*;\s*|"
    r",\s+and\s+(?=(?:i|we|she|he|they|it|my|our)\b)|\s+and\s+(?=(?:i|we)\b)|,\s+(?=now\b)",
    re.IGNORECASE)
#: Joining words with which a clause turns against the one before it.
_CONTRASTS = frozenset({"but", "although", "though", "whereas"})
#: A statement that opens with its joining word ("And I'm not sure", "But I'm answering").
_OPENING_JOINT = re.compile(r"(?P<joint>and|but|also|plus|which)\s+", re.IGNORECASE)
# Chat is typed fast: "stalled. we used to meet" is two sentences, whatever the case.
_RUN_ON = re.compile(r"(?<=[.!;])\s+(?=[a-z])")


@dataclass(frozen=True)
class Clause:
    """One clause of a statement, and whether it turns against the one before it ("but")."""

    text: str
    contrast: bool = False


def clauses(statement: str) -> tuple[Clause, ...]:
    """The clauses of ``statement``, in order, each stripped of its joining word."""
    found: list[Clause] = []
    for piece in _RUN_ON.split(statement):
        piece = piece.strip().rstrip(".!;")
        opening = _OPENING_JOINT.match(piece)
        start = opening.end() if opening else 0
        contrast = bool(opening) and opening["joint"].lower() in _CONTRASTS
        for joint in [*_CLAUSE_BREAK.finditer(piece), None]:
            text = piece[start:joint.start() if joint else len(piece)].strip(" ,")
            if text:
                found.append(Clause(text, contrast))
            if joint:
                start, contrast = joint.end(), (joint["joint"] or "").lower() in _CONTRASTS
    return tuple(found)


#: Where a short phrase ends: a mark, or a word that starts a reason or a condition.
_PHRASE_END = re.compile(r"[,;:.!?\u2013\u2014]|\s-\s|\b(?:because|but|since|as|depends|"
                         r"depending)\b", re.IGNORECASE)


def first_phrase(text: str) -> str:
    """``text`` up to its first mark or joining word ("confidence 6, depends how fast he
    replies" -> "confidence 6")."""
    return _PHRASE_END.split(text, maxsplit=1)[0]


#: Words that negate what follows them: "not", "never", "nobody", "don't", "wasnt", ...
NEGATION = (r"\b(?:not|no|never|nobody|no-one|none|nothing|neither|nor|cannot|"
            r"(?:do|does|did|is|are|was|were|have|has|had|would|could|should|wo|ca|ai)n'?t)\b")
_NEGATION = re.compile(NEGATION, re.IGNORECASE)


def negated(text: str) -> bool:
    """``text`` has a word of negation."""
    return bool(_NEGATION.search(text))


def stems(text: str) -> list[str]:
    """Every lower-cased, stemmed word token, stop words included ("kill myself" keeps both)."""
    return _STEMMER.stemWords(_TOKEN.findall(text.lower()))


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens without stop words ("Meetings" -> "meet")."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOP_WORDS]
    return _STEMMER.stemWords(words)


def content_words(text: str) -> set[str]:
    """The distinct stemmed content words of ``text``."""
    return set(tokens(text))


def overlap(words: set[str], text: str) -> float:
    """Share of ``words`` that also occur in ``text`` (0 when ``words`` is empty)."""
    return len(words & content_words(text)) / len(words) if words else 0.0


def best_sentence(text: str, words: set[str]) -> Sentence | None:
    """The sentence of ``text`` sharing the most of ``words`` (the first on a tie)."""
    found = sentences(text)
    return max(found, key=lambda s: overlap(words, s.text)) if found else None


def shorten(text: str, words: int = 30) -> str:
    """``text`` on one line, cut after ``words`` words with an ellipsis."""
    split = text.split()
    return " ".join(split) if len(split) <= words else " ".join(split[:words]) + "..."


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth")
_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
#: A position in a list as a person names it: "2", "two", "second", "last".
POSITION = rf"\d{{1,2}}|{'|'.join(_NUMBERS)}|{'|'.join(_ORDINALS)}|last"


def position(said: str, count: int) -> int | None:
    """The index in a list of ``count`` items that ``said`` (a :data:`POSITION` word) names;
    None when the list has no such place."""
    said = said.lower()
    index = (count - 1 if said == "last" else int(said) - 1 if said.isdigit()
             else _NUMBERS.index(said) if said in _NUMBERS else _ORDINALS.index(said))
    return index if 0 <= index < count else None


#: Words that open a message without adding to it ("ok, so", "yes, well", "honestly,").
_FILLER = re.compile(
    r"^(?:(?:hi|hello|hey|ok|okay|thanks|thank you|yes|yeah|yep|sure|right(?! now)|well|"
    r"so(?! far)|honestly|um|hmm)[,!.\s]+)+", re.IGNORECASE)


def without_filler(text: str) -> str:
    """``text`` without the words of assent or filler that open it ("Yes, I'll ask her" ->
    "I'll ask her")."""
    return _FILLER.sub("", text).strip()


_ASIDES = re.compile(r"\s*\b(?:lol|lmao|haha|tbh|i guess|i suppose)\b,?", re.IGNORECASE)


def without_asides(text: str) -> str:
    """``text`` without chat asides and hedges anywhere in it ("it's submitted lol" -> "it's
    submitted")."""
    return " ".join(_ASIDES.sub("", text).split())


#: A reply that says nothing else: the words of agreeing ("yes, looks good", "ok, save it"),
#: and of passing ("not sure", "no idea", "skip"), which a word of declining marks.
_AGREEING = frozenset(content_words(
    "yes yeah yep ok okay sure fine good great perfect right correct agreed confirm confirmed "
    "looks sounds works thanks thank please save keep go ahead love accept exactly let lets "
    "statement goal wording use"))
_PASSING = frozenset(content_words(
    "sure know idea really nope none nothing unsure idk dunno skip pass maybe"))
_DECLINING = re.compile(r"\b(?:no|nope|not|none|nothing|unsure|don'?t|do not|idk|dunno|skip|"
                        r"pass|maybe|n/a)\b", re.IGNORECASE)


def bare_reply(text: str) -> str | None:
    """What a reply that says nothing else does: "agrees" ("yes, looks good", "ok thanks")
    or "passes" ("no", "not sure", "I don't know", "skip"); None for a reply that says
    something of its own."""
    if not re.search(r"[a-z]", text, re.IGNORECASE):
        return None
    words = content_words(text)
    if _DECLINING.search(text):
        return "passes" if words <= _PASSING else None
    return "agrees" if words <= _AGREEING else None
