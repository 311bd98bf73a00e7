"""Guide benchmark: warm turn latency of the offline engine (p50/p95 over 100 questions) on
the starter corpus and on a synthetic 10,000-chunk index, and retrieval quality (recall@5,
MRR) on the labelled questions, dense-only against hybrid.

Run: ``python benchmarks/guide_bench.py`` (about ten minutes: the 10,000 chunks are embedded
once).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ingest_bench import synthetic_corpus  # noqa: E402

QUESTIONS = yaml.safe_load((ROOT / "benchmarks" / "retrieval_questions.yaml").read_text())


def build_index(home: Path, corpora: list[Path], embedder):
    from assistant.index.store import open_store
    from assistant.settings import Settings
    from ingest.sync import sync_paths

    settings = Settings(home=home)
    sync_paths(corpora, settings=settings, store=open_store(settings), embedder=embedder)
    return settings


def latency(settings, embedder) -> tuple[float, float, int]:
    from assistant.chain.guide import Guide
    from assistant.guidance.session import Session

    guide = Guide(settings, embedder=embedder)
    messages = [q["question"] for q in QUESTIONS]
    messages = (messages * (100 // len(messages) + 1))[:100]
    guide.ask(Session(), messages[0])  # warm: model, BM25 index, caches
    times = []
    for message in messages:
        started = time.perf_counter()
        guide.ask(Session(), message)
        times.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1]
    return statistics.median(times), p95, len(guide.store.live_chunks())


def retrieval_quality(settings, embedder, hybrid: bool) -> tuple[float, float]:
    from assistant.index.retriever import HybridRetriever
    from assistant.index.store import open_store
    from evals.metrics.retrieval import recall, reciprocal_rank

    retriever = HybridRetriever(open_store(settings), embedder, top_k=5, floor=-1.0,
                                hybrid=hybrid)
    recalls, reciprocals = [], []
    for item in QUESTIONS:
        sources = [h.chunk.source for h in retriever.search(item["question"], 5)]
        recalls.append(recall(set(item["expected"]), sources))
        reciprocals.append(reciprocal_rank(set(item["expected"]), sources))
    return statistics.mean(recalls), statistics.mean(reciprocals)


def main() -> None:
    from assistant.index.embeddings import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        starter = build_index(tmp_path / "starter", [ROOT / "corpus"], embedder)
        print(f"Retrieval on {len(QUESTIONS)} labelled questions (starter corpus):")
        for hybrid in (False, True):
            recall, mrr = retrieval_quality(starter, embedder, hybrid)
            print(f"  {'hybrid (dense + BM25, RRF)' if hybrid else 'dense only':<28}"
                  f"recall@5 {recall:.3f}   MRR {mrr:.3f}")
        print("Warm turn latency, offline engine, 100 questions:")
        p50, p95, chunks = latency(starter, embedder)
        print(f"  starter corpus ({chunks} chunks): p50 {p50:.0f} ms   p95 {p95:.0f} ms")
        synthetic = synthetic_corpus(tmp_path / "synthetic", 10_000)
        started = time.perf_counter()
        large = build_index(tmp_path / "large", [ROOT / "corpus", synthetic], embedder)
        built = time.perf_counter() - started
        print(f"  (built the 10,000-chunk synthetic index in {built:.0f} s)")
        p50, p95, chunks = latency(large, embedder)
        print(f"  starter + synthetic ({chunks} chunks): p50 {p50:.0f} ms   p95 {p95:.0f} ms")
    print("Targets at 10,000 chunks: p50 under 150 ms, p95 under 300 ms.")


if __name__ == "__main__":
    main()
