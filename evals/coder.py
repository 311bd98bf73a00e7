"""A behaviour coder in the spirit of MITI 4.2.1: each sentence of a guide reply gets one code.

Codes: open and closed questions, simple and complex reflections, giving information,
persuading, affirming, emphasising autonomy, and neutral (structure, courtesy, notices).

The coder has its own lexicon, rules and labels (``evals/data``); it takes nothing from the
policy, the engines or the wording rules of the guide whose replies it judges. It uses the
product's infrastructure only: the text layer's sentence splitter and stop words, the
embedding model, and the reader's kind of classifier, fitted here on the coder's own labels
for the statements no rule settles. A reflection is judged against the learner's message it
answers:

* a sentence that copies the message, or one sentence of it, with the pronouns turned (token
  overlap above :data:`ECHO_OVERLAP`, person words aside) is a verbatim echo: neutral, not a
  reflection;
* a reflection is *complex* when it adds meaning or feeling the learner did not say (a feeling
  or value of a family the message does not name, a double-sided or inferential frame such as
  "part of you", or a meaning far from the message's: see :data:`FAR`), otherwise *simple*: a
  rephrasing close to what was said.

Benchmarks reuse :func:`code` and :func:`summarise` to measure whole conversations.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

import Stemmer

from assistant.settings import get_settings
from assistant.text import content_words, sentences
from evals.labels import CODES, Code, Labelled, load_part

if TYPE_CHECKING:
    from assistant.reader.classifier import EmbeddingClassifier

__all__ = ["CODES", "Code", "Coded", "Coder", "Summary", "code", "code_utterance", "coder",
           "echo_overlap", "summarise"]
REFLECTIONS: frozenset[Code] = frozenset({"simple_reflection", "complex_reflection"})
QUESTIONS: frozenset[Code] = frozenset({"open_question", "closed_question"})

#: Above this share of a message sentence's words copied, a "reflection" is a verbatim echo.
ECHO_OVERLAP = 0.8
#: How far a reflection's meaning is from the message's (cosine of the sentence embeddings):
#: under FAR it says something the learner did not; under NEAR it does so when at least
#: NEW_WORDS of its words are new. Set on the development part.
FAR, NEAR, NEW_WORDS = 0.3, 0.45, 0.7
#: Reflections of fewer content words than this are judged by their words alone.
SHORT = 4

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_MARKERS = re.compile(r"\s*\[\d{1,3}\]")
_QUOTED = re.compile(r'"[^"]+"|\u201c[^\u201d]+\u201d')
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
_CONTRACTIONS = (("n't", " not"), ("'re", " are"), ("'m", " am"), ("'ve", " have"),
                 ("'ll", " will"), ("'d", " would"), ("'s", ""))
#: Words that change when a sentence is handed back in the other person: left out of overlap.
_PERSON = frozenset(
    "i me my mine myself you your yours yourself we us our ours am are is was were be been "
    "have has had do does did will would so it sounds sound like seems seem that".split())

# --- questions -------------------------------------------------------------------------------
_LEAD_IN = r"^(?:(?:so|and|okay|ok|now|then|well|also|but)[, ]+|on a scale of [^,]+,\s*)?"
_OPEN_HEAD = re.compile(
    _LEAD_IN + r"(?:what|how|which|why|where|when|who|whom|whose|in what|to what)\b",
    re.IGNORECASE)
_OPEN_REQUEST = re.compile(
    r"^(?:(?:so|and|okay)[, ]+)?(?:tell me (?:more|about|what|how)|say more|describe|"
    r"walk me through|talk me through|talk to me about|help me understand|say a (?:little|bit) "
    r"(?:more )?about|give me a (?:sense|picture|feel) of)\b", re.IGNORECASE)
#: A closed question that hands over to an open one ("Would that work, or what else?").
_OPEN_ALTERNATIVE = re.compile(r"(?:,|\b(?:or|and))\s+(?:what|how)\b", re.IGNORECASE)

# --- statements ------------------------------------------------------------------------------
_NEUTRAL = re.compile(
    r"^(?:let's|let us|of course|okay|ok|sure|hello|hi|welcome|thank you|thanks|say the words|"
    r"take your time|in your own time|good (?:morning|afternoon|evening)|"
    r"(?:when|whenever) you(?:'re| are) ready|here(?:'s| is) (?:the|your) (?:draft|goal|"
    r"summary|plan|scenario|feedback|transcript))\b|"
    # The session's own signposts: a heading before a colon, a command to type.
    r"^(?:your (?:objective|next step|goal(?: so far)?)|still to come|also near it|"
    r"shown so far|options you weighed|where things stand|before we stop)\b[^:]*:|"
    r"\b(?:say|reply|type|answer) [\"\u201c][^\"\u201d]{1,20}[\"\u201d]|"
    r"\bin the \w+ tab\b|: you said [\"\u201c]|"
    r"\b(?:switch(?:ing|ed)? (?:to|back)|guidance setting|stop practi[sc]ing|help contacts|"
    r"step out|staying with (?:coaching|advising|mentoring))\b",
    re.IGNORECASE)
#: Where an instruction can open: the sentence, or a clause after a semicolon or "so".
_CLAUSE_START = re.compile(
    r"(?:^|;\s*|,\s*so\s+|\bso\s+)(?:(?:just|so|first|then|now|and|also|honestly|instead|"
    r"next|please)[, ]+)*([a-z]+(?:-[a-z]+)?)\b(?!')(?:\s+([a-z']+))?", re.IGNORECASE)
#: After these a base verb is a noun subject ("Practice is...", "Change can wait").
_AUXILIARIES = frozenset(
    "is are was were has have had can could will would may might should must does did".split())
#: Words that open statements, whatever the lexicon says of them.
_NOT_INSTRUCTIONS = frozenset("i you we it there do does did".split())
#: What follows the verb of an instruction: an object, a particle, a time ("Chart as you go",
#: "Page them"). A word that is also a noun opens an instruction only with one of these next,
#: so "Part of you" and "Nurse educators" do not.
_OBJECT_START = frozenset(
    "the a an your her his their them him it this that these those my our out up down back off "
    "in on to with for about as at by over through around some one two three more less any "
    "every each now today tomorrow tonight first yourself anyway again straight honest clear "
    "ahead early aside".split()) | {""}
#: Verbs an instruction follows with a gerund ("Try asking", "Keep going").
_GERUND_VERBS = frozenset("try keep stop start consider avoid practise practice begin "
                          "continue quit".split())


def _instructs(text: str) -> bool:
    """Whether ``text`` opens (or a clause of it opens) on a verb in its base form with no
    subject: an instruction ("Block out thirty minutes", "Bank the win; move on")."""
    from lemminflect import getAllLemmas  # loads its tables; only the judges need it

    for found in _CLAUSE_START.finditer(text):
        verb, after = found.group(1).lower(), (found.group(2) or "").lower()
        head = verb.split("-")[-1]
        readings = getAllLemmas(head)
        if verb in _NOT_INSTRUCTIONS or head not in readings.get("VERB", ()):
            continue
        gerund = after.endswith("ing") and head in _GERUND_VERBS
        if set(readings) - {"VERB", "AUX"} and not (after in _OBJECT_START or gerund):
            continue
        # "Research shows", "Time matters": the next word is the sentence's own verb.
        inflected = after and after not in getAllLemmas(after).get("VERB", (after,))
        if after in _AUXILIARIES or (inflected and not after.endswith("ing")):
            continue
        return True
    return False


_PERSUADE = re.compile(
    r"\b(?:you(?: really| honestly| probably| definitely| just| still| absolutely)? "
    r"(?:should|must|need to|have to|ought to|had better|really need)|you'd better|"
    r"you(?:'ll| will| may| might) want to|"
    r"i(?: would|'d)? (?:strongly |really )?(?:recommend|suggest|advise|urge)|if i were you|"
    r"my (?:advice|recommendation|suggestion)|make sure|(?:don't|do not) (?:forget|wait|"
    r"hesitate|let)|it(?:'s| is) (?:best|essential|crucial|vital|important) (?:to|that you)|"
    r"the (?:best|right|only|safer|safest|smarter|wiser|better) (?:thing|way|choice|option|"
    r"move|route|path|bet) (?:is|would be)|(?:so|which is why) it(?:'s| is) worth|"
    r"it(?:'s| is) (?:well worth|worth a (?:serious |closer |proper )?look)|"
    r"clearly the (?:better|best|right)|the worst (?:she|he|they|anyone) can say|"
    r"(?:deserves|merits|is worth) a (?:serious |closer |proper |second )?look|"
    r"it(?:'s| is) (?:clearly |simply )?the (?:stronger|better|best|safer|smarter|wiser|right|"
    r"obvious) (?:option|choice|route|path|bet|move|call))\b|"
    r"^(?:honestly,? )?i(?:'d| would) (?:probably |definitely |just )?"
    r"(?!like|love|be|need|want|guess|imagine|think|wonder|add|say|have|rather)[a-z]+",
    re.IGNORECASE)
_AUTONOMY = re.compile(
    r"\b(?:(?:entirely |completely )?up to you|(?:it's|it is) your (?:decision|choice|call)|"
    r"your (?:call|decision) to make|yours to (?:choose|decide|make|set|judge)|"
    r"(?:the )?(?:choice|decision|timing|call) is (?:yours|your own)|"
    r"(?<!before )(?<!until )you (?:decide|choose|steer|set the pace)|"
    r"you (?:can|get to|may|might) (?:decide|choose|prefer)|"
    r"take (?:what|whatever)(?:'s| is)? (?:useful|helps|fits|works)|"
    r"(?:choice|decision) (?:stays|remains|rests) (?:yours|with you)|"
    r"you(?:'re| are) (?:the (?:best )?(?:judge|expert)|free to|in charge|the one who)|"
    r"(?:whatever|whichever|however) you (?:choose|decide|pick)|only you|"
    r"you (?:don't|do not) have to|no need to (?:choose|decide|pick)|"
    r"you know (?:this|your|best|yourself|what works|(?:her|him|them|the \w+) (?:better|best))|"
    r"your (?:own )?pace|feel free)\b",
    re.IGNORECASE)
_AFFIRM = re.compile(
    r"\b(?:courage\w*|brave\w*|well done|good (?:job|work|thinking|idea|step|question)|"
    r"great (?:job|work|idea|step|question)|strengths?|commitment|committed|dedicat\w*|"
    r"persisten\w*|persistent|resourceful\w*|thoughtful\w*|honest\w*|impressive|admirabl\w*|"
    r"took (?:real |some )?(?:guts|nerve|humility|maturity)|that took|proud|"
    r"skil(?:l|led|ful)|insightful|determin(?:ed|ation)|integrity|generous|generosity|"
    r"sensible|mature|professionalism|considerate|respectful|conscientious|"
    r"good for you|credit to you|to your credit|handled (?:it|that|this|her|him) well|"
    r"put (?:in )?(?:a lot of|real|so much|serious) (?:effort|work|thought)|it shows|"
    r"you(?:'ve| have) clearly|you've (?:worked|done) (?:hard|well))\b",
    re.IGNORECASE)
_AFFIRM_SUBJECT = re.compile(
    r"\byou(?:r|'ve|'re)?\b|^(?:that|this|noticing|doing|getting|asking|well done|good|great)\b",
    re.IGNORECASE)
_REFLECTIVE_STRIP = re.compile(
    r"^(?:so,?\s+)?(?:it sounds (?:like|as if|as though)|it seems (?:like|that|as if)?|"
    r"sounds like|it looks like|what i(?:'m)? hear(?:ing)? is(?: that)?|i hear(?: that)?|"
    r"you(?:'re| are) saying(?: that)?)\s*",
    re.IGNORECASE)
#: How a reflection opens when it says so ("It sounds like...", "So your meetings...").
_REFLECTIVE_OPENING = re.compile(
    r"^(?:so,?\s+(?:you|your)\b|it sounds (?:like|as if|as though)|sounds like|"
    r"what i(?:'m)? hear|you(?:'re| are) saying)", re.IGNORECASE)
#: Frames that add meaning: two sides, what matters, a guess at what lies underneath.
_MEANING_FRAME = re.compile(
    r"\b(?:part of you|on the one hand|on the other|even (?:though|when|if)|matters? to you|"
    r"important to you|you (?:really )?(?:care|value|want (?:her|him|them) to)|you sound|"
    r"sounds like you(?:'re| are)|you(?:'re| are) (?:starting to|beginning to)|"
    r"worth (?:her|his|their|your) time|not much left|a lot of yourself|as much as|"
    r"(?:seems|seemed|sounds) to (?:have|be)\b.*\byou)\b",
    re.IGNORECASE)
#: Feelings and values in families: a reflection that names a family the learner did not
#: ("afraid" for "scared" is the same family) adds meaning.
_FAMILIES = (
    "afraid anxious anxiety concerned fear frightened nervous scared worried worry worries uneasy "
    "tense",
    "angry annoyed frustrated frustrating frustration resentful irritated",
    "sad disappointed discouraged hopeless lonely isolated lost hurt hurts stung upset regret",
    "ashamed embarrassed guilty guilt",
    "burdened burned burnout drained exhausted tired worn heavy heavier overwhelmed pressure "
    "stressed",
    "confused uncertain unsure stuck torn wonder wondering questioning doubt doubts",
    "confident confidence excited excites hopeful ready readiness",
    "grateful relieved proud",
    "care cares caring", "fair fairness unfair", "respect respected valued recognition",
    "trust trusted dependable loyal", "safe safer",
    "belonging welcome welcomed",
)
_FAMILY = {stem: number for number, family in enumerate(_FAMILIES)
           for stem in _STEMMER.stemWords(family.split())}


@dataclass(frozen=True)
class Coded:
    """One sentence of a reply, its code, and why: ``echo`` is its overlap with the message."""

    text: str
    code: Code
    why: str = ""
    echo: float = 0.0


def words(text: str) -> list[str]:
    """Lower-cased word tokens, contractions opened ("you're" -> "you are"), stemmed."""
    text = text.lower().replace("\u2019", "'")
    for short, full in _CONTRACTIONS:
        text = text.replace(short, full)
    return _STEMMER.stemWords(_WORD.findall(text))


def _said(text: str) -> set[str]:
    return {w for w in words(text) if w not in _PERSON}


def echo_overlap(utterance: str, message: str) -> float:
    """How much of the message the utterance copies: the largest share of any message
    sentence's words (or the whole message's) that reappear in it, person words aside.

    Message sentences of fewer than three such words are too short to be echoed.
    """
    said = _said(_REFLECTIVE_STRIP.sub("", utterance))
    best = 0.0
    parts = [s.text for s in sentences(message)]
    for part in {*parts, message}:
        heard = _said(part)
        if len(heard) >= 3:
            best = max(best, len(heard & said) / len(heard))
    return round(best, 3)


def _question(text: str) -> Coded:
    if _OPEN_HEAD.search(text) or _OPEN_REQUEST.search(text):
        return Coded(text, "open_question", "asks an open question")
    if "," in text and _OPEN_HEAD.search(text.rsplit(",", 1)[1].strip()):
        return Coded(text, "open_question", "asks an open question after a lead-in clause")
    if _OPEN_ALTERNATIVE.search(text):
        return Coded(text, "open_question", "a closed question that opens out")
    return Coded(text, "closed_question", "asks for yes, no or one fact")


def _similarity(first: str, second: str) -> float:
    """Cosine similarity of two texts' sentence embeddings (the configured embedding model)."""
    from assistant.index.embeddings import embedder_for

    a, b = embedder_for(get_settings()).embed_documents([first, second])
    return float(sum(x * y for x, y in zip(a, b, strict=True)))


