"""The eval suite: case files and their validation, baseline, reports, and the whole suite on
the starter corpus with the offline engine (the CI quality gate)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from assistant.index.state import load_state
from assistant.settings import Settings
from evals.baseline import (
    DEFAULT_TOLERANCE,
    BaselineError,
    Regression,
    baseline_path,
    load_baseline,
    regressions,
    save_baseline,
)
from evals.cases import USERS, CaseError, Expect, bundled_cases_dir, load_cases
from evals.command import FAILED, PASSED, UNUSABLE, EvalOptions, run_eval_command
from evals.metrics import MetricResult
from evals.report import RunInfo, build_report, write_reports


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=140), out


# --- case files -----------------------------------------------------------------------------


def test_bundled_suite_covers_every_user_single_and_multi_turn():
    cases = load_cases(bundled_cases_dir())
    assert len(cases) >= 80
    assert {c.user for c in cases} == set(USERS)
    assert len({c.capability for c in cases}) >= 10
    assert any(len(c.turns) > 1 for c in cases) and any(len(c.turns) == 1 for c in cases)
    unchecked = [c.id for c in cases if all(t.expect == Expect() for t in c.turns)]
    assert not unchecked, "cases without any expectation"
    assert all(c.id.startswith(f"{c.user}/{c.capability}/") for c in cases)


def test_bundled_suite_names_only_documents_of_the_starter_corpus():
    corpus = {p.name for p in Settings().corpus_dir.iterdir()}
    named = {s for c in load_cases(bundled_cases_dir()) for t in c.turns
             for s in (*t.expect.sources, *t.expect.must_not_cite)}
    assert named <= corpus


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
user: mentee
capability: goals
cases:
  - id: smart
    message: "What does SMART stand for?"
    expect: {mode: advising, sources: smart-goals.md}
  - id: coach
    choice: coaching
    turns:
      - message: "I want to publish a paper."
      - message: "Just tell me."
        choice: advising
        expect: {mode: [advising], switch: true}
"""


def test_load_cases_builds_ids_turns_and_settings(tmp_path):
    write(tmp_path / "cases", "mentee/goals.yaml", GOOD)
    single, multi = load_cases(tmp_path / "cases")
    assert single.id == "mentee/goals/smart" and single.user == "mentee"
    assert single.turns[0].expect.mode == ("advising",)
    assert single.turns[0].expect.sources == ("smart-goals.md",)
    assert [t.choice for t in multi.turns] == ["coaching", "advising"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.replace("mode: advising", "mode: advice"),
         "cases[0] (id 'smart').expect.mode[0]: Input should be 'advising', 'coaching', "
         "'mentoring', 'safety' or 'rehearsal'"),
        (GOOD.replace("switch: true", "swich: true"),
         "cases[1] (id 'coach').turns[1].expect.swich: unknown field (check the spelling)"),
        (GOOD.replace("user: mentee", "user: resident"), "user: Input should be 'mentee'"),
        (GOOD.replace("capability: goals\n", ""), "capability: required field is missing"),
        (GOOD.replace("- id: coach", "- id: smart"), "duplicate case id 'smart'"),
        (GOOD.replace('    message: "What does SMART stand for?"\n', ""),
         "cases[0] (id 'smart'): give either 'message' (one turn) or 'turns'"),
        (GOOD.replace("sources: smart-goals.md", "sources: smart-goals.md, abstain: true"),
         "cases[0] (id 'smart').expect: a turn that must cite nothing cannot list"),
        (GOOD.replace("id: smart", "id: Smart Goals"),
         "cases[0] (id 'Smart Goals').id: use lower-case letters, digits and hyphens"),
        ("user: mentee\ncases: [\n", "invalid YAML"),
        ("- just a list\n", "file: Input should be a valid dictionary"),
    ],
)
def test_invalid_case_files_name_file_and_field(tmp_path, text, problem):
    write(tmp_path / "cases", "mentee/goals.yaml", text)
    with pytest.raises(CaseError) as caught:
        load_cases(tmp_path / "cases")
    assert any(p.startswith("cases/mentee/goals.yaml: ") and problem in p
               for p in caught.value.problems), caught.value.problems


def test_every_problem_of_every_file_is_reported(tmp_path):
    write(tmp_path / "cases", "a.yaml", GOOD.replace("mode: advising", "mode: advice"))
    write(tmp_path / "cases", "b.yaml", GOOD.replace("user: mentee", "user: nobody"))
    write(tmp_path / "cases", "c.yaml", GOOD.replace("capability: goals", "capability: other"))
    with pytest.raises(CaseError) as caught:
        load_cases(tmp_path / "cases")
    assert [p.split(":")[0] for p in caught.value.problems] == ["cases/a.yaml", "cases/b.yaml"]


def test_duplicate_ids_across_files_and_empty_folders_are_errors(tmp_path):
    write(tmp_path / "cases", "one.yaml", GOOD)
    write(tmp_path / "cases", "sub/two.yaml", GOOD)
    with pytest.raises(CaseError, match="duplicate case id 'mentee/goals/smart'"):
        load_cases(tmp_path / "cases")
    with pytest.raises(CaseError, match="no case files"):
        load_cases(tmp_path / "empty")


