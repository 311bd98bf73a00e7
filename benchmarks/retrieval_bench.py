"""Retrieval on long, unstructured plain-text documents against a tutorial pipeline, and
abstention on questions the corpus does not answer.

The corpus (``benchmarks/corpus_longform/``) is journal articles, newsletter features,
resource lists and an FAQ as program staff paste them: hard-wrapped lines, page footers,
running headers, no markup. Each question has an answer phrase copied from one sentence.

Printed side by side, per split of questions:
- passage hit@5 and MRR: a retrieved chunk holds the answer phrase;
- quote hit: the first sentence the guide quotes (advising mode) holds the answer phrase
  (and, beside it, any of the reply's quoted sentences);
for this project's retrieval (hybrid and dense-only) and for a tutorial LangChain pipeline
(``RecursiveCharacterTextSplitter`` 1000/200 over the raw text, the same MiniLM vectors,
Chroma top-5). Targets: hit@5 at least 0.95, quote hit at least 0.85.

Abstention: questions that share the corpus's words but ask what it does not state (fees,
parking, salaries, dates it does not list), over the starter and the long-form corpus, with
answerable ones in the same style. Printed: the share the retriever (relevance floor and
answerability decision, as the guide runs it) declines (returns no passage) and the share
of answerable ones still answered. Target: at least 0.90 abstention with at least 0.95
answered.

Run: ``python benchmarks/retrieval_bench.py`` (about three minutes).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "benchmarks" / "corpus_longform"
SPLITS = {"dev (seen while building)": "longform_questions_dev.yaml",
          "held-out (written after)": "longform_questions_heldout.yaml"}
#: Question files of each abstention split: (file, corpus, answerable unless an item says).
ABSTENTION = {
    "dev (seen while building)": [
        ("data/abstention_dev.yaml", "starter", False),
        ("data/abstention_longform_dev.yaml", "longform", False),
        ("retrieval_questions.yaml", "starter", True),
        ("data/longform_questions_dev.yaml", "longform", True)],
    "held-out A (written after the floor)": [("data/abstention_heldout.yaml", "", False)],
    "held-out B (blind, after the decision)": [
        ("data/abstention_heldout_b.yaml", "", False)],
}
TARGETS = {"hit@5": 0.95, "quote hit": 0.85, "abstention": 0.90, "answered": 0.95}
_QUOTE = re.compile(r"^- (.+?) \[\d+\]$", re.MULTILINE)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def holds(text: str, answer: str) -> bool:
    """Whether ``text`` contains the answer phrase (whitespace and case aside)."""
    return _norm(answer) in _norm(text)


def scores(ranked: list[list[str]], answers: list[str]) -> tuple[float, float]:
    """hit@5 and MRR over questions: each question's ranked texts against its answer."""
    hits, reciprocal = 0, 0.0
    for texts, answer in zip(ranked, answers, strict=True):
        rank = next((r for r, t in enumerate(texts[:5], 1) if holds(t, answer)), None)
        hits += rank is not None
        reciprocal += 1 / rank if rank else 0.0
    return hits / len(answers), reciprocal / len(answers)


def tutorial_baseline(embedder):
    """The tutorial pipeline's index: 1000/200 character chunks in an in-memory Chroma."""
    import chromadb
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = [c for path in sorted(CORPUS.glob("*.txt"))
              for c in splitter.split_text(path.read_text(encoding="utf-8"))]
    collection = chromadb.EphemeralClient().get_or_create_collection(
        "tutorial", metadata={"hnsw:space": "cosine"}, embedding_function=None)
    collection.add(ids=[str(i) for i in range(len(chunks))], documents=chunks,
                   embeddings=embedder.embed_documents(chunks))
    return collection


def tutorial_top5(collection, embedder, questions: list[str]) -> list[list[str]]:
    """Dense top-5 chunk texts of the tutorial pipeline for each question."""
    result = collection.query(query_embeddings=[embedder.embed_query(q) for q in questions],
                              n_results=5)
    return result["documents"]


