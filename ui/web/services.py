"""What every browser session shares: one guide, store, embedder and feedback store."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.chain.guide import Guide
from assistant.engines import ChatEngine
from assistant.index.embeddings import embedder_for
from assistant.index.store import ChromaStore, open_store
from assistant.privacy.phi import redact
from assistant.settings import Settings
from ingest.sync import Progress, SyncReport, sync_paths
from ui.conversations import sweep, transcripts_dir
from ui.web.feedback import FeedbackStore, feedback_path


@dataclass
class Services:
    """Shared, thread-safe services; per-browser state lives in the handlers' ``ChatState``."""

    settings: Settings
    store: ChromaStore
    embedder: Embeddings
    guide: Guide
    feedback: FeedbackStore
    transcripts: Path
    #: Syncs change the index: one at a time.
    sync_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def create(
        cls,
        settings: Settings,
        *,
        store: ChromaStore | None = None,
        embedder: Embeddings | None = None,
        engine: ChatEngine | None = None,
    ) -> Services:
        """Open the store and build the guide; raises the store's and engine's errors."""
        store = store or open_store(settings)
        shared = embedder or embedder_for(settings)
        guide = Guide(settings, store=store, embedder=shared, engine=engine)
        transcripts = transcripts_dir(settings.home)
        transcripts.mkdir(parents=True, exist_ok=True)
        return cls(
            settings=settings,
            store=store,
            embedder=shared,
            guide=guide,
            feedback=FeedbackStore(feedback_path(settings.home)),
            transcripts=transcripts,
        )

    def warm_up(self) -> None:
        """Load the models now rather than on the first question: the embedder, the reader's
        classifiers (the safety check's and the scenario matcher's among them), the
        patient-information guard and the BM25 index (20 s at 100,000 chunks)."""
        self.embedder.embed_query("mentoring")
        self.guide.reader.prepare()
        self.guide.reader.matcher.classifier(self.guide.scenarios.described).prepare()
        redact("Mr Test, MRN 1234567")
        self.guide.retriever.refresh()

    def sweep(self) -> None:
        """Remove conversation data older than the retention period."""
        sweep(self.settings)

    @property
    def engine_name(self) -> str:
        """The engine answering: ``offline`` or a model name."""
        return self.guide.engine.name

    def sync(self, paths: Sequence[Path], progress: Progress | None = None) -> SyncReport:
        """Sync ``paths`` into the index, one sync at a time."""
        with self.sync_lock:
            return sync_paths(
                list(paths), settings=self.settings, store=self.store, embedder=self.embedder,
                progress=progress,
            )
