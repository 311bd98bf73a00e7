"""The staff side of the web app, end to end: roles from MENTORCOACH_UI_AUTH, the Evals tab,
removing an uploaded document and reading feedback, in a real browser and as a bare API
client. A learner neither sees the staff tabs nor gets an answer from their endpoints."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.plan import Citation, Reply
from assistant.settings import Settings
from tests.support.llm_server import free_port
from tests.support.web import SMART_GOALS_MD, call_event
from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS, SHOTS
from ui.web import handlers
from ui.web.launch import launch
from ui.web.roles import STAFF_ONLY
from ui.web.services import Services

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ACCOUNTS = "# program accounts\nrosa:staff-pass-1:staff\nliam:learner-pass-1\n"
STAFF = ("rosa", "staff-pass-1")
LEARNER = ("liam", "learner-pass-1")
#: The staff handlers, by function name (see ui/web/app.py and ui/web/staff_tabs.py).
STAFF_HANDLERS = {"corpus", "add_files", "refresh", "remove_one", "opened", "evaluate",
                  "export_csv"}
CADENCE = "# Meeting cadence\n## Monthly\nMentor and mentee meet once a month for an hour.\n"
UPLOADED = "# Rematch policy\n## Asking\nEither party can ask for a no-fault rematch.\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory, embedder) -> Iterator[tuple[str, object, Services]]:
    """The app with a staff and a learner account, one uploaded document and two ratings."""
    root = tmp_path_factory.mktemp("ui-staff")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "smart-goals.md").write_text(SMART_GOALS_MD, encoding="utf-8")
    (corpus / "cadence.md").write_text(CADENCE, encoding="utf-8")
    accounts = root / "accounts.txt"
    accounts.write_text(ACCOUNTS, encoding="utf-8")
    settings = Settings(home=root / "home", corpus_dir=corpus, llm="offline",
                        ui_auth=str(accounts))
    services = Services.create(settings, embedder=embedder)
    services.sync([corpus])
    upload = root / "Rematch policy.md"
    upload.write_text(UPLOADED, encoding="utf-8")
    assert "Added" in handlers.add_documents(services, [upload])
    reply = Reply("advising", "[Advising]\nMeet once a month [1].", [Citation(
        1, "cadence.md", "Meeting cadence", "Monthly", "c1", "meet once a month")], "offline")
    services.feedback.rate("s1", 1, "up", question="How often?", reply=reply)
    down = services.feedback.rate("s2", 1, "down", question="Who decides?", reply=reply)
    services.feedback.comment(down, "It did not answer who decides.")
    port = free_port()
    demo = launch(settings, host="127.0.0.1", port=port, block=False, services=services)
    try:
        yield f"http://127.0.0.1:{port}", demo, services
    finally:
        demo.close()


@contextmanager
def signed_in(url: str, account: tuple[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as web:
        answer = web.post("/login", data={"username": account[0], "password": account[1]})
        assert answer.status_code == 200
        yield web


def staff_events(demo) -> dict[int, tuple[str, int]]:
    """fn_index -> (handler name, number of inputs) of every staff event."""
    return {key: (fn.fn.__name__, len(fn.inputs)) for key, fn in demo.fns.items()
            if fn.fn is not None and fn.fn.__name__ in STAFF_HANDLERS}


def test_a_learner_gets_no_answer_from_any_staff_endpoint(served):
    url, demo, services = served
    events = staff_events(demo)
    assert {name for name, _ in events.values()} == STAFF_HANDLERS
    before = len(services.store.documents())
    with signed_in(url, LEARNER) as web:
        for fn_index, (name, inputs) in events.items():
            answer = call_event(web, fn_index, [None] * inputs)
            assert answer.get("success") is not True, name
            assert STAFF_ONLY in str(answer), (name, answer)
        named = call_event(web, events_named(demo, "corpus_status"), [])
        assert STAFF_ONLY in str(named)
    assert len(services.store.documents()) == before


def test_the_named_endpoint_answers_staff(served):
    url, demo, _ = served
    with signed_in(url, STAFF) as web:
        answer = call_event(web, events_named(demo, "corpus_status"), [])
    assert answer.get("success") is True
    assert "cadence.md" in str(answer["output"]["data"])


def events_named(demo, api_name: str) -> int:
    return next(key for key, fn in demo.fns.items() if fn.api_name == api_name)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in(browser, url: str, account: tuple[str, str]):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.get_by_label("username").fill(account[0])
    page.get_by_label("password").fill(account[1])
    page.get_by_role("button", name="Login").click()
    page.locator("#mc-chat").wait_for(timeout=30_000)
    return page


@pytest.mark.slow
def test_a_learner_sees_only_the_chat(served, browser):
    url, _, _ = served
    page = sign_in(browser, url, LEARNER)
    try:
        page.get_by_role("tab", name="Chat").wait_for(timeout=15_000)
        page.wait_for_timeout(1000)  # the page-load event has set the tabs
        assert page.get_by_role("tab", name="Corpus").count() == 0
        assert page.get_by_role("tab", name="Evals").count() == 0
        assert not page.locator("#mc-run-evals").is_visible()
        assert not page.locator("#mc-single-user").count()
    finally:
        page.close()


@pytest.mark.slow
def test_staff_run_the_evals_remove_a_document_and_read_feedback(served, browser, tmp_path):
    url, _, services = served
    page = sign_in(browser, url, STAFF)
    try:
        page.get_by_role("tab", name="Evals").click()
        banner = page.locator("#mc-evals-banner")
        banner.get_by_text("never been evaluated").wait_for(timeout=15_000)
        feedback = page.locator("#mc-feedback")
        feedback.get_by_text("thumbs down (shown first)").wait_for(timeout=15_000)
        rows = feedback.locator("tbody tr")
        assert "down" in rows.nth(0).inner_text() and "did not answer who decides" in (
            rows.nth(0).inner_text())
        assert "up" in rows.nth(1).inner_text()
        page.locator("#mc-feedback-export").click()
        page.locator("#mc-feedback-csv [aria-label='mentorcoach-feedback.csv']").wait_for(
            timeout=15_000)
        with page.expect_download() as download:
            page.locator("#mc-feedback-csv a").first.click()
        saved = tmp_path / "feedback.csv"
        download.value.save_as(saved)
        with saved.open(encoding="utf-8") as handle:
            exported = list(csv.DictReader(handle))
        assert [r["rating"] for r in exported] == ["down", "up"]
        assert exported[0]["comment"] == "It did not answer who decides."

        page.locator("#mc-run-evals").click()
        verdict = page.locator("#mc-evals-verdict")
        verdict.wait_for(timeout=180_000)
        report = page.locator("#mc-evals-report")
        assert "Failing cases" in report.inner_text()
        assert "Compared with the baseline" in report.inner_text()
        assert "held-out" in report.inner_text()
        assert report.locator("svg").count() >= 1
        summary = page.locator("#mc-evals-summary").inner_text()
        assert ("passed" in verdict.inner_text()) == ("Eval passed" in summary)
        for name in ("report.html", "report.json"):
            page.locator(f"#mc-evals-files [aria-label='{name}']").wait_for(timeout=15_000)
        assert banner.inner_text().strip() == ""
        page.screenshot(path=SHOTS / "evals.png", full_page=True)

        page.get_by_role("tab", name="Corpus").click()
        documents = page.locator("#mc-corpus-documents")
        documents.get_by_text("Rematch policy.md").wait_for(timeout=15_000)
        page.locator("#mc-remove-choice input").click()
        page.get_by_role("option", name="Rematch policy (Rematch policy.md)").click()
        page.locator("#mc-remove").click()
        page.locator("#mc-remove-result").get_by_text("Removed").wait_for(timeout=30_000)
        assert [d.source for d in services.store.documents()] == ["cadence.md",
                                                                   "smart-goals.md"]
        assert not (services.settings.home / "uploads" / "Rematch policy.md").exists()
        page.locator("#mc-corpus-banner").get_by_text("corpus has changed").wait_for(
            timeout=15_000)
        page.screenshot(path=SHOTS / "corpus-remove.png", full_page=True)
    finally:
        page.close()


def test_removing_an_upload_keeps_everything_else(served):
    _, _, services = served
    from ui.web import staff

    assert staff.remove_upload(services, None) == "Choose an uploaded document first."
    starter = next(r for r in services.store.documents() if r.source == "cadence.md")
    assert "Only documents uploaded" in staff.remove_upload(services, starter.key)
    assert starter in services.store.documents()
    assert Path(starter.root, starter.source).exists()