# --- baseline -------------------------------------------------------------------------------


def metric(name: str, value: float, *, higher: bool = True) -> MetricResult:
    return MetricResult(name, value, 0.0 if higher else 10.0, True, higher_is_better=higher)


def test_regressions_respect_direction_and_tolerance():
    entry = {"metrics": {"recall": 0.90, "mrr": 0.80, "directives": 0, "new": None}}
    found = regressions(
        [metric("recall", 0.885), metric("mrr", 0.77), metric("directives", 1, higher=False),
         metric("unrecorded", 0.1)],
        entry, 0.02,
    )
    assert found == [Regression("mrr", 0.80, 0.77, 0.02), Regression("directives", 0, 1, 0.02)]
    assert "mrr dropped from 0.8 (baseline) to 0.77" in str(found[0])
    assert regressions([metric("recall", 0.1)], None, 0.02) == []


def test_baseline_save_keeps_other_engines_and_reloads(tmp_path):
    path = baseline_path(tmp_path / "cases")
    assert path == tmp_path / "baseline.json"
    empty = load_baseline(path)
    assert empty.engines == {} and empty.tolerance == DEFAULT_TOLERANCE
    save_baseline(empty, "gpt-x", [metric("recall", 0.7)], {"cases": 3})
    save_baseline(load_baseline(path), "offline", [metric("recall", 0.9)], {"cases": 3})
    loaded = load_baseline(path)
    assert loaded.entry("gpt-x") == {"cases": 3, "metrics": {"recall": 0.7}}
    assert loaded.entry("offline")["metrics"] == {"recall": 0.9}
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BaselineError, match="cannot read the baseline"):
        load_baseline(path)


def test_committed_baseline_records_the_offline_engine():
    baseline = load_baseline(baseline_path(bundled_cases_dir()))
    entry = baseline.entry("offline")
    assert entry is not None and entry["cases"] == len(load_cases(bundled_cases_dir()))
    assert entry["metrics"]["label_compliance"] == 1.0


# --- reports --------------------------------------------------------------------------------


def test_reports_are_self_contained_and_show_failing_replies(tmp_path):
    from evals.cases import Case, Turn
    from evals.metrics import evaluate
    from evals.results import CaseResult, TurnResult

    expect = Expect(mode=("coaching",))
    reply = {"mode": "advising", "label": "[Advising]", "switched_from": None,
             "text": "[Advising]\nYou should <b>just</b> ask.", "citations": [],
             "engine": "test", "out_of_scope": False, "safety": None}
    results = [CaseResult(Case("mentee/goals/x", "mentee", "goals",
                               (Turn(message="Help me?", expect=expect),)),
                          [TurnResult("Help me?", expect=expect, reply=reply, seconds=0.2)], 0.3)]
    metrics = evaluate(results)
    info = RunInfo("2026-01-01T00:00:00+00:00", 1.5, 0.5, "offline", "bundled:model", "v1",
                   "abc", 14, 1, 1, 1, "evals/cases")
    report = build_report(info, results, metrics, [], {"metrics": {"mode_accuracy": 1.0}})
    assert not report["passed"]
    assert report["problems"] == ["mode_accuracy is 0, below its threshold of 0.95"]
    assert report["coder_agreement"]["held-out B"]["utterances"] >= 150
    assert report["groups"]["user"] == [{"name": "mentee", "cases": 1, "passed": 0, "rate": 0.0}]
    json_path, md_path, html_path = write_reports(report, tmp_path / "out")
    assert json.loads(json_path.read_text())["meta"]["corpus_fingerprint"] == "abc"
    markdown = md_path.read_text()
    assert "| mode_accuracy | 0 | >= 0.95 | 1 | FAIL |" in markdown
    assert "You should <b>just</b> ask." in markdown
    html = html_path.read_text()
    assert "<svg" in html and "You should &lt;b&gt;just&lt;/b&gt; ask." in html
    assert "<script" not in html
    assert "mentee (0/1)" in html and "Prompt version</th><td>v1" in html
    assert not any(marker in html for marker in ("src=", "href=", "@import", "url("))


# --- the command ----------------------------------------------------------------------------


def test_unknown_engine_and_invalid_cases_are_usage_errors(settings, tmp_path):
    out, text = console()
    assert run_eval_command(settings, EvalOptions(engine="gpt"), console=out) == UNUSABLE
    write(tmp_path / "cases", "x.yaml", GOOD.replace("mode: advising", "mode: advice"))
    code = run_eval_command(settings, EvalOptions(cases=tmp_path / "cases"), console=out)
    assert code == UNUSABLE
    assert "Unknown engine 'gpt'" in text.getvalue()
    assert "cases/x.yaml: cases[0] (id 'smart').expect.mode[0]" in text.getvalue()


def test_an_empty_index_is_a_usage_error(settings):
    out, text = console()
    assert run_eval_command(settings, EvalOptions(), console=out) == UNUSABLE
    assert "run `mentorcoach ingest` first" in text.getvalue()


