"""The reader: one reading of each user message, which every policy step consults.

What the message asks for is learned, not listed: classifiers over the sentence embedding the
product already loads (see :mod:`assistant.reader.classifier`), trained on the labelled sets
in ``data/`` (the guidance asked for, the kind of message, clinical scope, who is speaking).
Rules are kept only for unambiguous commands ("coach me", "just tell me"). The message is
embedded once: the classifiers, the safety check and retrieval share its vector through the
embedder's memory of recent texts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from langchain_core.embeddings import Embeddings

from assistant.reader.classifier import EmbeddingClassifier, Prediction
from assistant.reader.labelled import READER_SETS, load_labelled
from assistant.reader.matching import ScenarioMatcher
from assistant.reader.rubric import (
    OFF_SCRIPT_BELOW,
    OFF_SCRIPT_SCOPE,
    OFF_SCRIPT_WORDS,
    RubricReader,
    RubricReading,
)
from assistant.reader.safety import IN_SAFETY, SafetyCheck, SafetyFinding
from assistant.text import NEGATION, clauses, content_words, sentences

Guidance = Literal["advice", "coaching", "mentoring"]
Kind = Literal["question", "situation", "goal_request", "rehearsal_request", "practice_line",
               "closing", "greeting", "thanks_continue", "feedback_on_guide"]
Speaker = Literal["mentee", "mentor", "staff"]
#: What a statement adds to a coaching conversation (the GROW model's parts).
MoveLabel = Literal["goal", "situation", "obstacle", "option", "commitment", "unsure"]

#: A guidance, kind or speaker reading counts from this probability; below it, it is unsure.
CONFIDENT = 0.5
#: Once a conversation is under way, a learned reading must be this clear to change the
#: guidance: an answer to a coaching question ("Make it three case reports") asks for nothing.
CLEAR = 0.75
#: A clinical reading must be clearer than this to decline: declining a mentoring question
#: costs the learner more than answering a borderline one with mentoring guidance.
CLINICAL_FROM = 0.6
#: An unsure safety reading yields to a question this plainly clinical ("Can I prescribe 5 mg
#: of this?", "What do I say when a patient tells me they want to die?"): clinicians talk about
#: patients' risk all day. A sure reading, or an explicit phrasing, always stands.
PLAINLY_CLINICAL = 0.9
#: Kinds of message that ask nothing clinical, so have no clinical scope: a goal being shaped
#: ("I'd measure it by getting it submitted to a journal") asks for help with the goal.
_NO_SCOPE = ("greeting", "closing", "thanks_continue", "feedback_on_guide", "goal_request")
#: Two guidance readings this close together, each at least :data:`CONTENDER`, are a tie: the
#: guide asks rather than guesses.
TIE = 0.1
CONTENDER = 0.3
#: A follow-up this short is read together with the conversation's earlier messages.
SHORT_FOLLOW_UP = 8
#: A message with fewer topic words than this ("What has worked for other mentors?", "And if
#: that fails?") is searched together with the conversation's topic.
FEW_TOPIC_WORDS = 6
#: An earlier message with at least this many topic words states the conversation's topic.
_STATES_TOPIC = 5
#: Session extras key of the speaker shown earlier in the conversation.
SPEAKER = "speaker"

#: A command is negated by one of these words shortly before it in its clause ("I don't
#: want you to just tell me" does not ask for advice).
_NEGATED = re.compile(rf"(?:{NEGATION}|\b(?:rather than|instead of|without))"
                      r"\W+(?:\w+\W+){0,4}$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;:.!?]")
#: A sentence holding a command and this few words is the command alone.
_COMMAND_WORDS = 6
#: Unambiguous commands: the person names the guidance they want in so many words.
COMMANDS: list[tuple[Guidance, re.Pattern[str]]] = [
    ("coaching", re.compile(
        r"\b(?:coach me|coaching,? please|(?:switch|go) (?:back )?to coaching|"
        r"in coaching mode|ask me questions|help me think (?:it|this|that) (?:through|over))\b|"
        r"\b(?:don'?t|do not) (?:just )?(?:tell me what to do|give me (?:the )?answers?)\b",
        re.IGNORECASE)),
    ("mentoring", re.compile(
        r"\b(?:mentor me (?:on|about|through)|mentoring,? please|"
        r"(?:switch|go) (?:back )?to mentoring|in your experience|share (?:some )?experience)\b",
        re.IGNORECASE)),
    ("advice", re.compile(
        r"\b(?:just tell me|advise me|advice,? please|(?:switch|go) (?:back )?to "
        r"advising|(?:i need|give me) (?:a )?(?:direct answer|straight answer))\b|"
        r"\b(?:stop|no more|don'?t) ask(?:ing)? me (?:more |any more )?questions\b",
        re.IGNORECASE)),
]


class _Said(Protocol):
    role: str
    text: str


class Conversation(Protocol):
    """What the reader needs of a session: what was said, and what earlier turns kept."""

    @property
    def history(self) -> Sequence[_Said]: ...

    @property
    def extras(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Judged:
    """One classifier's reading: the most likely label, its probability, and every label's."""

    label: str
    confidence: float
    probabilities: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, prediction: Prediction) -> Judged:
        """The reading of one classifier prediction."""
        return cls(prediction.label, prediction.probability(prediction.label),
                   prediction.probabilities)

    @property
    def sure(self) -> bool:
        """Whether the label clears :data:`CONFIDENT`."""
        return self.confidence >= CONFIDENT


@dataclass(frozen=True)
class Move:
    """One statement of the message and what it adds: a goal, the situation, an obstacle, an
    option, a commitment, or that the person has no idea yet."""

    text: str
    label: MoveLabel
    confidence: float

#: Words of a complaint ("this isn't helping", "too long", "could be shorter").
_COMPLAINT = re.compile(r"\b(?:not|no|isn'?t|wasn'?t|aren'?t|don'?t|doesn'?t|didn'?t|never|too|"
                        r"but|could|should|rather|less|more|instead|stop|annoying|useless|"
                        r"generic|confusing|repetitive|long|vague)\b", re.IGNORECASE)
#: A line said to someone: "you", a greeting or title and name that open it ("Dr. Nguyen,
#: I'd like ..."), or a line quoted as said ("Let me try this one: 'I was hoping ...'").
_SECOND_PERSON = re.compile(
    r"\b(?i:you|your|you'?re|you'?d|you'?ve|you'?ll|yours)\b"
    r"|(?:^|[.!?:;\"'\u2018\u201c]\s*)(?i:hi|hello|hey|dear|dr\.?|prof\.?|professor|mr\.?|mrs\.?|"
    r"ms\.?)\s+[A-Z][\w'-]*\s*,"
    r"|[:]\s*[\"'\u2018\u201c]\s*[A-Z]")


@dataclass(frozen=True)
class Reading:
    """What one user message says, each part with its confidence."""

    message: str
    #: advice, coaching, mentoring or none.
    guidance: Judged
    kind: Judged
    #: clinical, mentoring or other (neither: the weather, a recipe).
    scope: Judged
    #: mentee, mentor, staff or unknown.
    speaker: Judged
    #: The guidance named in an unambiguous command ("coach me"), if any.
    command: Guidance | None
    #: The text retrieval searches with (a short follow-up joined to the message before it),
    #: and its topic words (stems).
    topic: frozenset[str]
    query: str
    safety: SafetyFinding | None = None
    #: The speaker shown by an earlier message, when this one does not show it.
    earlier_speaker: Speaker | None = None
    #: Each statement of the message (questions and commands left out) and what it adds.
    moves: tuple[Move, ...] = ()
    #: While rehearsing: the rubric behaviours the line shows.
    rubric: RubricReading | None = None
    #: A request to practise (or a practice line): every scenario, most likely first, each with
    #: the probability it is the conversation asked for (:mod:`assistant.reader.matching`).
    scenarios: tuple[tuple[str, float], ...] = ()
    #: Each clause of the statements, with how likely it says what the learner wants or what
    #: stands in their way rather than the background to it.
    concern: tuple[tuple[str, float], ...] = ()

    @property
    def asked(self) -> Guidance | None:
        """The guidance the person asks for: a command, else a confident learned reading."""
        return self.asks(midway=False)

    def asks(self, *, midway: bool) -> Guidance | None:
        """The guidance asked for; ``midway`` through a conversation the reading must be clear."""
        if self.command:
            return self.command
        needed = CLEAR if midway else CONFIDENT
        if self.guidance.label != "none" and self.guidance.confidence >= needed:
            return self.guidance.label  # type: ignore[return-value]
        return None

    @property
    def undecided(self) -> bool:
        """Two kinds of guidance are about equally likely and neither is asked clearly: the
        guide should ask which one the person wants."""
        if self.command or self.asked:
            return False
        ranked = sorted(self.guidance.probabilities.items(), key=lambda p: p[1], reverse=True)
        if len(ranked) < 2 or ranked[0][0] == "none":
            return False
        (_, first), (second_label, second) = ranked[0], ranked[1]
        return second_label != "none" and second >= CONTENDER and first - second < TIE

    @property
    def complains(self) -> bool:
        """The message finds fault ("this isn't helping", "too long"): feedback on the guide
        that is a complaint, not praise."""
        return _COMPLAINT.search(self.message) is not None

    @property
    def spoken_to_someone(self) -> bool:
        """The message addresses someone: a line said to them, not of them."""
        return _SECOND_PERSON.search(self.message) is not None

    @property
    def is_kind(self) -> Kind | None:
        """The kind of message, when the reading is confident."""
        return self.kind.label if self.kind.sure else None  # type: ignore[return-value]

    @property
    def clinical(self) -> bool:
        """A clinical question to decline (not a mentoring one that mentions clinical words).
        A greeting, a thanks, a goodbye or a goal has no scope to speak of ("Yes." is not
        clinical)."""
        return (self.scope.label == "clinical" and self.scope.confidence >= CLINICAL_FROM
                and not (self.kind.sure and self.kind.label in _NO_SCOPE))

    @property
    def speaking_as(self) -> Speaker | None:
        """Who the person speaks as: this message's likeliest role unless it is unsure and
        an earlier message showed one (the "unknown" class already takes messages that show
        no role, so a first message is read at its likeliest)."""
        shown = self.speaker
        if shown.label != "unknown" and (shown.sure or self.earlier_speaker is None):
            return shown.label  # type: ignore[return-value]
        return self.earlier_speaker


def _topic_of(earlier: list[str], text: str) -> str:
    """The conversation's topic for a follow-up: the latest earlier message that states one,
    else the message just before."""
    return next((said for said in reversed(earlier)
                 if len(content_words(said)) >= _STATES_TOPIC), earlier[-1])


#: A question put to the other person ("Are you safe?"), after any lead-in such as "can I
#: ask you directly:", with no word of the writer's own.
_TO_YOU = re.compile(r"\byou(?:r|rself)?\b", re.IGNORECASE)
_MY_OWN = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|myself)\b", re.IGNORECASE)
_LEAD_IN = re.compile(r"^(?:(?:can|may|could) i ask(?: you)?|i(?:'m going to| want to| need to)"
                      r" ask(?: you)?)(?: (?:something|directly|honestly|straight out))*\W*",
                      re.IGNORECASE)


def _own_words(text: str) -> str:
    """``text`` without the questions it puts to the other person."""
    kept = []
    for sentence in sentences(text):
        asked = _LEAD_IN.sub("", sentence.text)
        if not (asked.endswith("?") and _TO_YOU.search(asked) and not _MY_OWN.search(asked)):
            kept.append(sentence.text)
    return " ".join(kept)


def _off_topic(text: str, scope: Judged, kind: Judged, relevance: float) -> bool:
    """A rehearsal line about something else entirely (not a greeting, not a short nod)."""
    if kind.sure and kind.label in _NO_SCOPE:
        return False
    return (scope.label == "other" and scope.confidence >= OFF_SCRIPT_SCOPE
            and len(text.split()) >= OFF_SCRIPT_WORDS and relevance < OFF_SCRIPT_BELOW)


def command_in(message: str) -> Guidance | None:
    """The guidance an unambiguous command in ``message`` asks for, if any."""
    for guidance, pattern in COMMANDS:
        for match in pattern.finditer(message):
            clause = _CLAUSE_END.split(message[:match.start()])[-1]
            if not _NEGATED.search(clause):
                return guidance
    return None


def is_command(statement: str) -> bool:
    """``statement`` is a command and no more ("Coach me through this."): it says nothing of
    the learner's situation."""
    return command_in(statement) is not None and len(statement.split()) <= _COMMAND_WORDS


