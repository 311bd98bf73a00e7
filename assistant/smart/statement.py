"""Compose a goal as one SMART sentence."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from assistant.text import content_words

from .dates import format_date
from .lexicon import (
    COMPLETION_VERBS,
    CONCRETE_VERBS,
    COUNT_WORDS,
    FINISHING_VERBS,
    FLAGS,
    FREQUENCY,
    PURPOSE,
    base_of_gerund,
    verb_forms,
)

# Reasons that already carry their own connector are kept as the learner said them.
_CONNECTOR = re.compile(
    r"^(?:so that|so|because|as|since|in order to|which|to|for|this will|it will)\b", re.I
)
_DETERMINER = r"(?:a|an|the|my|our|their|his|her|this|these|that|those)"
#: An action as a verb and the object it is done to ("publish | a case report", "write up |
#: my case").
_VERB_OBJECT = re.compile(
    rf"[a-z]+(?:\s+(?:up|out|off))?\s+(?P<object>{_DETERMINER}\s.+)", FLAGS
)
#: A measure that says what becomes of the object: "submitted to a journal", "completing the
#: module", "presenting it at grand rounds".
_OUTCOME = re.compile(
    rf"(?P<verb>[a-z]+)(?:\s+(?:it|them))?"
    rf"(?:\s+(?P<object>{_DETERMINER}\s.+)|\s+(?P<place>(?:to|at|in|for|on|with)\s.+))?",
    FLAGS,
)
#: Each form of a verb whose outcome the learner's own work settles, to its base form.
_OUTCOME_BASE = {
    form: verb
    for verb in reversed((*FINISHING_VERBS, *COMPLETION_VERBS))
    for form in verb_forms(verb)
}


#: A measure that reads straight after the action: when or how often it is done, or a count
#: of what the action makes ("after every call shift", "three times a week", "5 papers").
_AS_SAID = re.compile(
    rf"(?:after|before|during|at|on|per|within|for|once|twice|every|each|in)\b"
    rf"|(?:\d[\d,]*|{COUNT_WORDS})\s+(?:times?|more|new|further|extra)\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(rf"\d|\b{COUNT_WORDS}\b", re.IGNORECASE)


def _clean(part: str) -> str:
    return re.sub(r"\s+", " ", part).strip().rstrip(".,;")


def _action(action: str) -> str:
    action = re.sub(r"^(?:i will|i'll|i want to|to)\s+", "", _clean(action), flags=re.I)
    if not action[:2].isupper():  # keep "ACLS ..." and "I ..." as written
        action = action[:1].lower() + action[1:]
    first, _, rest = action.partition(" ")
    base = base_of_gerund(first)  # "a goal around submitting my first grant"
    return f"{base} {rest}".strip() if base else action


# The draft asks whether a measure restates the action, and the statement then says it: the
# answer is worked out once.
@lru_cache(maxsize=256)
def restated(action: str, measure: str) -> str | None:
    """``action`` said with the verb of ``measure`` when the measure names what becomes of the
    action's own object: "publish a case report" measured by "submitted to a journal" is
    "submit a case report to a journal". None for any other measure, such as a count or a
    rhythm ("5 procedures logged", "three times a week").
    """
    action, measure = _action(action), _clean(measure)
    said, outcome = _VERB_OBJECT.fullmatch(action), _OUTCOME.fullmatch(measure)
    if not said or not outcome:
        return None
    # "get my abstract done" drafted: the object is the abstract, not "my abstract done".
    thing = re.sub(r"\s+(?:done|finished|completed|written|sorted)$", "", said["object"],
                   flags=re.IGNORECASE)
    verb = _OUTCOME_BASE.get(outcome["verb"].lower())
    # "submitting the case report" speaks of the goal's report; "submitting the audit" does not.
    if not verb or not content_words(outcome["object"] or "") <= content_words(thing):
        return None
    place = outcome["place"]
    if place and place.lower() not in thing.lower():
        return f"{verb} {thing} {place}"
    return f"{verb} {thing}"


def _only_done(measure: str, action: str) -> bool:
    """``measure`` only says the action is done ("it's submitted" for "submit my abstract"):
    it names no amount and no word the action lacks; or it is a bare number ("4"), which says
    nothing read after the action."""
    bare = len(measure.split()) == 1 and _AMOUNT.match(measure) is not None
    return bare or (not _AMOUNT.search(measure) and content_words(measure) <= content_words(action))


def _joined(action: str, measure: str) -> str:
    """``action`` with ``measure`` after it: a rhythm or a count of the action as said ("go
    to the gym three times a week"), a further act with "and" ("and meet each of them every
    6 weeks"), a result or target with "with" ("with 80% of pairs logging 3 meetings")."""
    first, _, rest = measure.partition(" ")
    verb = base_of_gerund(first) or first.lower()  # "asking them at the end" -> "ask them"
    if _AS_SAID.match(measure) or FREQUENCY.match(measure):
        return f"{action} {measure}"
    if verb in CONCRETE_VERBS or verb in FINISHING_VERBS or verb in COMPLETION_VERBS:
        return f"{action} and {verb} {rest}".rstrip()
    return f"{action}, with {measure}"


def goal_statement(deadline: date, action: str, measure: str, why: str) -> str:
    """Build "By <date>, I will <action> <measure>, so that <why>."

    A leading "I will" in `action`, a `measure` already contained in the action and
    an empty `why` are all handled; a measure that names the outcome of the action rephrases
    it (see `restated`); a `why` that starts with its own connector ("because ...") keeps it
    instead of "so that".
    """
    action, measure = _action(action), _clean(measure)
    if not measure or measure.lower() in action.lower() or _only_done(measure, action):
        what = action
    else:
        what = restated(action, measure) or _joined(action, measure)
    sentence = f"By {format_date(deadline)}, I will {what}"
    # Each sentence of the learner's reason starts with a capital ("... step. Also he's").
    why = re.sub(r"([.!?]\s+)([a-z])", lambda m: m[1] + m[2].upper(), _clean(why))
    if why:
        own_connector = _CONNECTOR.match(why) or PURPOSE.match(why)
        sentence += f", {why}" if own_connector else f", so that {why}"
    return sentence + "."
