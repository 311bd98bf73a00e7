"""Cold start: wall time of ``mentorcoach ask`` from a new process against
``python -c "import torch"`` on the same machine, medians of three, side by side.

The index (the starter corpus) and the embedding model's ONNX export are made first and not
timed: this is the cost every later ``ask`` pays. Target: at most 1.5x the torch import.

Run: ``python benchmarks/cold_start.py``
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
TARGET = 1.5


def wall(command: list[str], env: dict[str, str]) -> float:
    """Median wall time of ``command`` over :data:`RUNS` runs."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    home = tempfile.mkdtemp(prefix="cold-start-")
    env = os.environ | {"MENTORCOACH_HOME": home, "MENTORCOACH_CACHE_DIR": f"{home}/cache",
                        "HF_HUB_OFFLINE": "1"}
    cli = str(Path(sys.executable).with_name("mentorcoach"))
    subprocess.run([cli, "ingest"], check=True, capture_output=True, env=env)
    question = "My mentee keeps missing our meetings. What should I do?"
    subprocess.run([cli, "ask", question], check=True, capture_output=True, env=env)
    ask = wall([cli, "ask", question], env)
    torch = wall([sys.executable, "-c", "import torch"], env)
    print(f"{'command':<34}{'median s':>9}")
    print(f"{'mentorcoach ask (cold process)':<34}{ask:>9.2f}")
    label = 'python -c "import torch"'
    print(f"{label:<34}{torch:>9.2f}")
    ratio = ask / torch
    print(f"ratio ask / import torch: {ratio:.2f} (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
