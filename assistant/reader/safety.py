"""The safety check: does a message say that someone may not be safe?

Explicit phrasings are matched by patterns; everything else is read by a classifier over
sentence embeddings, trained on the labelled phrasings in ``data/safety.yaml`` (distress of
each kind, and ordinary professional messages full of idioms) and on the reader's sets as
more ordinary traffic. Each sentence is read on its own as well as the whole message, so one
sentence of distress inside a long message counts. A second classifier, trained on
``data/ownership.yaml``, reads whose distress it is and whether it is current: the writer's,
someone they support, past and over, denied, a patient's, a figure of speech, about work.
When in doubt the check errs towards safety: any one reading is enough, and the ownership
reading sets one aside only when it is sure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from langchain_core.embeddings import Embeddings

from assistant.reader.classifier import EmbeddingClassifier, Prediction
from assistant.reader.labelled import READER_SETS, LabelledSet, load_labelled
from assistant.text import clauses, content_words, negated, sentences

SafetyKind = Literal["suicide", "self_harm", "hopelessness", "harassment", "substance"]
KINDS: tuple[SafetyKind, ...] = ("suicide", "self_harm", "hopelessness", "harassment",
                                 "substance")
ORDINARY = "ordinary"
#: A reading is distress when the classifier gives "ordinary" less than this probability;
#: one sentence read alone has less context, so it must be clearer.
ORDINARY_BELOW = 0.5
SENTENCE_ORDINARY_BELOW = 0.25
#: A classifier reading is unsure when "ordinary" still has at least this share of the
#: threshold's probability.
UNSURE_FROM = 0.5
#: Sentences and clauses of a longer message are read on their own from this many words.
_ALONE_WORDS = 4
#: Where a clause said in passing starts: "..., also ...", "..., I feel ...".
_ASIDE = re.compile(r",?\s+(?:and also|also|plus)\s+|,\s+(?=(?:i|i'm|i've|i'd)\s)", re.IGNORECASE)
#: Ownership labels (``data/ownership.yaml``): whose distress a message tells of and whether
#: it is current. Only the writer's own and that of someone they support call for the safety
#: reply (and the safety set's distress phrasings, joined as "distress", whoever's it is); the
#: others are past and over, denied, a patient's, a figure of speech, about work.
OWN, SUPPORTED, DISTRESS = "own", "supported", "distress"
AT_RISK = (OWN, SUPPORTED, DISTRESS)
#: The ownership reading settles a finding only when a label that needs no safety reply has at
#: least this probability, for the message or for the evidence read alone, and neither
#: reading gives the labels at risk more than what is left; a pattern hit, or a safety reading
#: giving "ordinary" less than ``STRONG_BELOW``, only when that label is one of
#: ``SETTLES_STRONG``.
SETTLES_FROM = 0.6
STRONG_BELOW = 0.05
DENIED = "denied"
SETTLES_STRONG = ("past", DENIED, "patient")


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


_ME = r"(?:i|i'?m|i am|i'?ve|i have|i'?ve been|i have been|i keep|i feel|i'?d)"
#: Explicit phrasings, by kind. Idioms ("this rotation is killing me") are left to the
#: classifier, which has seen hundreds of them; these patterns never match an idiom.
PATTERNS: dict[SafetyKind, re.Pattern[str]] = {
    "suicide": _any(
        r"(?:kill|killing|hang|hanging|shoot|shooting|drown|drowning) myself\b",
        r"(?:end|ending|take|taking) my (?:own )?life\b",
        _ME + r" (?:\w+ ){0,3}(?:suicidal|thoughts? (?:of|about) (?:suicide|dying|ending it))",
        r"(?:don'?t|do not) want to (?:live|be alive|exist|wake up)\b",
        r"(?:don'?t|do not) want to be here any ?more\b",
        r"better off (?:dead|without me|if i (?:was|were)n'?t (?:here|around|alive))",
        r"(?:wish|want)(?:es|s)? (?:i (?:was|were) dead|to die\b(?! (?:of|from) (?:embarrassment|"
        r"shame|boredom|laughter|laughing))|i (?:wouldn'?t|didn'?t|won'?t) "
        r"wake up)",
        r"no (?:point|reason) (?:in |to )?(?:living|being alive|going on|waking up)\b",
        r"(?:point|reason) (?:of|in) (?:living|waking up|being alive)\b",
        r"(?:suicide|goodbye) (?:note|letter)s?\b",
        r"(?:i|i'?m|i keep|i can'?t stop|been|keep) (?:\w+ ){0,2}thinking (?:about|of) "
        r"(?:suicide|killing myself|ending (?:it all|my life)|dying)\b"
        r"(?! (?:prevention|risk|awareness|training|screening))",
        r"(?:thinking about|thought about|want to|wanted to|going to|plan to|planning to|"
        r"tempted to|urge to) (?:\w+ ){0,2}(?:overdos(?:e|ing)|od)\b",
        r"how many (?:of )?(?:my |the |these )?(?:pills|tablets)\b",
        r"(?:stockpil\w*|hoard\w*|stash\w*|sav(?:e|es|ed|ing) up) (?:\w+ ){0,2}(?:meds|"
        r"medications?|medicines?|pills|tablets|insulin|opioids|painkillers)\b",
    ),
    "self_harm": _any(
        r"(?:cut|cutting|burn|burning|punish|punishing|scratch|scratching) myself\b",
        r"(?:cut|cutting|burn|burning) my (?:arms?|wrists?|legs?|thighs?|skin)\b",
        r"(?:want|wanted|urges?|tempted|thinking about|thought about|started|keep|been)"
        r" (?:to )?(?:hurt|harm|hurting|harming)(?:ing)? myself\b",
        _ME + r" (?:\w+ ){0,2}self[- ]?harm(?! (?:risk|assessments?|screening|policy|training|"
        r"teaching|pathway|protocol|service|team|patients?)\b)",
        r"self[- ]?harm(?:ing|ed)? again\b",
    ),
    "hopelessness": _any(
        r"can'?t (?:go on|keep going|do this any ?more|carry on any ?more)\b",
        r"(?:no|don'?t see (?:a|any)|there'?s no) way out\b",
        r"nothing (?:left )?to live for\b",
        r"(?:giving|given|give) up on (?:everything|life)\b",
    ),
    "harassment": _any(
        r"(?:keeps?|kept|has been|have been|was|is|started) (?:touching|groping|grabbing|"
        r"following|threatening|hitting|stalking|harassing|cornering) me\b",
        r"(?:sexually )?(?:harass(?:ed|ing|es)?|assault(?:ed|ing|s)?|groped|stalk(?:ed|ing)|"
        r"molest(?:ed|ing)) me\b",
        r"(?:i'?m|i am|i was|i'?ve been|i have been|being) (?:being )?(?:sexually )?"
        r"(?:harassed|assaulted|abused|groped|stalked|molested|threatened)\b",
        r"(?:he|she|they|partner|husband|wife|boyfriend|girlfriend|supervisor|attending|"
        r"consultant|boss|senior|registrar) (?:\w+ ){0,2}(?:hits|hit|beats|beat|chokes|"
        r"choked|slaps|slapped|kicked|pushed|touches|touched|grabbed|grabs) me\b",
    ),
    "substance": _any(
        r"(?:can'?t|cannot|couldn'?t) stop (?:drinking|using|taking (?:pills|them|drugs))\b",
        r"(?:taking|took|stealing|stole|pocketing|pocketed|diverting|diverted|using)"
        r" (?:\w+ ){0,3}(?:from|out of) (?:the )?(?:ward|hospital|pharmacy|"
        r"drug (?:cabinet|cupboard)|pyxis|omnicell|supply|stock|sharps bin|waste)\b",
        r"(?:drunk|high|using|drinking) (?:\w+ ){0,2}(?:before|during|at|on) "
        r"(?:(?:my|his|her|their) )?"
        r"(?:shifts?|work|call|clinic|rounds)\b",
    ),
}
_SENTENCE_END = re.compile(r"[.?!;]")
#: Plain statements that one is safe: neither the patterns nor the classifier read them.
DENIALS = _any(
    r"(?:i'?m|i am) not (?:suicidal|going to (?:hurt|kill|harm) myself|in (?:any )?danger)",
    r"(?:i )?(?:would|will) never (?:hurt|kill|harm) myself",
    r"(?:don'?t|do not) (?:\w+ )?(?:want|wish) to die\b",
    r"no (?:thoughts|intention|plans?|urges?) (?:of|to|about) (?:suicide|hurting myself|"
    r"harming myself|self[- ]?harm)",
    r"no (?:self[- ]?harm|suicidal) (?:urges|thoughts|feelings)",
    r"not (?:thinking|talking) about (?:suicide|killing myself|hurting myself)",
    r"(?:nobody|no one|no-one) (?:\w+ ){0,2}(?:harass|assault|grop|threaten|abus|stalk)\w* me\b",
    r"(?:i'?ve|i have) never been (?:\w+ )?(?:harassed|assaulted|abused|groped|stalked)",
    # "I'm safe for now" is no denial: what follows the hedge is the classifiers' to read.
    r"(?:i'?m|i am) (?:perfectly |completely |totally )?safe\b(?!,? (?:for now|for tonight|"
    r"for today|for the moment|at the moment|right now|tonight|today)\b)",
    r"not in (?:any )?(?:danger|crisis)\b",
)

#: Phrasings whose object makes them plainly not about life, read as their literal sense
#: before the classifier sees them ("ending things with my mentor" is about the mentoring).
LITERAL_SENSE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bend(?:ing|ed|s)? (?:things|it) (?=with (?:my|our|the|a|this|her|his)\b)",
                re.IGNORECASE), "ending the relationship "),
]


def literal(text: str) -> str:
    """``text`` with each plainly non-literal phrasing replaced by its literal sense, and each
    plain denial ("no thoughts of hurting myself") taken out: what is denied is no evidence."""
    for pattern, sense in LITERAL_SENSE:
        text = pattern.sub(sense, text)
    return DENIALS.sub(" ", text)


#: Where the guidance keeps a conversation's safety state while it is in safety.
IN_SAFETY = "safety"
#: Saying one wants to leave safety and go on, or that one was misread: a command to the
#: guide, no evidence either way.
_RESUME = re.compile(
    r"\b(?:(?:let'?s|can we|could we|shall we|i(?:'d| would) like to|i want to|i'?m ready to|"
    r"ready to|happy to|ok(?:ay)? to)\s+(?:go on|continue|carry on|keep going|get back to|"
    r"go back to|move on|resume|pick (?:it |this )?up)|^\s*(?:go on|continue|carry on|"
    r"keep going|back to (?:it|work|my|the|our))\b|(?:i'?m|i am) (?:ok|okay|fine|alright|"
    r"all right|safe)(?: now)?[,.!]*\s+(?:let'?s|we can|can we|please)|"
    r"(?:you )?misread|(?:i )?didn'?t mean (?:it )?(?:like that|that way|literally)|"
    r"(?:just|only) (?:an? )?(?:expression|figure of speech|joke|saying)|not literally|"
    r"i was (?:joking|kidding|exaggerating))",
    re.IGNORECASE,
)
#: The same, with the one thing named to go on with ("can we go on with the goal?"): that
#: names the work and adds nothing to it. Two words at most, so that distress told straight
#: after it in one run ("can we continue with the goal i feel like disappearing") still counts.
_RESUME_WITH = re.compile(rf"(?:{_RESUME.pattern})(?:(?:\s+(?:with|to|on))?\s+(?:the|my|our|"
                          r"this|that|it)\b(?:\s+\w+){0,2})?[?.!,]*", re.IGNORECASE)


def wants_to_go_on(message: str) -> bool:
    """The person says they want to leave safety and go on with the conversation."""
    return bool(_RESUME.search(message))


def says_little_else(message: str) -> bool:
    """Besides wanting to go on (with something), the message says almost nothing."""
    return len(content_words(_RESUME_WITH.sub(" ", message))) < 3


@dataclass(frozen=True)
class SafetyFinding:
    """What the check found: the kinds of risk, and the sentence that showed it."""

    kinds: tuple[SafetyKind, ...]
    evidence: str
    #: ``pattern`` or ``classifier``: which reading found it.
    reading: Literal["pattern", "classifier"]
    #: The classifier was unsure (an idiom read as distress looks like this): the reply
    #: checks in and says it may have misread, rather than assuming the worst.
    unsure: bool = False
    #: The writer tells of someone they support (a mentee, a resident), not of themselves.
    about_someone_else: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for ``ask --json``."""
        return {"detected": list(self.kinds), "reading": self.reading, "unsure": self.unsure,
                "about_someone_else": self.about_someone_else}