def _clean(utterance: str) -> str:
    return _BULLET.sub("", _MARKERS.sub("", utterance)).strip().replace("\u2019", "'")


def _asks(text: str) -> bool:
    return text.endswith("?") or bool(_OPEN_REQUEST.search(text))


def _kind(code: Code) -> str:
    """What the statement classifier tells apart: a reflection's depth is judged after."""
    return "reflection" if code in REFLECTIONS else code


def _reflection(text: str, message: str, echo: float) -> Coded:
    """A reflection of ``message``, simple or complex."""
    body = _REFLECTIVE_STRIP.sub("", text)
    heard = content_words(message)
    named = {_FAMILY[w] for w in heard if w in _FAMILY}
    mine = content_words(body)
    feeling = sorted(w for w in mine - heard if w in _FAMILY and _FAMILY[w] not in named)
    if _MEANING_FRAME.search(text):
        return Coded(text, "complex_reflection", "adds meaning (a two-sided or inferential "
                     "frame)", echo)
    if feeling:
        return Coded(text, "complex_reflection", f"names what was not said ({feeling[0]})", echo)
    # A few words ("So tomorrow it is.") sit far from any message: distance says nothing.
    similarity = _similarity(body, message) if message and len(mine) >= SHORT else 1.0
    new = len(mine - heard) / len(mine) if mine else 0.0
    if similarity < FAR or (similarity < NEAR and new >= NEW_WORDS):
        return Coded(text, "complex_reflection", f"says what was not said (similarity "
                     f"{similarity:.2f})", echo)
    return Coded(text, "simple_reflection", f"hands back what was said (similarity "
                 f"{similarity:.2f})", echo)


