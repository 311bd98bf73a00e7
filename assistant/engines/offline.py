"""The offline engine: composes replies from the plan and cited corpus sentences. No LLM."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.engines.counterpart import counterpart_lines
from assistant.plan import NOT_COVERED, Mode, Passage, Plan
from assistant.stance import has_directive
from assistant.text import content_words, overlap, sentences

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
#: Stems every mentoring sentence shares: they say nothing about the question's topic.
_GENERIC = content_words(
    "mentor mentee mentoring program coach coaching guidance experience others people work"
)
#: Weight of the share of the question's topic words that a sentence contains.
_TOPIC_WEIGHT = 0.3
#: Past the first two points, a sentence scoring this far below the best one is padding.
_MARGIN = 0.25

#: How well an option must fit the learner's situation to be offered.
WISDOM_MINIMUM = 0.5
_COUNTS = {1: "one thing", 2: "two things", 3: "three things"}
#: Whom the advice is for, when the asker's role shows.
_FOR_WHOM = {"mentor": " a mentor can do here", "mentee": " you can do here",
             "staff": " for the program"}
OFFER_COACHING = (
    'If you would rather think it through yourself, say "coach me" and I will switch to coaching.'
)
HUMAN_MENTORS = (
    "I can only relay experience that is written down, not my own. For lived experience, talk "
    "with a mentor in your program; your program coordinator can help you find one."
)
_REFERENCE = re.compile(
    r"\bdoi\b|https?://|www\.|\bet al\b|\b(?:19|20)\d\d;|\bvol\.|\bpp\.|J Grad Med Educ|"
    r"Med Educ|Acad Med|MedEdPORTAL|\bISBN\b",
    re.IGNORECASE,
)
#: A reference entry's author list ("Urban A, Mullins A. The importance of ...").
_AUTHORS = re.compile(r"^[A-Z][\w'-]+ [A-Z]{1,3}(?:, [A-Z][\w'-]+ [A-Z]{1,3})*\. ")
# Sentences that lean on the one before, or speak as "I" (checklist items, quoted voices).
_DANGLING_START = re.compile(
    r"^(?:this|it|these|they|such|that|those|also|and|but|or|so|i|i'm|i've|i'll|my)\b",
    re.IGNORECASE,
)
_POINTS_ELSEWHERE = re.compile(
    r"\b(?:below|above|this section|this document|the following)\b", re.IGNORECASE
)
_BULLET = re.compile(r"^(?:[-*\u2022]|\d+[.)])\s+")


def _addressed_to(role: str) -> re.Pattern[str]:
    """Sentences telling ``role`` what to do ("the mentee should send an agenda")."""
    return re.compile(
        rf"\b{role}s? (?:should|must|needs? to|is expected to|are expected to|sends?|prepares?|"
        r"brings?|sets?|records?|owns?|writes?|takes? (?:the )?(?:initiative|lead))\b",
        re.IGNORECASE)


#: Sentences addressed to the other party of the relationship, by whom the answer is for: a
#: mentor asking about a mentee wants mentor-side actions, not "the mentee should...".
_FOR_THE_OTHER_PARTY = {"mentor": _addressed_to("(?:mentee|learner|trainee)"),
                        "mentee": _addressed_to("(?:mentor|coach|supervisor)")}


def _subject(roles: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:(?:an?|the|every|each|most|many|new)\s+)?{roles}s?\b", re.I)


#: Sentences whose subject is the asker's role rank higher, the other party's lower: a mentor
#: asking about a mentee wants what mentors do.
_ROLE_SUBJECT = {"mentor": (_subject("(?:mentor|coach|supervisor)"),
                            _subject("(?:mentee|learner|trainee|resident)")),
                 "mentee": (_subject("(?:mentee|learner|trainee)"),
                            _subject("(?:mentor|coach|supervisor)"))}
_OWN_ROLE_BONUS, _OTHER_ROLE_COST = 0.08, 0.15


class OfflineComposer:
    """:class:`ChatEngine` that writes replies from templates and the best corpus sentences."""

    name = "offline"

    def stream(self, plan: Plan) -> Iterator[str]:
        """Yield the composed reply word by word."""
        yield from re.split(r"(?<=\s)", self.compose(plan))

    def compose(self, plan: Plan) -> str:
        """The whole reply for ``plan``."""
        lines = [plan.label, *plan.notices]
        if plan.counterpart is not None and plan.kind == "rehearsal":
            lines += counterpart_lines(plan.counterpart, plan.message)
        elif plan.kind != "answer":
            lines += plan.script
        elif plan.mode == "coaching":
            lines += self.coaching_lines(plan)
        else:
            lines += self._cited_lines(plan, plan.mode)
        return "\n".join(line for line in lines if line)

    def coaching_lines(self, plan: Plan) -> list[str]:
        """The reflection and the GROW question; at the Options stage, coaching with wisdom:
        two or three options from the literature, cited, and the choice handed back."""
        if plan.flow_lines:
            return list(plan.flow_lines)
        lines = [plan.reflection or ""]
        offered = self._best_sentences(plan, "coaching", limit=3, minimum=WISDOM_MINIMUM)
        if plan.wisdom and len(offered) >= 2:
            return [*lines, plan.wisdom.intro,
                    *(f'- "{text}" [{marker}]' for text, marker in offered), plan.wisdom.question]
        return [*lines, *plan.questions]

    def _cited_lines(self, plan: Plan, mode: Mode) -> list[str]:
        picked = self._best_sentences(plan, mode, limit=3, minimum=0.2)
        if not picked:
            return [NOT_COVERED]
        count = _COUNTS[len(picked)]
        intro = (
            f"The program literature suggests {count}{_FOR_WHOM.get(plan.audience or '', '')}:"
            if mode == "advising"
            else "Here is what mentors and mentees in our program literature report:"
        )
        bullets = [f"- {text} [{marker}]" for text, marker in picked]
        ending = OFFER_COACHING if mode == "advising" else HUMAN_MENTORS
        return [intro, *bullets, ending]

    def _best_sentences(
        self, plan: Plan, mode: Mode, *, limit: int, minimum: float
    ) -> list[tuple[str, int]]:
        candidates: list[tuple[str, float, Passage]] = []
        other_party = _FOR_THE_OTHER_PARTY.get(plan.audience or "")
        # A point quoted earlier in the conversation is not offered again while others are.
        said = " ".join(t.text for t in plan.history if t.role == "assistant")
        for passage in plan.passages:
            if passage.chunk.locator.endswith("References"):
                continue
            # Similarities come from the sentence index; a passage without them (handed in
            # by hand) is ranked by its topic words alone.
            scored = [(h.text, h.similarity) for h in passage.sentences] or [
                (s.text, 0.0) for s in sentences(passage.chunk.text)]
            for sentence, similarity in scored:
                text = _BULLET.sub("", sentence)
                if not _quotable(text) or text.endswith("?"):
                    continue
                if mode == "coaching" and has_directive(text):
                    continue
                if other_party is not None and other_party.search(text):
                    continue
                candidates.append((text, similarity, passage))
        fresh = [c for c in candidates if c[0] not in said]
        candidates = fresh or candidates  # repeat a point only when there is nothing new
        if not candidates:
            return []
        pattern, bonus = _STYLE_BONUS.get(mode, (None, 0.0))
        topic = (plan.topic or content_words(plan.message)) - _GENERIC

        own, other = _ROLE_SUBJECT.get(plan.audience or "", (None, None))

        def score_of(text: str, similarity: float) -> float:
            style = bonus if pattern is not None and pattern.search(text) else 0.0
            if own is not None and own.match(text):
                style += _OWN_ROLE_BONUS
            elif other is not None and other.match(text):
                style -= _OTHER_ROLE_COST
            return similarity + style + _TOPIC_WEIGHT * overlap(topic, text)

        ranked = sorted(
            (score_of(text, similarity), order, text, passage.marker)
            for order, (text, similarity, passage) in enumerate(candidates)
        )
        picked: list[tuple[str, int]] = []
        per_passage: dict[int, int] = {}
        padding = ranked[-1][0] - _MARGIN
        for score, _, text, marker in reversed(ranked):
            if score < minimum or len(picked) == limit or (score < padding and len(picked) >= 2):
                break
            if per_passage.get(marker, 0) >= 2 or any(_similar(text, t) for t, _ in picked):
                continue
            picked.append((text, marker))
            per_passage[marker] = per_passage.get(marker, 0) + 1
        return picked

def _quotable(text: str) -> bool:
    """A complete, self-contained prose sentence: no fragment, heading or reference entry."""
    if not 40 <= len(text) <= 320 or not text[0].isupper() or text[-1] not in ".!?":
        return False
    if (_REFERENCE.search(text) or _AUTHORS.match(text) or _DANGLING_START.match(text)
            or _POINTS_ELSEWHERE.search(text)):
        return False
    return len(text.split()) >= 7 and text.count('"') % 2 == 0


def _similar(a: str, b: str) -> bool:
    """Sentences that say the same thing: near-duplicates from overlapping chunks, or one
    whose words are mostly inside the other's."""
    words_a, words_b = content_words(a), content_words(b)
    shared = len(words_a & words_b)
    return (shared / max(1, len(words_a | words_b)) > 0.45
            or shared / max(1, min(len(words_a), len(words_b))) > 0.7)
