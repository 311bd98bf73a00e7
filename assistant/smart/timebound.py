"""Find the deadline in a goal and resolve it to a date (the Time-bound criterion)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import dateparser

from . import questions
from .dates import month_end, quarter_end, week_end
from .lexicon import FLAGS, FREQUENCY, MONTH, MONTHS, NUMBER, NUMBER_WORDS, WEEKDAY
from .report import CriterionResult

Kind = Literal["date", "anchor", "recurring", "start"]


@dataclass(frozen=True)
class TimeMatch:
    """A time expression: a resolvable date, a vague anchor, a rhythm or a start date."""

    start: int
    end: int
    kind: Kind
    deadline: date | None = None


@dataclass(frozen=True)
class TimeReading:
    result: CriterionResult
    deadline: date | None
    matches: tuple[TimeMatch, ...]


Resolver = Callable[[re.Match[str], date], date | None]

_PREP = (
    r"(?:by|before|until|till|through|on|in|during|no later than|not later than|ahead of"
    r"|prior to|due)"
)
_LEAD = rf"(?:\b(?P<prep>{_PREP})\s+)?"
_END = r"(?:(?:the\s+)?(?:very\s+)?end\s+of\s+(?:the\s+)?)?"
_UNIT = r"(?P<unit>day|week|fortnight|month|year)s?"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_NOT_RATE = r"(?!\s+(?:a|per|each|every)\b)"
_ANCHOR_NOUN = (
    r"(?:week|rotation|residency|fellowship|block|clerkship|internship|semester|term|year|training"
    r"|placement|attachment|programme|program|posting|exams?|boards|graduation|appraisal"
    r"|review|evaluation|interview|match|conference|meeting|deadline|course|module|job"
    r"|contract|post|summer|winter|spring|autumn|fall|holidays?|break|season|arcp|viva)"
)
_OWNER = r"(?:(?:the|my|this|our|their|his|her|your|next|upcoming)\s+)"
_FILLER = r"(?:(?!(?:each|every)\b)[\w&-]+\s+){0,3}?"


def _parse(phrase: str, today: date, *, relative: bool = False) -> date | None:
    settings: dict[str, object] = {
        "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
        "PREFER_DATES_FROM": "future",
    }
    if not relative:
        # Absolute dates read day-first; a bare month means its last day.
        settings |= {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "last"}
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _next_occurrence(deadline: date, today: date, explicit_year: bool) -> date:
    """Without a year, a month or quarter means its next occurrence."""
    if explicit_year or deadline >= today:
        return deadline
    return deadline.replace(year=deadline.year + 1)


def _month(m: re.Match[str], today: date) -> date:
    month, year = MONTHS[m["month"].lower()], m["year"]
    if re.match(r"before\s+(?!the\s+(?:very\s+)?end)", m[0], FLAGS):
        # "Before May": the day before the month starts.
        start = date(int(year) if year else today.year, month, 1)
        if not year and start <= today:
            start = start.replace(year=start.year + 1)
        return start - timedelta(days=1)
    deadline = month_end(int(year) if year else today.year, month)
    return _next_occurrence(deadline, today, bool(year))


def _quarter(m: re.Match[str], today: date) -> date:
    words = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3}
    quarter = int(m["q"]) if m["q"] else words.get(m["qword"].lower(), 4)
    year = m["year"]
    deadline = quarter_end(int(year) if year else today.year, quarter)
    return _next_occurrence(deadline, today, bool(year))


def _duration(m: re.Match[str], today: date) -> date | None:
    raw = (m["n"] or "1").lower()
    count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    unit = m["unit"].lower()
    if unit == "fortnight":
        count, unit = count * 2, "week"
    return _parse(f"in {count} {unit}s", today, relative=True)


def _named_period(m: re.Match[str], today: date) -> date | None:
    which, unit = m["which"].lower(), m["unit"].lower()
    if which == "the" and not m["end"]:
        return None
    step = 1 if which == "next" else 0
    if unit == "week":
        return week_end(today) + timedelta(weeks=step)
    if unit == "month":
        index = today.month - 1 + step
        return month_end(today.year + index // 12, index % 12 + 1)
    return date(today.year + step, 12, 31)


def _day_of_month(m: re.Match[str], today: date) -> date | None:
    """"The 21st" alone: that day this month, or next month once it has passed."""
    day = int(m["day"])
    for step in (0, 1, 2):
        index = today.month - 1 + step
        year, month = today.year + index // 12, index % 12 + 1
        if day <= month_end(year, month).day and (step or day >= today.day):
            return date(year, month, day)
    return None


def _year(m: re.Match[str], today: date) -> date:
    year = int(m["year"])
    return date(year - 1, 12, 31) if m["prep"].lower() == "before" else date(year, 12, 31)


def _iso(m: re.Match[str], today: date) -> date:
    return date.fromisoformat(m["when"])


def _phrase(m: re.Match[str], today: date) -> date:
    parsed = _parse(m["when"], today)
    if not parsed:
        raise ValueError(f"no such date: {m['when']}")
    return parsed


def _rule(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, FLAGS)


_DATE_RULES: tuple[tuple[re.Pattern[str], Resolver], ...] = (
    (
        _rule(
            rf"\bbefore\s+(?:my|the|our)\s+(?:[\w-]+\s+){{0,4}}?in\s+(?P<month>{MONTH})"
            r"(?:\s+(?P<year>\d{4}))?\b"
        ),
        _month,
    ),
    (_rule(rf"{_LEAD}\b(?P<when>\d{{4}}-\d{{2}}-\d{{2}})\b"), _iso),
    (_rule(rf"{_LEAD}\b(?P<when>\d{{1,2}}[/.]\d{{1,2}}[/.](?:\d{{4}}|\d{{2}}))\b"), _phrase),
    (
        _rule(
            rf"{_LEAD}(?:the\s+)?(?P<when>\b{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\b\.?"
            r"(?:,?\s+\d{4}\b)?)"
        ),
        _phrase,
    ),
    (
        _rule(
            rf"{_LEAD}(?P<when>\b{MONTH}\.?\s+(?:the\s+)?{_DAY}(?:st|nd|rd|th)?\b"
            r"(?:,?\s+\d{4}\b)?)"
        ),
        _phrase,
    ),
    (
        _rule(
            rf"{_LEAD}{_END}\b(?:q(?P<q>[1-4])|(?P<qword>first|second|third|fourth|1st|2nd|3rd"
            r"|4th|last|final)\s+quarter)(?:\s+(?:of\s+)?(?P<year>\d{4}))?\b"
        ),
        _quarter,
    ),
    (
        _rule(
            r"\b(?:within|in|over|for|during)\s+(?:the\s+)?(?:next|coming|following)\s+"
            rf"(?:(?P<n>{NUMBER})\s+)?{_UNIT}\b{_NOT_RATE}"
        ),
        _duration,
    ),
    (
        _rule(rf"\b(?:within|in|for|over)\s+(?P<n>{NUMBER})\s+{_UNIT}\b(?:'s?\s+time)?{_NOT_RATE}"),
        _duration,
    ),
    (_rule(rf"\b(?:the\s+)?next\s+(?P<n>{NUMBER})\s+{_UNIT}\b{_NOT_RATE}"), _duration),
    (_rule(rf"\b(?P<n>{NUMBER})\s+{_UNIT}\s+(?:from\s+(?:now|today)|away|left|to go)\b"),
     _duration),
    (
        _rule(
            rf"{_LEAD}(?:(?P<end>(?:the\s+)?(?:very\s+)?end)\s+of\s+)?\b(?P<which>this|next|the)"
            r"\s+(?:calendar\s+)?(?P<unit>week|month|year)\b"
        ),
        _named_period,
    ),
    (
        _rule(rf"{_LEAD}(?:the\s+)?\byear[- ]end\b"),
        lambda m, today: date(today.year, 12, 31),
    ),
    (
        _rule(
            rf"\b(?:{_PREP}|end of)\s+{_END}(?:this\s+|next\s+)?(?P<month>{MONTH})\b"
            r"(?:\s+(?P<year>\d{4})\b)?"
        ),
        _month,
    ),
    (_rule(rf"\b(?:this\s+|next\s+)?(?P<month>{MONTH})\s+(?P<year>\d{{4}})\b"), _month),
    # "At the June graduation": an event named by its month.
    (
        _rule(
            rf"\b(?:at|for|by)\s+(?:the|our|my|this|next)\s+(?P<month>{MONTH})\s+"
            rf"{_ANCHOR_NOUN}\b(?P<year>)"
        ),
        _month,
    ),
    (_rule(rf"\b(?:this|next)\s+(?P<month>{MONTH})\b(?P<year>)"), _month),
    (
        _rule(
            r"\b(?P<prep>by|before|until|till|in|during|through)\s+"
            r"(?:the\s+end\s+of\s+)?(?P<year>\d{4})\b"
        ),
        _year,
    ),
    (
        _rule(
            r"\b(?:(?:by|before|until|till)\s+)?"
            rf"(?P<when>(?:this|next|coming)\s+{WEEKDAY}|tomorrow)\b"
        ),
        _phrase,
    ),
    (_rule(rf"\b(?:by|before|until|till)\s+(?P<when>{WEEKDAY})\b"), _phrase),
    (
        _rule(
            rf"{_LEAD}\bthe\s+(?P<day>{_DAY})(?:st|nd|rd|th)\b"
            rf"(?!\s+(?:of\s+)?{MONTH}\b|\s+(?:time|place|percentile|centile|year)\b)"
        ),
        _day_of_month,
    ),
)

# "Starting in January", "from next week": when the work begins, not when it is done.
_START = _rule(
    r"\b(?:starting|from|beginning|commencing|as of|as from)\s+(?:in\s+|on\s+|the\s+)?"
    rf"(?:(?:this|next)\s+)?(?:{MONTH}\b(?:\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"{MONTH}(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|week|month|year|{WEEKDAY}|tomorrow|today"
    r"|now)\b"
)

_ANCHOR_RULES: tuple[re.Pattern[str], ...] = (
    # "I really have 3 weeks": time left, not yet a date (nor a measure).
    _rule(rf"(?:(?<=\bhave )|(?<=\bgot ))(?:only\s+|just\s+)?{NUMBER}\s+{_UNIT}\b{_NOT_RATE}"),
    _rule(
        r"\b(?:by|before|until|till|at|towards?|in time for|ahead of|prior to)\s+(?:the\s+)?"
        rf"(?:very\s+)?end\s+of\s+{_OWNER}*{_FILLER}{_ANCHOR_NOUN}\b"
    ),
    _rule(
        r"\b(?:by|before|until|till|in time for|ahead of|prior to|during)\s+"
        rf"{_OWNER}+{_FILLER}{_ANCHOR_NOUN}\b"
    ),
    _rule(r"\b(?:by|before|at)\s+graduation\b"),
    _rule(
        r"\b(?:soon|sometime|some day|someday|one day(?!\s+(?:a|per|each|every)\b)|eventually"
        r"|in the (?:near |distant )?future|at some point|asap|as soon as possible"
        r"|in due course|when i (?:have|get|find) (?:the )?time"
        r"|in a few (?:days|weeks|months|years)|in the coming (?:days|weeks|months|years)"
        r"|(?:(?:this|next|by|in|during|over)\s+(?:the\s+)?)(?:summer|winter|spring|autumn|fall)"
        rf"|(?:this|next)\s+{_ANCHOR_NOUN})\b"
    ),
    _rule(
        r"\b(?:before|by the time|until|once)\s+i\s+(?:graduate|finish|complete|qualify|start"
        r"|leave|move|apply|retire|rotate|sit)\b(?:\s+(?:my\s+|the\s+)?[\w-]+)?"
    ),
)


def _overlaps(start: int, end: int, taken: list[TimeMatch]) -> bool:
    return any(start < m.end and m.start < end for m in taken)


def find_time(text: str, today: date) -> tuple[TimeMatch, ...]:
    """All time expressions in `text`, most precise reading first, without overlaps."""
    found = [TimeMatch(m.start(), m.end(), "start") for m in _START.finditer(text)]
    for pattern, resolve in _DATE_RULES:
        for m in pattern.finditer(text):
            if _overlaps(m.start(), m.end(), found):
                continue
            try:
                deadline = resolve(m, today)
            except (ValueError, OverflowError):
                # "By 31/02/2027" names a date that does not exist: ask which one is meant.
                found.append(TimeMatch(m.start(), m.end(), "anchor"))
                continue
            if deadline:
                found.append(TimeMatch(m.start(), m.end(), "date", deadline))
    for pattern in _ANCHOR_RULES:
        found += [
            TimeMatch(m.start(), m.end(), "anchor")
            for m in pattern.finditer(text)
            if not _overlaps(m.start(), m.end(), found)
        ]
    found += [
        TimeMatch(m.start(), m.end(), "recurring")
        for m in FREQUENCY.finditer(text)
        if not _overlaps(m.start(), m.end(), found)
    ]
    return tuple(sorted(found, key=lambda m: m.start))


def _evidence(text: str, match: TimeMatch) -> str:
    return text[match.start : match.end].rstrip(".")


def read_time(text: str, today: date) -> TimeReading:
    """Judge the Time-bound criterion and resolve the deadline.

    The latest future date wins; a date already passed, a deadline tied to an event
    without a date ("by the end of the rotation"), a rhythm with no end ("weekly") or
    only a start ("from January") reads as unclear.
    """
    matches = find_time(text, today)
    dates = [m for m in matches if m.kind == "date" and m.deadline]
    future = [m for m in dates if m.deadline and m.deadline >= today]
    if future:
        best = max(future, key=lambda m: m.deadline or today)
        return TimeReading(
            CriterionResult("present", _evidence(text, best)), best.deadline, matches
        )
    if dates:
        latest = max(dates, key=lambda m: m.deadline or today)
        assert latest.deadline
        result = CriterionResult(
            "unclear", _evidence(text, latest), questions.time_past(latest.deadline)
        )
        return TimeReading(result, None, matches)
    for kind, ask in (
        ("anchor", questions.time_anchor),
        ("recurring", questions.time_recurring),
        ("start", questions.time_start),
    ):
        hit = next((m for m in matches if m.kind == kind), None)
        if hit:
            evidence = _evidence(text, hit)
            return TimeReading(CriterionResult("unclear", evidence, ask(evidence)), None, matches)
    return TimeReading(CriterionResult("missing", None, questions.TIME_MISSING), None, matches)
