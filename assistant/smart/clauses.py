"""Split a goal into the part that says what will be done and the part that says why."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.text import sentences

from .lexicon import PURPOSE

Span = tuple[int, int]

_CLAUSE_END = re.compile(r"[;:!?]|[.,](?!\d)|$")


def sentence_end(text: str, start: int) -> int:
    """Index of the closing punctuation of the sentence containing `start` (or of the first
    semicolon after it: a reason ends there too)."""
    sentence = next((s for s in sentences(text) if s.start <= start < s.end), None)
    end = sentence.start + len(sentence.text.rstrip(".!?")) if sentence else len(text)
    semicolon = text.find(";", start, end)
    return semicolon if semicolon >= 0 else end


def clause_end(text: str, start: int, stops: Iterable[int] = ()) -> int:
    """Index where the clause starting at `start` ends: punctuation or the first stop."""
    match = _CLAUSE_END.search(text, start)
    end = match.start() if match else len(text)
    return min([end, *(stop for stop in stops if stop > start)])


def purpose_spans(text: str) -> list[Span]:
    """Spans giving the learner's reason ("so that ...", "because ..."), to sentence end."""
    spans: list[Span] = []
    for match in PURPOSE.finditer(text):
        if spans and match.start() < spans[-1][1]:
            continue
        spans.append((match.start(), sentence_end(text, match.start())))
    return spans


def mask(text: str, spans: Iterable[Span]) -> str:
    """Blank out spans while keeping every other character at its index."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def trim(text: str, start: int, end: int) -> Span:
    """Shrink a span so it neither starts nor ends with spaces or dangling joining words."""
    piece = text[start:end]
    stripped = re.sub(
        r"(?:\s+(?:and|or|to|with|for|then|also|that|which|while|as))+\s*$",
        "",
        piece.rstrip(),
        flags=re.IGNORECASE,
    )
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + len(stripped)


#: What introduces a goal rather than states it: "I'd like to set a goal to", "help me make a
#: SMART goal for". None of it belongs in the goal statement.
_LEAD_IN = re.compile(
    r"^(?:(?:i(?:'d| would) (?:really )?like to|i want to|i wanna|"
    r"i want(?= (?:a|one|my|some) (?:smart |new |clear )?goals?\b)|i need to|i hope to|"
    r"i plan to|i'm trying to|i am trying to|my goal (?:is|would be)(?: to)?|"
    r"(?:can|could) you help me(?: to)?|(?:please )?help me(?: to)?|let's|let us)\s+|"
    r"(?:set|make|draft|write|create|shape|have|work on|come up with)\s+(?:a|my|one|some)?\s*"
    r"(?:smart\s+|new\s+|clear\s+)?goals?(?:\s+(?:to|of|for|about|around|on))?:?\s+|"
    r"(?:a|my|one|the)\s+(?:smart\s+|new\s+|clear\s+)?goals?\s+"
    r"(?:to|of|about|around|on|for(?=\s+\w+ing\b))\s+|"
    r"(?:smart\s+)?goals?(?:\s+for\s+[^:\n]{1,30})?:\s+)+",
    re.IGNORECASE,
)
_TRAILING_ASK = re.compile(r"(?<=[.!?])\s+[^.!?]*\bgoals?\b[^.!?]*[.!?]?$|"
                           r"[.,;]?\s+(?:can|could) (?:we|you)\b[^.!?]*\bgoals?\b[^.!?]*[.!?]?$",
                           re.IGNORECASE)


#: Words that play a goal down rather than state it ("literally just 'finish the project'").
_HEDGE = re.compile(r"^(?:(?:literally|just|basically|simply|only|really|merely)\s+)+",
                    re.IGNORECASE)
#: A goal said as a quotation: the words inside the quotes.
_QUOTED = re.compile(r"[\"'\u2018\u201c](?P<goal>.+)[\"'\u2019\u201d]\W*")


def without_lead_in(text: str) -> str:
    """The goal itself, without the words that introduce or play it down, the quotes around
    it, or a request that follows it ("... guided IVs. can we make that a SMART goal")."""
    goal = _HEDGE.sub("", _LEAD_IN.sub("", text.strip()).strip())
    quoted = _QUOTED.fullmatch(goal)
    goal = quoted["goal"].strip() if quoted else goal.strip()
    return _TRAILING_ASK.sub("", goal).strip() or goal
