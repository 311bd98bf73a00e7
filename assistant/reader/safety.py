"""The safety check: does a message say that someone may not be safe?

Explicit phrasings are matched by patterns; everything else is read by a classifier over
sentence embeddings, trained on the labelled phrasings in ``data/safety.yaml`` (distress of
each kind, and ordinary professional messages full of idioms) and on the reader's sets as
more ordinary traffic. Each sentence is read on its
own as well as the whole message, so one sentence of distress inside a long message counts.
When in doubt the check errs towards safety: any one reading is enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from langchain_core.embeddings import Embeddings

from assistant.reader.classifier import EmbeddingClassifier
from assistant.reader.labelled import READER_SETS, LabelledSet, load_labelled
from assistant.text import sentences

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
#: Sentences of a longer message are read on their own from this many words.
_ALONE_WORDS = 4


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
        r"(?:wish|want)(?:es|s)? (?:i (?:was|were) dead|to die\b|i (?:wouldn'?t|didn'?t|won'?t) "
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
#: A patient is the one whose words are quoted ("a patient says they want to die").
PATIENT_SPEAKS = _any(r"patients? (?:\w+ ){0,3}(?:says?|said|tells?|told|telling|saying|"
                      r"reports?|reported|states?|stated|expresses|expressed|wants?|who)\b")
_SENTENCE_END = re.compile(r"[.?!;]")
#: Someone the writer supports, and what they told or showed the writer.
SOMEONE_ELSE = _any(
    r"(?:my|a|our|one of my|one of our) (?:mentees?|residents?|students?|trainees?|interns?|"
    r"fellows?|colleagues?|co-residents?|friends?|juniors?|registrars?|house officers?|"
    r"nurses?|supervisees?|preceptees?)\b[^.?!]{0,80}\b(?:told me|said|says|mentioned|"
    r"admitted|disclosed|texted|wrote|messaged|has been|is|was|keeps|seems|showed)\b"
)
_OWN = _any(r"myself\b", r"i (?:want|wish|feel|can'?t|don'?t want|have been|keep)\b",
            r"(?:so do|me too|as do) i\b")
#: Plain statements that one is safe: neither the patterns nor the classifier read them.
DENIALS = _any(
    r"(?:i'?m|i am) not (?:suicidal|going to (?:hurt|kill|harm) myself|in (?:any )?danger)",
    r"(?:i )?(?:would|will) never (?:hurt|kill|harm) myself",
    r"no (?:thoughts|intention|plans?|urges?) (?:of|to|about) (?:suicide|hurting myself|"
    r"harming myself|self[- ]?harm)",
    r"no (?:self[- ]?harm|suicidal) (?:urges|thoughts|feelings)",
    r"not (?:thinking|talking) about (?:suicide|killing myself|hurting myself)",
    r"(?:nobody|no one|no-one) (?:\w+ ){0,2}(?:harass|assault|grop|threaten|abus|stalk)\w* me\b",
    r"(?:i'?ve|i have) never been (?:\w+ )?(?:harassed|assaulted|abused|groped|stalked)",
    r"(?:i'?m|i am) (?:perfectly |completely |totally )?safe\b",
    r"not in (?:any )?(?:danger|crisis)\b",
)
#: A question put to the writer ("she asked if I'm suicidal"), and a plain no in answer.
ASKED = _any(r"ask(?:ed|s)? (?:me )?(?:if|whether)\b")
ANSWERED_NO = re.compile(r"(?:^|[.?!,;]\s*)(?:i'?m not|i am not|no|i said no|i told \w+ no)\b",
                         re.IGNORECASE)
#: Distress told as past and over: a statement of being well now, or of it being dealt with,
#: and nothing that says it is back. It settles an unsure classifier reading, and a sentence
#: with a past marker is not read at all; a clear reading elsewhere still counts.
WELL_NOW = _any(
    r"(?:i'?m|i am|i'?ve been|i have been|i feel|i'?m feeling|i'?m doing) (?:absolutely |"
    r"completely |totally |really |so |a lot |much )*(?:ok(?:ay)?|fine|alright|all right|"
    r"coping|well|better|good)\b",
    r"(?:it was|it'?s|was) (?:all |fully )?(?:resolved|dealt with|sorted)\b",
    r"(?:had|went to|finished) (?:\w+ )?(?:counselling|counseling|therapy|treatment)\b",
)
PAST = _any(r"used to\b", r"years? ago\b", r"as a (?:teen(?:ager)?|child|kid|student)\b",
            r"in the past\b", r"back (?:in|when)\b", r"when i was (?:younger|at school)\b",
            r"(?:a|my|our) former\b")
RECURS = _any(r"again\b", r"(?:is|are|it'?s|they'?re|has come|have come|came) back\b",
              r"lately\b", r"recently\b", r"(?:this|last) (?:week|month|night)\b",
              r"tonight\b", r"these days\b", r"at the moment\b", r"right now\b",
              r"still\b", r"sometimes\b",
              # "I'm fine, but ..." hedges; it does not close the subject
              r"(?:fine|ok(?:ay)?|well|better|good)\b[^.?!]{0,40}\bbut\b")


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


def _sentence_at(text: str, start: int) -> tuple[str, str]:
    """The part of ``start``'s sentence before it, and the whole sentence."""
    before = _SENTENCE_END.split(text[:start])[-1]
    return before, before + _SENTENCE_END.split(text[start:])[0]


