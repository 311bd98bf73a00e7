"""Transcript benchmark: scripted conversations of mentees, new mentors and program staff,
replayed through the guide on the starter corpus, with countable checks on every reply.

Checks (each its own judge here, independent of the guide's code):
- repeated question: a question the guide already asked earlier in the conversation;
- already answered: asking "by when?" right after the learner gave a day or date, or what
  they want after they said it;
- ungrammatical reflection: person and verb disagreeing ("you was", "I are", "you has"), or a
  sentence cut off before its complement ("your calls feel.");
- verbatim echo: a reply sentence repeating more than 80% of the learner's message (the eval
  suite's measure, ``evals.coder.echo_overlap``);
- options offered: coaching conversations in which the guide offered cited options from the
  literature and handed the choice back (coaching with wisdom);
- statement well formed: each SMART statement reads "By <date>, I will <action>..." with no
  lead-in ("set a goal to", "I'd like to") left in it;
- safety reply on an ordinary message: the scripted conversations tell of no one at risk, so
  every ``[Safety]`` reply is a false alarm a learner would find jarring.

Run: ``python benchmarks/conversation_bench.py [--only dev|held-out]``. It prints the figures
per split and writes every transcript to ``test-output/conversations-<split>.md``.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.coder import ECHO_OVERLAP, code, echo_overlap, summarise  # noqa: E402

SPLITS = {"dev": "conversations_dev.yaml", "held-out": "conversations_heldout.yaml"}
OUTPUT = ROOT / "test-output"

_UNGRAMMATICAL = re.compile(
    r"\b(?:you (?:was|is|am|has|wasn't|doesn't)|i (?:are|is|were|has|weren't)|"
    r"me (?:am|is|are|was)|you you|your your|you're are|you are is|them is|"
    r"(?:she|he) (?:are|were|have) (?!been|to|got|had))\b"
    r"|\b(?:feel|feels|seem|seems|like|the|a|an|and|my|your|which is|who is)\.$",
    re.IGNORECASE)
_WHEN_ASKED = re.compile(r"\bby when\b|\bwhen will you\b|\bwhat day\b", re.IGNORECASE)
_WHEN_GIVEN = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|"
    r"next week|this week|by (?:the end of )?\w+|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|\d{1,2}/\d{1,2})\b", re.IGNORECASE)
_WANT_ASKED = re.compile(r"what would you like to have|what would a good outcome", re.I)
_WANT_GIVEN = re.compile(r"\b(?:i want|i'd like|i would like|my goal|i'm hoping|i hope to|"
                         r"what i want)\b", re.IGNORECASE)
_STATEMENT = re.compile(r"(?:goal as one statement|goal is saved|statement with that change"
                        r"|statement as it was): \"?(By [^\"\n]+)")
_WELL_FORMED = re.compile(r"^By \d{1,2} [A-Z][a-z]+ \d{4}, I will [a-z]")
_LEAD_IN = re.compile(r"\b(?:set|make|draft) (?:a |my )?(?:smart )?goal\b|\bi'd like to\b|"
                      r"\bi want to\b|\bi would like to\b", re.IGNORECASE)
_REASON = re.compile(r",? (?:because|so that|so I can|in order to)\b")
_CITED_OPTION = re.compile(r"^- .+\[\d+\]$", re.MULTILINE)


@dataclass
class Tally:
    """Defects counted over a set of conversations."""

    turns: int = 0
    questions: int = 0
    reflections: int = 0
    defects: Counter[str] = field(default_factory=Counter)
    coaching: int = 0
    offered: int = 0
    statements: int = 0
    well_formed: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)
    #: The eval suite's behaviour coder over every coaching reply.
    coded: list = field(default_factory=list)

    def count(self, check: str, example: str) -> None:
        """One defect of kind ``check``."""
        self.defects[check] += 1
        self.examples.setdefault(check, []).append(example)


def _body(reply: str) -> list[str]:
    lines = reply.splitlines()[1:]
    if "Sources:" in lines:
        lines = lines[:lines.index("Sources:")]
    return lines


def _sentences(lines: list[str]) -> list[str]:
    return [s.strip() for line in lines for s in re.split(r"(?<=[.?!])\s+", line) if s.strip()]


def judge(conversation: dict, replies: list[str], tally: Tally) -> None:
    """Count the checks over one replayed conversation."""
    asked: set[str] = set()
    said: list[str] = []
    offered = False
    for message, reply in zip(conversation["turns"], replies, strict=True):
        tally.turns += 1
        where = f"{conversation['id']}: {message!r}"
        lines = _body(reply)
        sentences = _sentences(lines)
        for sentence in sentences:
            if sentence.endswith("?"):
                tally.questions += 1
                if sentence in asked:
                    tally.count("repeated question", f"{where} -> {sentence}")
                asked.add(sentence)
                earlier = " ".join(said)
                if _WHEN_ASKED.search(sentence) and _WHEN_GIVEN.search(message):
                    tally.count("already answered", f"{where} -> {sentence}")
                if _WANT_ASKED.search(sentence) and _WANT_GIVEN.search(earlier + " " + message):
                    tally.count("already answered", f"{where} -> {sentence}")
            elif not sentence.startswith(("-", "[", "Here is", "Your goal", "Checklist")):
                if _UNGRAMMATICAL.search(sentence):
                    tally.count("ungrammatical reflection", f"{where} -> {sentence}")
                if echo_overlap(sentence, message) > ECHO_OVERLAP:
                    tally.count("verbatim echo", f"{where} -> {sentence}")
        if reply.startswith("[Safety]"):
            tally.count("safety reply", where)
        if reply.startswith("[Coaching]") and lines and not lines[0].endswith("?"):
            tally.reflections += 1
        if reply.startswith("[Coaching]"):
            tally.coded += code("\n".join(lines), message)
        if reply.startswith("[Coaching]") and len(_CITED_OPTION.findall(reply)) >= 2:
            offered = True
        for statement in _STATEMENT.findall(reply):
            tally.statements += 1
            action = _REASON.split(statement, maxsplit=1)[0]  # "because I want to" is a reason
            if _WELL_FORMED.match(statement) and not _LEAD_IN.search(action):
                tally.well_formed += 1
            else:
                tally.count("statement not well formed", f"{where} -> {statement}")
        said.append(message)
    if conversation.get("choice") in ("auto", "coaching") and any(
            r.startswith("[Coaching]") for r in replies):
        tally.coaching += 1
        tally.offered += offered


def replay(guide, conversation: dict) -> list[str]:
    """The guide's replies to the scripted learner turns."""
    from assistant.guidance.session import Session

    session = Session()
    choice = conversation.get("choice")
    mode = None if choice in (None, "auto") else choice
    return [guide.ask(session, message, mode).text for message in conversation["turns"]]


