"""Scale: 100,000 chunks in a Chroma server (`chroma run`), warm turn latency and memory.

The starter corpus is ingested for real, so the questions find real answers; 100,000 more
chunks (1,000 documents of 100, with two sentences each in the sentence index) are written
straight to the store with vectors near those of real mentoring texts, because embedding
them all would take an hour on two cores and says nothing about the store. Then 100 turns of
the offline guide run against the server: p50 and p95, and the resident memory of the guide's
process and of the server.

Run: ``python benchmarks/scale_bench.py [--chunks 100000]`` (about fifteen minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ingest_bench import WORDS  # noqa: E402

PER_DOCUMENT = 100
TARGETS = {"p50 ms": 500, "p95 ms": 1000}


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(path: Path) -> tuple[subprocess.Popen, str]:
    """A `chroma run` process on a free loopback port, once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen([str(chroma), "run", "--path", str(path), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            return process, url
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("chroma run did not start") from None
            time.sleep(0.3)


def fill(store, embedder, chunks: int) -> float:
    """Write ``chunks`` synthetic chunks (and two sentences each) as live documents."""
    from assistant.index.store import DocumentRecord

    rng = np.random.default_rng(0)
    pool_texts = [" ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(30)) + f" {i}."
                  for i in range(500)]
    pool = np.asarray(embedder.embed_documents(pool_texts))
    started = time.perf_counter()
    for doc in range(chunks // PER_DOCUMENT):
        key = f"synthetic-{doc:05d}"
        version = hashlib.sha256(key.encode()).hexdigest()[:24]
        picks = rng.integers(0, len(pool), PER_DOCUMENT)
        vectors = pool[picks] + rng.normal(0, 0.05, (PER_DOCUMENT, pool.shape[1]))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ids = [f"{version}-{i}" for i in range(PER_DOCUMENT)]
        meta = [{"doc_key": key, "doc_version": version, "source": f"{key}.md", "root": "bench",
                 "title": f"Synthetic {doc}", "locator": f"Section {i}", "ordinal": i,
                 "header": f"Synthetic {doc} > Section {i}"} for i in range(PER_DOCUMENT)]
        store.write_chunks(ids, [pool_texts[p] for p in picks], vectors, meta)
        store.write_sentences(
            [f"{i}:{s}" for i in ids for s in (0, 1)],
            [pool_texts[p] for p in picks for _ in (0, 1)],
            np.repeat(vectors, 2, axis=0),
            [{"doc_key": key, "doc_version": version, "chunk_id": i, "position": s}
             for i in ids for s in (0, 1)])
        store.activate(DocumentRecord(key, "bench", f"{key}.md", f"Synthetic {doc}", version,
                                      version, 0, PER_DOCUMENT, "2026-01-01T00:00:00"))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=100_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scale-"))
    server, url = start_server(work / "server")
    try:
        os.environ["MENTORCOACH_CHROMA_URL"] = url
        os.environ["MENTORCOACH_HOME"] = str(work / "home")
        from assistant.chain.guide import Guide
        from assistant.guidance.session import Session
        from assistant.index.embeddings import embedder_for
        from assistant.index.store import open_store
        from assistant.settings import get_settings
        from ingest.sync import sync_paths

        settings = get_settings()
        embedder = embedder_for(settings)
        store = open_store(settings)
        sync_paths([settings.corpus_dir], settings=settings, store=store, embedder=embedder)
        written = fill(store, embedder, args.chunks)
        total = store.chunk_count()
        print(f"Chroma server at {url}: {total} chunks ({args.chunks} synthetic written in "
              f"{written:.0f} s)")
        guide = Guide(settings, store=store, embedder=embedder)
        questions = [q["question"] for q in yaml.safe_load(
            (ROOT / "benchmarks" / "retrieval_questions.yaml").read_text())]
        questions = (questions * 2)[:100]
        started = time.perf_counter()
        guide.ask(Session(), questions[0])
        warm = time.perf_counter() - started
        times = []
        for question in questions:
            started = time.perf_counter()
            guide.ask(Session(), question)
            times.append((time.perf_counter() - started) * 1000)
        p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
        figures = {"chunks": total, "first turn s (builds BM25)": round(warm, 1),
                   "p50 ms": round(p50), "p95 ms": round(p95),
                   "guide RSS MB": round(rss_mb(os.getpid())),
                   "server RSS MB": round(rss_mb(server.pid))}
        print(json.dumps(figures, indent=2))
        met = p50 <= TARGETS["p50 ms"] and p95 <= TARGETS["p95 ms"]
        print(f"targets p50 <= {TARGETS['p50 ms']} ms, p95 <= {TARGETS['p95 ms']} ms: "
              f"{'met' if met else 'NOT met'}")
        return 0 if met else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
