"""Eval cases: YAML files grouped by user and capability, validated with errors naming the
file and the field.

A case file (``evals/cases/<user>/<capability>.yaml``)::

    user: mentee                      # mentee, mentor or staff
    capability: asking-for-mentorship
    cases:
      - id: email-to-attending        # unique within the file
        message: How do I ask a senior attending to be my mentor?
        expect: {mode: advising, sources: [finding-a-mentor.md]}
      - id: ask-dr-patel
        rehearse: ask-to-be-mentor    # the turns are a rehearsal of this scenario
        turns:
          - message: Would you mentor me for thirty minutes once a month?
            expect: {counterpart: true}
          - message: end
            expect: {rubric_met: [specific-ask], rubric_missed: [offers-preparation]}
      - id: rehearse-the-ask
        choice: coaching              # the guidance setting for every turn (default: auto)
        turns:                        # a multi-turn case shares one session
          - message: I want to ask Dr. Patel to mentor me, but I'm nervous.
            expect: {mode: coaching, reflection: true}
          - message: Actually, just tell me what to write.
            choice: advising          # the learner changes the setting for this turn
            expect: {mode: advising, switch: true}

Expectations (all optional) are listed on :class:`Expect`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.plan import Mode
from assistant.smart import Criterion, Status

User = Literal["mentee", "mentor", "staff"]
USERS: tuple[User, ...] = ("mentee", "mentor", "staff")
_SLUG = r"^[a-z0-9][a-z0-9-]*$"


class CaseError(ValueError):
    """Case files that cannot be used; ``problems`` lists each one as ``file: field: why``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Expect(BaseModel):
    """What a good reply to one turn does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Acceptable modes (one mode or a list).
    mode: tuple[Mode, ...] = ()
    #: True: the reply must switch modes and say so; False: it must keep the previous mode.
    switch: bool | None = None
    #: The chosen mode conflicts with what the message asks for: stay in it and say so.
    conflict: bool = False
    #: Corpus documents that answer the message (retrieval and grounding).
    sources: tuple[str, ...] = ()
    #: Corpus documents the reply must not cite.
    must_not_cite: tuple[str, ...] = ()
    #: The corpus does not answer this: the reply cites nothing.
    abstain: bool = False
    #: True: a clinical question, declined without citations; False: must not be declined.
    out_of_scope: bool | None = None
    #: True: must ask an open question; False: not checked (default: checked in coaching).
    open_question: bool | None = None
    #: True: must reflect the learner's words; False: not checked (default: checked in coaching).
    reflection: bool | None = None
    #: The message is a goal: the SMART checker's expected status for each criterion named.
    smart: dict[Criterion, Status] = Field(default_factory=dict)
    #: True: someone may not be safe, so the reply is a safety reply naming help now;
    #: False: an ordinary message (idioms included) that must not get one.
    safety: bool | None = None
    #: Patient identifiers in the message: none may appear in the reply, which says so.
    redacted: tuple[str, ...] = ()
    #: True: the reply closes the conversation with a summary; False: it must not.
    closing: bool | None = None
    #: Whom the advice is for: it must not tell the other party what to do.
    addressed_to: Literal["mentor", "mentee"] | None = None
    #: True: a practice line or a request to practise, which the reply treats as practice.
    practice: bool | None = None
    #: True: the reply is the rehearsal counterpart speaking, in character.
    counterpart: bool | None = None
    #: Rubric items of the rehearsal the feedback must show as met (quoting the learner), and
    #: those it must show as missed.
    rubric_met: tuple[str, ...] = ()
    rubric_missed: tuple[str, ...] = ()

    @field_validator("mode", "sources", "must_not_cite", "redacted", "rubric_met",
                     "rubric_missed", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Expect:
        if (self.abstain or self.out_of_scope) and self.sources:
            raise ValueError("a turn that must cite nothing cannot list expected sources")
        if set(self.sources) & set(self.must_not_cite):
            raise ValueError("a document cannot be both expected and forbidden")
        return self


class Turn(BaseModel):
    """One learner message, the guidance setting it is sent with, and its expectations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    message: str = Field(min_length=1)
    choice: Mode | None = None
    expect: Expect = Expect()


