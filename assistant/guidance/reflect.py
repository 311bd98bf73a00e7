"""Reflections a coach would say: a short simple reflection of the key content, or a complex
one that names the feeling or value behind it. Never the whole message handed back.

A complex reflection comes from a small lexicon of feelings and values (``reflections.yaml``);
a simple one rewrites one clause of what the learner said (or both sides of a turn, "X, but
Y"), preferring the one that carries their concern, in the second person, with the verb agreeing
("I was passed over" -> "you were passed over"), and is dropped when it would copy most of the
message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from assistant.reader.reading import is_command
from assistant.text import STOP_WORDS, clauses, sentences, tokens, without_filler

_SWAPS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll",
    "we": "you", "our": "your", "us": "you", "ours": "yours", "ourselves": "yourselves",
    "we're": "you're", "we've": "you've", "we'd": "you'd", "we'll": "you'll",
    # The guide is "you" to the learner ("I don't need you to tell me" -> "... need me to").
    "your": "my", "yours": "mine", "yourself": "myself", "you're": "I'm", "you've": "I've",
    "you'll": "I'll", "you'd": "I'd",
}
#: Forms of "be" that change with the person: after "I" / "we" and after "you" as subject.
_BE_AFTER_I = {"am": "are", "was": "were", "wasn't": "weren't"}
_BE_AFTER_WE = {"are": "are", "were": "were"}
_BE_AFTER_YOU = {"are": "am", "were": "was", "weren't": "wasn't", "aren't": "am not"}
#: "you" followed by one of these is the subject ("you can", "you said"); otherwise an object.
_SUBJECT_NEXT = re.compile(
    r"^(?:are|were|aren't|weren't|have|had|will|would|can|could|do|did|don't|didn't|should|"
    r"might|may|must|said|told|asked|mentioned|know|think|keep|always|never|just|really|seem)$",
    re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
#: "Coach me on this instead: I want to..." - the learner's words start after the colon.
_LEAD_IN = re.compile(r"^[^:]{1,60}:\s+(?=\S)")
#: A clause that can follow "It sounds like": it starts with its subject.
#: "So far, I've done five": said back, the time word goes ("So you've done five").
_WHEN = r"(?:right now|now|so far|lately|currently|at the moment|these days|recently),?\s+"
_SUBJECT = (r"i|i'm|i've|i'd|i'll|we|we're|we've|my|our|she|he|they|she's|he's|they're|it|"
            r"it's|the|this|that|there|nobody|no one|everyone|someone|people|(?:hardly )?anyone|"
            r"(?:not |too )?(?:enough|few|many)|most|several|half")
#: A capitalised first word that is no name: a phrase or a request opens the sentence.
_NOT_A_NAME = (r"(?!(?:With|Without|For|By|In|On|At|After|Before|During|If|Because|Since|"
               r"Although|Though|While|As|To|From|Just|Please|Tell|Give|Show)\b)")
#: A clause, or each side of a turn, says whom it is about ("but laughed it off" does not), a
#: name only with its capital.
_HAS_SUBJECT = re.compile(rf"^(?:(?i:{_WHEN}))?(?:(?i:{_SUBJECT})|{_NOT_A_NAME}[A-Z][a-z]+)\b")
#: A short clause whose object only points back ("I want to fix that").
_ONLY_POINTS = re.compile(r"^(?:\S+\s+){0,4}(?:that|this|it|them)\W*$", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"^(?:i|i'm|i've|i'd|i'll|we|we're|we've|my|our)\b", re.IGNORECASE)
#: A statement that only says who the learner, or the person they speak of, is ("I'm a PA in
#: the ED", "She's a PGY-2"): handing it back tells them nothing, and it is no account of the
#: situation.
_INTRODUCTION = re.compile(
    r"^(?:i'?m|i am|i work as|\w+(?:'s| is)|they(?:'re| are)|"
    r"(?:my|our) (?:mentee|trainee|student)(?:'s| is)) (?:(?:a|an|the|one of the) )?"
    r"(?:[\w-]+ ){0,3}(?:resident|registrar|professor|faculty|"
    r"intern|fellow|student|nurse|consultant|attending|physician|doctor|surgeon|pharmacist|"
    r"physio(?:therapist)?|paramedic|midwife|trainee|pa|np|associate|practitioner|mentor|"
    r"mentee|preceptor|supervisor|director|educator|lecturer|officer|sho|fy[12]|f[12]|"
    r"pgy-?\d|tutor|coordinator|lead)s?\b(?:\s+(?:in|of|at|on|from|with|for)\b[^,;]*)?"
    r"(?:,\s*(?:about|around|nearly|almost)? ?[\w\s]+ (?:in|into it))?\W*$",
    re.IGNORECASE)
#: A goal or request stated without a subject ("Improve my suturing", "help me with X").
_REQUEST = re.compile(r"^(?:please\s+)?(?:help me|i need help)(?: (?:with|on|to))?\s+",
                      re.IGNORECASE)
#: A feeling said of someone else: the nearest subject before it is not the learner.
_OF_SOMEONE_ELSE = re.compile(
    r"\b(?:she|he|they|she's|he's|they're|her|him|them|mentee|resident|student|fellow|"
    r"intern|trainee|colleague|[a-z]+ is|[a-z]+ seems)\b(?:(?!\bi\b|\bi'm\b|\bi've\b).)*$")
_NEGATION = re.compile(r"\b(?:not|no|never|n't|without|hardly)\W+(?:\w+\W+){0,2}$",
                       re.IGNORECASE)
#: Simple reflections take one of these shapes, in turn, so no two turns open alike.
_OPENERS = ("So {}.", "It sounds like {}.", "You're saying {}.", "If I have it right, {}.")
#: A simple reflection that copies more of the message than this is an echo, not a reflection.
MAX_COPIED = 0.7
#: A clause longer than this is cut at a phrase boundary ("... for a letter | before the
#: deadline in March"): the reflection keeps the gist, not every detail.
_MAX_WORDS = 11
#: Each side of a turn ("you've asked her twice, | but she keeps cancelling") is kept to this.
_SIDE_WORDS = 8
#: Both sides of a turn said this briefly are the point of the message, not a copy of it.
_BRIEF_TURN = 10
#: A clause the reader finds this likely to say what the learner wants or what stands in
#: their way carries their concern, and is reflected before the background.
CONCERN = 0.35
#: "and" breaks a phrase only where a new clause starts ("I'm in a new specialty now | and
#: our calls feel like an obligation"), not inside a list ("the data and the analysis").
_PHRASE_BREAK = re.compile(r"\s+(?=(?:before|by|after|in|at|on|during|since|while|when|with|"
                           r"without|for|from|every|each|next|this|which|who|that|"
                           r"and\s+(?:i|i'm|we|my|our|she|he|they|it|his|her|their)\s)\b)",
                           re.IGNORECASE)
#: Where a clause goes on to detail (time, place, manner) rather than what happens.
_DETAIL = re.compile(r"\s+(?=(?:before|by|after|in|at|on|during|since|for|from|every|each|"
                     r"next|this)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Reflection:
    """One reflection: its text, and whether it names meaning or feeling (complex)."""

    text: str
    complex: bool


@dataclass(frozen=True)
class _Feeling:
    name: str
    cues: tuple[str, ...]
    also: tuple[str, ...]
    lines: tuple[str, ...]
    own: bool = False


@lru_cache(maxsize=1)
def _feelings() -> tuple[_Feeling, ...]:
    data = yaml.safe_load(
        (resources.files("assistant.guidance") / "reflections.yaml").read_text(encoding="utf-8"))
    return tuple(_Feeling(name, tuple(entry["cues"]), tuple(entry.get("with", ())),
                          tuple(entry["lines"]), bool(entry.get("own")))
                 for name, entry in data.items())


def second_person(text: str) -> str:
    """The learner's words as the guide says them back: "I was" -> "you were", "my" -> "your",
    and the guide's "you" -> "me"."""
    words = list(_WORD.finditer(text))
    out: list[str] = []
    last = 0
    for i, match in enumerate(words):
        word, lower = match.group(0), match.group(0).lower()
        before = words[i - 1].group(0).lower() if i else ""
        after = words[i + 1].group(0) if i + 1 < len(words) else ""
        if before == "i" and lower in _BE_AFTER_I:
            new = _BE_AFTER_I[lower]
        elif before == "we" and lower in _BE_AFTER_WE:
            new = lower
        elif after.lower() == "i" and lower in _BE_AFTER_I:  # "was I wrong?"
            new = _BE_AFTER_I[lower]
        elif before == "you" and lower in _BE_AFTER_YOU and _subject(words, i - 1):
            new = _BE_AFTER_YOU[lower]
        elif lower == "you":
            new = "I" if _subject(words, i) else "me"
        else:
            new = _SWAPS.get(lower, word)
        if word[0].isupper() and new[0].islower() and (i == 0 or lower.split("'")[0] != "i"):
            new = new[0].upper() + new[1:]
        out += [text[last:match.start()], new]
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def _subject(words: list[re.Match[str]], i: int) -> bool:
    after = words[i + 1].group(0) if i + 1 < len(words) else ""
    return bool(_SUBJECT_NEXT.match(after))


