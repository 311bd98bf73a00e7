"""The guide: one turn as an LCEL chain, read -> retrieve -> plan -> generate -> enforce.

Reading comes first: patient identifiers are redacted from the message before any other step
sees it (so nothing later stores or sends them), then the reader reads it once (what it asks
for, what kind of message it is, its scope, who is speaking, and the safety check) for every
later step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.runnables import RunnableGenerator, RunnableLambda

from assistant.chain.enforce import enforce
from assistant.engines import ChatEngine, engine_for
from assistant.engines.offline import OfflineComposer
from assistant.guidance import rehearsal
from assistant.guidance.contacts import load_contacts
from assistant.guidance.memory import Memory
from assistant.guidance.policy import TurnInput, plan_turn
from assistant.guidance.safety import guidance_query
from assistant.guidance.session import Session
from assistant.index.answerable import Answerability
from assistant.index.embeddings import embedder_for
from assistant.index.retriever import Hit, HybridRetriever
from assistant.index.store import Store, open_store
from assistant.plan import Mode, Plan, Reply
from assistant.privacy.phi import redact
from assistant.reader.reading import Reader, Reading
from assistant.rehearsal.scenarios import Scenario, ScenarioLibrary, bundled_dir, load_library
from assistant.settings import Settings

#: Steers mentoring retrieval towards documented experience rather than how-to advice.
_EXPERIENCE_HINT = " (what mentors and mentees reported from their experience)"
#: Steers a mentor's question towards what the mentor can do.
_MENTOR_HINT = " (what the mentor can do)"


class Guide:
    """Answers turns of a conversation; providers are injected or built from settings."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        embedder: Embeddings | None = None,
        engine: ChatEngine | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder or embedder_for(settings)
        self.store = store or open_store(settings)
        self.retriever = HybridRetriever(
            self.store, self.embedder, top_k=settings.top_k, floor=settings.relevance_floor,
            answerability=Answerability(self.embedder, settings.cache_dir),
        )
        self.engine = engine or engine_for(settings)
        self.reader = Reader(self.embedder, settings.cache_dir)
        self.contacts = load_contacts(settings.safety_contacts)
        self.scenarios: ScenarioLibrary = load_library([bundled_dir(), settings.scenarios_dir])
        self.composer = (
            self.engine if isinstance(self.engine, OfflineComposer)
            else OfflineComposer()
        )
        self.chain = (
            RunnableLambda(self._read) | RunnableLambda(self._retrieve)
            | RunnableLambda(self._plan) | RunnableGenerator(self._generate)
        )

    def stream(
        self, session: Session, message: str, choice: Mode | None = None
    ) -> Iterator[str | Reply]:
        """Yield text pieces as the engine writes them, then the enforced :class:`Reply`.

        The session records the turn once the reply is final.
        """
        yield from self.chain.stream({"session": session, "message": message, "choice": choice})

    def ask(self, session: Session, message: str, choice: Mode | None = None) -> Reply:
        """One whole turn."""
        reply = None
        for event in self.stream(session, message, choice):
            if isinstance(event, Reply):
                reply = event
        assert reply is not None
        return reply

    def rehearse(self, session: Session, scenario_id: str, persona: str | None = None) -> Reply:
        """Start rehearsing ``scenario_id`` in ``session``: the counterpart's opening line."""
        scenario = self.scenarios.get(scenario_id)
        if scenario is None:
            raise KeyError(scenario_id)
        state = rehearsal.begin(scenario, persona)
        plan = Plan(message="", mode="rehearsal", history=list(session.history))
        rehearsal.opening(plan, scenario, state)
        reply = None
        for event in self._generate(iter([{"plan": plan, "session": session}])):
            reply = event if isinstance(event, Reply) else reply
        assert reply is not None
        return reply

    def _rehearsing(self, session: Session) -> Scenario | None:
        under_way = rehearsal.active(session.extras, self.scenarios)
        return under_way[1] if under_way else None

    def _read(self, inputs: dict[str, Any]) -> dict[str, Any]:
        redaction = redact(inputs["message"])
        session: Session = inputs["session"]
        state = session.extras.get(rehearsal.REHEARSAL) or {}
        scenario = rehearsal.scenario_of(state, self.scenarios) if state else None
        if scenario is not None:
            scene = [scenario.opening, *rehearsal.counterpart_said(session.history)]
            rubric = rehearsal.rubric_of(scenario)
            reading = self.reader.read(redaction.text, session, rubric=rubric, scene=scene)
            if state.get("first_line"):
                # Offered after a practice line: "start" plays that line, so it is read too.
                reading = replace(reading, rubric=self.reader.rubric.read(
                    f"{state['first_line']}\n{redaction.text}", rubric, scene))
            if state.get("status") == "offered":
                # While scenarios are on offer, the message may name one to practise instead.
                reading = replace(reading, scenarios=self.reader.rubric.named(
                    redaction.text, {s.id: s.title for s in self.scenarios.scenarios}))
        else:
            reading = self.reader.read(redaction.text, session,
                                       scenarios=self.scenarios.described)
        return inputs | {"reading": reading, "redaction": redaction}

    def section_hits(self, scenario: Scenario) -> list[Hit]:
        """The first passage of each corpus section the scenario's rubric draws on."""
        hits = []
        for source in scenario.sources:
            chunks = self.store.section_chunks(source.document, source.section)
            if chunks:
                hits.append(Hit(chunks[0], 1.0, None))
        return hits

    def _retrieve(self, inputs: dict[str, Any]) -> dict[str, Any]:
        reading: Reading = inputs["reading"]
        if reading.safety is not None:
            query = guidance_query(reading.safety)
            guidance = self.retriever.search(query) if query else []
            return inputs | {"hits": [], "guidance": guidance}
        scenario = self._rehearsing(inputs["session"])
        if scenario is not None:
            # While rehearsing, what a reply may cite is the literature behind the rubric.
            return inputs | {"hits": self.section_hits(scenario), "guidance": []}
        query = reading.query
        session: Session = inputs["session"]
        if query and "coaching" in (inputs["choice"], session.mode):
            # Options offered while coaching must fit the whole conversation, not one answer.
            query = " ".join([Memory.of(session.extras).topic, query]).strip()
        if query and (inputs["choice"] == "mentoring" or reading.asked == "mentoring"):
            query += _EXPERIENCE_HINT
        if query and reading.speaking_as == "mentor":
            query += _MENTOR_HINT
        return inputs | {"hits": self.retriever.search(query) if query else [], "guidance": []}

    def _plan(self, inputs: dict[str, Any]) -> dict[str, Any]:
        turn = TurnInput(inputs["reading"], inputs["session"], inputs["choice"], inputs["hits"],
                         contacts=self.contacts, guidance=inputs["guidance"],
                         scenarios=self.scenarios)
        plan = plan_turn(turn)
        redaction = inputs["redaction"]
        if redaction.notice:
            plan.notices.insert(0, redaction.notice)
            plan.redacted = list(redaction.kinds)
        return {"plan": plan, "session": inputs["session"]}

    def _generate(self, items: Iterator[dict[str, Any]]) -> Iterator[str | Reply]:
        for item in items:
            plan: Plan = item["plan"]
            # A safety reply is the policy's own words, whatever engine is configured: no
            # model rewrites it, and the message is never sent to one. A rehearsal's opening
            # line is the scenario's own words too.
            opening = plan.counterpart is not None and plan.counterpart.moment == "opening"
            engine = self.composer if plan.kind == "safety" or opening else self.engine
            pieces = []
            for piece in engine.stream(plan):
                pieces.append(piece)
                yield piece
            reply = enforce(
                plan,
                "".join(pieces),
                engine=engine.name,
                regenerate=lambda plan=plan: "".join(self.engine.stream(plan)),
                fallback=lambda plan: "\n".join(self.composer.coaching_lines(plan)),
            )
            session: Session = item["session"]
            session.record(plan.message, reply.text, reply.mode,
                           sets_mode=plan.kind not in ("opening", "safety", "clarify",
                                                       "rehearsal"))
            if plan.grow_stage:
                session.grow_stage = plan.grow_stage
            for key, value in plan.session_updates.items():
                if value is None:
                    session.extras.pop(key, None)
                else:
                    session.extras[key] = value
            yield reply
