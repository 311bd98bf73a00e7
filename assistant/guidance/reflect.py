"""Reflections: the learner's own words handed back in the second person, and their topic."""

from __future__ import annotations

import re

from assistant.text import sentences

_SWAPS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll",
    "am": "are", "we": "you", "our": "your", "us": "you", "ourselves": "yourselves",
    "we're": "you're", "we've": "you've",
    # The guide is "you" to the learner ("I don't need you to tell me" -> "... need me to").
    "you": "me", "your": "my", "yours": "mine", "yourself": "myself",
}
_WORD = re.compile(r"[A-Za-z']+")
_TOPIC = re.compile(
    r"\b(?:get(?:ting)? better at|be(?:come)? better at|improve(?: at| on)?|work(?:ing)? on|"
    r"learn(?:ing)?(?: how)? to|struggl\w+ with|trouble with|help with|about|handle|handling|"
    r"deal(?:ing)? with|get(?:ting)? started (?:on|with)|think (?:about|through))\s+"
    r"(.+?)(?=\s*(?:,|\bbut\b|\band\b"
    r" i\b|\bbecause\b|[.?!;]|$))",
    re.IGNORECASE,
)
_REQUEST = re.compile(r"^(?:please\s+)?(?:help me|coach me|i need help)(?: (?:with|on|to))?\s+",
                      re.IGNORECASE)
_FIRST_PERSON_START = re.compile(
    r"^(?:(?:right now|so far|honestly|maybe|actually|well|lately|currently|at the moment|"
    r"to be honest|these days),?\s+)*(?:i|i'm|i've|i'd|i'll|my|we|we're|our)\b",
    re.IGNORECASE,
)
#: A first-person clause after a short opening phrase ("With my chief's support, I will...").
_FIRST_PERSON_SOON = re.compile(r"^[^.?!]{0,80}?,\s+(?:i|i'm|i've|i'll|we)\b", re.IGNORECASE)
#: A goal stated as a bare verb phrase ("Improve my suturing.").
_INTENT_VERB = re.compile(
    r"^(?:improve|get|become|learn|find|write|publish|prepare|build|develop|finish|start|ask|"
    r"set|make|plan|work|lead|teach|present|apply|pass|complete|submit|run|spend|reduce)\b",
    re.IGNORECASE,
)
#: "Coach me on this instead: I want to..." - the learner's words start after the colon.
_LEAD_IN = re.compile(r"^[^:]{1,60}:\s+(?=\S)")
_FILLER = re.compile(
    r"^(?:(?:hi|hello|hey|ok|okay|thanks|thank you)[,!.\s]+|(?:so|well),\s+)", re.IGNORECASE
)


def second_person(text: str) -> str:
    """Swap first-person words for second-person ones ("my mentee" -> "your mentee")."""
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        replacement = _SWAPS.get(word.lower())
        if replacement is None:
            return word
        return replacement
    return _WORD.sub(swap, text)


def _first_sentence(message: str) -> str:
    text = _FILLER.sub("", " ".join(message.split()))
    lead_in = _LEAD_IN.match(text)
    if lead_in and len(lead_in.group(0).split()) <= 10:
        text = text[lead_in.end():]
    found = sentences(text)
    return found[0].text if found else ""


def reflect(message: str, max_words: int = 28) -> str | None:
    """A brief simple reflection of the learner's statement, or None for a bare question."""
    sentence = _first_sentence(message)
    if not sentence or sentence.endswith("?"):
        return None
    request = _REQUEST.match(sentence)
    if request:
        sentence = "I'd like to " + sentence[request.end():]
    elif _INTENT_VERB.match(sentence):
        sentence = "I'd like to " + sentence[0].lower() + sentence[1:]
    elif not (_FIRST_PERSON_START.match(sentence) or _FIRST_PERSON_SOON.match(sentence)):
        return None  # no reflection beats a garbled one
    words = sentence.rstrip(".!").split()
    if len(words) > max_words:
        words = words[:max_words]
        while words and words[-1].lower() in {"and", "but", "or", "to", "the", "a", "of", "with"}:
            words.pop()
    body = second_person(" ".join(words))
    body = re.sub(r"\s+but\b", ", but", body).replace(",,", ",")
    return body[0].upper() + body[1:] + "."


def topic(message: str) -> str | None:
    """The thing the learner is working on, in their words and the second person."""
    sentence = re.sub(r"\b(Dr|Mr|Mrs|Ms|Prof)\.", r"\1", _first_sentence(message))
    match = _TOPIC.search(sentence)
    if not match:
        return None
    phrase = match.group(1).strip().rstrip(".,")
    if not phrase or len(phrase.split()) > 10:
        return None
    return second_person(phrase)
