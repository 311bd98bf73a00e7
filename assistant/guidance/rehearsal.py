"""Rehearsal: the learner practises a hard conversation with a counterpart from the scenario
library, steps out for a coaching aside whenever they like, and gets rubric feedback at the end.

The session keeps one rehearsal (``extras["rehearsal"]``): the scenario, the counterpart's
name, where it stands (offered, active, paused, ended), the turns played and, for each rubric
item, the learner's words that showed it (or came closest). Which behaviours a line shows is
the reader's job (:mod:`assistant.reader.rubric`); what the counterpart says is the engine's,
from the :class:`~assistant.plan.Counterpart` this module puts in the plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.guidance.reflect import reflect
from assistant.index.retriever import Hit
from assistant.plan import Counterpart, Moment, Plan, Turn
from assistant.reader.matching import MATCHES_FROM, OFFERED_FROM
from assistant.reader.reading import Reading
from assistant.reader.rubric import NAMED_BY, NAMED_FROM
from assistant.rehearsal.scenarios import (
    RubricItem,
    Scenario,
    ScenarioLibrary,
    bundled_dir,
    load_library,
)
from assistant.stance import has_directive
from assistant.text import POSITION, best_sentence, content_words, position, sentences

#: Session extras key of the rehearsal under way.
REHEARSAL = "rehearsal"
#: Session extras key of the last rehearsal's feedback (for ``--json`` and the exports).
FEEDBACK = "rehearsal_feedback"

#: Unambiguous commands while rehearsing (rules, not readings: the learner names them).
_PAUSE = re.compile(
    r"^\W*(?:pause|time ?out|step out|hold on|(?:can we|let'?s) (?:pause|step out|stop for a "
    r"(?:moment|second|minute)))\b|\bhow am i doing\b|\bhow(?:'s| is) (?:it|this|that) going"
    r"(?: so far)?\b|\bhow was that\b|\bam i doing (?:it |this )?(?:ok|okay|all ?right|well)\b",
    re.IGNORECASE)
_CONTINUE = re.compile(
    r"^\W*(?:continue|carry on|go on|resume|keep going|back to (?:it|the (?:rehearsal|"
    r"role[- ]?play|practice))|let'?s (?:continue|go on|carry on|keep going|go back))\W*$",
    re.IGNORECASE)
_END = re.compile(
    r"^\W*(?:end|stop|finish|done|feedback|that'?s it|i'?m (?:done|finished))(?: please)?\W*$|"
    r"\b(?:end|stop|finish|quit) (?:the |this )?(?:rehears\w*|practi[sc]\w*|role[- ]?play|"
    r"scenario)\b|\b(?:give me|can i (?:have|get)|i'?d like) (?:my |the |some )?feedback\b",
    re.IGNORECASE)
_ACCEPT = re.compile(
    r"^\W*(?:yes|yeah|yep|ok(?:ay)?|sure|go|start|ready|please|go ahead|let'?s (?:go|do it|do "
    r"this|start|try(?: it)?|begin)|i'?m ready)\b(?:[\s,!.]+(?:please|then|let'?s go|go|"
    r"ahead|start|ready|i'?m ready|let'?s do it))*\W*$",
    re.IGNORECASE)
_DECLINE = re.compile(r"^\W*(?:no|nope|not now|no thanks|maybe later|not yet|another time)\b",
                      re.IGNORECASE)
_LIST = re.compile(r"^\W*(?:list|(?:show|see) (?:me )?(?:the )?(?:list|all(?: of them| the "
                   r"scenarios)?|scenarios))\W*$", re.IGNORECASE)
#: A scenario picked by its number in the list last shown ("number 3", "the second one").
_NUMBERED = re.compile(
    r"^\W*(?:(?:let'?s (?:do|try|go with)|i'?ll (?:take|do|go with|try)|(?:can|could) (?:we|i) "
    r"(?:do|try|have)|i'?d like|i want)\s+)?(?:the\s+)?(?:(?:number|option|no\.|#)\s*)?"
    rf"(?P<n>{POSITION})(?:\s+one)?"
    r"(?:,?\s+please)?\W*$", re.IGNORECASE)
#: At most this many of the closest scenarios are offered when none is the conversation asked for.
SHORTLIST = 3
#: A person addressed by title and name ("Dr. Patel"): whom the learner wants to practise with.
_ADDRESSED = re.compile(r"\b((?:Dr|Prof|Professor)\.? [A-Z][\w'-]+)")

#: A missed item's closest line is quoted from this score (it came near, not all the way).
NEAR = 0.55
UNRESOLVED = ("I'm afraid I need to go. Let's pick this up another time.",)
STAGE_END = '(The conversation has come to an end. Say "end" for your feedback.)'
HOW_TO = ('Say "pause" or "how am I doing?" at any time to step out, and "end" when you want '
          "your feedback.")


@lru_cache(maxsize=1)
def shipped_library() -> ScenarioLibrary:
    """The scenarios shipped with the starter corpus."""
    return load_library([bundled_dir()])


def scenario_of(state: dict[str, Any], library: ScenarioLibrary) -> Scenario | None:
    """The scenario of a rehearsal (offered or under way), its counterpart called by the name
    the rehearsal gives it, or None when it is no longer in the library."""
    scenario = library.get(state.get("scenario", ""))
    if scenario is None or not state.get("persona"):
        return scenario
    return scenario.played_as(state["persona"])


def active(extras: dict[str, Any], library: ScenarioLibrary) -> tuple[dict[str, Any],
                                                                       Scenario] | None:
    """The rehearsal under way (not merely offered) and its scenario, if any."""
    state = extras.get(REHEARSAL)
    if not state or state.get("status") == "offered":
        return None
    scenario = scenario_of(state, library)
    return (state, scenario) if scenario else None


def rubric_of(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Item id to example phrasings: what the reader recognises each behaviour by."""
    return {item.id: item.examples for item in scenario.rubric}