def abstention(retrievers: dict, files: list[tuple[str, str, bool]]
               ) -> tuple[float, float, int, int]:
    """Share of unanswerable questions declined and of answerable ones answered."""
    declined, answered, unanswerable, answerable = 0, 0, 0, 0
    for file, corpus, default in files:
        for item in yaml.safe_load((ROOT / "benchmarks" / file).read_text()):
            found = bool(retrievers[item.get("corpus", corpus)].search(item["question"]))
            if item.get("answerable", default):
                answerable += 1
                answered += found
            else:
                unanswerable += 1
                declined += not found
    return declined / max(unanswerable, 1), answered / max(answerable, 1), unanswerable, \
        answerable


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["dev", "held-out"],
                        help="run one kind of split (tuning runs only the dev splits)")
    only = parser.parse_args().only
    from assistant.chain.guide import Guide
    from assistant.guidance.session import Session
    from assistant.index.answerable import Answerability
    from assistant.index.embeddings import embedder_for
    from assistant.index.retriever import HybridRetriever
    from assistant.index.store import open_store
    from assistant.settings import Settings
    from ingest.sync import sync_paths

    stores = {}
    for corpus, folder in (("longform", CORPUS), ("starter", None)):
        settings = Settings(home=Path(tempfile.mkdtemp(prefix=f"{corpus}-")))
        embedder = embedder_for(settings)
        stores[corpus] = open_store(settings)
        report = sync_paths([folder or settings.corpus_dir], settings=settings,
                            store=stores[corpus], embedder=embedder)
        assert report.ok, report.to_dict()
        print(f"{corpus} corpus: {len(report.outcomes)} files, "
              f"{len(stores[corpus].live_chunks())} chunks; embedder: {embedder.backend}")
    store = stores["longform"]
    guide = Guide(settings, store=store, embedder=embedder)
    baseline = tutorial_baseline(embedder)
    failed = False
    for split, name in SPLITS.items():
        if only and not split.startswith(only):
            continue
        path = ROOT / "benchmarks" / "data" / name
        if not path.exists():
            print(f"\n{split}: {name} not written yet")
            continue
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        questions = [i["question"] for i in items]
        answers = [i["answer"] for i in items]
        rows = {}
        for label, hybrid in (("ours (hybrid)", True), ("ours (dense only)", False)):
            retriever = HybridRetriever(store, embedder, top_k=5, floor=-1.0, hybrid=hybrid)
            rows[label] = scores([[h.chunk.text for h in retriever.search(q)] for q in questions],
                                 answers)
        rows["tutorial pipeline"] = scores(tutorial_top5(baseline, embedder, questions), answers)
        quoted, anywhere, misses = 0, 0, []
        for item in items:
            reply = guide.ask(Session(), item["question"], choice="advising")
            quotes = _QUOTE.findall(reply.text)
            if quotes and holds(quotes[0], item["answer"]):
                quoted += 1
            else:
                misses.append(item["question"])
            anywhere += any(holds(q, item["answer"]) for q in quotes)
        quote_hit = quoted / len(items)
        print(f"\n{split}: {len(items)} questions")
        print(f"{'':22} {'hit@5':>7} {'MRR':>7}")
        for label, (hit, mrr) in rows.items():
            print(f"{label:22} {hit:7.2f} {mrr:7.2f}")
        ours, tutorial = rows["ours (hybrid)"], rows["tutorial pipeline"]
        print(f"ratio ours/tutorial:   {ours[0] / max(tutorial[0], 1e-9):7.2f} "
              f"{ours[1] / max(tutorial[1], 1e-9):7.2f}")
        print(f"quote hit (first quoted sentence holds the answer): {quote_hit:.2f}; "
              f"any quoted sentence of the reply: {anywhere / len(items):.2f}")
        for question in misses:
            print(f"  quote miss: {question}")
        met = ours[0] >= TARGETS["hit@5"] and quote_hit >= TARGETS["quote hit"]
        print(f"targets (hit@5 >= {TARGETS['hit@5']}, quote hit >= {TARGETS['quote hit']}): "
              f"{'met' if met else 'NOT met'}")
        failed |= not met
    answerability = Answerability(embedder, settings.cache_dir)
    retrievers = {corpus: HybridRetriever(store, embedder, top_k=settings.top_k,
                                          floor=settings.relevance_floor,
                                          answerability=answerability)
                  for corpus, store in stores.items()}
    print(f"\nabstention (floor {settings.relevance_floor} and the answerability decision): "
          f"{'declined':>9} {'answered':>9}")
    for split, files in ABSTENTION.items():
        if only and not split.startswith(only):
            continue
        if not all((ROOT / "benchmarks" / file).exists() for file, _, _ in files):
            print(f"{split}: not written yet")
            continue
        declined, answered, unanswerable, answerable = abstention(retrievers, files)
        met = declined >= TARGETS["abstention"] and answered >= TARGETS["answered"]
        print(f"{split:<26} {declined:9.2f} {answered:9.2f}"
              f"  ({unanswerable} unanswerable, {answerable} answerable): "
              f"{'met' if met else 'NOT met'}")
        failed |= not met
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
