"""Safety first: a person who may not be safe gets a ``[Safety]`` reply before anything else.

The reply is short and plain, asks no coaching question and does no goal work; it names where
to get help now (the program's contacts) and, for harassment or abuse, the reporting route in
the program's handbook, cited. Someone telling of a person they support (a mentor about a
mentee at risk) is told what to do for that person, with the program's guidance cited. The
conversation stays in safety until the person says they want to go on.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.guidance.contacts import Contacts, Role
from assistant.index.retriever import Hit
from assistant.plan import Passage, Plan
from assistant.reader.safety import IN_SAFETY, SafetyFinding, says_little_else, wants_to_go_on
from assistant.text import best_sentence, content_words, overlap, shorten

#: What the corpus is searched for to cite with a safety reply: the handbook's reporting route
#: for harassment or abuse, and what a mentor does when someone they support is at risk.
REPORTING_QUERY = (
    "whom to contact to report harassment, discrimination or a professionalism concern"
)
SUPPORTING_QUERY = (
    "mentee in immediate danger or with a plan to harm himself or herself: the mentor should "
    "not leave the mentee alone and should contact emergency services"
)
_CITED_WORDS = {
    REPORTING_QUERY: content_words("harassment discrimination abuse professionalism concern "
                                   "report"),
    SUPPORTING_QUERY: content_words("immediate danger plan harm not leave alone emergency "
                                    "services"),
}
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")

#: Said first; "what we were working on" fits every mode and flow the person was in.
_OPENINGS = {
    "suicide": (
        "Thank you for telling me. Your safety matters more than anything we were working on, "
        "so let's put that aside for now. You don't have to carry this alone."
    ),
    "self_harm": (
        "Thank you for telling me. How you are matters more than anything we were working on, "
        "so let's put that aside for now. You deserve support with this."
    ),
    "hopelessness": (
        "Thank you for telling me. What you describe is heavy, and it matters more than "
        "anything we were working on, so let's put that aside for now. You don't have to get "
        "through this on your own."
    ),
    "harassment": (
        "Thank you for telling me. What you describe is serious, it is not your fault, and you "
        "should not have to deal with it alone. Let's put what we were working on aside for now."
    ),
    "substance": (
        "Thank you for telling me; it takes courage to say. Your health comes first, so let's "
        "put what we were working on aside for now. Asking for help early is a strength."
    ),
}
_ORDER: dict[str, tuple[Role, ...]] = {
    "substance": ("wellbeing", "crisis", "program", "emergency"),
    "harassment": ("program", "wellbeing", "crisis", "emergency"),
}
#: ``{emergency}`` is the emergency contact as "Emergency services (call 911)".
_DANGER = {
    "harassment": "If you are in danger now, or have been hurt, contact {emergency}.",
    "substance": "If you are in danger now, or have taken more than you meant to, contact "
                 "{emergency}.",
}
_ABOUT_SOMEONE_ELSE = {
    "harassment": "If this is happening to someone you support, these routes are there for "
                  "them too, and you can go with them.",
    "substance": "If this is about someone you support, the same help is there for them, and "
                 "you can reach out together.",
}
_ABOUT_SOMEONE_AT_RISK = (
    "If this is about someone you support, the same help is there for them: you can make the "
    "call together, and stay with them if they are in danger."
)
#: For someone who tells of a person they support (a mentor about a mentee).
_HELPER_OPENING = (
    "Thank you for telling me. What you describe needs attention before anything else, so "
    "let's put the rest aside for now."
)
_HELPER_NO_ROUTE = ("The program coordinator can tell you both how to report it; the program "
                    "handbook should name the route.")
_NO_ROUTE = ("Your program coordinator can tell you how to report it; the program handbook "
             "should name the route.")
_HELPER_DANGER = "If they are in danger now, stay with them and contact {emergency}."
_HELPER_CONTACTS = "Help they can reach now (you can offer to make the first contact together):"
_HELPER_TOO = "And if this is weighing on you too, the same contacts are there for you."
_CITED_INTRO = {
    REPORTING_QUERY: "Your program's handbook names where to report it:",
    SUPPORTING_QUERY: "The program's guidance for mentors says:",
}
#: How many contacts a follow-up reply repeats (the panel beside the chat shows them all).
_FOLLOW_UP_CONTACTS = 2
CHECKING_IN = (
    "I may have misread you, but what you wrote made me want to check in before anything else: "
    "if you are not safe, or someone you support is not, please reach out now."
)
OFFER_TO_GO_ON = (
    "I'm here when you want to go on: tell me (for example, \"let's go on\") and we'll pick up "
    "where we left off."
)
IF_MISREAD = (
    "If I misread you, tell me (for example, \"you misread me\" or \"let's go on\") and we'll "
    "carry on where we were."
)
REACHED_OUT = "I'm glad you reached out."
_REACHED_OUT = re.compile(
    r"\b(?:called|rang|phoned|texted|spoke (?:to|with)|talked (?:to|with)|contacted|booked|"
    r"reached out|got in touch|am seeing|'m seeing)\b", re.IGNORECASE)
STILL_HERE = "I'm still here, and what we were working on can wait."
GOING_ON = "Of course. The help contacts stay beside the chat whenever you need them."
CARRYING_ON = ("Thanks, let's carry on; the help contacts stay beside the chat if you ever "
               "need them.")
#: A message of this many content words goes on with the work rather than merely answering.
_SOMETHING = 4

def _says_something(message: str) -> bool:
    return len(content_words(message)) >= _SOMETHING


def contact_lines(contacts: Contacts, kind: str) -> list[str]:
    """The contacts as reply lines, in the order that fits ``kind``."""
    order = _ORDER.get(kind, ("emergency", "crisis", "wellbeing", "program"))
    return [f"- {c.line}" for c in contacts.by_roles(*order)]


def guidance_query(finding: SafetyFinding) -> str | None:
    """What to search the corpus for, to cite with the safety reply to ``finding``."""
    if "harassment" in finding.kinds:
        return REPORTING_QUERY
    return SUPPORTING_QUERY if finding.about_someone_else and finding.kinds[0] != "substance" \
        else None


def cited_passage(query: str, hits: list[Hit]) -> tuple[Passage, str] | None:
    """The first passage with a sentence that says what ``query`` asks, and that sentence."""
    words = _CITED_WORDS[query]
    for hit in hits:
        best = best_sentence(hit.chunk.text, words)
        if best is not None and overlap(words, best.text) >= 0.5:
            return Passage(1, hit.chunk, hit.score), _BULLET.sub("", best.text).strip()
    return None


def safety_lines(finding: SafetyFinding, contacts: Contacts,
                 cited: tuple[Passage, str] | None) -> list[str]:
    """The lines of a first safety reply for ``finding``; ``cited`` is the corpus sentence to
    quote (from :func:`guidance_query`'s search), if one was found."""
    kind = finding.kinds[0]
    emergency = contacts.first("emergency")
    query = guidance_query(finding)
    helper = finding.about_someone_else
    lines = [CHECKING_IN if finding.unsure else _HELPER_OPENING if helper else _OPENINGS[kind]]
    if query is not None and cited is not None:
        lines.append(f"{_CITED_INTRO[query]} \"{cited[1]}\" [1]")
    elif kind == "harassment":
        lines.append(_HELPER_NO_ROUTE if helper else _NO_ROUTE)
    # The mentors' guidance, when quoted, already says what to do in danger.
    danger = (None if helper and query == SUPPORTING_QUERY and cited else
              _HELPER_DANGER if helper else _DANGER.get(kind))
    if danger and emergency is not None:
        lines.append(danger.format(emergency=f"{emergency.name} ({emergency.how})"))
    lines.append(_HELPER_CONTACTS if helper else
                 "You can get help now:" if kind not in _DANGER else "For support:")
    lines += contact_lines(contacts, kind)
    lines.append(_HELPER_TOO if helper else _ABOUT_SOMEONE_ELSE.get(kind, _ABOUT_SOMEONE_AT_RISK))
    lines.append(IF_MISREAD if finding.unsure else OFFER_TO_GO_ON)
    return lines


def safety_first(plan: Plan, finding: SafetyFinding | None, state: dict[str, Any] | None,
                 contacts: Contacts, guidance_hits: list[Hit], last_message: str | None) -> None:
    """Turn ``plan`` into a safety reply when needed; note when the person goes on.

    ``state`` is what the session keeps while in safety (None when not in safety);
    ``guidance_hits`` answer :func:`guidance_query`; ``last_message`` is the person's last
    message before safety began.
    """
    if finding is not None and state is not None and finding.reading == "classifier" \
            and wants_to_go_on(plan.message) and says_little_else(plan.message):
        # "You misread me" reads like distress to the classifier; saying one wants to go on is
        # trusted unless the message says more (explicit phrasings are patterns and count).
        finding = None
    if finding is not None:
        query = guidance_query(finding)
        cited = cited_passage(query, guidance_hits) if query else None
        plan.kind, plan.mode = "safety", "safety"
        plan.script = safety_lines(finding, contacts, cited)
        plan.passages = [cited[0]] if cited else []
        kinds = list(dict.fromkeys([*(state or {}).get("detected", []), *finding.kinds]))
        plan.safety = finding.to_dict() | {"ongoing": state is not None}
        plan.session_updates[IN_SAFETY] = {
            "detected": kinds,
            "resume_from": (state or {}).get("resume_from", last_message),
            "unsure": finding.unsure and (state or {}).get("unsure", True),
            "helping": finding.about_someone_else and (state or {}).get("helping", True),
        }
        return
    if state is None:
        return
    if (state.get("unsure") or state.get("helping")) and _says_something(plan.message):
        # Only checked in on an unsure reading, or told of someone the person supports (a
        # mentor about a mentee), and the person goes on with their work with no sign of
        # distress of their own: that is going on, as if they had said so.
        plan.session_updates[IN_SAFETY] = None
        plan.notices.append(CARRYING_ON)
        return
    if not wants_to_go_on(plan.message):
        plan.kind, plan.mode = "safety", "safety"
        kind = (state.get("detected") or ["suicide"])[0]
        reached = [REACHED_OUT] if _REACHED_OUT.search(plan.message) else []
        plan.script = [*reached, STILL_HERE, "If you need help now:",
                       *contact_lines(contacts, kind)[:_FOLLOW_UP_CONTACTS], OFFER_TO_GO_ON]
        plan.safety = {"detected": state.get("detected", []), "reading": "ongoing",
                       "unsure": False, "about_someone_else": False, "ongoing": True}
        return
    plan.session_updates[IN_SAFETY] = None
    plan.notices.append(GOING_ON)
    if says_little_else(plan.message):
        plan.kind = "resume"
        earlier = state.get("resume_from")
        plan.script = [f"We were working on this: \"{shorten(earlier, 25)}\" Where would you like "
                       "to pick it up?" if earlier else "What would you like to work on?"]

