"""The baseline: each engine's metric values from an accepted run, and the regression check.

The file lives beside the cases folder (``evals/baseline.json`` for the bundled suite)::

    {"format": "mentorcoach-eval-baseline", "version": 1, "tolerance": 0.02,
     "engines": {"offline": {"metrics": {"mode_accuracy": 0.97, ...}, "recorded": "...", ...}}}

A metric regresses when it is worse than its baseline value by more than ``tolerance``
(absolute: 0.02 is two percentage points of a share, or 0.02 of a count).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.metrics import MetricResult

FORMAT = "mentorcoach-eval-baseline"
VERSION = 1
DEFAULT_TOLERANCE = 0.02


class BaselineError(ValueError):
    """A baseline file that cannot be read; the message names it."""


@dataclass(frozen=True)
class Regression:
    """A metric that dropped from its baseline by more than the tolerance."""

    metric: str
    baseline: float
    value: float
    tolerance: float

    def __str__(self) -> str:
        return (f"{self.metric} dropped from {self.baseline:g} (baseline) to {self.value:g}, "
                f"more than the tolerance of {self.tolerance:g}")


@dataclass(frozen=True)
class Baseline:
    """The baseline file's content."""

    path: Path
    tolerance: float
    engines: dict[str, dict[str, Any]]

    def entry(self, engine: str) -> dict[str, Any] | None:
        """What was recorded for ``engine``, if anything."""
        return self.engines.get(engine)


def baseline_path(cases_dir: Path) -> Path:
    """Where the baseline of the suite in ``cases_dir`` lives: beside the folder."""
    return cases_dir.resolve().parent / "baseline.json"


def load_baseline(path: Path) -> Baseline:
    """The baseline at ``path`` (empty when there is no file)."""
    if not path.exists():
        return Baseline(path, DEFAULT_TOLERANCE, {})
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"{path}: not a mentorcoach eval baseline")
    if data.get("version") != VERSION:
        raise BaselineError(f"{path}: unsupported baseline version {data.get('version')!r}")
    engines = data.get("engines")
    tolerance = data.get("tolerance", DEFAULT_TOLERANCE)
    if not isinstance(engines, dict) or not isinstance(tolerance, int | float) or tolerance < 0:
        raise BaselineError(f"{path}: damaged baseline (engines or tolerance)")
    return Baseline(path, float(tolerance), engines)


def regressions(
    metrics: list[MetricResult], entry: dict[str, Any] | None, tolerance: float
) -> list[Regression]:
    """Metrics worse than their baseline value by more than ``tolerance``."""
    recorded = (entry or {}).get("metrics", {})
    found = []
    for metric in metrics:
        base = recorded.get(metric.name)
        if base is None or metric.value is None:
            continue
        drop = base - metric.value if metric.higher_is_better else metric.value - base
        if drop > tolerance + 1e-9:
            found.append(Regression(metric.name, base, metric.value, tolerance))
    return found


def save_baseline(
    baseline: Baseline, engine: str, metrics: list[MetricResult], meta: dict[str, Any]
) -> None:
    """Record this run's metric values as ``engine``'s baseline (other engines are kept)."""
    entry = {**meta, "metrics": {m.name: m.value for m in metrics if m.value is not None}}
    data = {
        "format": FORMAT,
        "version": VERSION,
        "tolerance": baseline.tolerance,
        "engines": {**baseline.engines, engine: entry},
    }
    baseline.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = baseline.path.with_name(baseline.path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, baseline.path)
