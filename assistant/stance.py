"""Coaching stance in wording: directive phrasing a coaching reply must not use, open questions.

Shared by the composer (which never quotes a directive sentence while coaching) and the
enforcement that checks every engine's reply.
"""

from __future__ import annotations

import re

DIRECTIVE = re.compile(
    r"\b(?:you (?:should|must|need to|have to|ought to|had better)|you'd better|"
    r"i (?:would )?(?:recommend|suggest|advise)|my (?:advice|recommendation)|make sure (?:you|to)|"
    r"(?:don't|do not) forget to)\b",
    re.IGNORECASE,
)
_OPEN_QUESTION = re.compile(
    r"\b(?:what|how|which|when|where|who|why)\b[^?]*\?", re.IGNORECASE
)


def has_directive(text: str) -> bool:
    """Directive phrasing that a coaching turn must not use ("you should", "I recommend")."""
    return bool(DIRECTIVE.search(text))


def has_open_question(text: str) -> bool:
    """At least one open (what/how/...) question."""
    return bool(_OPEN_QUESTION.search(text))


def coaching_violation(body: str) -> str | None:
    """Why a coaching reply breaks the stance, or None when it keeps it."""
    if has_directive(body):
        return "directive language"
    if not has_open_question(body):
        return "no open question"
    return None
