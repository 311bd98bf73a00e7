"""A SMART goal taking shape over a conversation, stored as JSON between turns."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from assistant.text import POSITION, bare_reply, content_words, position, without_asides

from .actions import without_goals
from .checker import check_goal
from .checkins import plan_checkins
from .lexicon import COUNT_WORDS, DEADLINE_SAID, LABELLED, MEASURING, PURPOSE, SHORT_BECAUSE
from .report import CRITERIA, Criterion, CriterionResult, SmartReport
from .statement import goal_statement, restated

# Criteria the checker cannot read from a bare answer: a real answer to the question is
# taken as the learner's word.
_TAKEN_AT_WORD: tuple[Criterion, ...] = ("attainable", "relevant")
#: An action done to "it" ("finish it, do the analysis"): the goal it answers for is meant.
_BACK_REFERENCE = re.compile(r"(?P<verb>[a-z]+)\s+(?:it|them)\b", re.IGNORECASE)
#: A goal picked by its place ("the second one"); "one" alone is the word of "the first one".
_PLACE = re.compile(rf"\b(?!one\b)(?:{POSITION})\b", re.IGNORECASE)
#: Words of choosing between goals ("the first one, I'd like to focus on that"), not content.
_CHOOSING = content_words("one first second last would like want focus start let lets think")
#: A count of something: "three case reports", "4 audits".
_COUNT = re.compile(rf"(?P<n>\d+|{COUNT_WORDS})\s+(?P<what>[a-z][\w -]*)", re.IGNORECASE)
#: The word that opens a target ("target is 80% of pairs ...").
_TARGET = re.compile(r"^\s*(?:the\s+|my\s+|our\s+)?(?:target|aim)\b[\s:=]*"
                     r"(?:(?:is|of|would be|maybe|probably|about)\s+)*", re.IGNORECASE)
#: Where the parts of a labelled measure meet ("it's submitted. and getting his edits first").
_CLAUSE_END = re.compile(r"[.;!?]|,?\s+(?:and|but|then)\b(?!\s+\d)", re.IGNORECASE)


@dataclass(frozen=True)
class GoalDraft:
    """A goal, its SMART reading and its plan. Immutable: each change returns a new draft."""

    id: str
    text: str
    created: date
    report: SmartReport
    statement: str | None = None
    deadline: date | None = None
    context: str = ""
    answers: tuple[str, ...] = ()
    skipped: tuple[Criterion, ...] = ()
    first_steps: tuple[str, ...] = ()
    checkins: tuple[date, ...] = ()

    @classmethod
    def start(cls, text: str, *, today: date | None = None, context: str = "") -> GoalDraft:
        """Begin a draft from the learner's first wording of the goal."""
        today = today or date.today()
        digest = hashlib.sha256(f"{text.strip()}|{today.isoformat()}".encode()).hexdigest()
        report = check_goal(text, today=today, context=context)
        draft = cls(id=digest[:16], text=text, created=today, report=report, context=context)
        return draft._settle()

    def next_criterion(self) -> Criterion | None:
        """The first criterion still open and not passed on, in SMART order."""
        return next((name for name in self.report.missing if name not in self.skipped), None)

    def next_question(self) -> str | None:
        """The next coaching question: which goal first, then the first open criterion."""
        if self.report.multiple_goals_question:
            return self.report.multiple_goals_question
        name = self.next_criterion()
        return self.report.criterion(name).question if name else None

    def update(self, answer: str, today: date | None = None) -> GoalDraft:
        """Merge the learner's answer to `next_question()` and re-check the goal."""
        today = today or date.today()
        answered = replace(self, answers=(*self.answers, answer))
        if self.report.multiple_goals:
            return answered._choose_goal(answer, today)
        pending = self.next_criterion()
        if bare_reply(answer) == "passes" and pending:
            return replace(answered, skipped=(*self.skipped, pending))
        fresh = check_goal(answer, today=today, context=answered._heard())
        merged = self._merged(fresh, keep=pending)
        measuring = fresh.measurable.status == "present" and MEASURING.search(answer) is not None
        # How the learner says they will know ("I'd measure it by getting it submitted to a
        # journal") is their yardstick, and replaces the goal's own wording when it restates
        # the action; any other measure counts only where the goal had none yet.
        action, measure = merged["specific"].evidence, fresh.measurable.evidence
        if measuring and restated(action or "", measure or ""):
            merged["measurable"] = fresh.measurable
        if pending == "specific" and merged["specific"] == fresh.specific:
            merged.update(self._restated_action(fresh))
        # A later answer about the date alone ("let's say end of April instead"), or one that
        # names the deadline ("the deadline is the 21st"), moves it; a date inside a reason
        # ("he's retiring in 2 years") does not.
        new = {name for name in CRITERIA if fresh.criterion(name).status == "present"
               and fresh.criterion(name) != self.report.criterion(name)}
        if fresh.deadline is not None and (new == {"time_bound"} or DEADLINE_SAID.search(answer)):
            merged["time_bound"] = fresh.time_bound
        # A measure given where a reason was asked, with no reason in it, is the learner's
        # measure ("20 supervised ones logged, then signed off"), not why it matters.
        reasonless = pending == "relevant" and PURPOSE.search(answer) is None
        if reasonless and len((fresh.measurable.evidence or "").split()) > 1:
            merged["measurable"] = fresh.measurable
        # "Make it three case reports": a new count of what the goal already counts.
        for name in ("specific", "measurable"):
            recounted = _recounted(merged[name].evidence, fresh.measurable.evidence)
            if recounted:
                merged[name] = replace(merged[name], evidence=recounted)
        labelled = _labelled(answer)
        if labelled:
            # The learner said what the answer is: nothing else is read from it but a date.
            merged = {name: self.report.criterion(name) for name in CRITERIA} | {
                "time_bound": merged["time_bound"]} | labelled
        own = self._dated_action(answer, today)
        if own is not None:
            merged["time_bound"] = own.time_bound
        changed = [name for name in CRITERIA if merged[name] != self.report.criterion(name)]
        deadline = fresh.deadline if "time_bound" in changed else self.report.deadline
        deadline = own.deadline if own is not None else deadline
        # An answer that plainly speaks to another criterion ("I'd measure it by ...", "by
        # March") is not taken as the one asked about.
        elsewhere = fresh.time_bound.status == "present" or measuring
        if pending in _TAKEN_AT_WORD and not changed and not elsewhere:
            merged[pending] = CriterionResult("present", answer.strip())
        report = replace(self.report, deadline=deadline, **merged)
        return replace(answered, report=report)._settle()

    def _restated_action(self, fresh: SmartReport) -> dict[str, CriterionResult]:
        """Specific and Measurable once the learner has said what the action is in practice:
        the goal's object stands for "it" ("finish it, do the analysis" after "finish the
        project"), and a measure that was only the old action goes with it."""
        before, after = self.report.specific.evidence or "", fresh.specific.evidence or ""
        said = _BACK_REFERENCE.match(after)
        verb = said and re.match(rf"{re.escape(said['verb'])}\s+(?=\S)", before, re.IGNORECASE)
        if said and verb:
            after = before + after[said.end():]
        settled = {"specific": replace(fresh.specific, evidence=after)}
        if before and self.report.measurable.evidence == before:
            settled["measurable"] = fresh.measurable
        return settled

    def _dated_action(self, answer: str, today: date) -> SmartReport | None:
        """The reading of the clause of ``answer`` that dates the goal's own action ("cut it
        to 300 words by Sunday, submit by the 19th"): its date is the goal's deadline."""
        verb = re.match(r"(?:i will |i'll |to )?([a-z]+)", self.report.specific.evidence or "",
                        re.IGNORECASE)
        if not verb or self.report.deadline is None:
            return None
        for clause in re.finditer(rf"\b{re.escape(verb[1])}\w*\b[^,;.!?]*", answer, re.I):
            reading = check_goal(clause[0], today=today)
            if reading.deadline is not None and reading.time_bound.status == "present":
                return reading
        return None

    def passed_on(self) -> GoalDraft:
        """The draft with its next open criterion passed on (asked twice without an answer
        that settles it: the learner is not asked a third time)."""
        name = self.next_criterion()
        return replace(self, skipped=(*self.skipped, name)) if name else self

    def redated(self, answer: str, today: date | None = None) -> GoalDraft:
        """The draft with the deadline ``answer`` gives ("let's say by the end of March"), and
        anything else it settles ("it matters because ..."); unchanged when it gives no date."""
        today = today or date.today()
        fresh = check_goal(answer, today=today)
        if fresh.deadline is None or fresh.time_bound.status != "present":
            return self
        report = replace(self.report, deadline=fresh.deadline,
                         **self._merged(fresh, keep="time_bound"))
        return replace(self, answers=(*self.answers, answer), report=report)._settle()

    def _merged(self, fresh: SmartReport, keep: Criterion | None) -> dict[str, CriterionResult]:
        """The report's criteria, each taken from ``fresh`` where that outranks it, and
        ``keep`` taken from ``fresh`` wherever ``fresh`` finds it."""
        merged = {}
        for name in CRITERIA:
            current, new = self.report.criterion(name), fresh.criterion(name)
            keeps = name == keep and new.status == "present"
            merged[name] = new if keeps or new.outranks(current) else current
        return merged

    def with_first_steps(self, *steps: str) -> GoalDraft:
        """Record the first concrete steps towards the goal."""
        return replace(self, first_steps=tuple(s.strip() for s in steps if s.strip()))

    def with_checkins(self, dates: list[date]) -> GoalDraft:
        """Replace the planned check-in dates."""
        return replace(self, checkins=tuple(sorted(dates)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for session storage."""
        return {
            "id": self.id,
            "text": self.text,
            "created": self.created.isoformat(),
            "report": self.report.to_dict(),
            "statement": self.statement,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "context": self.context,
            "answers": list(self.answers),
            "skipped": list(self.skipped),
            "first_steps": list(self.first_steps),
            "checkins": [day.isoformat() for day in self.checkins],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GoalDraft:
        """Rebuild a draft from `to_dict` output."""
        deadline = data.get("deadline")
        return cls(
            id=data["id"],
            text=data["text"],
            created=date.fromisoformat(data["created"]),
            report=SmartReport.from_dict(data["report"]),
            statement=data.get("statement"),
            deadline=date.fromisoformat(deadline) if deadline else None,
            context=data.get("context", ""),
            answers=tuple(data.get("answers", ())),
            skipped=tuple(data.get("skipped", ())),
            first_steps=tuple(data.get("first_steps", ())),
            checkins=tuple(date.fromisoformat(day) for day in data.get("checkins", ())),
        )

    def _heard(self) -> str:
        return " ".join([self.context, *self.answers]).strip()

    def _choose_goal(self, answer: str, today: date) -> GoalDraft:
        goals = self.report.goals
        words = _content_words(answer)
        overlap = [len(words & _content_words(goal)) for goal in goals]
        place = _PLACE.search(answer)
        ordinal = position(place.group(0), len(goals)) if place else None
        if max(overlap) > 0 and overlap.count(max(overlap)) == 1:
            keep = overlap.index(max(overlap))
        elif ordinal is not None:
            keep = ordinal
        else:
            return self
        text = without_goals(self.text, goals, keep)
        report = check_goal(text, today=today, context=self._heard())
        return replace(self, text=text, report=report)._settle()

    def _settle(self) -> GoalDraft:
        """Recompute the statement and check-ins from the current report."""
        report, deadline = self.report, self.report.deadline
        ready = all(report.criterion(n).status == "present" for n in ("specific", "measurable"))
        statement = None
        if ready and deadline:
            why = report.relevant.evidence if report.relevant.status == "present" else None
            statement = goal_statement(
                deadline,
                report.specific.evidence or "",
                report.measurable.evidence or "",
                _as_reason(why or ""),
            )
        checkins = self.checkins if deadline == self.deadline else ()
        if deadline and not checkins:
            checkins = tuple(plan_checkins(self.created, deadline))
        return replace(self, statement=statement, deadline=deadline, checkins=checkins)


def _recounted(said: str | None, count: str | None) -> str | None:
    """``said`` with the number of a thing it counts changed to the one ``count`` gives
    ("publish two case reports", "three case reports" -> "publish three case reports")."""
    new = count and _COUNT.fullmatch(count.strip())
    if not said or not new:
        return None
    old = re.compile(rf"\b(?:\d+|{COUNT_WORDS})\s+(?={re.escape(new['what'])}\b)", re.IGNORECASE)
    changed = old.sub(new["n"] + " ", said, count=1)
    return changed if changed != said else None


def _labelled(answer: str) -> dict[Criterion, CriterionResult]:
    """The criterion an answer names itself ("measure = it's submitted lol", "why it matters:
    ..."), read from what follows the label; a measure is one part of it (see below)."""
    said = LABELLED.match(without_asides(answer))
    if said is None:
        return {}
    if said["measurable"] is not None:
        reason = PURPOSE.search(said["rest"])  # "... by the 20th so I'm not up against it"
        measure = said["rest"][:reason.start()] if reason and reason.start() else said["rest"]
        parts = [part.strip(" ,") for part in _CLAUSE_END.split(measure) if part.strip()]
        # A target named as such is the yardstick; else the first part with a number in it.
        targets = [_TARGET.sub("", part) for part in parts if _TARGET.match(part)]
        counted = [part for part in parts if re.search(r"\d", part)]
        return {"measurable": CriterionResult("present", (targets or counted or parts)[0])}
    # "it matters bc ...": the reason as the statement will say it.
    rest = re.sub(rf"^{SHORT_BECAUSE}\b", "because", said["rest"].strip(),
                  flags=re.IGNORECASE)
    return {"relevant": CriterionResult("present", rest)}


def _as_reason(why: str) -> str:
    """A reason taken from a plain answer reads as "because ..."."""
    if not why or PURPOSE.match(why):
        return why
    return "because " + (why if re.match(r"I\b", why) else why[:1].lower() + why[1:])


def _content_words(text: str) -> set[str]:
    return content_words(text) - _CHOOSING