def copied_share(reflection: str, message: str) -> float:
    """How much of the message's wording the reflection repeats (its share of the message's
    words, pronouns read in the learner's person)."""
    said = tokens(message)
    if not said:
        return 0.0
    back = set(tokens(second_person(reflection)))
    return sum(1 for word in said if word in back) / len(said)


def reflect_turn(message: str, *, turn: int = 0, about: str = "") -> Reflection | None:
    """The reflection for this turn: complex when the message shows a feeling or value from
    the lexicon, else a short simple one; None when neither would sound right.

    ``turn`` varies the wording from turn to turn; ``about`` is earlier conversation that says
    whom the message is about, when the message itself does not.
    """
    text = " ".join(message.split())
    feeling = _feeling_in(text)
    if feeling is not None:
        obj, pos = other_in(text) if other_in(text) != ("them", "their") else other_in(about)
        line = feeling.lines[turn % len(feeling.lines)]
        return Reflection(line.format(obj=obj, pos=pos), complex=True)
    simple = reflect(text, turn=turn)
    return Reflection(simple, complex=False) if simple else None


def feeling_of(message: str) -> str | None:
    """The name of the feeling or value the message shows ("nervous", "unfair"), if any."""
    found = _feeling_in(" ".join(message.split()))
    return found.name if found else None