class Coder:
    """Codes guide utterances; statements no cue settles are read by a classifier fitted on
    ``labelled`` (the development part, or a part of it when cross-validating)."""

    def __init__(self, labelled: Iterable[Labelled]) -> None:
        self.labelled = tuple(labelled)

    @cached_property
    def statements(self) -> EmbeddingClassifier:
        """A classifier over sentence embeddings and word stems (the reader's kind of
        classifier, fitted on the coder's own labels) for the labelled statements, that is
        everything but questions and echoes; cached on disk like the reader's."""
        from assistant.index.embeddings import embedder_for
        from assistant.reader.classifier import EmbeddingClassifier
        from assistant.reader.labelled import LabelledSet

        examples: dict[str, list[str]] = {}
        for item in self.labelled:
            text = _clean(item.utterance)
            if not _asks(text) and echo_overlap(text, item.message) <= ECHO_OVERLAP:
                examples.setdefault(_kind(item.code), []).append(text)
        settings = get_settings()
        labelled = LabelledSet("coder-statements", {k: tuple(v) for k, v in examples.items()})
        return EmbeddingClassifier(labelled, embedder_for(settings), settings.cache_dir)

    def code_utterance(self, utterance: str, message: str = "") -> Coded:
        """The code of one sentence of a guide reply, judged against the message it answers."""
        text = _clean(utterance)
        if _asks(text):
            return _question(text)
        echo = echo_overlap(text, message) if message else 0.0
        if echo > ECHO_OVERLAP:
            return Coded(text, "neutral", f"verbatim echo of the message (overlap {echo:.2f})",
                         echo)
        cited = bool(_MARKERS.search(utterance))
        quoted = sum(len(q) for q in _QUOTED.findall(text))
        if 2 * quoted >= len(text):
            return (Coded(text, "giving_information", "quotes a cited source") if cited else
                    Coded(text, "neutral", "quotes words back (structure)"))
        cue = _cue(text)
        if cue:
            return cue
        if _REFLECTIVE_OPENING.search(text) and not cited:
            return _reflection(text, message, echo)
        reading = self.statements.predict(text)
        if reading.label == "reflection" and not cited:
            return _reflection(text, message, echo)
        if reading.label in ("reflection", "giving_information"):
            return Coded(text, "giving_information", "states knowledge" + (
                " with a citation" if cited else ""))
        label: Code = reading.label  # type: ignore[assignment]
        return Coded(text, label, f"reads as {label.replace('_', ' ')} "
                     f"({reading.probability(label):.2f})")


