"""The SMART checker against a labelled table of health-professions goals."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.smart import CRITERIA, GoalDraft, SmartReport, check_goal, goal_statement
from assistant.smart.clauses import without_lead_in
from assistant.smart.report import CriterionResult

TABLE = yaml.safe_load(Path(__file__).with_name("smart_goals_table.yaml").read_text())
TODAY: date = TABLE["today"]
GOALS: list[dict[str, Any]] = TABLE["goals"]
OPEN_QUESTION = re.compile(r"^(?:What|How|When|Which)\b")
DIRECTIVE = re.compile(
    r"\b(?:you should|you need to|you must|i recommend|i suggest|try to)\b", re.I
)


def _check(goal: dict[str, Any]) -> SmartReport:
    return check_goal(goal["text"], today=TODAY, context=goal.get("context", ""))


def test_table_is_large_and_covers_every_domain() -> None:
    dev = [g for g in GOALS if "split" not in g]
    assert len(dev) >= 45
    assert {g["domain"] for g in GOALS} == {
        "teaching",
        "research",
        "clinical",
        "leadership",
        "wellbeing",
    }
    assert len({g["id"] for g in GOALS}) == len(GOALS)


@pytest.mark.parametrize("goal", GOALS, ids=[g["id"] for g in GOALS])
def test_goal_reads_as_labelled(goal: dict[str, Any]) -> None:
    report = _check(goal)
    got = {name: report.criterion(name).status for name in CRITERIA}
    wrong = {name for name in CRITERIA if got[name] != goal["expect"][name]}
    # Known misses must stay wrong, so that fixing one shows up here and in the table.
    assert wrong == set(goal.get("known_miss", ())), {"expected": goal["expect"], "got": got}
    if "deadline" in goal:
        assert report.deadline == goal["deadline"]
    assert report.multiple_goals is goal.get("multiple_goals", False)


def test_questions_are_open_and_evidence_is_quoted() -> None:
    for goal in GOALS:
        report = _check(goal)
        said = goal["text"] + "\n" + goal.get("context", "")
        for name in CRITERIA:
            result = report.criterion(name)
            if result.status == "present":
                assert result.question is None
            else:
                assert result.question and OPEN_QUESTION.match(result.question), result.question
                assert not DIRECTIVE.search(result.question)
            assert result.evidence is None or result.evidence in said, (goal["id"], name)
        if report.time_bound.status != "present":
            assert report.deadline is None


def test_report_counts_and_serialises() -> None:
    report = check_goal(
        "By 31 March 2027, I will deliver three bedside teaching sessions, "
        "so that I can build my teaching portfolio.",
        today=TODAY,
    )
    assert report.score == 4
    assert report.missing == ("attainable",)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["deadline"] == "2027-03-31"
    assert data["criteria"]["attainable"]["status"] == "unclear"
    assert data["score"] == 4 and data["missing"] == ["attainable"]
    assert type(report).from_dict(data) == report


def test_two_goals_in_one_sentence_ask_which_first() -> None:
    report = check_goal("I will publish a paper and run a marathon.", today=TODAY)
    assert report.multiple_goals
    assert report.goals == ("publish a paper", "run a marathon")
    assert report.multiple_goals_question == (
        "Which of these would you like to focus on first: 'publish a paper' or 'run a marathon'?"
    )
    assert report.questions()[0] == report.multiple_goals_question


def test_shared_object_and_back_reference_are_one_goal() -> None:
    for text in (
        "I will design and deliver a sepsis workshop by Q3.",
        "I will run a QI project on handover and present the results at grand rounds.",
    ):
        assert not check_goal(text, today=TODAY).multiple_goals, text


def test_steps_listed_one_after_another_are_the_specific_action() -> None:
    report = check_goal("I need to finish the survey, write up the results, and present at the "
                        "regional meeting in June", today=TODAY)
    assert report.specific == CriterionResult(
        "present", "finish the survey, write up the results, and present at the regional meeting")
    assert not report.multiple_goals


def test_a_bare_project_says_nothing_of_what_is_done() -> None:
    assert check_goal("finish the project", today=TODAY).specific.status == "unclear"


def test_an_answer_on_what_the_action_is_replaces_it_and_it_means_the_goal() -> None:
    draft = GoalDraft.start("finish the project", today=TODAY)
    draft = draft.update("data entry is half done, and I need to finish it, write up the "
                         "results, and present at the regional meeting in June", today=TODAY)
    assert draft.statement == ("By 30 June 2027, I will finish the project, write up the "
                               "results, and present at the regional meeting.")


@pytest.mark.parametrize("said", ["my goal is literally just 'finish the project'",
                                  "basically just \"finish the project\"",
                                  "goal: finish the project",
                                  "I want a SMART goal for finishing the project"])
def test_words_playing_the_goal_down_and_its_quotes_are_not_the_goal(said: str) -> None:
    assert without_lead_in(said) in ("finish the project", "finishing the project")


@pytest.mark.parametrize(
    ("phrase", "today", "deadline"),
    [
        ("in 3 months", date(2026, 11, 22), date(2027, 2, 22)),
        ("in 3 months", date(2027, 1, 10), date(2027, 4, 10)),
        ("by Q3", date(2026, 5, 1), date(2026, 9, 30)),
        ("by Q3", date(2026, 11, 22), date(2027, 9, 30)),
        ("next year", date(2026, 11, 22), date(2027, 12, 31)),
        ("within six weeks", date(2026, 11, 22), date(2027, 1, 3)),
        ("by June 30", date(2026, 11, 22), date(2027, 6, 30)),
        ("by June 30", date(2026, 3, 1), date(2026, 6, 30)),
        ("before my board exam in May", date(2026, 11, 22), date(2027, 4, 30)),
        ("by the end of February 2028", date(2026, 11, 22), date(2028, 2, 29)),
        ("by next Friday", date(2026, 11, 22), date(2026, 11, 27)),
        ("over the next year", date(2026, 11, 22), date(2027, 11, 22)),
    ],
)
def test_relative_dates_follow_today(phrase: str, today: date, deadline: date) -> None:
    report = check_goal(f"I will submit my portfolio {phrase}.", today=today)
    assert report.time_bound.status == "present"
    assert report.deadline == deadline


def test_past_date_asks_for_a_new_one() -> None:
    report = check_goal("I will submit my grant application by 1 March 2026.", today=TODAY)
    assert report.time_bound.status == "unclear"
    assert report.time_bound.evidence == "by 1 March 2026"
    assert report.time_bound.question and "1 March 2026 has passed" in report.time_bound.question
    assert report.deadline is None


def test_event_without_a_date_asks_for_one() -> None:
    report = check_goal("Teach ECGs weekly until the end of the rotation.", today=TODAY)
    assert report.time_bound.status == "unclear"
    assert report.time_bound.evidence == "until the end of the rotation"
    assert report.time_bound.question and report.time_bound.question.startswith("Which date")


def test_start_date_is_not_a_deadline() -> None:
    report = check_goal("Cut my caffeine to two coffees a day from next week.", today=TODAY)
    assert report.deadline is None
    assert report.time_bound.status == "unclear"


def test_context_informs_attainable_and_relevant_only() -> None:
    goal = "I will give feedback to students."
    context = "My supervisor has agreed to support me, because I want to become an educator."
    bare = check_goal(goal, today=TODAY)
    told = check_goal(goal, today=TODAY, context=context)
    assert (bare.attainable.status, bare.relevant.status) == ("unclear", "unclear")
    assert (told.attainable.status, told.relevant.status) == ("present", "present")
    assert told.measurable == bare.measurable and told.time_bound == bare.time_bound


def test_today_defaults_to_the_current_date() -> None:
    report = check_goal("I will read two papers in 2 weeks.")
    assert report.deadline and report.deadline > date.today()


def test_empty_text_reads_as_nothing_said() -> None:
    report = check_goal("", today=TODAY)
    assert report.score == 0
    assert len(report.questions()) == 5


def test_goal_statement() -> None:
    assert goal_statement(
        date(2027, 3, 31),
        "I will give structured feedback to each resident",
        "after every call shift",
        "I can build my teaching portfolio",
    ) == (
        "By 31 March 2027, I will give structured feedback to each resident after every "
        "call shift, so that I can build my teaching portfolio."
    )


def test_goal_statement_keeps_the_learners_connector_and_skips_repeats() -> None:
    statement = goal_statement(
        date(2027, 1, 3),
        "Observe two senior colleagues teaching",
        "two senior colleagues",
        "because I want to become a clinician educator.",
    )
    assert statement == (
        "By 3 January 2027, I will observe two senior colleagues teaching, "
        "because I want to become a clinician educator."
    )
    assert goal_statement(date(2027, 1, 3), "pass the ACLS exam", "", "") == (
        "By 3 January 2027, I will pass the ACLS exam."
    )


@pytest.mark.parametrize(
    ("action", "measure", "said"),
    [
        ("publish a case report", "submitted to a journal", "submit a case report to a journal"),
        ("give a talk on sepsis", "presented at grand rounds",
         "present a talk on sepsis at grand rounds"),
        ("write a case report", "submitting the case report", "submit a case report"),
        # A count or a rhythm joins the action as said.
        ("go to the gym", "three times a week", "go to the gym three times a week"),
        ("review the discharge letters", "every week", "review the discharge letters every week"),
    ],
)
def test_a_measure_naming_the_actions_outcome_rephrases_it(
    action: str, measure: str, said: str
) -> None:
    statement = goal_statement(date(2027, 3, 31), action, measure, "")
    assert statement == f"By 31 March 2027, I will {said}."


def test_a_measuring_answer_that_restates_the_action_becomes_the_measure() -> None:
    draft = GoalDraft.start("publish a case report this year", today=TODAY)
    other = draft.update("I'd measure it by submitting the audit", today=TODAY)
    assert other.report.measurable.evidence == "publish a case report"
    chosen = draft.update("I'd measure it by getting it submitted to a journal", today=TODAY)
    assert chosen.report.measurable.evidence == "submitted to a journal"
    assert chosen.statement == "By 31 December 2026, I will submit a case report to a journal."


@pytest.mark.parametrize("phrase", ["by 31/02/2027", "by 2027-02-30", "by Q3 0000"])
def test_impossible_date_asks_which_date(phrase: str) -> None:
    report = check_goal(f"I will submit my paper {phrase}.", today=TODAY)
    assert report.time_bound.status == "unclear"
    assert report.time_bound.evidence == phrase
    assert report.deadline is None


def test_wish_to_be_better_is_not_a_reason() -> None:
    goal = "I will give feedback to students."
    assert check_goal(goal, context="I want to be a better teacher.").relevant.status == "unclear"
    assert check_goal(goal, context="I want to become a GP trainer.").relevant.status == "present"


def test_time_left_and_a_time_before_another_are_neither_a_measure_nor_a_rhythm() -> None:
    report = check_goal("get my abstract done, I really have 3 weeks", today=TODAY)
    assert report.measurable.status == "missing"
    assert report.time_bound.status == "unclear" and report.time_bound.evidence == "3 weeks"
    early = check_goal("my preceptor sees a draft a week before the deadline", today=TODAY)
    assert early.time_bound.evidence == "before the deadline"  # not the rhythm "a draft a week"
    assert check_goal("three weeks away", today=TODAY).deadline == date(2026, 12, 13)


def test_a_deadline_named_in_a_later_answer_moves_the_date() -> None:
    draft = GoalDraft.start("get my poster abstract done, the deadline is three weeks away",
                            today=TODAY)
    moved = draft.update("the deadline is the 21st so I really have 3 weeks. I want my "
                         "preceptor to see a draft a week before that", today=TODAY)
    assert moved.deadline == date(2026, 12, 21)


def test_a_measure_drafting_the_goals_object_and_a_reason_said_bc_read_as_written() -> None:
    draft = GoalDraft.start("getting my poster abstract done by the 21st", today=TODAY)
    draft = draft.update("measure it: draft to my preceptor by the 14th so I'm not up against "
                         "the portal at midnight", today=TODAY)
    draft = draft.update("it matters bc it's my first real presentation", today=TODAY)
    assert draft.statement == ("By 21 December 2026, I will draft my poster abstract to my "
                               "preceptor by the 14th, because it's my first real presentation.")
