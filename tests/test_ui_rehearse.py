"""The Rehearse tab in a real browser, and its handlers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.web import SMART_GOALS_MD, offline_services, serving
from ui.web import rehearse_tab

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "ui"


def test_the_handlers_play_a_rehearsal_and_export_it(guide, tmp_path: Path) -> None:
    state, messages = rehearse_tab.start(guide, "mentee-misses-meetings")
    assert messages[0]["content"].startswith("**[Rehearsal: Priya]**")
    state, messages, note = rehearse_tab.say(
        guide, state, "I've noticed we've missed our last three meetings and wanted to ask "
                      "what's been happening.")
    assert not note and messages[-1]["content"].startswith("**[Rehearsal: Priya]**")
    assert rehearse_tab.export(guide, state, tmp_path) is None
    state, messages, _ = rehearse_tab.say(guide, state, rehearse_tab.END)
    assert "you said" in rehearse_tab.feedback_markdown(state)
    path = rehearse_tab.export(guide, state, tmp_path)
    assert path is not None and "## Feedback" in path.read_text(encoding="utf-8")
    _, _, note = rehearse_tab.say(guide, state, "hello?")
    assert "Start rehearsal" in note


@pytest.fixture(scope="module")
def app(tmp_path_factory, embedder) -> Iterator[str]:
    root = tmp_path_factory.mktemp("ui-rehearse")
    services = offline_services(root, embedder, {"smart-goals.md": SMART_GOALS_MD})
    with serving(services) as url:
        yield url


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_the_rehearse_tab_in_a_browser(app: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            page.goto(app)
            page.get_by_role("tab", name="Rehearse").click()
            brief = page.locator("#mc-scenario-brief")
            brief.get_by_text("Your objective:").wait_for(timeout=30_000)
            assert "Asking someone to be your mentor" in brief.inner_text()

            page.locator("#mc-rehearse-start").click()
            badge = page.locator("#mc-rehearsal [data-testid='bot'] strong",
                                 has_text="[Rehearsal: Dr. Patel]")
            badge.first.wait_for(timeout=30_000)
            assert "ten minutes before my next clinic" in page.locator(
                "#mc-rehearsal").inner_text()

            page.locator("#mc-rehearse-line textarea").fill(
                "Would you be willing to meet for thirty minutes once a month until June?")
            page.keyboard.press("Enter")
            page.wait_for_function("document.querySelectorAll(\"#mc-rehearsal "
                                   "[data-testid='bot']\").length >= 2", timeout=30_000)
            assert badge.count() == 2

            page.locator("#mc-rehearse-end").click()
            feedback = page.locator("#mc-rehearse-feedback")
            feedback.get_by_text("you said").first.wait_for(timeout=30_000)
            assert "[Coaching]" in feedback.inner_text()
            assert "thirty minutes once a month" in feedback.inner_text()
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / "rehearse.png", full_page=True)
            with page.expect_download() as download:
                page.locator("#mc-rehearse-download").click()
            exported = Path(download.value.path()).read_text(encoding="utf-8")
            assert "## Transcript" in exported and "**[Rehearsal: Dr. Patel]**" in exported
        finally:
            page.close()
            browser.close()
