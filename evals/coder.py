"""A behaviour coder in the spirit of MITI 4.2.1: each sentence of a guide reply gets one code.

Codes: open and closed questions, simple and complex reflections, giving information,
persuading, affirming, emphasising autonomy, and neutral (structure, courtesy, notices).

The coder has its own lexicon and rules; it shares nothing with the guide that writes the
replies it judges (only the text layer's sentence splitter and stop words). A reflection is
judged against the learner's message it answers:

* a sentence that copies the message, or one sentence of it, with the pronouns turned (token
  overlap above :data:`ECHO_OVERLAP`, person words aside) is a verbatim echo: neutral, not a
  reflection;
* a reflection is *complex* when it adds meaning or feeling the learner did not say (a feeling
  or value word not in the message, a double-sided or inferential frame such as "part of
  you", or mostly new words), otherwise *simple*.

Benchmarks reuse :func:`code` and :func:`summarise` to measure whole conversations.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

import Stemmer

from assistant.text import content_words, sentences

Code = Literal[
    "open_question", "closed_question", "simple_reflection", "complex_reflection",
    "giving_information", "persuade", "affirm", "emphasise_autonomy", "neutral",
]
CODES: tuple[Code, ...] = get_args(Code)
REFLECTIONS: frozenset[Code] = frozenset({"simple_reflection", "complex_reflection"})
QUESTIONS: frozenset[Code] = frozenset({"open_question", "closed_question"})

#: Above this share of a message sentence's words copied, a "reflection" is a verbatim echo.
ECHO_OVERLAP = 0.8

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_MARKERS = re.compile(r"\s*\[\d{1,3}\]")
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
    r"walk me through|talk me through|help me understand)\b", re.IGNORECASE)
#: A closed question that hands over to an open one ("Would that work, or what else?").
_OPEN_ALTERNATIVE = re.compile(r"(?:,|\b(?:or|and))\s+(?:what|how)\b", re.IGNORECASE)

# --- statements ------------------------------------------------------------------------------
_NEUTRAL = re.compile(
    r"^(?:let's|let us|of course|okay|ok|sure|hello|hi|welcome|thank you|thanks|say the words|"
    r"take your time|in your own time|good (?:morning|afternoon|evening))\b|"
    r"\b(?:switch(?:ing|ed)? (?:to|back)|guidance setting|stop practi[sc]ing|help contacts|"
    r"step out|staying with (?:coaching|advising|mentoring))\b",
    re.IGNORECASE)
_PERSUADE = re.compile(
    r"\b(?:you (?:should|must|need to|have to|ought to|had better|really need)|you'd better|"
    r"i (?:would |'d )?(?:strongly )?(?:recommend|suggest|advise|urge)|if i were you|"
    r"my (?:advice|recommendation|suggestion)|make sure|(?:don't|do not) (?:forget|wait|"
    r"hesitate|let)|it(?:'s| is) (?:best|essential|crucial|vital|important) (?:to|that you)|"
    r"the (?:best|right|only) (?:thing|way|choice|option|move) (?:is|would be)|"
    r"clearly the (?:better|best|right)|the worst (?:she|he|they|anyone) can say)\b|"
    r"^(?:just |so |first,? )?(?:try|send|ask|email|call|write|book|schedule|set up|stop|start|"
    r"avoid|remember|consider|keep|go|talk|speak|bring|raise|protect|refer|prioriti[sz]e|"
    r"focus|delegate|notice|agree|contact|use|plan|meet|offer|share|listen|check|find|join|"
    r"give|slow down|let (?:her|him|them)|tell (?:her|him|them|your))\b",
    re.IGNORECASE)
_AUTONOMY = re.compile(
    r"\b(?:up to you|(?:it's|it is) your (?:decision|choice|call)|you (?:decide|choose|steer)|"
    r"you (?:can|get to) (?:decide|choose)|you(?:'re| are) (?:the (?:best )?(?:judge|expert)|"
    r"free to|in charge)|whatever you (?:choose|decide)|only you|you know (?:this|your|best|"
    r"yourself|what works)|your (?:own )?pace)\b",
    re.IGNORECASE)
_AFFIRM = re.compile(
    r"\b(?:courage\w*|brave\w*|well done|good (?:job|work|thinking|idea|step|question)|"
    r"great (?:job|work|idea|step|question)|strengths?|commitment|committed|dedicat\w*|"
    r"persisten\w*|persistent|resourceful\w*|thoughtful\w*|honest\w*|impressive|admirabl\w*|"
    r"took guts|proud|skil(?:l|led|ful)|insightful|determin(?:ed|ation)|"
    r"you've (?:worked|done) (?:hard|well))\b",
    re.IGNORECASE)
_AFFIRM_SUBJECT = re.compile(
    r"\byou(?:r|'ve|'re)?\b|^(?:that|this|noticing|doing|getting|asking|well done|good|great)\b",
    re.IGNORECASE)
#: Statements of general knowledge: programs, literature, what people usually do.
_INFORMATION = re.compile(
    r"\b(?:programs?|handbooks?|research|studies|study|evidence|literature|guidelines?|"
    r"usually|typically|generally|often|commonly|recommends?|describes?|lists|works best|"
    r"many|most (?:mentors|people|programs|residents)|some (?:mentors|people|programs|"
    r"residents|mentees)|is a (?:normal|common)|means|defined)\b",
    re.IGNORECASE)
#: How a reflection opens: it speaks of the learner.
_REFLECTIVE_LEAD = re.compile(
    r"^(?:so,?\s+)?(?:it sounds|it seems|sounds like|it looks like|what i(?:'m)? hear|"
    r"i(?:'m)? hear(?:ing)?|you\b|your\b|part of you|that (?:stung|hurt|must|sounds|sounded|"
    r"seems|felt|was hard)|something (?:about|in)|being\b|on the one hand)",
    re.IGNORECASE)
_REFLECTIVE_STRIP = re.compile(
    r"^(?:so,?\s+)?(?:it sounds (?:like|as if|as though)|it seems (?:like|that|as if)?|"
    r"sounds like|it looks like|what i(?:'m)? hear(?:ing)? is(?: that)?|i hear(?: that)?|"
    r"you(?:'re| are) saying(?: that)?)\s*",
    re.IGNORECASE)
#: Frames that add meaning: two sides, what matters, a guess at what lies underneath.
_MEANING_FRAME = re.compile(
    r"\b(?:part of you|on the one hand|on the other|even (?:though|when|if)|matters? to you|"
    r"important to you|you (?:really )?(?:care|value|want (?:her|him|them) to)|you sound|"
    r"sounds like you(?:'re| are)|you(?:'re| are) (?:starting to|beginning to)|"
    r"worth (?:her|his|their|your) time|not much left|a lot of yourself|as much as)\b",
    re.IGNORECASE)
#: Feelings and values: a reflection that names one the learner did not say adds meaning.
_AFFECT = frozenset(_STEMMER.stemWords(
    "afraid anxious anxiety angry annoyed ashamed burdened burned burnout confident confidence "
    "confused disappointed discouraged drained dread embarrassed excited excites exhausted "
    "fear frightened frustrated frustrating frustration grateful guilty guilt heavy heavier "
    "helpless hopeful hopeless hurt hurts isolated jealous lonely lost nervous overwhelmed "
    "pressure proud regret relieved resentful sad scared stressed stuck stung tense tired "
    "torn uncertain uneasy unsure upset valued wonder wondering worried worry worn "
    "care cares caring dependable fair fairness respect respected trust trusted meaning "
    "meaningful matters safe safer belonging recognition ready readiness".split()))


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
    if _OPEN_ALTERNATIVE.search(text):
        return Coded(text, "open_question", "a closed question that opens out")
    return Coded(text, "closed_question", "asks for yes, no or one fact")


def _reflection(text: str, message: str, echo: float) -> Coded | None:
    """The sentence as a reflection of ``message``, or None when it is not one."""
    body = _REFLECTIVE_STRIP.sub("", text)
    mine = content_words(body)
    heard = content_words(message)
    shared = mine & heard
    framed = bool(_MEANING_FRAME.search(text))
    if not (_REFLECTIVE_LEAD.search(text) or framed
            or (shared and (2 * len(shared) >= len(mine) or len(mine) <= 4))):
        return None
    new = mine - heard
    feeling = sorted(w for w in new if w in _AFFECT)
    if framed:
        return Coded(text, "complex_reflection", "adds meaning (a two-sided or inferential "
                     "frame)", echo)
    if feeling:
        return Coded(text, "complex_reflection", f"names what was not said ({feeling[0]})", echo)
    if len(new) >= 3 and 2 * len(new) > len(mine):
        return Coded(text, "complex_reflection", "adds meaning in new words", echo)
    return Coded(text, "simple_reflection", "hands back what was said", echo)


def code_utterance(utterance: str, message: str = "") -> Coded:
    """The code of one sentence of a guide reply, judged against the message it answers."""
    text = _BULLET.sub("", _MARKERS.sub("", utterance)).strip()
    cited = bool(_MARKERS.search(utterance))
    if text.endswith("?") or _OPEN_REQUEST.search(text):
        return _question(text)
    echo = echo_overlap(text, message) if message else 0.0
    if echo > ECHO_OVERLAP:
        return Coded(text, "neutral", f"verbatim echo of the message (overlap {echo:.2f})", echo)
    if _NEUTRAL.search(text):
        return Coded(text, "neutral", "structure or courtesy")
    if _PERSUADE.search(text):
        return Coded(text, "persuade", "tells the learner what to do or think")
    if _AUTONOMY.search(text):
        return Coded(text, "emphasise_autonomy", "leaves the choice with the learner")
    if _AFFIRM.search(text) and _AFFIRM_SUBJECT.search(text):
        return Coded(text, "affirm", "names a strength or effort")
    # General knowledge is information, unless it opens on the learner and uses their words.
    about_learner = bool(_MEANING_FRAME.search(text)) or (
        bool(_REFLECTIVE_LEAD.search(text)) and bool(content_words(text) & content_words(message)))
    if not cited and (about_learner or not _INFORMATION.search(text)):
        reflection = _reflection(text, message, echo)
        if reflection:
            return reflection
    if len(content_words(text)) < 2:
        return Coded(text, "neutral", "too short to carry content")
    return Coded(text, "giving_information", "states knowledge" + (" with a citation"
                                                                    if cited else ""))


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
