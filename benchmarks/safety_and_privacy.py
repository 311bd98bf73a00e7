"""The safety check and the patient-information guard on their labelled sets.

Safety: recall on distress and false positives on ordinary messages, for the training set
(5-fold cross-validated, so no message is judged by a model that saw it) and for each held-out
split written after a version of the detector (``benchmarks/data/safety_heldout*.yaml``; the
targets are judged on the newest), with the time per message. Privacy: precision and recall
of identifier spans on the development set the guard was tuned on (``tests/data/phi_dev.yaml``)
and on the held-out split (``benchmarks/data/phi_heldout.yaml``).

Run from the repository root: python benchmarks/safety_and_privacy.py [--show-errors]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.index.embeddings import SentenceTransformerEmbedder  # noqa: E402
from assistant.privacy.phi import find  # noqa: E402
from assistant.reader.labelled import LabelledSet, parse_labelled  # noqa: E402
from assistant.reader.reading import Reader  # noqa: E402
from assistant.reader.safety import ORDINARY, SafetyCheck, training_set  # noqa: E402

#: Each held-out split was written after a version of the detector. A, B and C were each looked
#: at while changing the next one: A for thresholds and a pattern; B for the reading of
#: patients' words and of "I'm safe" statements; C for training on the reader's sets as
#: ordinary traffic. D was written after the fourth version; its one missed distress message
#: (a mentee "stockpiling her meds") led to a pattern for stockpiled means, and its false
#: positives to the fifth version (denials, distress told as past and over, more idioms). E was
#: written after the fifth version, blind to the code and to every other set; its false
#: positives, with D's, led to the sixth version (the ownership reading). F was written after
#: the fifth version too, blind, and was not looked at while making the sixth; its three
#: misses, all distress told in passing after an ordinary request, then led to the seventh
#: (each clause read on its own). F's two misses were looked at again while making the eighth
#: (a request to go on set aside while in safety; a denial needs a word that denies; hedged
#: "I'm safe for now" read, not dropped). G was written after the eighth, blind to the code
#: and to every other set.
SAFETY_HELDOUT = {
    "held-out A (seen in tuning)": ROOT / "benchmarks" / "data" / "safety_heldout.yaml",
    "held-out B (seen in tuning)": ROOT / "benchmarks" / "data" / "safety_heldout_b.yaml",
    "held-out C (seen in tuning)": ROOT / "benchmarks" / "data" / "safety_heldout_c.yaml",
    "held-out D (seen in tuning)": ROOT / "benchmarks" / "data" / "safety_heldout_d.yaml",
    "held-out E (seen in tuning)": ROOT / "benchmarks" / "data" / "safety_heldout_e.yaml",
    "held-out F (blind for two versions, misses seen)": ROOT / "benchmarks" / "data" /
    "safety_heldout_f.yaml",
    "held-out G (blind, never tuned on)": ROOT / "benchmarks" / "data" / "safety_heldout_g.yaml",
}
FINAL = "held-out G (blind, never tuned on)"
PHI_SETS = {"dev (tuned on)": ROOT / "tests" / "data" / "phi_dev.yaml",
            "held-out": ROOT / "benchmarks" / "data" / "phi_heldout.yaml"}
TARGETS = {"recall": 1.0, "false positives": 0.02}


def safety_rates(finds: Callable[[str], bool],
                 labelled: LabelledSet) -> tuple[float, float, list[str]]:
    """Recall on distress, false-positive rate on ordinary messages, and the misses."""
    caught, flagged, misses = [], [], []
    for text, label in labelled.pairs():
        hit = finds(text)
        (flagged if label == ORDINARY else caught).append(hit)
        if hit != (label != ORDINARY):
            misses.append(f"{label}: {text}")
    return float(np.mean(caught)), float(np.mean(flagged)), misses


def cross_validated(embedder, labelled: LabelledSet, folds: int = 5):
    """Safety rates over ``folds`` folds: each fold judged by a check trained on the rest."""
    caught, flagged, misses = [], [], []
    for train, held in labelled.folds(folds):
        with tempfile.TemporaryDirectory() as cache:
            check = SafetyCheck(embedder, Path(cache), labelled=train)
            recall, fp, missed = safety_rates(
                lambda text, check=check: check.check(text) is not None, held)
        n_d = sum(len(v) for k, v in held.examples.items() if k != ORDINARY)
        caught.append((recall, n_d))
        flagged.append((fp, len(held.examples.get(ORDINARY, ()))))
        misses += missed
    weigh = lambda pairs_: sum(r * n for r, n in pairs_) / sum(n for _, n in pairs_)  # noqa: E731
    return weigh(caught), weigh(flagged), misses


def phi_scores(path: Path) -> tuple[float, float, int, list[str]]:
    """Span precision and recall (by exact identifier text) on a labelled message set."""
    messages = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    tp = fp = fn = 0
    misses = []
    for message in messages:
        text = message["text"]
        want = {i["value"] for i in message["identifiers"]}
        got = {text[f.start:f.end] for f in find(text)}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        if want != got:
            misses.append(f"missed {sorted(want - got)} extra {sorted(got - want)}: {text}")
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), len(messages), misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="list every miss")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    training = training_set()
    sets = {"training, 5-fold cross-validated": training}
    sets |= {name: parse_labelled(path.read_text(encoding="utf-8"), path.name)
             for name, path in SAFETY_HELDOUT.items() if path.exists()}

    print("Safety check                          recall   false positives   n (distress/ordinary)")
    rows = {"training, 5-fold cross-validated": cross_validated(embedder, training)}
    with tempfile.TemporaryDirectory() as cache:
        # Held-out messages are read as the guide reads them: the reader's safety finding,
        # which also lets an unsure reading yield to a plainly clinical question.
        reader = Reader(embedder, Path(cache))
        reader.read("warm up")
        started = time.perf_counter()
        for name, labelled in list(sets.items())[1:]:
            rows[name] = safety_rates(lambda text: reader.read(text).safety is not None,
                                      labelled)
        checked = sum(len(s.pairs()) for s in list(sets.values())[1:])
        per_message = (time.perf_counter() - started) / max(checked, 1) * 1000
    for name, (recall, fp, _) in rows.items():
        counts = sets[name].examples
        n_d = sum(len(v) for k, v in counts.items() if k != ORDINARY)
        print(f"{name:<37} {recall:>6.1%}   {fp:>15.1%}   {n_d}/{len(counts[ORDINARY])}")
    print(f"time per message (held-out, warm): {per_message:.1f} ms")
    print(f"targets: recall {TARGETS['recall']:.0%}, false positives <= "
          f"{TARGETS['false positives']:.0%} (held-out)")

    print("\nPatient-information guard        precision   recall   messages")
    phi = {name: phi_scores(path) for name, path in PHI_SETS.items()}
    for name, (precision, recall, n, _) in phi.items():
        print(f"{name:<33} {precision:>8.1%} {recall:>8.1%} {n:>10}")

    if args.show_errors:
        for name, (*_, misses) in {**rows, **{k: (0, 0, v[3]) for k, v in phi.items()}}.items():
            print(f"\n{name}:\n" + "\n".join(f"  {m}" for m in misses or ["no misses"]))
    recall, fp, _ = rows.get(FINAL, rows[list(rows)[-1]])
    met = recall >= TARGETS["recall"] and fp <= TARGETS["false positives"]
    print(f"\nSafety targets {'met' if met else 'NOT met'} on {FINAL}.")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