def _cue(text: str) -> Coded | None:
    """The code a cue settles: courtesy, persuasion, autonomy or an affirmation."""
    if _NEUTRAL.search(text):
        return Coded(text, "neutral", "structure or courtesy")
    if _PERSUADE.search(text):
        return Coded(text, "persuade", "tells the learner what to do or think")
    if _AUTONOMY.search(text):
        return Coded(text, "emphasise_autonomy", "leaves the choice with the learner")
    if _instructs(text):
        return Coded(text, "persuade", "an instruction")
    if _AFFIRM.search(text) and _AFFIRM_SUBJECT.search(text):
        return Coded(text, "affirm", "names a strength or effort")
    return None


@cache
def coder() -> Coder:
    """The coder fitted on the whole development part."""
    return Coder(load_part("development"))


def code_utterance(utterance: str, message: str = "") -> Coded:
    """The code of one sentence of a guide reply, judged against the message it answers."""
    return coder().code_utterance(utterance, message)


def code(reply: str, message: str = "") -> list[Coded]:
    """Every sentence of ``reply`` (label line and ``Sources:`` block removed), coded.

    ``message`` is the learner's message the reply answers; without it nothing can be judged
    an echo.
    """
    body = re.sub(r"\n(?:Sources|References):\n.*\Z", "", reply, flags=re.DOTALL)
    body = re.sub(r"\A\[[A-Z][a-z]+\]\n?", "", body)
    # "way. [1]" -> "way [1]." so a trailing marker stays with its sentence.
    body = re.sub(r"([.!?])((?:\s*\[\d{1,3}\])+)", r"\2\1", body)
    return [code_utterance(s.text, message) for s in sentences(body)]


