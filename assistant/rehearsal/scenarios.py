"""The scenario library: YAML files in ``corpus/scenarios/`` (shipped) and in
``MENTORCOACH_SCENARIOS_DIR`` (a program's own), validated with errors naming file and field.

A file that cannot be used is reported and skipped; the others still load. A program's own
scenario with the id of a shipped one replaces it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from assistant.settings import starter_corpus
from assistant.stance import has_directive, has_open_question

Audience = Literal["mentee", "mentor"]
_SLUG = r"^[a-z0-9][a-z0-9-]*$"
_Text = Field(min_length=1)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Source(_Strict):
    """A section of the corpus a rubric item draws on, cited in the feedback."""

    document: str = _Text
    section: str = _Text


class Persona(_Strict):
    """Who the learner talks to."""

    name: str = _Text
    role: str = _Text
    temperament: str = _Text
    constraints: tuple[str, ...] = Field(min_length=1)


class RubricItem(_Strict):
    """A behaviour the learner should show, how it sounds, and how the counterpart responds."""

    id: str = Field(pattern=_SLUG)
    behaviour: str = _Text
    #: Ways a learner might say it: what the reader recognises the behaviour by.
    examples: tuple[str, ...] = Field(min_length=3)
    #: What the counterpart says once the learner shows it (warming up).
    reactions: tuple[str, ...] = Field(min_length=1)
    #: What the counterpart says to draw it out while it is missing.
    prompts: tuple[str, ...] = Field(min_length=1)
    #: A question for reflection when the item was missed.
    question: str = _Text
    sources: tuple[Source, ...] = Field(min_length=1)

    @field_validator("question")
    @classmethod
    def _coaching_question(cls, value: str) -> str:
        # It is asked in a coaching reply: open, and never telling the learner what to do.
        if has_directive(value) or not has_open_question(value):
            raise ValueError("must be an open question (what, how...) with no directive "
                             "phrasing such as 'you need to'")
        return value


class EndCriteria(_Strict):
    """When the rehearsal is over: every required item shown, or the turns run out."""

    requires: tuple[str, ...] = Field(min_length=1)
    max_turns: int = Field(default=8, ge=2, le=30)
    #: What the counterpart says when the criteria are met.
    closing: tuple[str, ...] = Field(min_length=1)
    #: What a good conversation ends in: an agreed next step (goal) or a referral.
    outcome: Literal["goal", "referral"] = "goal"


class Scenario(_Strict):
    """One conversation to rehearse."""

    id: str = Field(pattern=_SLUG)
    title: str = _Text
    audience: Audience = Field(alias="for")
    brief: str = _Text
    objective: str = _Text
    persona: Persona
    opening: str = _Text
    rubric: tuple[RubricItem, ...] = Field(min_length=2)
    #: Ways a learner might ask to practise it in their own situation: a request to practise
    #: is matched by these too, when it names nothing from the scene.
    requests: tuple[str, ...] = ()
    #: The counterpart's lines when the learner is vague (no behaviour shown).
    pushback: tuple[str, ...] = Field(min_length=1)
    #: The counterpart's lines when the learner goes off script.
    off_script: tuple[str, ...] = Field(min_length=1)
    end: EndCriteria

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ids = [item.id for item in self.rubric]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"rubric item ids repeat: {', '.join(twice)}")
        unknown = [i for i in self.end.requires if i not in ids]
        if unknown:
            raise ValueError(f"end.requires names no rubric item: {', '.join(unknown)}")
        return self

    def item(self, item_id: str) -> RubricItem:
        """The rubric item ``item_id``."""
        return next(i for i in self.rubric if i.id == item_id)

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every corpus section the rubric draws on, once each, in rubric order."""
        return tuple(dict.fromkeys(s for item in self.rubric for s in item.sources))

    @property
    def described(self) -> tuple[str, ...]:
        """What the scenario is about, for matching a learner's request to it: its title and
        objective, the requests to practise it, and the lines a learner might say in it."""
        return (self.title, self.objective, *self.requests,
                *(e for i in self.rubric for e in i.examples))

    def played_as(self, name: str) -> Scenario:
        """This scenario with the counterpart called ``name`` wherever its persona's name
        appears (the brief, objective, lines and questions)."""
        if name == self.persona.name:
            return self
        said = re.compile(rf"\b{re.escape(self.persona.name)}\b")
        return Scenario.model_validate(_renamed(self.model_dump(by_alias=True), said, name))

    def summary(self) -> dict[str, str]:
        """The ``rehearse --list --json`` entry."""
        return {"id": self.id, "title": self.title, "for": self.audience,
                "objective": self.objective}


