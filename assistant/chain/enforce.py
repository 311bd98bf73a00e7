"""Enforcement after generation, whatever the engine: label, citations, coaching stance."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.plan import LABELS, Citation, Passage, Plan, Reply
from assistant.stance import coaching_violation
from assistant.text import best_sentence, content_words

#: Any label line an engine may write, a rehearsal persona's (``[Rehearsal: Dr. Patel]``) too.
_LABEL_LINE = re.compile(
    r"^\s*(?:\*\*)?\[(?:" + "|".join(LABELS) + r"|rehearsal(?::[^\]\n]*)?)\](?:\*\*)?[:\s]*",
    re.IGNORECASE,
)
_MARKER = re.compile(r"[ \t]*\[(\d{1,3})\]")
_SOURCES_BLOCK = re.compile(r"\n\s*(?:\*\*)?(?:sources|references)(?:\*\*)?:.*\Z",
                            re.IGNORECASE | re.DOTALL)


def strip_labels(text: str) -> str:
    """Remove any label lines the engine wrote itself (code sets the label)."""
    text = text.strip()
    while True:
        stripped = _LABEL_LINE.sub("", text, count=1)
        if stripped == text:
            return text
        text = stripped.strip()


def resolve_citations(body: str, passages: list[Passage]) -> tuple[str, list[Citation]]:
    """Drop markers that match no passage, renumber the rest in order of first use."""
    by_marker = {p.marker: p for p in passages}
    renumbered: dict[int, int] = {}

    def replace(match: re.Match[str]) -> str:
        original = int(match.group(1))
        if original not in by_marker:
            return ""
        renumbered.setdefault(original, len(renumbered) + 1)
        return f" [{renumbered[original]}]"

    body = _MARKER.sub(replace, body)
    body = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", body)  # "[1] [1]" -> "[1]"
    citations = []
    for original, new in renumbered.items():
        chunk = by_marker[original].chunk
        claim = _claim_for(body, new)
        citations.append(Citation(new, chunk.source, chunk.title, chunk.locator, chunk.id,
                                  best_quote(chunk.text, claim)))
    return body, citations


def _claim_for(body: str, marker: int) -> str:
    """The reply sentence (or line) that carries ``[marker]``."""
    for line in body.splitlines():
        if f"[{marker}]" in line:
            return line
    return ""


def best_quote(passage: str, claim: str) -> str:
    """The sentence of ``passage`` that best supports ``claim``: an exact substring of it."""
    best = best_sentence(passage, content_words(claim))
    return best.text if best else passage.strip()


def sources_block(citations: list[Citation]) -> str:
    """The ``Sources:`` lines under a reply."""
    lines = [f"[{c.marker}] {c.title}, {c.locator} ({c.source})" for c in citations]
    return "Sources:\n" + "\n".join(lines)


def enforce(
    plan: Plan,
    text: str,
    *,
    engine: str,
    regenerate: Callable[[], str] | None = None,
    fallback: Callable[[Plan], str] | None = None,
) -> Reply:
    """Make ``text`` a reply that keeps every structural guarantee for ``plan``.

    The label is set from the plan (a rehearsal turn's is its persona's, whatever the engine
    wrote); the switch notice is added when the engine left it out;
    citation markers are checked against the plan's passages and renumbered; a coaching
    reply with directives or without an open question is regenerated once, then replaced by
    the composer's coaching lines (``fallback``).
    """
    body = _SOURCES_BLOCK.sub("", strip_labels(text)).strip()
    if plan.mode == "coaching" and plan.kind == "answer" and coaching_violation(body):
        retry = _SOURCES_BLOCK.sub("", strip_labels(regenerate())).strip() if regenerate else ""
        if retry and not coaching_violation(retry):
            body = retry
        elif fallback is not None:
            body = strip_labels(fallback(plan))
    for notice in reversed(plan.notices):
        switch_said = notice.startswith("I'm switching") and "switch" in body.lower()[:200]
        if notice not in body and not switch_said:
            body = f"{notice}\n{body}"
    cue = plan.counterpart
    if cue is not None:
        # A model speaking as the persona may name itself first ("Dr. Patel: ..."); the label
        # already says who speaks. The stage direction (how to end) is the policy's own.
        body = re.sub(rf"^\W*{re.escape(cue.name)}\W*:\s*", "", body)
        if cue.stage and cue.stage not in body:
            body = f"{body}\n{cue.stage}"
    passages = plan.passages if plan.cites else []
    body, citations = resolve_citations(body, passages)
    parts = [plan.label, body.strip()]
    if citations:
        parts.append(sources_block(citations))
    return Reply(
        mode=plan.mode,
        text="\n".join(p for p in parts if p),
        citations=citations,
        engine=engine,
        switched_from=plan.switched_from,
        out_of_scope=plan.kind == "out_of_scope",
        safety=plan.safety,
        redacted=plan.redacted,
        persona=plan.counterpart.name if plan.counterpart else None,
    )