@dataclass(frozen=True)
class Summary:
    """Counts of each code over some replies, and the MITI summary scores."""

    counts: dict[Code, int]
    echoes: int = 0

    @property
    def questions(self) -> int:
        """Open and closed questions."""
        return sum(self.counts.get(c, 0) for c in QUESTIONS)

    @property
    def reflections(self) -> int:
        """Simple and complex reflections (echoes are not reflections)."""
        return sum(self.counts.get(c, 0) for c in REFLECTIONS)

    @property
    def reflection_to_question(self) -> float | None:
        """Reflections per question (MITI R:Q; fair 1.0, good 2.0); None without questions."""
        return round(self.reflections / self.questions, 4) if self.questions else None

    @property
    def complex_share(self) -> float | None:
        """Complex reflections among all reflections (fair 0.4, good 0.5); None without any."""
        return (round(self.counts.get("complex_reflection", 0) / self.reflections, 4)
                if self.reflections else None)


def summarise(coded: Iterable[Coded]) -> Summary:
    """The counts of ``coded`` (one reply's sentences, or a whole conversation's)."""
    items = list(coded)
    counts = Counter(c.code for c in items)
    return Summary({name: counts.get(name, 0) for name in CODES},
                   echoes=sum(1 for c in items if c.echo > ECHO_OVERLAP))