@dataclass(frozen=True)
class ScenarioLibrary:
    """The scenarios that loaded, in id order, and a problem line for each file that did not."""

    scenarios: tuple[Scenario, ...]
    problems: tuple[str, ...] = ()
    _by_id: dict[str, Scenario] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({s.id: s for s in self.scenarios})

    def get(self, scenario_id: str) -> Scenario | None:
        """The scenario ``scenario_id``, or None."""
        return self._by_id.get(scenario_id)

    @property
    def ids(self) -> list[str]:
        """Every scenario id."""
        return [s.id for s in self.scenarios]

    @property
    def described(self) -> dict[str, tuple[str, ...]]:
        """Each scenario's id to what it is about: what a request to practise is matched by."""
        return {s.id: s.described for s in self.scenarios}


def _renamed(data: Any, said: re.Pattern[str], name: str) -> Any:
    """``data`` with every match of ``said`` in its strings replaced by ``name``."""
    if isinstance(data, str):
        return said.sub(name, data)
    if isinstance(data, dict):
        return {key: _renamed(value, said, name) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_renamed(value, said, name) for value in data]
    return data


def bundled_dir() -> Path:
    """The scenarios shipped with the starter corpus."""
    return starter_corpus() / "scenarios"


def load_library(folders: Iterable[Path | None]) -> ScenarioLibrary:
    """Every scenario in ``folders`` (later folders replace earlier ids); bad files are
    reported in ``problems`` and skipped."""
    found: dict[str, Scenario] = {}
    problems: list[str] = []
    for folder in folders:
        if folder is None:
            continue
        if not folder.is_dir():
            problems.append(f"{folder}: scenario folder does not exist")
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            try:
                scenario = parse_scenario(path.read_text(encoding="utf-8"), path.name)
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{path.name}: cannot read ({exc})")
                continue
            except ScenarioError as exc:
                problems += exc.problems
                continue
            found[scenario.id] = scenario
    return ScenarioLibrary(tuple(sorted(found.values(), key=lambda s: s.id)), tuple(problems))


class ScenarioError(ValueError):
    """A scenario file that cannot be used; ``problems`` lists ``file: field: why``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def parse_scenario(text: str, origin: str) -> Scenario:
    """Validate one scenario file's YAML; raise :class:`ScenarioError` naming each problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{origin}: invalid YAML ({' '.join(str(exc).split())})"]) from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([f"{origin}: {_field(e['loc'], data)}: {_reason(e)}"
                             for e in exc.errors()]) from None


def _field(loc: tuple[Any, ...], data: Any) -> str:
    """``rubric[2] (id 'specific-ask').examples`` from a pydantic error location."""
    text = ""
    for depth, part in enumerate(loc):
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
        if depth == 1 and loc[0] == "rubric" and isinstance(part, int):
            with contextlib.suppress(TypeError, KeyError, IndexError):
                text += f" (id {data['rubric'][part]['id']!r})"
    return text or "file"


def _reason(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field (check the spelling)"
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "string_pattern_mismatch":
        return "use lower-case letters, digits and hyphens, like 'specific-ask'"
    if error["type"] == "model_type":
        return "expected a mapping of fields"
    return str(error["msg"]).removeprefix("Value error, ")