def counterpart_said(history: Sequence[Turn]) -> list[str]:
    """What the counterpart has said in the conversation, without its label lines."""
    return [t.text.split("\n", 1)[-1] for t in history
            if t.role == "assistant" and t.mode == "rehearsal"]


def begin(scenario: Scenario, persona: str | None = None) -> dict[str, Any]:
    """A fresh rehearsal of ``scenario`` (the counterpart called ``persona``, if given)."""
    return {"scenario": scenario.id, "persona": persona or scenario.persona.name,
            "status": "active", "turns": 0, "met": {}, "closest": {}}


def opening(plan: Plan, scenario: Scenario, state: dict[str, Any]) -> None:
    """Make ``plan`` the counterpart's opening line of the scene, the counterpart called as
    ``state`` names it."""
    _speak(plan, scenario.played_as(state["persona"]), state, "opening")


def rehearse(plan: Plan, reading: Reading, extras: dict[str, Any], library: ScenarioLibrary,
             hits: list[Hit], *, offer: bool = True) -> None:
    """The rehearsal's part in this turn: an offer to rehearse, the counterpart's reply, a
    coaching aside, or the feedback; nothing when no rehearsal is asked for or under way
    (``offer``: whether a request to practise may be answered with one)."""
    state = dict(extras.get(REHEARSAL) or {})
    scenario = scenario_of(state, library) if state else None
    if state and scenario is None:  # the scenario was removed from the library
        plan.session_updates[REHEARSAL] = None
        state = {}
    message = reading.message
    if not state:
        if offer:
            _offer(plan, reading, library)
        return
    assert scenario is not None
    status = state["status"]
    if status == "offered":
        if _LIST.search(message):
            plan.flow_lines = _listed(library)
            plan.session_updates[REHEARSAL] = state | {"choices": library.ids}
            return
        picked = _picked(reading, state, library)
        if picked is not None and picked.id != scenario.id:
            _start(plan, picked, begin(picked, state.get("named")))
            return
        if _DECLINE.search(message):
            plan.session_updates[REHEARSAL] = None
            return
        first = state.pop("first_line", None)
        started = begin(scenario, state.get("persona"))
        if picked is not None or _ACCEPT.search(message):
            if first:
                _reply(plan, scenario, started, first, reading.rubric, plan.history)
            else:
                _speak(plan, scenario, started, "opening")
        elif reading.kind.label in ("practice_line", "rehearsal_request"):
            _reply(plan, scenario, started, message, reading.rubric, plan.history)
        else:
            plan.session_updates[REHEARSAL] = None
        return
    if _END.search(message) or (status == "ended" and not _PAUSE.search(message)):
        _feedback(plan, scenario, state, hits)
    elif _PAUSE.search(message):
        _aside(plan, scenario, state | {"status": "paused"}, hits)
    elif status == "paused" and not _CONTINUE.search(message):
        # Stepped out, the learner talks with the coach; the rehearsal waits.
        plan.notices.append(f'Say "continue" to go back to {state["persona"]}.')
    elif status == "paused":
        _speak(plan, scenario, state | {"status": "active"}, "resume")
    else:
        _reply(plan, scenario, state, message, reading.rubric, plan.history)


