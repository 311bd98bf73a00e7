"""Thread benchmark: turn-time embedding latency with torch's default thread count (before)
against the embedder's turn-time setting of one thread (after), for one query and for the 40
candidate sentences a reply is composed from, on an idle machine and while other processes
keep the cores busy (as the rest of a busy web app does); and bulk document embedding
(ingest) with one thread against the embedder's bulk setting of all cores.

Run: ``python benchmarks/threads_bench.py``. The two settings are measured side by side in
one process, alternating, so machine drift affects both alike.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "How do I ask a senior colleague to be my mentor?",
    "My mentee keeps cancelling our meetings at the last minute.",
    "What should a first mentoring meeting cover?",
    "How can I give difficult feedback without damaging the relationship?",
    "When should I advise rather than coach?",
]
ROUNDS = 40
CANDIDATES = 40
BULK = 256


def _busy(stop: multiprocessing.synchronize.Event) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _latencies(
    encode: Callable[[list[str]], object], rounds: int, size: int = 1
) -> list[float]:
    times = []
    for i in range(rounds):
        # Never the same text twice, so no cache answers.
        texts = [f"{QUERIES[(i + j) % len(QUERIES)]} ({i}, {j})" for j in range(size)]
        start = time.perf_counter()
        encode(texts)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    """Print turn-time latency (ms) and bulk throughput for both thread settings."""
    import torch

    from assistant.index.embeddings import SentenceTransformerEmbedder

    cores = os.cpu_count() or 1
    default = torch.get_num_threads()
    embedder = SentenceTransformerEmbedder()
    model = embedder._model

    def before(texts: list[str]) -> object:
        torch.set_num_threads(default)
        return model.encode(texts, normalize_embeddings=True, show_progress_bar=False)

    _latencies(embedder.embed_documents, 5)  # warm up
    print(f"cores: {cores}; torch default threads: {default}")
    print(f"{'load':<22} {'work':<14} {'threads':>7} {'p50 ms':>8} {'p95 ms':>8}   ratios")
    for busy in (0, 1, cores):
        stop = multiprocessing.Event()
        workers = [multiprocessing.Process(target=_busy, args=(stop,)) for _ in range(busy)]
        for worker in workers:
            worker.start()
        time.sleep(0.5)
        label = "idle" if busy == 0 else f"{busy} busy process(es)"
        for work, size, rounds in (("1 query", 1, ROUNDS), (f"{CANDIDATES} sentences",
                                                             CANDIDATES, ROUNDS // 4)):
            old: list[float] = []
            new: list[float] = []
            for _ in range(4):  # alternate, so drift hits both
                old += _latencies(before, rounds // 4, size)
                new += _latencies(embedder.embed_documents, rounds // 4, size)
            print(f"{label:<22} {work:<14} {default:>7} {statistics.median(old):>8.1f} "
                  f"{_p(old, 95):>8.1f}")
            print(f"{'':<22} {'':<14} {embedder.threads:>7} {statistics.median(new):>8.1f} "
                  f"{_p(new, 95):>8.1f}   before/after p50 "
                  f"{statistics.median(old) / statistics.median(new):.2f}, "
                  f"p95 {_p(old, 95) / _p(new, 95):.2f}")
            label = ""
        stop.set()
        for worker in workers:
            worker.join()
    texts = [f"{QUERIES[i % len(QUERIES)]} Passage {i} about mentoring. " * 12 for i in range(BULK)]
    one = SentenceTransformerEmbedder(bulk_threads=1)
    rates = {}
    for name, bulk in (("1 thread", one), (f"{embedder.bulk_threads} threads", embedder)):
        start = time.perf_counter()
        bulk.embed_documents(texts)
        rates[name] = BULK / (time.perf_counter() - start)
    (a, rate_a), (b, rate_b) = rates.items()
    print(f"bulk embedding ({BULK} passages, idle): {rate_a:.1f}/s with {a}, {rate_b:.1f}/s "
          f"with {b} (ratio {rate_b / rate_a:.2f})")


if __name__ == "__main__":
    main()
