"""The Rehearse tab: pick a scenario, read its brief and objective, practise with the
counterpart (its badge on every turn), step out or end, read the feedback and download it.

:func:`build_rehearse_tab` adds the tab inside the app's ``gr.Tabs``; the handlers are plain
functions of a :class:`~ui.web.handlers.ChatState`, so they are tested without a browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.chain.guide import Guide
from assistant.guidance.rehearsal import FEEDBACK, REHEARSAL
from assistant.rehearsal.export import to_markdown, transcript
from assistant.rehearsal.scenarios import Scenario
from ui.web.handlers import MAX_MESSAGE_CHARS, TURN_ERRORS, ChatState, escape, render_text
from ui.web.handlers import to_messages as chat_messages
from ui.web.services import Services

#: The counterpart's badge, styled like the chat's mode badges.
CSS = """
#mc-rehearsal [data-testid="bot"] .md > p:first-child > strong:only-child {
  display: inline-block; padding: 0.1em 0.6em; border-radius: 999px; font-size: 0.9em;
  color: #fff; background: #7a4b0b; letter-spacing: 0.02em; }
"""
FEEDBACK_EMPTY = "Your feedback appears here when you end the rehearsal."
PAUSE = "How am I doing?"
END = "end"
EXPORT_NAME = "mentorcoach-rehearsal.md"


def brief_markdown(scenario: Scenario | None) -> str:
    """The scenario's brief, objective and counterpart, as the learner reads them first."""
    if scenario is None:
        return "No scenarios are installed."
    persona = scenario.persona
    return "\n\n".join([
        f"### {escape(scenario.title)}",
        f"For a {scenario.audience}. You talk to **{escape(persona.name)}**, "
        f"{escape(persona.role)}.",
        f"**The situation:** {escape(scenario.brief)}",
        f"**Your objective:** {escape(scenario.objective)}",
        'Say "pause" (or press the button) to step out for coaching at any time.',
    ])


def start(guide: Guide, scenario_id: str) -> tuple[ChatState, list[dict[str, str]]]:
    """A new rehearsal of ``scenario_id``: the counterpart's opening line."""
    state = ChatState()
    state.replies.append(guide.rehearse(state.session, scenario_id))
    return state, chat_messages(state)


def rehearsing(state: ChatState | None) -> bool:
    """Whether a rehearsal is under way in ``state``."""
    return state is not None and bool(state.session.extras.get(REHEARSAL))


def say(guide: Guide, state: ChatState | None, text: str) -> tuple[ChatState | None,
                                                                   list[dict[str, str]], str]:
    """The learner's line (or "pause", "continue", "end"), answered; returns the state, the
    messages and a notice."""
    text = text.strip()[:MAX_MESSAGE_CHARS]
    if not rehearsing(state):
        shown = chat_messages(state) if state else []
        return state, shown, "Pick a scenario and press Start rehearsal first."
    assert state is not None
    if not text:
        return state, chat_messages(state), ""
    try:
        state.replies.append(guide.ask(state.session, text))
    except TURN_ERRORS as exc:
        return state, chat_messages(state), f"The assistant cannot answer: {exc}"
    return state, chat_messages(state), ""


def feedback_markdown(state: ChatState | None) -> str:
    """The feedback, once the rehearsal has ended."""
    if state is None or FEEDBACK not in state.session.extras or not state.replies:
        return FEEDBACK_EMPTY
    return render_text(state.replies[-1].text)


def export(guide: Guide, state: ChatState | None, folder: Path) -> Path | None:
    """Save the transcript and feedback as Markdown; None before the feedback."""
    if state is None or FEEDBACK not in state.session.extras:
        return None
    scenario = guide.scenarios.get(state.session.extras[FEEDBACK]["scenario"])
    if scenario is None:
        return None
    target = folder / state.id / EXPORT_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(to_markdown(scenario, transcript(state.session.history),
                                  state.replies[-1].text), encoding="utf-8")
    return target


def build_rehearse_tab(services: Services) -> None:
    """The Rehearse tab and its events (call inside the app's ``gr.Tabs``)."""
    guide = services.guide
    library = guide.scenarios
    first = library.scenarios[0] if library.scenarios else None
    with gr.Tab("Rehearse", id="rehearse"), gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            picker = gr.Dropdown(
                [(f"{s.title} (for {s.audience}s)", s.id) for s in library.scenarios],
                value=first.id if first else None, label="Scenario", elem_id="mc-scenario",
            )
            brief = gr.Markdown(brief_markdown(first), elem_id="mc-scenario-brief")
            begin = gr.Button("Start rehearsal", variant="primary", elem_id="mc-rehearse-start")
            chatbot = gr.Chatbot(label="Rehearsal", elem_id="mc-rehearsal", height="50vh",
                                 group_consecutive_messages=False)
            line = gr.Textbox(label="What you say", lines=1, max_lines=6,
                              elem_id="mc-rehearse-line", placeholder="Enter sends")
            with gr.Row():
                send = gr.Button("Say it", elem_id="mc-rehearse-say")
                pause = gr.Button("Pause: how am I doing?", elem_id="mc-rehearse-pause")
                end = gr.Button("End and get feedback", elem_id="mc-rehearse-end")
            notice = gr.Markdown(elem_id="mc-rehearse-notice")
        with gr.Column(scale=2, min_width=280):
            gr.Markdown("## Feedback")
            feedback = gr.Markdown(FEEDBACK_EMPTY, elem_id="mc-rehearse-feedback")
            download = gr.DownloadButton("Download rehearsal (Markdown)", interactive=False,
                                         elem_id="mc-rehearse-download")
        # Inside the tab: a State left directly in gr.Tabs makes Gradio draw a later tab twice.
        state = gr.State()

    def chosen(scenario_id: str) -> str:
        return brief_markdown(library.get(scenario_id))

    def started(scenario_id: str) -> tuple[Any, ...]:
        if library.get(scenario_id) is None:
            return None, [], "Pick a scenario first.", FEEDBACK_EMPTY, gr.skip()
        current, messages = start(guide, scenario_id)
        return (current, messages, "", FEEDBACK_EMPTY,
                gr.DownloadButton(value=None, interactive=False))

    def answered(text: str, current: ChatState | None) -> tuple[Any, ...]:
        current, messages, note = say(guide, current, text)
        path = export(guide, current, services.transcripts)
        return (current, messages, note, "" if not note else text, feedback_markdown(current),
               gr.DownloadButton(value=str(path) if path else None, interactive=bool(path)))

    outputs = [state, chatbot, notice, line, feedback, download]
    picker.change(chosen, [picker], [brief], api_visibility="private")
    begin.click(started, [picker], [state, chatbot, notice, feedback, download],
                api_visibility="private")
    gr.on([line.submit, send.click], answered, [line, state], outputs,
          api_visibility="private", concurrency_id="chat")
    pause.click(lambda current: answered(PAUSE, current), [state], outputs,
                api_visibility="private", concurrency_id="chat")
    end.click(lambda current: answered(END, current), [state], outputs,
              api_visibility="private", concurrency_id="chat")