@dataclass(frozen=True)
class Offer:
    """What a request to practise is offered: scenarios, closest first; ``outright`` when the
    first is the conversation asked for, else they are the closest few to choose from."""

    scenarios: tuple[Scenario, ...]
    outright: bool


def offered(reading: Reading, library: ScenarioLibrary,
            offered_from: float = OFFERED_FROM) -> Offer | None:
    """The offer a request to practise (or a practice line) gets, if any; a scenario is
    offered outright from ``offered_from`` probability."""
    if reading.is_kind not in ("rehearsal_request", "practice_line") or not library.scenarios:
        return None
    # A mentor practises a mentor's conversation, a mentee a mentee's, when it shows who speaks.
    speaker = reading.speaking_as
    fitting = [(found, score) for key, score in reading.scenarios
               if (found := library.get(key)) and speaker in (None, "staff", found.audience)]
    if not fitting:
        return None
    if fitting[0][1] >= offered_from:
        return Offer((fitting[0][0],), outright=True)
    return Offer(tuple(_closest(fitting)), outright=False)


def _offer(plan: Plan, reading: Reading, library: ScenarioLibrary) -> None:
    """A request to practise (or a practice line said out of the blue) gets the scenario it
    is like offered outright, with its brief and objective and how to step out; one like no
    scenario closely gets the closest few, closest first, the first of them on offer."""
    offer = offered(reading, library)
    if offer is None:
        return
    kind = reading.is_kind
    scenario = offer.scenarios[0]
    addressed = _ADDRESSED.search(reading.message)
    named = addressed.group(1) if addressed else None
    persona = named or scenario.persona.name
    state: dict[str, Any] = {"scenario": scenario.id, "persona": persona, "status": "offered",
                             "named": named, "choices": [s.id for s in offer.scenarios]}
    if kind == "practice_line":
        state["first_line"] = reading.message
    plan.session_updates[REHEARSAL] = state
    scenario = scenario.played_as(persona)
    if not offer.outright:
        plan.flow_lines = _shortlist([scenario, *offer.scenarios[1:]], len(library.scenarios))
        return
    # What the learner wants from the conversation, in their words, when a sentence says it.
    wants = next((r for s in sentences(reading.message)
                  if (r := reflect(s.text)) and not has_directive(r)), None)
    plan.flow_lines = [
        *([wants] if wants and kind == "rehearsal_request" else []),
        f"Let's practise it. I can play {persona} ({scenario.persona.role}) in a rehearsal of "
        f"this conversation: {scenario.title.lower()}.",
        f"Your objective: {scenario.objective}",
        HOW_TO + ' If you meant another conversation, say "no", or pick it in the Rehearse tab.',
        (f'Say "start" and {persona} will answer the words you just used. How do they sound '
         "to you now?" if kind == "practice_line" else
         f'How would you like to open when you are ready? Or say "start" to hear {persona} '
         "first."),
    ]


def _closest(ranked: list[tuple[Scenario, float]]) -> list[Scenario]:
    """The few scenarios to offer (most alike first): those like the request, else the
    nearest."""
    alike = [pair for pair in ranked if pair[1] >= MATCHES_FROM]
    return [scenario for scenario, _ in (alike or ranked)[:SHORTLIST]]


def _shortlist(closest: list[Scenario], total: int) -> list[str]:
    """The offer of the ``closest`` scenarios, numbered, the first of them on offer."""
    first = closest[0]
    lines = ["None of the rehearsals is exactly that conversation, but this one comes closest:",
             f"1. {first.title}, with {first.persona.name} ({first.persona.role}). "
             f"Your objective: {first.objective}"]
    if len(closest) > 1:
        lines.append("Also near it:")
        lines += [f"{n}. {s.title}" for n, s in enumerate(closest[1:], 2)]
    lines.append(HOW_TO)
    lines.append(f'How close is it to the conversation you want to have? Say "start" to '
                 f"practise it, another's number or title to practise that one instead, "
                 f'"list" to see all {total}, or "no" to leave it for now.')
    return lines


def _listed(library: ScenarioLibrary) -> list[str]:
    """Every scenario of the library, numbered, to pick by number or title."""
    return ["These are the conversations you can rehearse:",
            *(f"{n}. {s.title}" for n, s in enumerate(library.scenarios, 1)),
            "Which of them is closest to the conversation you want to practise? Say its number "
            'or its title, or "start" for the one on offer.']


