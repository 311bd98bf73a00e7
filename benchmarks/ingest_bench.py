"""Ingest benchmark: cold ingest rate and peak memory, pipeline overhead against a raw encode
of every text the pipeline embeds (each chunk and each of its sentences, under its header),
and re-sync with nothing changed.

Run: ``python benchmarks/ingest_bench.py`` (each scenario runs in its own process so that
peak RSS is its own).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "mentor mentee goal feedback meeting agreement coaching advising program resident "
    "clinician research teaching schedule reflection progress career support network"
).split()


def synthetic_corpus(folder: Path, chunks: int, chunk_chars: int = 900) -> Path:
    """About ``chunks`` chunks of Markdown: one document per 20 sections of one chunk each."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in range(chunks // 20):
        sections = []
        for section in range(20):
            words = [WORDS[(doc * 7 + section * 3 + i) % len(WORDS)] for i in range(140)]
            text = " ".join(words)[:chunk_chars].rsplit(" ", 1)[0]
            sections.append(f"## Section {section}\nDocument {doc} says: {text}.\n")
        (folder / f"doc{doc:04d}.md").write_text(f"# Synthetic {doc}\n" + "\n".join(sections))
    return folder


def scenario(corpus: Path) -> dict:
    """Cold ingest, raw encode of the same texts, then a re-sync with nothing changed."""
    from assistant.index.embeddings import embedder_for
    from assistant.index.store import open_store, searchable
    from assistant.settings import Settings
    from assistant.text import sentences
    from ingest.sync import sync_paths

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        embedder = embedder_for(settings)
        embedder.embed_documents(["warm up the model"] * 64)  # the export is not ingest
        started = time.perf_counter()
        report = sync_paths([corpus], settings=settings, store=open_store(settings),
                            embedder=embedder)
        cold = time.perf_counter() - started
        chunks = sum(o.chunks for o in report.outcomes)
        live = open_store(settings).live_chunks()
        texts = [c.searchable for c in live] + [
            searchable(c.header, s.text) for c in live for s in sentences(c.text)]
        started = time.perf_counter()
        embedder.embed_documents(texts)
        raw = time.perf_counter() - started

        fresh = type(embedder)()
        started = time.perf_counter()
        resync = sync_paths([corpus], settings=settings, store=open_store(settings),
                            embedder=fresh)
        warm = time.perf_counter() - started
        assert resync.count("unchanged") == len(resync.outcomes) and not fresh.loaded
    return {
        "chunks": chunks,
        "texts_embedded": len(texts),
        "backend": embedder.backend,
        "cold_s": round(cold, 2),
        "chunks_per_s": round(chunks / cold, 1),
        "raw_encode_s": round(raw, 2),
        "raw_chunks_per_s": round(chunks / raw, 1),
        "overhead_pct": round(100 * (cold - raw) / raw, 1),
        "resync_s": round(warm, 3),
        "resync_pct_of_cold": round(100 * warm / cold, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--scenario":
        print(json.dumps(scenario(Path(sys.argv[2]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpora = {
            "starter corpus": ROOT / "corpus",
            "synthetic ~2,000 chunks": synthetic_corpus(Path(tmp) / "synthetic", 2000),
        }
        print(f"{'corpus':<26}{'chunks':>7}{'texts':>7}{'cold s':>8}{'chunks/s':>10}"
              f"{'raw/s':>8}{'overhead':>10}{'re-sync s':>11}{'% cold':>8}{'peak MB':>9}")
        for name, corpus in corpora.items():
            out = subprocess.run(
                [sys.executable, __file__, "--scenario", str(corpus)],
                check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
            r = json.loads(out)
            print(f"{name:<26}{r['chunks']:>7}{r['texts_embedded']:>7}{r['cold_s']:>8}"
                  f"{r['chunks_per_s']:>10}"
                  f"{r['raw_chunks_per_s']:>8}{r['overhead_pct']:>9}%{r['resync_s']:>11}"
                  f"{r['resync_pct_of_cold']:>7}%{r['peak_rss_mb']:>9}")
    print("texts: every chunk and every sentence embedded; raw/s is chunks per second of a raw "
          "encode of those same texts.\nTargets: overhead at most 10% of raw encode; re-sync "
          "<= 1 s (starter) and <= 5% of cold (2,000 chunks), without loading the model.")


if __name__ == "__main__":
    main()