class Reader:
    """Reads user messages with the four learned classifiers and the safety check."""

    def __init__(self, embedder: Embeddings, cache_dir: Path) -> None:
        self.classifiers = {name: EmbeddingClassifier(load_labelled(name), embedder, cache_dir)
                            for name in READER_SETS}
        self.moves = EmbeddingClassifier(load_labelled("grow"), embedder, cache_dir)
        self.safety = SafetyCheck(embedder, cache_dir)
        self.rubric = RubricReader(embedder)
        self.matcher = ScenarioMatcher(embedder, cache_dir)

    @property
    def cached(self) -> bool:
        """Whether every classifier is already fitted on disk (loading them is cheap)."""
        return all(c.cached for c in self._all())

    def prepare(self) -> None:
        """Load (or fit, the first time) every classifier, so no turn waits for it."""
        for classifier in self._all():
            classifier.prepare()

    def _all(self) -> list[EmbeddingClassifier]:
        return [*self.classifiers.values(), self.moves, self.safety.classifier,
                self.safety.ownership]

    def read(self, message: str, session: Conversation | None = None, *,
             rubric: Mapping[str, Sequence[str]] | None = None, scene: Sequence[str] = (),
             scenarios: Mapping[str, Sequence[str]] | None = None) -> Reading:
        """The reading of ``message`` in the conversation ``session`` (None: a first message).

        While a rehearsal is under way, ``rubric`` (item id to example phrasings) and ``scene``
        (what the counterpart said) are read too; otherwise a request to practise is matched
        to ``scenarios`` (id to the texts that describe each: title, objective, requests).
        """
        text = " ".join(message.split())
        earlier = [t.text for t in session.history if t.role == "user"] if session else []
        shown = session.extras.get(SPEAKER) if session else None
        query = text
        if text and earlier and len(content_words(text)) < FEW_TOPIC_WORDS:
            query = " ".join([_topic_of(earlier, text), text])
        if not text:
            blank = Judged("none", 1.0, {"none": 1.0})
            return Reading(message, blank, Judged("greeting", 1.0), Judged("mentoring", 1.0),
                           Judged("unknown", 1.0), None, frozenset(), "", None, shown)
        # A short follow-up ("What if it happens again?") has no scope of its own: it is read
        # with the message before it, like its retrieval query.
        judged = {name: Judged.of(classifier.predict(query if name == "scope" else text))
                  for name, classifier in self.classifiers.items()}
        # A rehearsing mentor asking the counterpart "are you having thoughts of harming
        # yourself?" is practising the right question, not telling of distress: questions put
        # to the counterpart are left out of the safety check; the learner's own words never.
        finding = self.safety.check(_own_words(text) if rubric else text,
                                    in_safety=bool(session and session.extras.get(IN_SAFETY)))
        scope, kind = judged["scope"], judged["kind"]
        if (finding is not None and finding.unsure and kind.label == "question"
                and scope.label == "clinical" and scope.confidence >= PLAINLY_CLINICAL):
            finding = None
        behaviours = self.rubric.read(text, rubric, scene) if rubric else None
        if behaviours is not None:
            behaviours = replace(behaviours, off_topic=_off_topic(text, scope, kind,
                                                                  behaviours.relevance))
        matches: tuple[tuple[str, float], ...] = ()
        if scenarios and not rubric and kind.label in ("rehearsal_request", "practice_line"):
            matches = self.matcher.ranked(text, scenarios)
        moves, concern = self._moves(text)
        return Reading(message, judged["guidance"], kind, scope, judged["speaker"],
                       command_in(text), frozenset(content_words(query)), query, finding, shown,
                       moves, behaviours, matches, concern)

    def _moves(self, text: str) -> tuple[tuple[Move, ...], tuple[tuple[str, float], ...]]:
        """What each statement adds, and how much each of its clauses carries the learner's
        concern; a question, a command ("Coach me through it.") or a bare number (a score
        given with the step: "... tomorrow. 8") adds nothing to the plan."""
        said = [s.text for s in sentences(text)
                if not s.text.endswith("?") and not is_command(s.text)
                and any(c.isalpha() for c in s.text)]
        parts = [c.text for statement in said for c in clauses(statement)]
        read = self.moves.predict_many(said + parts) if said else []
        judged = [Judged.of(p) for p in read[:len(said)]]
        moves = tuple(Move(t, j.label, j.confidence)  # type: ignore[arg-type]
                      for t, j in zip(said, judged, strict=True))
        # What the learner wants, or what stands in their way, is their concern; the
        # situation around it is background.
        concern = tuple((part, p.probability("goal") + p.probability("obstacle"))
                        for part, p in zip(parts, read[len(said):], strict=True))
        return moves, concern