def _picked(reading: Reading, state: dict[str, Any], library: ScenarioLibrary) -> Scenario | None:
    """The scenario the learner picks while scenarios are on offer: by its number in the list
    last shown, or by naming it (the reading's ``scenarios``: how alike the message is to each
    title); a practice line is a line to play, not a pick."""
    numbered = _NUMBERED.search(reading.message)
    if numbered:
        choices = state.get("choices", [])
        index = position(numbered.group("n"), len(choices))
        return library.get(choices[index]) if index is not None else None
    if reading.is_kind == "practice_line" or not reading.scenarios:
        return None
    (best, score), *others = reading.scenarios
    lead = score - (others[0][1] if others else 0.0)
    return library.get(best) if score >= NAMED_FROM and lead >= NAMED_BY else None


def _start(plan: Plan, scenario: Scenario, state: dict[str, Any]) -> None:
    """Start rehearsing a scenario picked from those on offer: its objective, then the
    counterpart's opening line."""
    played = scenario.played_as(state["persona"])
    plan.notices.append(f"Rehearsing: {played.title.lower()}, with {state['persona']} "
                        f"({played.persona.role}). Your objective: {played.objective} {HOW_TO}")
    opening(plan, played, state)


def _speak(plan: Plan, scenario: Scenario, state: dict[str, Any], moment: Moment, *,
           shown: Sequence[str] = (), attempted: Sequence[str] = (), on_script: bool = True,
           resolved: bool = True) -> None:
    """Make ``plan`` the counterpart's turn at ``moment``."""
    met = state.get("met", {})
    persona = scenario.persona
    ending = moment == "closing"
    _take_over(plan, "rehearsal")
    plan.counterpart = Counterpart(
        name=state["persona"], role=persona.role, temperament=persona.temperament,
        constraints=persona.constraints, scene=scenario.brief, moment=moment,
        opening=scenario.opening, shown=tuple(shown),
        missing=tuple(i.id for i in scenario.rubric if i.id not in met),
        attempted=tuple(attempted),
        on_script=on_script,
        behaviours={i.id: i.behaviour for i in scenario.rubric},
        reactions={i.id: i.reactions for i in scenario.rubric},
        prompts={i.id: i.prompts for i in scenario.rubric},
        pushback=scenario.pushback, off_script=scenario.off_script,
        closing=scenario.end.closing if resolved else UNRESOLVED,
        said=tuple(counterpart_said(plan.history)),
        stage=STAGE_END if ending else None,
    )
    plan.session_updates[REHEARSAL] = state | {"status": "ended" if ending else "active"}


def _reply(plan: Plan, scenario: Scenario, state: dict[str, Any], line: str, rubric: Any,
           history: Sequence[Turn]) -> None:
    """The counterpart's reply to the learner's ``line``, keyed on the behaviours it shows."""
    met = dict(state.get("met", {}))
    closest = dict(state.get("closest", {}))
    new: list[str] = []
    on_script = True
    if rubric is not None:
        on_script = rubric.on_script
        for item in rubric.shown:
            if item not in met:
                met[item] = rubric.evidence[item].sentence
                new.append(item)
        for item, evidence in rubric.evidence.items():
            if item not in met and evidence.score > closest.get(item, {}).get("score", 0.0):
                closest[item] = {"score": evidence.score, "sentence": evidence.sentence}
    attempted = [item for item, near in closest.items()
                 if item not in met and near["score"] >= NEAR]
    turns = int(state.get("turns", 0)) + 1
    resolved = all(item in met for item in scenario.end.requires)
    ended = resolved or turns >= scenario.end.max_turns
    updated = state | {"met": met, "closest": closest, "turns": turns}
    _speak(plan, scenario, updated, "closing" if ended else "reply", shown=new,
           attempted=attempted, on_script=on_script, resolved=resolved)


def _take_over(plan: Plan, kind: str) -> None:
    """The rehearsal decides this turn, whatever an earlier step read into the line (an
    in-character "thanks, bye" is no closing, a line with clinical words no clinical question)."""
    plan.kind = "rehearsal" if kind == "rehearsal" else "answer"
    if kind == "rehearsal":
        plan.mode = "rehearsal"
    plan.script, plan.flow_lines, plan.closing = [], [], None