def _sentence_at(text: str, start: int) -> str:
    """The sentence of ``text`` around ``start``."""
    return _SENTENCE_END.split(text[:start])[-1] + _SENTENCE_END.split(text[start:])[0]


def pattern_hits(text: str) -> list[tuple[SafetyKind, str]]:
    """Each explicit phrasing in ``text`` that is not plainly denied: its kind and sentence,
    once per kind and sentence. Whose distress it tells of, and whether it is current, is
    the ownership reading's to judge (:class:`SafetyCheck`)."""
    text = literal(text)
    hits: list[tuple[SafetyKind, str]] = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            hit = (kind, _sentence_at(text, match.start()).strip())
            if hit not in hits:
                hits.append(hit)
    return hits


def pattern_kinds(text: str) -> list[SafetyKind]:
    """The kinds of :func:`pattern_hits` in ``text``."""
    return list(dict.fromkeys(kind for kind, _ in pattern_hits(text)))


def training_set() -> LabelledSet:
    """The safety set, its ordinary messages joined by every message of the reader's sets
    (everyday traffic: questions, greetings, practice lines, clinical talk), except any that
    the safety set lists as distress."""
    safety = load_labelled("safety")
    distress = {text for label, texts in safety.examples.items() if label != ORDINARY
                for text in texts}
    everyday = [text for name in READER_SETS for text, _ in load_labelled(name).pairs()
                if text not in distress]
    examples = dict(safety.examples)
    examples[ORDINARY] = tuple(dict.fromkeys([*examples[ORDINARY], *everyday]))
    return LabelledSet("safety", examples)