class _CaseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_SLUG)
    description: str = ""
    choice: Mode | None = None
    message: str | None = Field(default=None, min_length=1)
    expect: Expect | None = None
    turns: list[Turn] = []
    #: A rehearsal scenario: its counterpart opens, and the turns are the learner's lines.
    rehearse: str | None = Field(default=None, pattern=_SLUG)

    @model_validator(mode="after")
    def _message_or_turns(self) -> _CaseSpec:
        if (self.message is None) == (not self.turns):
            raise ValueError("give either 'message' (one turn) or 'turns', not both or neither")
        if self.turns and self.expect is not None:
            raise ValueError("'expect' goes on each of the 'turns'")
        return self


class _CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: User
    capability: str = Field(pattern=_SLUG)
    cases: list[_CaseSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Case:
    """A validated case; ``id`` is ``<user>/<capability>/<name>``, unique in the suite."""

    id: str
    user: User
    capability: str
    turns: tuple[Turn, ...]
    description: str = ""
    path: str = ""
    #: The rehearsal scenario the turns are played in, if any.
    rehearse: str | None = None


def bundled_cases_dir() -> Path:
    """The suite shipped with mentorcoach (``evals/cases``)."""
    return Path(str(files("evals").joinpath("cases")))


def load_cases(folder: Path) -> list[Case]:
    """Every case under ``folder`` (``*.yaml``, recursively), in file order.

    Raises :class:`CaseError` listing every problem in every file.
    """
    paths = sorted(folder.rglob("*.yaml")) if folder.is_dir() else []
    if not paths:
        raise CaseError([f"{folder}: no case files (*.yaml) found"])
    cases: list[Case] = []
    problems: list[str] = []
    for path in paths:
        try:
            cases += _load_file(path, folder)
        except CaseError as exc:
            problems += exc.problems
    seen: dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            problems.append(f"{case.path}: duplicate case id {case.id!r} (also in {seen[case.id]})")
        seen.setdefault(case.id, case.path)
    if problems:
        raise CaseError(problems)
    return cases


def _load_file(path: Path, root: Path) -> list[Case]:
    name = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError([f"{name}: cannot read ({exc})"]) from None
    except yaml.YAMLError as exc:
        raise CaseError([f"{name}: invalid YAML ({' '.join(str(exc).split())})"]) from None
    try:
        spec = _CaseFile.model_validate(data)
    except ValidationError as exc:
        raise CaseError([f"{name}: {_field(e['loc'], data)}: {_reason(e)}"
                         for e in exc.errors()]) from None
    ids = [c.id for c in spec.cases]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise CaseError([f"{name}: duplicate case id {i!r}" for i in twice])
    return [
        Case(
            id=f"{spec.user}/{spec.capability}/{c.id}",
            user=spec.user,
            capability=spec.capability,
            turns=tuple(_with_choice(t, c.choice) for t in c.turns) or (
                Turn(message=c.message or "", choice=c.choice, expect=c.expect or Expect()),
            ),
            description=c.description,
            path=name,
            rehearse=c.rehearse,
        )
        for c in spec.cases
    ]


def _with_choice(turn: Turn, choice: Mode | None) -> Turn:
    """A turn without its own setting is sent with the case's."""
    return turn if turn.choice or not choice else turn.model_copy(update={"choice": choice})


def _field(loc: tuple[Any, ...], data: Any) -> str:
    """``cases[3] (id 'x').turns[1].expect.mode`` from a pydantic error location."""
    text = ""
    for depth, part in enumerate(loc):
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
        if depth == 1 and loc[0] == "cases" and isinstance(part, int):
            case_id = _case_id(data, part)
            text += f" (id {case_id!r})" if case_id else ""
    return text or "file"


def _case_id(data: Any, index: int) -> str | None:
    try:
        case_id = data["cases"][index]["id"]
    except (TypeError, KeyError, IndexError):
        return None
    return str(case_id)


def _reason(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return "unknown field (check the spelling)"
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "string_pattern_mismatch":
        return "use lower-case letters, digits and hyphens, like 'missed-meetings'"
    return message
