"""The Gradio Blocks app: components and wiring only; the behaviour is in the handlers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import gradio as gr

from assistant.settings import Settings
from ingest.status import index_status
from ui.conversations import STORED
from ui.web import goal_panel, handlers, staff_tabs
from ui.web.handlers import ChatState, ChatView
from ui.web.rehearse_tab import CSS as REHEARSE_CSS
from ui.web.rehearse_tab import build_rehearse_tab
from ui.web.roles import SINGLE_USER, Roles
from ui.web.services import Services
from ui.web.uploads import ACCEPTED, ACCEPTED_LABEL

#: Chat turns answered at once; more wait in the queue (each browser keeps its own state).
CHAT_CONCURRENCY = 8

CSS = """
#mc-chat [data-testid="bot"] .md > p:first-child > strong:only-child {
  display: inline-block; padding: 0.1em 0.6em; border-radius: 999px; font-size: 0.9em;
  color: #fff; background: #0b5f7a; letter-spacing: 0.02em; }
#mc-chat [data-testid="bot"] .md > p:first-child > em:only-child > strong:only-child {
  display: inline-block; padding: 0.1em 0.6em; border-radius: 999px; font-size: 0.9em;
  font-style: normal; color: #fff; background: #b42318; letter-spacing: 0.02em; }
