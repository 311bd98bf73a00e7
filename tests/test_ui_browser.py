"""End to end in a real browser: headless Chromium drives the app, as a person would."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from assistant.settings import Settings
from tests.support.documents import make_pdf
from tests.support.web import SMART_GOALS_MD, offline_services, serving
from ui.web.feedback import FeedbackStore, feedback_path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "ui"
QUESTION = "My mentee keeps missing our meetings. What should I do?"
YEAR = date.today().year + 1
GOAL = (
    "Can you help me set a SMART goal? I will give structured feedback to each student after "
    f"every teaching session by March {YEAR}"
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory, embedder) -> Iterator[tuple[str, Settings]]:
    """The app over a small corpus, on a free loopback port, answering offline."""
    root = tmp_path_factory.mktemp("ui-browser")
    (root / "corpus").mkdir()
    make_pdf(
        root / "corpus" / "difficult-situations.pdf",
        [
            "When a mentee misses two meetings in a row, the mentor can ask what is getting in "
            "the way before re-agreeing the meeting cadence. Missed meetings usually signal "
            "competing clinical duties rather than a lack of interest."
        ],
        title="Handling difficult situations in mentoring",
    )
    services = offline_services(root, embedder, {"smart-goals.md": SMART_GOALS_MD})
    with serving(services) as url:
        yield url, services.settings


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def badge(page, mode: str):
    """The bold mode label that opens an assistant message."""
    return page.locator("#mc-chat [data-testid='bot'] strong", has_text=f"[{mode}]")


def test_a_question_gets_a_labelled_cited_reply(app, browser):
    url, settings = app
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url)
        badge(page, "Coaching").first.wait_for(timeout=30_000)
        assert "what kind of guidance" in page.locator("#mc-chat").inner_text()
        assert "offline composer" in page.locator("#mc-engine").inner_text()

        page.get_by_label("Advising").check()
        page.locator("#mc-message textarea").fill(QUESTION)
        page.keyboard.press("Enter")

        badge(page, "Advising").first.wait_for(timeout=30_000)
        sources = page.locator("#mc-sources")
        sources.get_by_text("difficult-situations.pdf").wait_for(timeout=30_000)
        assert "When a mentee misses two meetings in a row" in sources.inner_text()
        assert "[1]" in page.locator("#mc-chat [data-testid='bot']").last.inner_text()
        assert page.locator("#mc-message textarea").input_value() == ""
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "chat-desktop.png", full_page=True)

        with page.expect_download() as download:
            page.locator("#mc-download").click()
        transcript = Path(download.value.path()).read_text(encoding="utf-8")
        assert f"## You\n\n{QUESTION}" in transcript and "## mentorcoach · Advising" in transcript

        page.locator("#mc-chat").get_by_role("button", name="Like").last.click()
        page.locator("#mc-comment textarea").fill("Clear and practical.")
        page.locator("#mc-send-comment").click()
        page.locator("#mc-notice").get_by_text("comment is saved").wait_for(timeout=10_000)
        (feedback,) = FeedbackStore(feedback_path(settings.home)).all()
        assert (feedback.rating, feedback.comment, feedback.question) == (
            "up", "Clear and practical.", QUESTION
        )
        assert feedback.citations[0]["source"] == "difficult-situations.pdf"

        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=SHOTS / "chat-phone.png", full_page=True)
    finally:
        page.close()


def test_a_goal_conversation_fills_the_goal_panel_and_exports(app, browser):
    url, _ = app
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url)
        badge(page, "Coaching").first.wait_for(timeout=30_000)
        panel = page.locator("#mc-goal")
        assert "help me set a SMART goal" in panel.inner_text()
        assert page.locator("#mc-goal-markdown").is_disabled()

        page.locator("#mc-message textarea").fill(GOAL)
        page.keyboard.press("Enter")
        panel.get_by_text("Checklist").wait_for(timeout=30_000)
        shown = panel.inner_text()
        assert "Status: drafting" in shown and f"Deadline: 31 March {YEAR}" in shown
        assert "✓ Specific: give structured feedback" in shown
        assert "○ Attainable, unclear: What time, resources or support" in shown
        page.screenshot(path=SHOTS / "goal-panel.png", full_page=True)

        with page.expect_download() as download:
            page.locator("#mc-goal-markdown").click()
        assert download.value.suggested_filename == "mentorcoach-goal.md"
        markdown = Path(download.value.path()).read_text(encoding="utf-8")
        assert "### Checklist" in markdown and "- [x] **Specific**" in markdown
        with page.expect_download() as download:
            page.locator("#mc-goal-calendar").click()
        calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
        assert date(YEAR, 3, 31) in [e.decoded("DTSTART") for e in calendar.walk("VEVENT")]

        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=SHOTS / "goal-phone.png", full_page=True)
    finally:
        page.close()


def test_the_single_local_user_sees_the_corpus_and_adds_a_document(app, browser, tmp_path):
    url, _ = app
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url)
        # Loopback without sign-in: one user, who sees the staff tabs, and the page says so.
        assert "without sign-in" in page.locator("#mc-single-user").inner_text()
        page.get_by_role("tab", name="Corpus").click()
        summary = page.locator("#mc-corpus-summary")
        summary.get_by_text("Corpus fingerprint").wait_for(timeout=15_000)
        assert "Documents: 2" in summary.inner_text()
        assert "difficult-situations.pdf" in page.locator("#mc-corpus-documents").inner_text()

        note = tmp_path / "Ending well.md"
        note.write_text("# Ending well\n## Closure\nEnd with a review of goals.\n", "utf-8")
        page.locator("#mc-upload input[type=file]").set_input_files(note)
        page.locator("#mc-upload").get_by_text("Ending well.md").wait_for(timeout=30_000)
        page.locator("#mc-add").click()
        result = page.locator("#mc-upload-result")
        result.get_by_text("Added").wait_for(timeout=30_000)
        assert "Ending well.md" in result.inner_text()
        assert "Documents: 3" in summary.inner_text()
        assert "Ending well.md" in page.locator("#mc-corpus-documents").inner_text()
        page.screenshot(path=SHOTS / "corpus.png", full_page=True)
    finally:
        page.close()


def test_a_safety_reply_shows_its_own_badge_and_the_help_contacts(app, browser):
    url, _ = app
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url)
        badge(page, "Coaching").first.wait_for(timeout=30_000)
        assert not page.locator("#mc-help").is_visible()
        page.locator("#mc-message textarea").fill(
            "Lately I think everyone would be better off without me.")
        page.keyboard.press("Enter")

        safety = badge(page, "Safety").first
        safety.wait_for(timeout=30_000)
        colours = [b.evaluate("e => getComputedStyle(e).backgroundColor")
                   for b in (safety, badge(page, "Coaching").first)]
        assert colours[0] == "rgb(180, 35, 24)" and colours[0] != colours[1]
        panel = page.locator("#mc-help")
        panel.wait_for(state="visible", timeout=10_000)
        assert "988" in panel.inner_text() and "911" in panel.inner_text()
        assert "default contacts for the United States" in panel.inner_text()
        page.screenshot(path=SHOTS / "chat-safety.png", full_page=True)

        page.locator("#mc-message textarea").fill("ok")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "document.querySelectorAll('#mc-chat [data-testid=\"bot\"]').length >= 3",
            timeout=30_000)
        assert panel.is_visible(), "the contacts stay while the conversation is in safety"
    finally:
        page.close()