def ownership_set(safety: LabelledSet) -> LabelledSet:
    """The ownership set, joined by every distress phrasing of ``safety`` as :data:`DISTRESS`:
    someone is at risk now, whoever it is."""
    ownership = load_labelled("ownership")
    known = {text for texts in ownership.examples.values() for text in texts}
    distress = [text for label, texts in safety.examples.items() if label != ORDINARY
                for text in texts if text not in known]
    return LabelledSet("ownership", {**ownership.examples, DISTRESS: tuple(distress)})


@dataclass(frozen=True)
class _Candidate:
    """A reading that may be a finding, before the ownership reading judges it."""

    kinds: tuple[SafetyKind, ...]
    evidence: str
    reading: Literal["pattern", "classifier"]
    unsure: bool
    #: The safety classifier's probability of "ordinary" for the evidence.
    ordinary: float


class SafetyCheck:
    """Reads every user message for distress before anything else looks at it."""

    def __init__(self, embedder: Embeddings, cache_dir: Path,
                 labelled: LabelledSet | None = None) -> None:
        labelled = labelled or training_set()
        self.classifier = EmbeddingClassifier(labelled, embedder, cache_dir)
        self.ownership = EmbeddingClassifier(ownership_set(labelled), embedder, cache_dir)

    def check(self, message: str, *, in_safety: bool = False) -> SafetyFinding | None:
        """A finding when ``message`` may mean someone is not safe, else None. ``in_safety``:
        the conversation is in safety, so a request to go on is a command to the guide, and
        only the rest of the message is read (explicit phrasings are matched in all of it)."""
        text = " ".join(message.split())
        if not text:
            return None
        read = (" ".join(_RESUME_WITH.sub(" ", text).split()) if in_safety else "") or text
        readings = _readings(read)
        candidates = self._candidates(text, read, readings)
        if not candidates:
            return None
        texts = list(dict.fromkeys([*readings, *(c.evidence for c in candidates)]))
        owner = dict(zip(texts, self.ownership.predict_many(texts), strict=True))
        message = [owner[r] for r in readings]
        standing = [c for c in candidates
                    if not _settled(c, text, owner[c.evidence], message)]
        if not standing:
            return None
        first = standing[0]
        kinds = first.kinds
        if first.reading == "pattern":  # every explicit phrasing that stands
            kinds = tuple(dict.fromkeys(k for c in standing if c.reading == "pattern"
                                        for k in c.kinds))
        return SafetyFinding(kinds, first.evidence, first.reading, first.unsure,
                             _supported(message[0]) and _supported(owner[first.evidence]))

    def _candidates(self, text: str, read: str, readings: list[str]) -> list[_Candidate]:
        """The explicit phrasings of ``text``, then each of the ``readings`` of ``read`` (the
        text the classifier reads) that it takes for distress."""
        hits = pattern_hits(text)
        evidence = [sentence for _, sentence in hits]
        predicted = self.classifier.predict_many([literal(r) for r in [*evidence, *readings]])
        candidates = [_Candidate((kind,), sentence, "pattern", False, p.probability(ORDINARY))
                      for (kind, sentence), p in zip(hits, predicted[:len(hits)], strict=True)]
        for piece, prediction in zip(readings, predicted[len(hits):], strict=True):
            ordinary = prediction.probability(ORDINARY)
            below = ORDINARY_BELOW if piece is read else SENTENCE_ORDINARY_BELOW
            if ordinary < below:
                ranked = sorted(KINDS, key=prediction.probability, reverse=True)
                candidates.append(_Candidate((ranked[0],), piece, "classifier",
                                             ordinary >= UNSURE_FROM * below, ordinary))
        return candidates


