"""A played rehearsal as data and as Markdown: who said what, and the feedback.

Everything written passes the patient-information guard first, even though the messages were
redacted when they were said: a scenario or persona name a program wrote could hold one too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any, Literal

from assistant.plan import Citation, Turn
from assistant.privacy.phi import redact
from assistant.rehearsal.scenarios import Scenario

Role = Literal["learner", "counterpart", "coach"]


def transcript(history: Sequence[Turn]) -> list[dict[str, str]]:
    """The rehearsal's turns as ``{role, label, text}``: the learner's lines (labelled
    ``You``), the counterpart's (``[Rehearsal: ...]``) and the coach's (``[Coaching]``...)."""
    played = []
    for turn in history:
        if turn.role == "user":
            if turn.text.strip():
                played.append({"role": "learner", "label": "You", "text": turn.text})
            continue
        label, _, text = turn.text.partition("\n")
        role: Role = "counterpart" if turn.mode == "rehearsal" else "coach"
        played.append({"role": role, "label": label, "text": text.strip()})
    return played


def feedback_data(feedback: Mapping[str, Any], label: str,
                  citations: Sequence[Citation]) -> dict[str, Any]:
    """The feedback of ``rehearse --json``: ``label``, ``met`` and ``missed`` (each item with
    the learner's words as evidence), ``questions`` and ``citations`` as ``ask --json`` has them."""
    return {
        "label": label,
        "met": [{"item": m["item"], "evidence": m["evidence"]} for m in feedback["met"]],
        "missed": [{"item": m["item"], "evidence": m["evidence"]} for m in feedback["missed"]],
        "questions": list(feedback["questions"]),
        "citations": [asdict(c) for c in citations],
    }


def to_markdown(scenario: Scenario, played: Sequence[Mapping[str, str]],
                feedback_text: str | None) -> str:
    """The rehearsal for a portfolio: the brief and objective, the transcript and the
    feedback, patient identifiers removed."""
    persona = scenario.persona
    lines = [
        f"# Rehearsal: {scenario.title}",
        "",
        f"For a {scenario.audience}. Counterpart: {persona.role}.",
        "",
        f"**Brief:** {scenario.brief}",
        "",
        f"**Objective:** {scenario.objective}",
        "",
        "## Transcript",
        "",
    ]
    for turn in played:
        if turn["role"] == "coach" and turn["text"] == (feedback_text or "").partition("\n")[2]:
            continue  # the feedback has its own section
        lines += [f"**{turn['label']}** {turn['text']}".replace("\n", "  \n"), ""]
    if feedback_text:
        label, _, body = feedback_text.partition("\n")
        lines += ["## Feedback", "", f"**{label}**", "", body.strip(), ""]
    return redact("\n".join(lines)).text