def resolved(text: str) -> bool:
    """``text`` tells of being well now and says nothing of distress being back."""
    return bool(WELL_NOW.search(text)) and not RECURS.search(text)


def pattern_hits(text: str) -> list[tuple[SafetyKind, str]]:
    """Each kind whose explicit phrasing appears in ``text``, with the sentence that shows it.
    A phrasing does not count when it is plainly denied, told as past and over, asked of the
    writer and answered no, or quoted from a patient earlier in its sentence (a clinician
    asking what to do when a patient says they want to die is clinical talk, left to the
    classifier, which has seen such questions)."""
    text = literal(text)
    hits: list[tuple[SafetyKind, str]] = []
    # Whether it is over matters only for a phrasing told as past: most messages have none.
    over: bool | None = None
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            before, sentence = _sentence_at(text, match.start())
            past = PAST.search(sentence) is not None
            if past and over is None:
                over = resolved(text)
            if not (PATIENT_SPEAKS.search(before) or (past and over)
                    or (ASKED.search(before) and ANSWERED_NO.search(text))):
                hits.append((kind, sentence.strip()))
                break
    return hits


def pattern_kinds(text: str) -> list[SafetyKind]:
    """The kinds of :func:`pattern_hits` in ``text``."""
    return [kind for kind, _ in pattern_hits(text)]


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


class SafetyCheck:
    """Reads every user message for distress before anything else looks at it."""

    def __init__(self, embedder: Embeddings, cache_dir: Path,
                 labelled: LabelledSet | None = None) -> None:
        self.classifier = EmbeddingClassifier(labelled or training_set(), embedder,
                                              cache_dir)

    def check(self, message: str) -> SafetyFinding | None:
        """A finding when ``message`` may mean someone is not safe, else None."""
        text = " ".join(message.split())
        if not text:
            return None
        hits = pattern_hits(text)
        if hits:
            return SafetyFinding(tuple(kind for kind, _ in hits), hits[0][1], "pattern",
                                 about_someone_else=_about_someone_else(text))
        pieces = [s.text for s in sentences(text)]
        # A sentence too short to say anything alone ("And then?") is read only with the rest;
        # distress told as past and over is not read again from its past.
        over = resolved(text)
        readings = [r for r in ([text, *pieces] if len(pieces) > 1 else [text])
                    if (r is text or len(r.split()) >= _ALONE_WORDS)
                    and not (over and PAST.search(r))]
        if not readings:
            return None
        settled = over or (ASKED.search(text) and ANSWERED_NO.search(text))
        predictions = self.classifier.predict_many([literal(r) for r in readings])
        for piece, prediction in zip(readings, predictions, strict=True):
            below = ORDINARY_BELOW if piece is text else SENTENCE_ORDINARY_BELOW
            if prediction.probability(ORDINARY) < below:
                ranked = sorted(KINDS, key=prediction.probability, reverse=True)
                unsure = prediction.probability(ORDINARY) >= UNSURE_FROM * below
                if unsure and settled:
                    continue
                return SafetyFinding((ranked[0],), piece, "classifier", unsure,
                                     _about_someone_else(text))
        return None


def _about_someone_else(text: str) -> bool:
    """The message reports what someone the writer supports said or did, and says nothing of
    the writer's own distress."""
    return bool(SOMEONE_ELSE.search(text)) and not _OWN.search(text)