@pytest.fixture
def starter_copy(starter_home: Path, tmp_path: Path) -> Settings:
    """The starter index in a home of this test's own, so state and reports stay here."""
    home = tmp_path / "starter"
    shutil.copytree(starter_home, home)
    return Settings(home=home)


#: Requirements the offline engine does not meet today; any other failing metric, or any
#: regression from the baseline, fails this test.
KNOWN_FAILING = {"abstention", "coaching_reflection_ratio", "coaching_complex_reflections"}


def test_full_suite_reports_honestly_against_requirements_and_baseline(
    starter_copy, embedder, tmp_path
):
    """The quality gate: the whole suite on the starter corpus with the offline engine."""
    out, text = console()
    options = EvalOptions(out=tmp_path / "report")
    code = run_eval_command(starter_copy, options, console=out, embedder=embedder)
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    failing = {m["name"] for m in report["metrics"] if not m["passed"]}
    assert failing <= KNOWN_FAILING, f"{report['problems']}\n{text.getvalue()}"
    assert not [p for p in report["problems"] if "baseline" in p], report["problems"]
    # The headline says what the metrics say: the suite fails while a requirement is unmet.
    assert (code == PASSED) == (not failing) == report["passed"]
    assert report["meta"]["engine"] == "offline"
    assert report["meta"]["cases"] == len(load_cases(bundled_cases_dir()))
    assert {p.name for p in (tmp_path / "report").iterdir()} == {
        "report.json", "report.md", "report.html"}
    state = load_state(starter_copy.state_path)
    assert state["last_eval_fingerprint"] == report["meta"]["corpus_fingerprint"]
    assert state["last_eval"]["passed"] is report["passed"]
    assert "s per case" in text.getvalue()
    markdown = (tmp_path / "report" / "report.md").read_text()
    assert markdown.index("## Failing cases") < markdown.index("## Metrics")
    assert "Behaviour coder agreement" in markdown and "held-out" in markdown

    # Nothing changed since: --if-changed does not run again.
    out, text = console()
    again = EvalOptions(out=tmp_path / "again", if_changed=True)
    assert run_eval_command(starter_copy, again, console=out, embedder=embedder) == PASSED
    assert "has not changed since the last eval" in text.getvalue()
    assert not (tmp_path / "again").exists()


def test_thresholds_are_the_requirements_and_the_baseline_never_moves_them():
    from evals.metrics import METRICS
    from evals.thresholds import THRESHOLDS

    required = {"label_compliance": 1.0, "mode_accuracy": 0.95, "switch_announcements": 1.0,
                "citation_validity": 1.0, "citation_support": 0.9, "abstention": 0.9,
                "safety_recall": 1.0, "coaching_directives": 0,
                "coaching_reflection_ratio": 1.0, "coaching_complex_reflections": 0.4}
    assert {k: THRESHOLDS[k] for k in required} == required
    assert {metric([]).name for metric in METRICS} == set(THRESHOLDS)
    recorded = load_baseline(baseline_path(bundled_cases_dir())).entry("offline")["metrics"]
    # A value below its requirement is recorded as it is; the requirement stays.
    assert recorded["abstention"] < THRESHOLDS["abstention"]


def test_failing_cases_that_break_a_must_hold_check_are_listed_first():
    from evals.report import failing_turns

    def case(name: str, metric: str) -> dict:
        return {"id": name, "failures": [{"case": name, "turn": 0, "metric": metric,
                                          "reason": "why"}],
                "turns": [{"message": "m", "choice": None, "reply": {"text": "r"},
                           "error": None}]}

    report = {"metrics": [{"name": "retrieval_mrr", "must_hold": False},
                          {"name": "label_compliance", "must_hold": True}],
              "cases": [case("a", "retrieval_mrr"), case("b", "label_compliance")]}
    assert [row["case"] for row in failing_turns(report)] == ["b", "a"]


def test_a_regression_from_the_baseline_fails_the_run(starter_copy, embedder, tmp_path):
    cases = tmp_path / "suite" / "cases"
    write(cases, "staff/handbook.yaml", """
user: staff
capability: handbook
cases:
  - id: coordinator
    message: "What does the program coordinator actually do?"
    expect: {mode: advising, sources: [program-handbook.docx]}
""")
    baseline = load_baseline(baseline_path(cases))
    save_baseline(baseline, "offline", [metric("label_compliance", 1.0),
                                        metric("coaching_directives", -1, higher=False)], {})
    out, text = console()
    code = run_eval_command(starter_copy, EvalOptions(cases=cases, out=tmp_path / "r"),
                            console=out, embedder=embedder)
    assert code == FAILED
    assert "coaching_directives dropped from -1 (baseline) to 0" in text.getvalue()

    out, text = console()
    update = EvalOptions(cases=cases, out=tmp_path / "r2", update_baseline=True)
    assert run_eval_command(starter_copy, update, console=out, embedder=embedder) == PASSED
    assert load_baseline(baseline_path(cases)).entry("offline")["metrics"][
        "coaching_directives"] == 0