def _grounding(item: RubricItem, hits: list[Hit]) -> str:
    """The program literature's sentence behind ``item``, quoted and cited (`` [n]``), from
    the first of its sections among the passages (numbered like ``hits``)."""
    words = content_words(" ".join([item.behaviour, *item.examples]))
    for source in item.sources:
        for number, hit in enumerate(hits, 1):
            section = hit.chunk.section or ""
            if hit.chunk.source != source.document or not (
                    section == source.section or section.startswith(f"{source.section} > ")):
                continue
            quotable = "\n".join(s.text for s in sentences(hit.chunk.text)
                                 if not has_directive(s.text) and len(s.text.split()) >= 6)
            best = best_sentence(quotable, words) if quotable else None
            if best is not None:
                return f" The program's literature: {_quoted(best.text)} [{number}]"
    return ""


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return f"\u201c{text}\u201d"


def _said(text: str) -> str:
    """The learner's words quoted as the end of a sentence."""
    return _quoted(text) + ("" if text.rstrip().endswith((".", "?", "!")) else ".")


def _progress(scenario: Scenario, state: dict[str, Any]) -> tuple[list[RubricItem],
                                                                   list[RubricItem]]:
    met = state.get("met", {})
    return ([i for i in scenario.rubric if i.id in met],
            [i for i in scenario.rubric if i.id not in met])


def _aside(plan: Plan, scenario: Scenario, state: dict[str, Any], hits: list[Hit]) -> None:
    """A coaching aside while the rehearsal waits: what has shown so far, what is to come."""
    met, missing = _progress(scenario, state)
    name = state["persona"]
    lines = ["Stepping out of the rehearsal for a moment."]
    if met:
        lines.append("So far: " + "; ".join(
            f"{i.behaviour.lower()} ({_quoted(state['met'][i.id])})" for i in met) + ".")
    else:
        lines.append("Nothing from the rubric has shown yet, which is common this early.")
    if missing:
        lines.append("Still to come: " + "; ".join(i.behaviour.lower() for i in missing) + ".")
        lines.append(missing[0].question + _grounding(missing[0], hits))
    else:
        lines.append("Every item of the rubric has shown. How would you like to close the "
                     "conversation?")
    lines.append(f'Say "continue" to go back to {name}, or "end" for your feedback.')
    _take_over(plan, "answer")
    plan.flow_lines = lines
    plan.session_updates[REHEARSAL] = state


def _feedback(plan: Plan, scenario: Scenario, state: dict[str, Any], hits: list[Hit]) -> None:
    """The feedback at the end: each rubric item met (the learner's words) or missed, one or
    two questions for reflection, each item cited to the corpus section behind it."""
    met, missing = _progress(scenario, state)
    name = state["persona"]
    lines = [f"That's the end of the rehearsal with {name}. Here is how it went against the "
             f"scenario's rubric ({len(met)} of {len(scenario.rubric)} items shown)."]
    if scenario.end.outcome == "referral":
        referred = all(i in state.get("met", {}) for i in scenario.end.requires)
        lines.append(
            "This conversation is meant to end in a referral, not a goal: pausing the agenda "
            f"and helping {name} reach support." + (" It did." if referred else
                                                    " It did not get there yet."))
    if met:
        lines.append("Shown:")
        lines += [f"- {i.behaviour}: you said {_said(state['met'][i.id])}"
                  f"{_grounding(i, hits)}" for i in met]
    if missing:
        lines.append("Not shown yet:")
        for item in missing:
            near = _near(state, item.id)
            said = f"; the closest line was {_said(near)}" if near else "."
            lines.append(f"- {item.behaviour}{said}{_grounding(item, hits)}")
    questions = [i.question for i in missing[:2]]
    if len(questions) < 2:
        questions.append(f"What will you take from this rehearsal into the real conversation "
                         f"with {name}?")
    lines.append("To reflect on:")
    lines += [f"- {q}" for q in questions]
    _take_over(plan, "answer")
    plan.flow_lines = lines
    plan.session_updates[REHEARSAL] = None
    plan.session_updates[FEEDBACK] = {
        "scenario": scenario.id,
        "persona": name,
        "met": [{"item": i.id, "behaviour": i.behaviour, "evidence": state["met"][i.id]}
                for i in met],
        "missed": [{"item": i.id, "behaviour": i.behaviour, "evidence": _near(state, i.id)}
                   for i in missing],
        "questions": questions,
    }



def _near(state: dict[str, Any], item: str) -> str:
    """The learner's line that came closest to a missed item, when it came near."""
    closest = state.get("closest", {}).get(item) or {}
    return closest.get("sentence", "") if closest.get("score", 0.0) >= NEAR else ""