#mc-help { border: 2px solid #b42318; border-radius: 8px; padding: 0.25em 0.75em; }
#mc-sources { max-height: 70vh; overflow-y: auto; }
#mc-sources blockquote { margin: 0.25em 0 0.75em; }
#mc-engine, #mc-notice { font-size: 0.95em; }
#mc-goal ul { list-style: none; padding-left: 0.25em; }
button:focus-visible, input:focus-visible, textarea:focus-visible, [role="tab"]:focus-visible {
  outline: 3px solid #1d4ed8; outline-offset: 2px; }
@media (max-width: 640px) { #mc-chat { height: 60vh !important; } }
"""

INTRO = (
    "# mentorcoach\n"
    "Advising, coaching and mentoring for mentoring in the health professions. Every reply "
    "says which kind of guidance it is, and advice quotes the program's own documents."
)


def page_options(settings: Settings) -> dict[str, Any]:
    """Look and limits for ``Blocks.launch``: local fonts only, the upload size limit."""
    theme = gr.themes.Default(
        font=["system-ui", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "Consolas", "monospace"],
    )
    return {
        "theme": theme,
        "css": CSS + REHEARSE_CSS,
        "max_file_size": int(settings.ui_max_upload_mb * 1_000_000),
        "show_error": False,
        "ssr_mode": False,
        # Conversations stay in the session: no run history in the browser, no extra endpoints.
        "run_history": False,
        "enable_monitoring": False,
        "mcp_server": False,
        "footer_links": ["settings"],
    }


def build_app(services: Services, roles: Roles | None = None) -> gr.Blocks:
    """The web app over ``services``; launching it is :func:`ui.web.launch.launch`'s job.

    ``roles`` says who is staff; without accounts the single local user sees everything.
    """
    settings = services.settings
    roles = roles or Roles()
    with gr.Blocks(title="mentorcoach", delete_cache=(1800, 3600)) as demo:
        state = gr.State()
        gr.Markdown(INTRO)
        if roles.single_user:
            gr.Markdown(SINGLE_USER, elem_id="mc-single-user")
        gr.Markdown(handlers.engine_markdown(services.engine_name), elem_id="mc-engine")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=300):
                    guidance = gr.Radio(
                        list(handlers.GUIDANCE), value="Auto", label="Guidance",
                        info="Auto follows what you ask for; pick a mode to stay in it.",
                        elem_id="mc-guidance",
                    )
                    chatbot = gr.Chatbot(
                        label="Conversation", elem_id="mc-chat", height="65vh",
                        buttons=["copy"], group_consecutive_messages=False,
                    )
                    message = gr.Textbox(
                        label="Your message", lines=1, max_lines=8, elem_id="mc-message",
                        placeholder="Type your message (Enter sends)",
                    )
                    with gr.Row():
                        send = gr.Button("Send", variant="primary", elem_id="mc-send")
                        new = gr.Button("New conversation", elem_id="mc-new")
                        download = gr.DownloadButton(
                            "Download transcript (Markdown)", elem_id="mc-download"
                        )
                    notice = gr.Markdown(label="Notice", show_label=False, elem_id="mc-notice")
                    with gr.Accordion("Your data", open=False):
                        gr.Markdown(
                            STORED.format(home=f"`{settings.home}`", days=settings.retention_days),
                            elem_id="mc-privacy",
                        )
                    with gr.Column(visible=False) as comment_box:
                        comment = gr.Textbox(
                            label="Your comment on this reply (optional)", lines=2,
                            max_lines=6, elem_id="mc-comment",
                        )
                        send_comment = gr.Button("Save comment", elem_id="mc-send-comment")
                with gr.Column(scale=2, min_width=280):
                    help_panel = gr.Markdown(
                        handlers.help_markdown(services.guide.contacts), visible=False,
                        elem_id="mc-help",
                    )
                    gr.Markdown("## Goal")
                    goal = gr.Markdown(
                        goal_panel.GOAL_EMPTY, label="Goal", show_label=False, elem_id="mc-goal"
                    )
                    with gr.Row():
                        export_markdown = gr.DownloadButton(
                            "Download Markdown", interactive=False, elem_id="mc-goal-markdown"
                        )
                        export_calendar = gr.DownloadButton(
                            "Download calendar (.ics)", interactive=False,
                            elem_id="mc-goal-calendar",
                        )
                    gr.Markdown("## Sources")
                    sources = gr.Markdown(
                        handlers.SOURCES_EMPTY, label="Sources", show_label=False,
                        elem_id="mc-sources",
                    )
            build_rehearse_tab(services)
            with gr.Tab("Corpus", id="corpus", visible=roles.single_user) as corpus_tab:
                gr.Markdown(
                    "## Corpus\nFor program staff: what the assistant can quote, and adding "
                    "documents to it."
                )
                summary = gr.Markdown(label="Index", show_label=False, elem_id="mc-corpus-summary")
                failures = gr.Markdown(
                    label="Failures", show_label=False, elem_id="mc-corpus-failures"
                )
                uploads = gr.File(
                    label=(
                        f"Add documents ({ACCEPTED_LABEL}, up to "
                        f"{settings.ui_max_upload_mb:g} MB each)"
                    ),
                    file_count="multiple", file_types=list(ACCEPTED), type="filepath",
                    elem_id="mc-upload",
                )
                add = gr.Button("Add to the index", variant="primary", elem_id="mc-add")
                added = gr.Markdown(elem_id="mc-upload-result")
                gr.Markdown("### Documents")
                documents = gr.Markdown(
                    label="Documents", show_label=False, elem_id="mc-corpus-documents"
                )
                refresh_tools, tool_outputs = staff_tabs.corpus_tools(services, roles, corpus_tab)
            with gr.Tab("Evals", id="evals", visible=roles.single_user) as evals_tab:
                staff_tabs.evals_tab(services, roles, evals_tab)

        def shown(state: ChatState, view: ChatView) -> tuple[Any, ...]:
            def keep(value: str | None) -> Any:
                return gr.skip() if value is None else value

            return view.messages, keep(view.sources), keep(view.notice), keep(view.draft), state

        chat_outputs = [chatbot, sources, notice, message, state]
        goal_outputs = [goal, export_markdown, export_calendar]

        def opening(choice: str) -> tuple[Any, ...]:
            services.sweep()
            return shown(*handlers.open_conversation(services.guide, choice))

        def help_view(state: ChatState | None) -> Any:
            return gr.Markdown(visible=state is not None and handlers.in_safety(state))

        def answer(message: str, choice: str, state: ChatState | None) -> Iterator[tuple]:
            for current, view in handlers.respond(services.guide, state, message, choice):
                yield shown(current, view)

        def transcript(state: ChatState | None) -> Any:
            if state is None:
                return gr.skip()
            return str(handlers.write_transcript(
                state, services.engine_name, services.transcripts, datetime.now()
            ))

        def goal_view(state: ChatState | None) -> tuple[Any, ...]:
            if state is None:
                return gr.skip(), gr.skip(), gr.skip()
            markdown = goal_panel.export_goal_markdown(state, services.transcripts)
            calendar = goal_panel.export_goal_ics(state, services.transcripts)
            return (
                goal_panel.goal_markdown(state),
                gr.DownloadButton(value=markdown, interactive=markdown is not None),
                gr.DownloadButton(value=calendar, interactive=calendar is not None),
            )

        after_outputs = [download, *goal_outputs, help_panel]

        def after_turn(state: ChatState | None) -> tuple[Any, ...]:
            return transcript(state), *goal_view(state), help_view(state)

        def rate(state: ChatState | None, data: gr.LikeData) -> tuple[Any, ...]:
            if state is None or not isinstance(data.index, int):
                return state, gr.skip(), gr.skip()
            state, text, ask = handlers.rate_reply(services.feedback, state, data.index, data.liked)
            return state, text, gr.Column(visible=ask)

        def remark(text: str, state: ChatState | None) -> tuple[Any, ...]:
            state = state or ChatState()
            state, note, keep_open = handlers.comment_on_reply(services.feedback, state, text)
            return state, note, gr.Column(visible=keep_open), text if keep_open else ""

        def corpus(request: gr.Request) -> tuple[str, str, str]:
            staff_tabs.guard(roles, request)
            view = handlers.corpus_view(index_status(settings, services.store))
            return view.summary, view.failures, view.documents

        embedding = gr.Progress()

        def add_files(
            paths: list[str] | None, request: gr.Request, progress=embedding
        ) -> tuple[Any, ...]:
            staff_tabs.guard(roles, request)
            progress(0, desc="Saving and reading documents")
            result = handlers.add_documents(
                services, paths,
                lambda done, total: progress((done, total), desc="Embedding", unit="chunks"),
            )
            return result, *corpus(request), None

        opened = gr.on(
            [demo.load, new.click, chatbot.clear], opening, inputs=[guidance], outputs=chat_outputs,
            api_name="new_conversation",
        )
        # After each turn, one event updates the transcript, the goal panel and the help panel
        # (one event rather than three: under many sessions each event costs the server).
        opened.then(after_turn, [state], after_outputs, api_visibility="private")
        gr.on(
            [new.click, chatbot.clear], lambda: gr.Column(visible=False), None, comment_box,
            api_visibility="private",
        )
        answered = gr.on(
            [message.submit, send.click], answer, inputs=[message, guidance, state],
            outputs=chat_outputs, api_name="send", trigger_mode="once",
            concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat",
        )
        answered.then(after_turn, [state], after_outputs, api_visibility="private")
        chatbot.like(rate, [state], [state, notice, comment_box], api_visibility="private")
        gr.on(
            [comment.submit, send_comment.click], remark, inputs=[comment, state],
            outputs=[state, notice, comment_box, comment], api_visibility="private",
        )
        # Staff tabs load when opened; learners never see them, and their calls are refused.
        demo.load(staff_tabs.visibility(roles, 2), None, [corpus_tab, evals_tab],
                  api_visibility="private")
        corpus_tab.select(corpus, outputs=[summary, failures, documents],
                          api_name="corpus_status")
        add.click(
            add_files, inputs=[uploads], outputs=[added, summary, failures, documents, uploads],
            concurrency_limit=1, api_visibility="private",
        ).then(refresh_tools, None, tool_outputs, api_visibility="private")
    return demo
