"""Roles and the staff tools' plain functions: who is staff, feedback order and CSV export."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest

from assistant.plan import Reply
from ui.web.feedback import FeedbackStore
from ui.web.roles import STAFF_ONLY, Account, NotStaffError, Roles
from ui.web.staff import CSV_COLUMNS, feedback_csv, feedback_in_order, feedback_markdown


def request(user: str | None) -> SimpleNamespace:
    return SimpleNamespace(username=user)


def test_roles_come_from_the_accounts_and_default_to_learner():
    roles = Roles({"rosa": Account("x", "staff"), "liam": Account("y")})
    assert roles.of(request("rosa")) == "staff" and roles.is_staff(request("rosa"))
    assert roles.of(request("liam")) == "learner"
    assert roles.of(request("mallory")) == "learner" and roles.of(request(None)) == "learner"
    roles.require_staff(request("rosa"))
    with pytest.raises(NotStaffError, match=STAFF_ONLY):
        roles.require_staff(request("liam"))
    assert not roles.single_user


def test_without_accounts_the_one_local_user_is_staff():
    roles = Roles()
    assert roles.single_user and roles.is_staff(request(None))


def test_feedback_reads_thumbs_down_first_and_exports_every_field(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    reply = Reply("coaching", "[Coaching]\nWhat would help?", [], "offline")
    store.rate("a", 1, "up", question="Q1", reply=reply)
    down = store.rate("b", 1, "down", question="Q2, with a comma", reply=reply)
    store.comment(down, "Too vague")
    store.rate("c", 1, "up", question="Q3", reply=reply)
    ordered = feedback_in_order(store)
    assert [r.rating for r in ordered] == ["down", "up", "up"]
    shown = feedback_markdown(ordered)
    assert "3 ratings, 1 thumbs down" in shown and "Too vague" in shown
    assert shown.index("Q2") < shown.index("Q1")
    path = feedback_csv(ordered, tmp_path)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["question"] == "Q2, with a comma" and rows[0]["comment"] == "Too vague"
    assert rows[0]["mode"] == "coaching" and rows[0]["engine"] == "offline"
    assert feedback_markdown([]).startswith("No feedback yet")
