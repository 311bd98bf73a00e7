"""The offline engine: composes replies from the plan and cited corpus sentences. No LLM."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.guidance import scope
from assistant.guidance.enforce import has_directive
from assistant.guidance.policy import OPENING
from assistant.guidance.sentences import clean_bullet, quotable, split_sentences
from assistant.guidance.types import Mode, Passage, Plan
from assistant.index.retriever import tokenize

_ACTION = re.compile(
    r"\b(?:ask|agree|re-agree|schedule|book|set|send|write|name|review|prepare|offer|try|use|"
    r"start|keep|share|check|invite|record|plan|talk|contact|raise|revisit|can|could)\b",
    re.IGNORECASE,
)
_EXPERIENCE = re.compile(
    r"\b(?:report\w*|describ\w*|found|recall\w*|said|experience\w*|noted|reflect\w*|valued|"
    r"felt|learned|told)\b",
    re.IGNORECASE,
)
_STYLE_BONUS = {"advising": (_ACTION, 0.05), "mentoring": (_EXPERIENCE, 0.06)}
#: Words every mentoring sentence shares: they say nothing about the question's topic.
_GENERIC = frozenset(
    "mentor mentors mentee mentees mentoring program programs coach coaching guidance "
    "experience others people work".split()
)
#: Weight of the share of the question's topic words that a sentence contains.
_TOPIC_WEIGHT = 0.3
#: A sentence scoring this far below the best one is padding, not an answer.
_MARGIN = 0.2

NOT_COVERED = (
    "I looked through the program's documents and they don't cover this, so I won't guess or "
    "cite anything. Your program coordinator or a mentor may know; or tell me more about the "
    "mentoring situation behind the question."
)
OFFER_COACHING = (
    'If you would rather think it through yourself, say "coach me" and I will switch to coaching.'
)
HUMAN_MENTORS = (
    "I can only relay experience that is written down, not my own. For lived experience, talk "
    "with a mentor in your program; your program coordinator can help you find one."
)
FEEDBACK_QUESTION = (
    "How did this conversation go for you: was the mix of advice, coaching and mentoring what "
    "you needed, and what would make the next one more useful?"
)


class OfflineComposer:
    """:class:`ChatEngine` that writes replies from templates and the best corpus sentences."""

    name = "offline"

    def __init__(self, embedder: Embeddings) -> None:
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}

    def stream(self, plan: Plan) -> Iterator[str]:
        """Yield the composed reply word by word."""
        yield from re.split(r"(?<=\s)", self.compose(plan))

    def compose(self, plan: Plan) -> str:
        """The whole reply for ``plan``."""
        lines = [plan.label, *plan.notices]
        if plan.kind == "opening":
            lines.append(OPENING)
        elif plan.kind == "out_of_scope":
            lines.append(scope.DECLINE)
        elif plan.kind == "closing":
            lines += [f"Before we stop, here is what we covered. {plan.closing}", FEEDBACK_QUESTION]
        elif plan.kind == "not_covered":
            lines.append(NOT_COVERED)
        elif plan.mode == "coaching":
            lines += self.coaching_lines(plan)
        else:
            lines += self._cited_lines(plan, plan.mode)
        return "\n".join(line for line in lines if line)

    def coaching_lines(self, plan: Plan) -> list[str]:
        """Reflection, the GROW question(s), and at most one supporting cited sentence."""
        if plan.flow_lines:
            return list(plan.flow_lines)
        lines = [plan.reflection or "", *plan.questions]
        support = self._best_sentences(plan, "coaching", limit=1, minimum=0.55)
        lines += [f"{text} [{marker}]" for text, marker in support]
        return lines

    def _cited_lines(self, plan: Plan, mode: Mode) -> list[str]:
        picked = self._best_sentences(plan, mode, limit=3, minimum=0.2)
        if not picked:
            return [NOT_COVERED]
        intro = (
            "Here is what the program literature suggests:"
            if mode == "advising"
            else "Here is what mentors and mentees in our program literature report:"
        )
        bullets = [f"- {text} [{marker}]" for text, marker in picked]
        ending = OFFER_COACHING if mode == "advising" else HUMAN_MENTORS
        return [intro, *bullets, ending]

    def _best_sentences(
        self, plan: Plan, mode: Mode, *, limit: int, minimum: float
    ) -> list[tuple[str, int]]:
        candidates: list[tuple[str, Passage]] = []
        for passage in plan.passages:
            if passage.chunk.locator.endswith("References"):
                continue
            for sentence in split_sentences(passage.chunk.text):
                text = clean_bullet(sentence.text)
                if not quotable(text) or text.endswith("?"):
                    continue
                if mode == "coaching" and has_directive(text):
                    continue
                candidates.append((text, passage))
        if not candidates:
            return []
        query = np.asarray(self.embedder.embed_query(plan.message))
        scores = self._vectors_for([t for t, _ in candidates]) @ query
        pattern, bonus = _STYLE_BONUS.get(mode, (None, 0.0))
        topic = set(tokenize(plan.message)) - _GENERIC

        def score_of(text: str, similarity: float) -> float:
            style = bonus if pattern is not None and pattern.search(text) else 0.0
            shared = len(topic & set(tokenize(text))) / len(topic) if topic else 0.0
            return similarity + style + _TOPIC_WEIGHT * shared

        ranked = sorted(
            (score_of(text, float(score)), order, text, passage.marker)
            for order, ((text, passage), score) in enumerate(zip(candidates, scores, strict=True))
        )
        picked: list[tuple[str, int]] = []
        per_passage: dict[int, int] = {}
        floor = max(minimum, ranked[-1][0] - _MARGIN)
        for score, _, text, marker in reversed(ranked):
            if score < floor or len(picked) == limit:
                break
            if per_passage.get(marker, 0) >= 2 or any(_similar(text, t) for t, _ in picked):
                continue
            picked.append((text, marker))
            per_passage[marker] = per_passage.get(marker, 0) + 1
        return picked

    def _vectors_for(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self.embedder.embed_documents(missing), strict=True):
                self._vectors[text] = np.asarray(vector)
        return np.stack([self._vectors[t] for t in texts])


def _similar(a: str, b: str) -> bool:
    """Near-duplicate sentences (the same advice twice, from overlapping chunks)."""
    words_a, words_b = set(a.lower().split()), set(b.lower().split())
    return len(words_a & words_b) / max(1, len(words_a | words_b)) > 0.6
