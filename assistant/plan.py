"""The vocabulary of a turn: modes, the plan the policy makes, and the reply users get.

The policy (``assistant.guidance``) writes a :class:`Plan`; the engines (``assistant.engines``)
read only this module, never the policy; the turn chain (``assistant.chain``) sits above both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from assistant.index.store import SentenceHit, StoredChunk

Mode = Literal["advising", "coaching", "mentoring", "safety", "rehearsal"]
#: The guidance modes a person can ask for; ``safety`` is reserved for the safety reply and
#: ``rehearsal`` for the counterpart's turns while the learner rehearses a conversation.
MODES: tuple[Mode, ...] = ("advising", "coaching", "mentoring")
LABELS: tuple[Mode, ...] = (*MODES, "safety")
GrowStage = Literal["goal", "reality", "options", "will"]
GROW_STAGES: tuple[GrowStage, ...] = ("goal", "reality", "options", "will")
TurnKind = Literal["answer", "opening", "closing", "out_of_scope", "not_covered", "safety",
                   "resume", "clarify", "chosen", "rehearsal"]
#: Whom an answer is for, when the person shows it (a mentor asking about a mentee).
Audience = Literal["mentee", "mentor", "staff"]

#: What a reply says when the corpus does not answer: the policy's plan or the composer's fallback.
NOT_COVERED = (
    "I looked through the program's documents and they don't cover this, so I won't guess or "
    "cite anything. Your program coordinator or a mentor may know; or tell me more about the "
    "mentoring situation behind the question."
)


def label_for(mode: Mode, persona: str | None = None) -> str:
    """The first line of every reply in ``mode``: ``[Advising]``, ``[Coaching]``..., and
    ``[Rehearsal: Dr. Patel]`` for the counterpart ``persona`` of a rehearsal."""
    if mode == "rehearsal":
        return f"[Rehearsal: {persona or 'counterpart'}]"
    return f"[{mode.capitalize()}]"


#: What the counterpart's turn is: the scene opening, a reply to the learner, picking up
#: after a coaching aside, or the end of the conversation.
Moment = Literal["opening", "reply", "resume", "closing"]


@dataclass(frozen=True)
class Counterpart:
    """The person the learner rehearses with, and what this turn's reply should react to:
    which rubric behaviours the learner's line showed, which are still missing, and the
    in-character lines the scenario gives for each."""

    name: str
    role: str
    temperament: str
    constraints: tuple[str, ...]
    scene: str
    moment: Moment
    opening: str
    #: Behaviours this line shows for the first time (item ids, strongest first).
    shown: tuple[str, ...] = ()
    #: Behaviours not shown yet, in rubric order.
    missing: tuple[str, ...] = ()
    #: Behaviours the line came near without showing them: not asked for again this turn
    #: (asking "who are you?" of someone who just said would be a misreading).
    attempted: tuple[str, ...] = ()
    #: False when the line has nothing to do with the conversation.
    on_script: bool = True
    #: Item id to what each behaviour is (for a language model's persona prompt).
    behaviours: Mapping[str, str] = field(default_factory=dict)
    reactions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prompts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    pushback: tuple[str, ...] = ()
    off_script: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()
    #: What the counterpart has already said in this rehearsal (never said twice).
    said: tuple[str, ...] = ()
    #: A stage direction after the counterpart's words, in brackets (how to end).
    stage: str | None = None


@dataclass(frozen=True)
class Wisdom:
    """Coaching with wisdom: how options from the literature are introduced, and the question
    that hands the choice back."""

    intro: str
    question: str


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk as offered to the engine, numbered for citation markers."""

    marker: int
    chunk: StoredChunk
    score: float
    #: The chunk's sentences scored against the question, from the sentence index.
    sentences: tuple[SentenceHit, ...] = ()


@dataclass(frozen=True)
class Turn:
    """One message of the conversation history."""

    role: Literal["user", "assistant"]
    text: str
    mode: Mode | None = None


@dataclass
class Plan:
    """What the reply must do, decided by the policy before any text is generated."""

    message: str
    mode: Mode
    kind: TurnKind = "answer"
    switched_from: Mode | None = None
    notices: list[str] = field(default_factory=list)
    reflection: str | None = None
    questions: list[str] = field(default_factory=list)
    grow_stage: GrowStage | None = None
    passages: list[Passage] = field(default_factory=list)
    history: list[Turn] = field(default_factory=list)
    closing: str | None = None
    #: The lines of a turn that is not answered from the corpus (an opening, a decline, a
    #: closing), written by the policy; engines say them as they are.
    script: list[str] = field(default_factory=list)
    #: Coaching lines decided by a flow (goal drafting) in place of the GROW question.
    flow_lines: list[str] = field(default_factory=list)
    #: Coaching with wisdom: offer options from the passages, introduced and handed back as
    #: this says (None: no options are offered this turn).
    wisdom: Wisdom | None = None
    #: Session extras to keep once the reply is final (None removes one).
    session_updates: dict[str, Any] = field(default_factory=dict)
    #: What the safety check found, for ``ask --json`` and the web app's contacts panel.
    safety: dict[str, Any] | None = None
    #: Kinds of patient identifier removed from the message before anything used it.
    redacted: list[str] = field(default_factory=list)
    #: Whom the answer is for: advice and experience addressed to the other party are left out.
    audience: Audience | None = None
    #: The conversation's topic words (stems) for this turn, which cited sentences should share.
    topic: frozenset[str] = frozenset()
    #: The counterpart speaking in a rehearsal turn (mode ``rehearsal``).
    counterpart: Counterpart | None = None

    @property
    def label(self) -> str:
        """The reply's label line."""
        return label_for(self.mode, self.counterpart.name if self.counterpart else None)

    @property
    def cites(self) -> bool:
        """Whether this turn may cite the corpus at all."""
        return self.kind in ("answer", "safety") and bool(self.passages)


@dataclass(frozen=True)
class Citation:
    """A resolved citation marker: which passage of which document."""

    marker: int
    source: str
    title: str
    locator: str
    chunk_id: str
    quote: str


@dataclass
class Reply:
    """A finished, enforced reply: the shape of ``mentorcoach ask --json``."""

    mode: Mode
    text: str
    citations: list[Citation]
    engine: str
    switched_from: Mode | None = None
    out_of_scope: bool = False
    safety: dict[str, Any] | None = None
    redacted: list[str] = field(default_factory=list)
    #: The counterpart's name on a rehearsal turn.
    persona: str | None = None

    @property
    def label(self) -> str:
        """The reply's label line."""
        return label_for(self.mode, self.persona)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with exactly the documented keys."""
        return {
            "mode": self.mode,
            "label": self.label,
            "switched_from": self.switched_from,
            "text": self.text,
            "citations": [asdict(c) for c in self.citations],
            "engine": self.engine,
            "out_of_scope": self.out_of_scope,
            "safety": self.safety,
            "redacted": self.redacted,
        }
