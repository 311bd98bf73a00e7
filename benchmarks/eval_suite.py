"""Benchmark: the whole eval suite on the starter corpus with the offline engine.

Ingests the starter corpus into a temporary home (timed apart), then times a cold
``mentorcoach eval`` on it (a fresh process: imports, model load, cases, metrics, reports) and
prints the time per case. Exits 1 when the suite takes longer than the budget (2 minutes by
default) or misses a threshold.

    python benchmarks/eval_suite.py [--workers N] [--budget SECONDS] [--all]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from time import perf_counter

from evals.command import PASSED


def mentorcoach(home: Path, *args: str) -> tuple[int, float]:
    """Run the CLI in a fresh process; return its exit code and wall time."""
    began = perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from ui.cli import main; main()", "--home", str(home), *args],
        stdout=subprocess.DEVNULL, check=False,
    )
    return done.returncode, perf_counter() - began


def main() -> int:
    """Run the benchmark and return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="cases run in parallel")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds allowed")
    parser.add_argument("--all", action="store_true", help="print every case's time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mentorcoach-bench-") as folder:
        home, out = Path(folder) / "home", Path(folder) / "report"
        code, ingest_seconds = mentorcoach(home, "ingest")
        if code != 0:
            print("ingest of the starter corpus failed", file=sys.stderr)
            return 1
        code, suite_seconds = mentorcoach(home, "eval", "--out", str(out),
                                          "--workers", str(args.workers))
        report_file = out / "report.json"
        if not report_file.exists():
            print(f"mentorcoach eval exited {code} without a report", file=sys.stderr)
            return 1
        report = json.loads(report_file.read_text(encoding="utf-8"))

    cases = sorted(report["cases"], key=lambda c: -c["seconds"])
    times = [c["seconds"] for c in cases]
    turns = [t["seconds"] for c in cases for t in c["turns"]]
    print(f"Ingest of the starter corpus: {ingest_seconds:.1f} s (not part of the suite)")
    setup, in_cases = report["meta"]["setup_seconds"], report["timing"]["cases_seconds"]
    print(f"Eval suite: {len(cases)} cases, {len(turns)} turns, {args.workers} worker(s): "
          f"{suite_seconds:.1f} s for the whole command (model load and warm-up {setup:.1f} s, "
          f"cases {in_cases:.1f} s)")
    print(f"Time per case: mean {statistics.mean(times):.3f} s, median "
          f"{statistics.median(times):.3f} s, max {times[0]:.3f} s; per turn: mean "
          f"{statistics.mean(turns):.3f} s")
    for case in cases if args.all else cases[:10]:
        print(f"  {case['seconds']:7.3f} s  {case['id']}")
    verdict = "passed" if code == PASSED else "FAILED: " + "; ".join(report["problems"])
    print(f"Eval {verdict}")
    within = suite_seconds <= args.budget
    print(f"{'Within' if within else 'Over'} the budget of {args.budget:.0f} s")
    return 0 if within and code == PASSED else 1


if __name__ == "__main__":
    sys.exit(main())
