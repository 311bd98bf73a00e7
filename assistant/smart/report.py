"""Result types for the SMART goal check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Status = Literal["present", "missing", "unclear"]
Criterion = Literal["specific", "measurable", "attainable", "relevant", "time_bound"]

CRITERIA: tuple[Criterion, ...] = (
    "specific",
    "measurable",
    "attainable",
    "relevant",
    "time_bound",
)

CRITERION_LABELS: dict[Criterion, str] = {
    "specific": "Specific",
    "measurable": "Measurable",
    "attainable": "Attainable",
    "relevant": "Relevant",
    "time_bound": "Time-bound",
}

_STATUS_RANK: dict[Status, int] = {"missing": 0, "unclear": 1, "present": 2}


@dataclass(frozen=True)
class CriterionResult:
    """How one SMART criterion reads in a goal.

    `evidence` is the exact span of the learner's words that supports the status;
    `question` is the open coaching question to ask next (None when present).
    """

    status: Status
    evidence: str | None = None
    question: str | None = None

    def outranks(self, other: CriterionResult) -> bool:
        """True when this result is further along (present > unclear > missing)."""
        return _STATUS_RANK[self.status] > _STATUS_RANK[other.status]

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "evidence": self.evidence, "question": self.question}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CriterionResult:
        return cls(data["status"], data.get("evidence"), data.get("question"))


@dataclass(frozen=True)
class SmartReport:
    """The SMART reading of one goal statement."""

    text: str
    specific: CriterionResult
    measurable: CriterionResult
    attainable: CriterionResult
    relevant: CriterionResult
    time_bound: CriterionResult
    deadline: date | None = None
    multiple_goals: bool = False
    goals: tuple[str, ...] = field(default=())
    multiple_goals_question: str | None = None

    def criterion(self, name: Criterion) -> CriterionResult:
        """The result for one criterion, by name."""
        result: CriterionResult = getattr(self, name)
        return result

    @property
    def score(self) -> int:
        """Number of criteria that are present (0-5)."""
        return sum(self.criterion(name).status == "present" for name in CRITERIA)

    @property
    def missing(self) -> tuple[Criterion, ...]:
        """Criteria not yet present (missing or unclear), in SMART order."""
        return tuple(name for name in CRITERIA if self.criterion(name).status != "present")

    def questions(self) -> list[str]:
        """Coaching questions still open, the choice between goals first."""
        asked = [self.multiple_goals_question] if self.multiple_goals_question else []
        return asked + [q for name in self.missing if (q := self.criterion(name).question)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; dates are ISO strings."""
        return {
            "text": self.text,
            "criteria": {name: self.criterion(name).to_dict() for name in CRITERIA},
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "multiple_goals": self.multiple_goals,
            "goals": list(self.goals),
            "multiple_goals_question": self.multiple_goals_question,
            "score": self.score,
            "missing": list(self.missing),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SmartReport:
        """Rebuild a report from `to_dict` output."""
        criteria = {name: CriterionResult.from_dict(data["criteria"][name]) for name in CRITERIA}
        deadline = data.get("deadline")
        return cls(
            text=data["text"],
            deadline=date.fromisoformat(deadline) if deadline else None,
            multiple_goals=data.get("multiple_goals", False),
            goals=tuple(data.get("goals", ())),
            multiple_goals_question=data.get("multiple_goals_question"),
            **criteria,
        )