def _readings(text: str) -> list[str]:
    """``text``, then each of its sentences and clauses: distress told in passing after an
    ordinary request ("can u help me w my CV. also i dont really see the point since i wont be
    around") is read on its own. A part too short to say anything alone ("And then?") is read
    only with the rest."""
    pieces = [s.text for s in sentences(text)]
    # A sentence that is one clause is read once, not again without its full stop.
    parts = [part for piece in pieces for clause in clauses(piece)
             for part in _ASIDE.split(clause.text) if part != piece.rstrip(".!?;")]
    return [text, *(p for p in dict.fromkeys([*pieces, *parts])
                    if p != text and len(p.split()) >= _ALONE_WORDS)]


def _not_at_risk(prediction: Prediction) -> tuple[str, float]:
    """The likeliest ownership label that calls for no safety reply, and its probability."""
    others = {k: v for k, v in prediction.probabilities.items() if k not in AT_RISK}
    label = max(others, key=others.__getitem__)
    return label, others[label]


def _settled(candidate: _Candidate, text: str, evidence: Prediction,
             message: list[Prediction]) -> bool:
    """Neither the ownership reading of the evidence alone nor that of the whole message
    (``message[0]``) leans to anyone at risk, and one of them, or of the message's sentences,
    is sure of a label that needs no safety reply. A pattern hit or a strong safety reading is
    settled only by distress told as past and over, denied (in ``text``, the message, with a
    word that denies), or a patient's."""
    if any(sum(p.probability(k) for k in AT_RISK) > 1 - SETTLES_FROM
           for p in (evidence, message[0])):
        return False
    sure = [label for label, probability in map(_not_at_risk, (evidence, *message))
            if probability >= SETTLES_FROM]
    if not sure:
        return False
    strong = candidate.reading == "pattern" or candidate.ordinary < STRONG_BELOW
    if strong and sure[0] == DENIED and not negated(text):
        # The embedding hears "I just want to die" as close to "I don't want to die": a
        # denial needs a word that denies.
        return False
    return sure[0] in SETTLES_STRONG or not strong


def _supported(prediction: Prediction) -> bool:
    """The ownership reading takes the distress for someone the writer supports."""
    return prediction.probability(SUPPORTED) > prediction.probability(OWN)
