"""Compose a goal as one SMART sentence."""

from __future__ import annotations

import re
from datetime import date

from .dates import format_date
from .lexicon import PURPOSE

# Reasons that already carry their own connector are kept as the learner said them.
_CONNECTOR = re.compile(
    r"^(?:so that|so|because|as|since|in order to|which|to|for|this will|it will)\b", re.I
)


def _clean(part: str) -> str:
    return re.sub(r"\s+", " ", part).strip().rstrip(".,;")


def goal_statement(deadline: date, action: str, measure: str, why: str) -> str:
    """Build "By <date>, I will <action> <measure>, so that <why>."

    A leading "I will" in `action`, a `measure` already contained in the action and
    an empty `why` are all handled; a `why` that starts with its own connector
    ("because ...") keeps it instead of "so that".
    """
    action = re.sub(r"^(?:i will|i'll|i want to|to)\s+", "", _clean(action), flags=re.I)
    if not action[:2].isupper():  # keep "ACLS ..." and "I ..." as written
        action = action[:1].lower() + action[1:]
    measure = _clean(measure)
    what = action if not measure or measure.lower() in action.lower() else f"{action} {measure}"
    sentence = f"By {format_date(deadline)}, I will {what}"
    why = _clean(why)
    if why:
        own_connector = _CONNECTOR.match(why) or PURPOSE.match(why)
        sentence += f", {why}" if own_connector else f", so that {why}"
    return sentence + "."