def _feeling_in(text: str) -> _Feeling | None:
    lower = text.lower().replace("\u2019", "'")
    for feeling in _feelings():
        if (_said(lower, feeling.cues, own=feeling.own)
                and (not feeling.also or _said(lower, feeling.also))):
            return feeling
    return None


def _said(lower: str, phrases: Sequence[str], *, own: bool = False) -> bool:
    """Whether a phrase is said, not negated ("not worried"), and, for ``own`` feelings, not
    of someone else ("my mentee is overwhelmed")."""
    for phrase in phrases:
        for match in re.finditer(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", lower):
            if own and _OF_SOMEONE_ELSE.search(lower[max(0, match.start() - 40):match.start()]):
                continue
            if phrase.startswith(("not ", "no ", "don't", "do not", "haven't", "have not",
                                  "never", "without", "can't", "cannot", "didn't")):
                return True
            if not _NEGATION.search(lower[max(0, match.start() - 30):match.start()]):
                return True
    return False


#: Whom a message is about, when it names them by role ("my mentee", "my PI").
_ROLE = re.compile(r"\bmy (mentee|mentor|resident|fellow|student|intern|trainee|pi|preceptor|"
                   r"attending|supervisor|chief|program director|pd|boss|manager|colleague)\b",
                   re.IGNORECASE)


def other_in(text: str) -> tuple[str, str]:
    """Whom ``text`` is about, as an object and a possessive: ("her", "her"), ("your PI",
    "your PI's"), or ("them", "their") when it does not say."""
    words = {w.lower() for w in _WORD.findall(text)}
    if words & {"she", "her", "she's", "herself"}:
        return "her", "her"
    if words & {"he", "him", "he's", "himself", "his"}:
        return "him", "his"
    role = _ROLE.search(text)
    if role:
        name = role.group(1)
        name = name.upper() if name.lower() in ("pi", "pd") else name.lower()
        return f"your {name}", f"your {name}'s"
    return "them", "their"


def reflect(message: str, *, turn: int = 0,
            concern: Sequence[tuple[str, float]] = ()) -> str | None:
    """A short simple reflection of the message's key content, or None (a bare question, no
    clause that reads well, or one that would echo the message).

    ``concern`` is the reader's reading of each clause (see ``Reading.concern``): the clause
    that carries the learner's concern is reflected before the background to it.
    """
    for clause, both_sides in _key_clauses(message, concern):
        body = second_person(clause)
        first = body.split()[0].lower()
        if first in _LOWER_FIRST or (first in STOP_WORDS and first.split("'")[0] != "i"):
            # "So your mentee ...", "So some of it ...", but "So Priya ..." and "So I ..."
            body = body[0].lower() + body[1:]
        # The opener is the guide's own words ("You're saying"), never a copy of the message;
        # both sides of a turn said briefly are its point, not a copy.
        brief = both_sides and len(body.split()) <= _BRIEF_TURN
        if copied_share(body, message) <= MAX_COPIED or brief:
            text = _OPENERS[turn % len(_OPENERS)].format(body)
            return text[0].upper() + text[1:]
    return None


@dataclass(frozen=True)
class _Candidate:
    """A clause that could be reflected: its sides ("X" or "X", "Y" for "X, but Y"), and
    whether it is the side a turn comes to."""

    sides: tuple[str, ...]
    turned: bool

    @property
    def text(self) -> str:
        """The clause as said back, without a time word ("So far, I've done five")."""
        return re.sub(rf"^{_WHEN}", "", ", but ".join(self.sides), flags=re.IGNORECASE)


def _key_clauses(message: str,
                 concern: Sequence[tuple[str, float]]) -> list[tuple[str, bool]]:
    """The clauses that could be reflected, best first, each with whether it holds both
    sides of a turn ("X, but Y")."""
    text = without_filler(" ".join(message.split()))
    lead_in = _LEAD_IN.match(text)
    if lead_in and len(lead_in.group(0).split()) <= 10:
        text = text[lead_in.end():]
    statements = [s.text for s in sentences(text) if not s.text.endswith("?")
                  and not _ASKED.match(s.text) and not introduces(s.text)
                  and not is_command(s.text)]
    found: list[_Candidate] = []
    for statement in statements:
        request = _REQUEST.match(statement)
        if request:
            statement = "I'd like to " + statement[request.end():]
        parts = clauses(statement)
        # A turn that names no subject goes on with the clause before it ("she's covering
        # two units | but laughed it off"): it is no clause of its own.
        usable = [len(c.text.split()) >= 3 and _HAS_SUBJECT.match(c.text) is not None
                  for c in parts]
        for i, part in enumerate(parts):
            if usable[i]:
                found.append(_Candidate((_trimmed(part.text),), part.contrast))
            sides = (_side(parts[i - 1].text), _side(part.text)) if i else (None, None)
            if part.contrast and None not in sides and all(
                    _HAS_SUBJECT.match(side) for side in sides):  # type: ignore[arg-type]
                found.append(_Candidate(sides, True))  # type: ignore[arg-type]

    def carries_concern(candidate: _Candidate) -> bool:
        return any(side in part and weight >= CONCERN
                   for side in candidate.sides for part, weight in concern)

    # A clause that only points at another ("I want to fix that") says nothing alone; then
    # what carries the learner's concern, then a turn said whole, then the learner's
    # own part ("I've only talked to her once" over "She runs the group"), then the side a
    # turn comes to ("... but I'm not sure she knows"), then the clause that says most.
    ranked = sorted(found, reverse=True, key=lambda c: (
        not _ONLY_POINTS.search(c.text), carries_concern(c), len(c.sides) > 1,
        bool(_FIRST_PERSON.match(c.text)), c.turned, len(tokens(c.text))))
    return [(c.text, len(c.sides) > 1) for c in ranked]


def introduces(statement: str) -> bool:
    """``statement`` only says who the learner, or the person they speak of, is ("I'm a
    second-year resident", "He's a first year surgery resident")."""
    return _INTRODUCTION.match(without_filler(statement)) is not None


def _side(clause: str) -> str | None:
    """``clause`` as one side of a turn, cut before the first phrase that only adds detail
    ("she keeps cancelling | at the last minute"); None when that is still longer than
    :data:`_SIDE_WORDS` ("Dr. Okafor is the one who sends names to ...")."""
    cut = next((m.start() for m in _DETAIL.finditer(clause)
                if len(clause[:m.start()].split()) >= 3), len(clause))
    return clause[:cut] if len(clause[:cut].split()) <= _SIDE_WORDS else None


def _trimmed(clause: str) -> str:
    """``clause`` cut at the last phrase boundary that keeps it within :data:`_MAX_WORDS`."""
    if len(clause.split()) <= _MAX_WORDS:
        return clause
    cuts = [m.start() for m in _PHRASE_BREAK.finditer(clause)
            if 4 <= len(clause[:m.start()].split()) <= _MAX_WORDS]
    words = (clause[:cuts[-1]] if cuts else clause).split()[:_MAX_WORDS]
    # "thank her at our | next call": not "at your."; "which is | on me": not "which is."
    while words[-1].lower().rstrip(",;") in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(",;")


#: A question asked without its question mark ("how do I help her bounce back"): a question
#: is answered, not reflected.
_ASKED = re.compile(r"^(?:(?:how|what|why|where|when|which|who)\s+(?:do|does|did|can|could|"
                    r"should|would|will|is|are|am)|(?:should|can|could|would|do|does|am)\s+i)\b",
                    re.IGNORECASE)
_LOWER_FIRST = frozenset({"you", "you're", "you've", "you'd", "you'll", "your", "she", "he",
                          "they", "she's", "he's", "they're", "it", "it's", "the", "this",
                          "that", "there", "there's", "nobody", "everyone", "someone"})
_DANGLING = frozenset({"and", "but", "or", "to", "the", "a", "an", "of", "with", "my", "our",
                       "your", "for", "in", "on", "at", "is", "are", "was", "were", "which",
                       "who", "that", "feel", "feels", "like"})
#: Reflections of a choice (an option weighed, a step decided, no idea yet), in turn.
_ROUTES = ("So you have a couple of routes in mind.", "That gives you more than one way in.")
_ONE_ROUTE = ("So that is one possibility.", "That is one route you could take.")
_DECIDED = ("{when}, then.", "So {when} it is.")
_DECIDED_UNDATED = ("So you have decided.", "That is a decision, then.")
_UNSURE = ("Nothing stands out yet, and that is fine.",
           "It is not obvious yet, which is often where new options start.")


def reflect_move(move: str, text: str, *, when: str | None = None,
                 turn: int = 0) -> Reflection | None:
    """A short reflection of what a message contributes to the plan, without repeating it:
    an option weighed ("So you have a couple of routes in mind."), a step decided ("Monday,
    then."), no idea yet. None for any other contribution."""
    if move == "option":
        routes = _ROUTES if re.search(r"\bor\b|\balternatively\b", text, re.I) else _ONE_ROUTE
        return Reflection(routes[turn % 2], complex=False)
    if move == "commitment" and when:
        line = _DECIDED[turn % 2].format(when=second_person(when))
        return Reflection(line[0].upper() + line[1:], complex=False)
    if move == "commitment":
        return Reflection(_DECIDED_UNDATED[turn % 2], complex=False)
    if move == "unsure":
        return Reflection(_UNSURE[turn % 2], complex=False)
    return None


def reflect_scale(score: int) -> str:
    """A reflection of a 1-10 confidence score: sure enough, or not yet."""
    if score >= 8:
        return "So you are fairly sure of it."
    if score >= 5:
        return "So you are partly there, with some doubt left."
    return "So it does not feel likely yet."
