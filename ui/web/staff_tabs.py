"""The staff side of the web app in Gradio: the Evals tab, and the tools added to the Corpus tab.

Every handler here checks the caller's role on the server (:func:`guard`): Gradio serves each
event as an API endpoint, so a hidden tab alone would not keep a learner out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from evals.baseline import BaselineError
from evals.cases import CaseError
from evals.labels import LabelError
from ui.web import staff
from ui.web.roles import NotStaffError, Roles
from ui.web.services import Services


def guard(roles: Roles, request: gr.Request | None) -> None:
    """Stop a request that does not come from program staff, with a message saying why."""
    try:
        roles.require_staff(request)
    except NotStaffError as exc:
        raise gr.Error(str(exc)) from None


def visibility(roles: Roles, tabs: int) -> Callable[[gr.Request], Any]:
    """On page load: the staff tabs shown to staff, hidden from learners."""

    def shown(request: gr.Request) -> Any:
        visible = roles.is_staff(request)
        return tuple(gr.Tab(visible=visible) for _ in range(tabs))

    return shown


def corpus_tools(
    services: Services, roles: Roles, tab: gr.Tab
) -> tuple[Callable[[gr.Request], tuple[Any, ...]], list[gr.components.Component]]:
    """The banner and the remove-a-document tool, inside the Corpus tab being built.

    Returns the refresh function and its outputs, for the tab's other events to chain.
    """
    banner = gr.Markdown(elem_id="mc-corpus-banner")
    gr.Markdown("### Remove an uploaded document")
    choice = gr.Dropdown(label="Uploaded documents", choices=[], value=None,
                         elem_id="mc-remove-choice")
    remove = gr.Button("Remove from the index", variant="stop", elem_id="mc-remove")
    removed = gr.Markdown(elem_id="mc-remove-result")
    outputs = [banner, choice]

    def refresh(request: gr.Request) -> tuple[Any, ...]:
        guard(roles, request)
        return (staff.corpus_changed_banner(services),
                gr.Dropdown(choices=staff.uploaded_documents(services), value=None))

    def remove_one(key: str | None, request: gr.Request) -> tuple[Any, ...]:
        guard(roles, request)
        return staff.remove_upload(services, key), *refresh(request)

    tab.select(refresh, None, outputs, api_visibility="private")
    remove.click(remove_one, [choice], [removed, *outputs], concurrency_limit=1,
                 api_visibility="private")
    return refresh, outputs


def evals_tab(services: Services, roles: Roles, tab: gr.Tab) -> None:
    """The Evals tab's content and events, inside the tab being built."""
    gr.Markdown("## Evals\nFor program staff: run the quality suite on the current corpus and "
                "engine, read what fails, and compare with the recorded baseline.")
    banner = gr.Markdown(elem_id="mc-evals-banner")
    run = gr.Button("Run the evals", variant="primary", elem_id="mc-run-evals")
    summary = gr.Markdown(elem_id="mc-evals-summary")
    report = gr.HTML(elem_id="mc-evals-report")
    files = gr.File(label="Download the report (HTML, JSON)", file_count="multiple",
                    interactive=False, elem_id="mc-evals-files")
    gr.Markdown("## Feedback from learners")
    feedback = gr.Markdown(elem_id="mc-feedback")
    export = gr.Button("Export feedback as CSV", elem_id="mc-feedback-export")
    exported = gr.File(label="Feedback (CSV)", interactive=False, elem_id="mc-feedback-csv")
    progress = gr.Progress()

    def opened(request: gr.Request) -> tuple[str, str]:
        guard(roles, request)
        return (staff.corpus_changed_banner(services),
                staff.feedback_markdown(staff.feedback_in_order(services.feedback)))

    def evaluate(request: gr.Request, progress: gr.Progress = progress) -> tuple[Any, ...]:
        guard(roles, request)
        progress(0, desc="Starting the evals")
        try:
            view = staff.run_evals(services, lambda done, total: progress(
                (done, total), desc="Evaluating", unit="cases"))
        except (CaseError, BaselineError, LabelError) as exc:
            raise gr.Error(f"The evals cannot run: {exc}") from None
        return view.summary, view.html, view.files, staff.corpus_changed_banner(services)

    def export_csv(request: gr.Request) -> str:
        guard(roles, request)
        return str(staff.feedback_csv(staff.feedback_in_order(services.feedback)))

    tab.select(opened, None, [banner, feedback], api_visibility="private")
    run.click(evaluate, None, [summary, report, files, banner], concurrency_limit=1,
              concurrency_id="evals", api_visibility="private")
    export.click(export_csv, None, exported, api_visibility="private")