def transcript(conversation: dict, replies: list[str]) -> str:
    """One conversation as Markdown a person can read."""
    lines = [f"## {conversation['id']} ({conversation['who']}, {conversation.get('choice')})", ""]
    for message, reply in zip(conversation["turns"], replies, strict=True):
        lines += [f"**Learner:** {message}", "", "**Guide:**", "", "```", reply, "```", ""]
    return "\n".join(lines)


def run_split(guide, name: str) -> Tally:
    """Replay one split, print its figures and write its transcripts."""
    conversations = yaml.safe_load((ROOT / "benchmarks" / "data" / SPLITS[name]).read_text())
    tally, pages = Tally(), []
    for conversation in conversations:
        replies = replay(guide, conversation)
        judge(conversation, replies, tally)
        pages.append(transcript(conversation, replies))
    OUTPUT.mkdir(exist_ok=True)
    out = OUTPUT / f"conversations-{name}.md"
    out.write_text(f"# Transcripts: {name}\n\n" + "\n".join(pages), encoding="utf-8")
    who = Counter(c["who"] for c in conversations)
    print(f"{name}: {len(conversations)} conversations ({dict(who)}), {tally.turns} turns, "
          f"{tally.questions} questions asked, {tally.reflections} coaching replies opening "
          "with a reflection")
    for check in ("repeated question", "already answered", "ungrammatical reflection",
                  "verbatim echo", "statement not well formed", "safety reply"):
        print(f"  {check:<27} {tally.defects[check]:>3}")
        for example in tally.examples.get(check, [])[:3]:
            print(f"      e.g. {example[:160]}")
    print(f"  cited options offered in {tally.offered} of {tally.coaching} coaching "
          "conversations")
    print(f"  SMART statements well formed: {tally.well_formed} of {tally.statements}")
    summary = summarise(tally.coded)
    print(f"  behaviour coder on coaching replies: reflection-to-question "
          f"{summary.reflection_to_question}, complex share {summary.complex_share}")
    print(f"  transcripts: {out.relative_to(ROOT)}")
    return tally


def main() -> None:
    """Build the starter index in a temporary home and replay each split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SPLITS))
    args = parser.parse_args()
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from assistant.chain.guide import Guide
    from assistant.settings import Settings
    from ingest.sync import sync_paths

    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        guide = Guide(settings)
        sync_paths([ROOT / "corpus"], settings=settings, store=guide.store,
                   embedder=guide.embedder)
        guide.retriever.refresh()
        for name in [args.only] if args.only else list(SPLITS):
            if (ROOT / "benchmarks" / "data" / SPLITS[name]).exists():
                run_split(guide, name)


if __name__ == "__main__":
    main()
