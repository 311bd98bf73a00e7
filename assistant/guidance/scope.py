"""Messages the guide does not coach on: clinical questions, and the end of a conversation."""

from __future__ import annotations

import re

_CLINICAL = re.compile(
    r"\b(?:dos(?:e|es|ing|age)|\d+\s?(?:mg|mcg|ml|units?)\b|milligrams?|prescri(?:be|bing|ption)|"
    r"medications?|antibiotics?|insulin|opioids?|anticoagula\w*|contraindicat\w*|"
    r"diagnos(?:e|is|es|ing)|differential diagnosis|symptoms?|lab (?:values?|results?)|"
    r"treat(?:ment|ing)?(?: (?:for|of))? (?:a |an |my |the |this )?"
    r"(?:patient|pneumonia|sepsis|infection|"
    r"hypertension|diabetes|pain|asthma|copd|heart failure)|"
    r"patient (?:with|has|presents|presenting)|ecg|ekg|x-?ray|ct scan|mri)\b",
    re.IGNORECASE,
)
_MENTORING_CONTEXT = re.compile(
    r"\b(?:mentor\w*|mentee\w*|coach\w*|feedback|goal|career|meeting)\b", re.IGNORECASE
)
_CLOSING = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|great|thanks?|thank you)[\s,!.]*)*(?:that'?s (?:all|it|enough)|"
    r"(?:good)?bye|i(?:'m| am) done|we(?:'re| are) done|end (?:the )?(?:session|conversation)|"
    r"that helps?,? thanks|thanks?,? that'?s (?:all|it)|see you|let'?s stop|stop here)\b",
    re.IGNORECASE,
)

DECLINE = (
    "That is a clinical question, and I don't answer questions about patient care, doses or "
    "diagnoses. Please use your clinical references and ask your supervising clinician or "
    "pharmacist. I'm here for the mentoring side of your work: asking someone to mentor you, "
    "setting goals, preparing a difficult conversation, or handling a mentoring relationship. "
    "What would you like to work on?"
)


def is_clinical(message: str) -> bool:
    """A question about patient care (doses, diagnoses), unless it is about mentoring on it."""
    if not _CLINICAL.search(message):
        return False
    return not _MENTORING_CONTEXT.search(message)


def is_closing(message: str) -> bool:
    """The learner signals the end of the conversation."""
    return bool(_CLOSING.search(message))
