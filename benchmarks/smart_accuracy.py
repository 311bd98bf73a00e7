"""Accuracy of the SMART checker on the labelled goal table, per criterion.

Run from the repository root: python benchmarks/smart_accuracy.py [--show-errors]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.smart import CRITERIA, check_goal  # noqa: E402

TABLE = ROOT / "tests" / "smart_goals_table.yaml"
TARGETS = {"specific": 0.95, "measurable": 0.95, "time_bound": 0.95}
COLUMNS = (*CRITERIA, "deadline", "multiple_goals")


def score(table: dict[str, Any]) -> tuple[dict[str, dict[str, list[bool]]], list[str]]:
    """Per split and column, whether each goal was read as labelled; plus the misses."""
    hits: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    misses: list[str] = []
    for goal in table["goals"]:
        report = check_goal(goal["text"], today=table["today"], context=goal.get("context", ""))
        got = {name: report.criterion(name).status for name in CRITERIA}
        got["multiple_goals"] = report.multiple_goals
        want = {**goal["expect"], "multiple_goals": goal.get("multiple_goals", False)}
        if "deadline" in goal:
            got["deadline"], want["deadline"] = report.deadline, goal["deadline"]
        for split in ("all", goal.get("split", "dev")):
            for column in want:
                hits[split][column].append(got[column] == want[column])
        misses += [
            f"{goal['id']}: {column} expected {want[column]}, got {got[column]}"
            for column in want
            if got[column] != want[column]
        ]
    return hits, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="list every miss")
    args = parser.parse_args()

    table = yaml.safe_load(TABLE.read_text())
    hits, misses = score(table)
    splits = ["all", *sorted(s for s in hits if s != "all")]
    sizes = {split: len(hits[split][CRITERIA[0]]) for split in splits}
    print(f"{'criterion':<16}" + "".join(f"{f'{s} (n={n})':>18}" for s, n in sizes.items()))
    for column in COLUMNS:
        cells = []
        for split in splits:
            results = hits[split].get(column, [])
            cells.append(f"{sum(results) / len(results):.1%}" if results else "-")
        print(f"{column:<16}" + "".join(f"{cell:>18}" for cell in cells))
    if args.show_errors:
        print("\n" + "\n".join(misses or ["no misses"]))

    below = [
        f"{name} {sum(hits['all'][name]) / len(hits['all'][name]):.1%} < {target:.0%}"
        for name, target in TARGETS.items()
        if sum(hits["all"][name]) / len(hits["all"][name]) < target
    ]
    if below:
        print("\nBelow target: " + "; ".join(below))
        return 1
    print("\nTargets met: " + ", ".join(f"{n} >= {t:.0%}" for n, t in TARGETS.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
