"""The patient-information guard: find patient identifiers in a message and redact them.

Presidio's analyzer does the work, offline: its phone (libphonenumber), SSN and NHS-number
recognizers and its e-mail pattern, plus recognizers of our own for what a health-professions
chat contains (MRNs, member and card numbers, dates of birth, street addresses, and patients'
names told apart from colleagues' names by the words around them). Presidio runs on a blank
spaCy pipeline, so no language model is downloaded.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from assistant.text import sentences

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

PhiKind = Literal["patient_name", "mrn", "id_number", "date_of_birth", "phone", "email",
                  "address"]
PLACEHOLDERS: dict[PhiKind, str] = {
    "patient_name": "[patient name]",
    "mrn": "[MRN]",
    "id_number": "[ID number]",
    "date_of_birth": "[date of birth]",
    "phone": "[phone number]",
    "email": "[email]",
    "address": "[address]",
}
#: Presidio entity names, ours and its own, to our kinds.
_ENTITIES: dict[str, PhiKind] = {
    "PATIENT_NAME": "patient_name", "MRN": "mrn", "ID_NUMBER": "id_number",
    "US_SSN": "id_number", "UK_NHS": "id_number", "DATE_OF_BIRTH": "date_of_birth",
    "PHONE_NUMBER": "phone", "PHONE_SHAPE": "phone", "EMAIL_ADDRESS": "email",
    "STREET_ADDRESS": "address",
}
#: Which kind a span that two recognizers found is given: the most specific first.
_SPECIFIC: tuple[PhiKind, ...] = ("mrn", "date_of_birth", "email", "address", "patient_name",
                                  "id_number", "phone")
_PHONE_REGIONS = ("US", "GB", "CA", "AU", "IE", "NZ")
#: A message with none of these cannot hold an identifier: the analyzer is not even loaded.
_MAY_HOLD = re.compile(r"\d|@|(?i:\b(?:mr|mrs|ms|miss|mx|master|patient|pt)\b)|[A-Z][a-z]+ [A-Z]")


@dataclass(frozen=True)
class Found:
    """One identifier: its kind and where it was in the original text."""

    kind: PhiKind
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    """A message with its identifiers replaced by placeholders."""

    text: str
    found: tuple[Found, ...]

    @property
    def kinds(self) -> list[PhiKind]:
        """The kinds removed, each once, in order of first appearance."""
        return list(dict.fromkeys(f.kind for f in self.found))

    @property
    def notice(self) -> str | None:
        """What the reply says about the removal, or None when nothing was removed."""
        if not self.found:
            return None
        removed = ", ".join(PLACEHOLDERS[k] for k in self.kinds)
        return (
            f"I removed patient details from your message ({removed}) before keeping or using "
            "it: patient identifiers must not be stored in a mentoring conversation. The rest "
            "of your message is as you wrote it."
        )


# --- our recognizers --------------------------------------------------------------------------

_NAME = r"(?:[A-Z]['\u2019][A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.)"
_FULL_NAME = rf"{_NAME}(?:\s+{_NAME}){{0,2}}"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Master)\.?"
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}|"
         rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?"
         rf"\s+\d{{4}})")
_BIRTH_CUE = re.compile(r"\b(?:dob|d\.o\.b\.?|born|date of birth|birth ?date|birthday)\b",
                        re.IGNORECASE)
_STREET = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Court|Ct|Place|Pl|"
           r"Boulevard|Blvd|Crescent|Terrace|Grove|Gardens|Square|Parkway|Row|Walk|Hill)")
_ADDRESS = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][a-z'\u2019]+\s+){{1,3}}{_STREET}\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Flat|Unit|Suite)\.?\s*\w+)?"
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?"
    r"(?:,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?)?"
    r"(?:,?\s+[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})?"
)
_MRN = re.compile(
    r"\b(?:MRN|MR|medical record(?: number| no\.?)?|record number|hospital number|chart number|"
    r"URN|patient ID|unit number)\s*(?:#|:|no\.?|number)?\s*#?\s*"
    r"(?P<id>[A-Z]{0,3}\d[\d-]{3,12}\d)\b",
    re.IGNORECASE,
)
_ID_PART = r"(?=[A-Z0-9]*\d)[A-Z0-9]+"
_ID_LABELLED = re.compile(
    r"(?i:\b(?:member|insurance|policy|medicare|medicaid|health ?card|passport|NHS|SSN|social "
    r"security|CHI|IHI|subscriber)(?: (?:member|card|ID))?(?: number| no\.?| #|#| ID)?)"
    rf"\s*(?:is|:|,)?\s*(?P<id>{_ID_PART}(?:[ -]{_ID_PART})*(?: [A-Z]{{1,2}}\b)?)"
)
#: Six or more digits in a row, alone: in a mentoring chat that is an identifier.
_BARE_NUMBER = re.compile(r"(?<![\d.,:/-])\d{6,12}(?![\d.,:/-]\d)")

_STAFF = (r"mentors?|mentees?|supervisors?|attendings?|consultants?|registrars?|residents?|"
          r"co-residents?|colleagues?|co-workers?|director|coordinator|professor|prof\.?|dean|"
          r"lead|nurse in charge|charge nurse|matron|manager|fellow|intern|student|tutor|"
          r"educator|boss|chief|chair|head|team|author")
_STAFF_BEFORE = re.compile(rf"(?:\b(?:{_STAFF})|\bDr\.?|\bProf\.?|\bProfessor)[,:]?\s*$",
                           re.IGNORECASE)
_STAFF_AFTER = re.compile(
    rf"^(?:,|\s)\s*(?:(?:my|our|the|a|his|her|their)\s+)(?:\w+\s+){{0,2}}(?:{_STAFF})\b|"
    r"^\s*(?:et al|\(\d{4}\)|and [A-Z][a-z]+ \(\d{4}\))",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset(
    "I The A An My Our This That These Those He She They We You It Dear Hi Hello Thanks "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December Mentor Patient Doctor Dr Mr "
    "Mrs Ms Miss Professor Nurse Grand Rounds Emergency Department Program Programme "
    "Residency Director Quality Improvement Hospital Clinic Can Could How What When Where "
    "Why Who Should Would Is Are Do Does Did Yes No Okay OK Rehearsal Reflection Mentor "
    "Quick Born Pretend Pharmacy Page Bed Room Ward Team Tonight Today Tomorrow".split()
)
_TITLED = re.compile(rf"(?<![A-Za-z]){_TITLE}\s+(?P<name>{_FULL_NAME})")
_INTRODUCED = re.compile(
    r"\b(?i:patient|pt)(?:'s name is|,| is| named| called|:)?\s+(?:Dr\.?\s+)?"
    rf"(?P<name>{_FULL_NAME})"
)
_UNTITLED = re.compile(rf"(?<![\w'\u2019])(?P<name>{_NAME}(?:\s+{_NAME}){{1,2}})")
#: Phone numbers in the shapes people type, fictional 555 numbers included (libphonenumber
#: rejects those, and a real number typed with a typo must not slip through either).
_PHONE_SHAPE = re.compile(
    r"(?<![\w/])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,5}\)|\d{2,5})[ .-]\d{3,4}[ .-]?\d{3,4}(?![\w/])"
)


def _sentence_of(text: str, start: int) -> str:
    """The sentence of ``text`` that holds the character at ``start``."""
    return next((s.text for s in sentences(text) if s.start <= start < s.end), text)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without the capitalised non-names at its ends ("Dear", "Patient", months)."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    while words and text[words[0][0]:words[0][1]] in _NOT_NAMES:
        words.pop(0)
    while words and text[words[-1][0]:words[-1][1]] in _NOT_NAMES:
        words.pop()
    return (words[0][0], words[-1][1]) if words else None


def _is_staff(text: str, start: int, end: int) -> bool:
    return bool(_STAFF_BEFORE.search(text[max(0, start - 40):start])
                or _STAFF_AFTER.search(text[end:end + 40]))


def patient_names(text: str) -> list[tuple[int, int]]:
    """Spans of patients' names: introduced as a patient, titled (Mr, Mrs...) or full names
    that no colleague's role is attached to."""
    spans: list[tuple[int, int]] = []

    def add(span: tuple[int, int] | None, context: tuple[int, int] | None = None) -> None:
        """Keep ``span`` unless it overlaps one kept, or a colleague's role sits next to its
        ``context`` (the name with its title)."""
        if span is None or any(s <= span[0] < e for s, e in spans):
            return
        if context is not None and _is_staff(text, *context):
            return
        spans.append(span)

    for match in _INTRODUCED.finditer(text):
        add(_trimmed(text, *match.span("name")))
    for match in _TITLED.finditer(text):
        add(_trimmed(text, *match.span("name")), match.span())
    for match in _UNTITLED.finditer(text):
        span = _trimmed(text, *match.span("name"))
        if span is None or len(text[span[0]:span[1]].split()) < 2:
            continue
        before = text[:span[0]].rstrip()
        if not before or before[-1] in ".?!\n" or re.search(r"(?:Dr|Prof)\.?$", before):
            continue  # a sentence's first words, or a doctor: not taken for a patient
        add(span, span)
    return spans


def _dates_of_birth(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(_DATE, text):
        sentence = _sentence_of(text, match.start())
        year = re.findall(r"\d{4}|\d{2}$", match.group())
        old = bool(year) and len(year[-1]) == 4 and int(year[-1]) <= date.today().year - 16
        if _BIRTH_CUE.search(sentence) or old:
            spans.append(match.span())
    return spans


def _groups(pattern: re.Pattern[str], text: str, group: str = "id") -> list[tuple[int, int]]:
    return [m.span(group) for m in pattern.finditer(text)]


_OURS = {
    "PATIENT_NAME": patient_names,
    "MRN": lambda text: _groups(_MRN, text),
    "ID_NUMBER": lambda text: _groups(_ID_LABELLED, text) + [m.span() for m in
                                                              _BARE_NUMBER.finditer(text)],
    "DATE_OF_BIRTH": _dates_of_birth,
    "STREET_ADDRESS": lambda text: [m.span() for m in _ADDRESS.finditer(text)],
    "PHONE_SHAPE": lambda text: [m.span() for m in _PHONE_SHAPE.finditer(text)],
}
#: How many characters may separate a name from the record number that follows it.
_BESIDE = 12
#: Generic mailboxes of services are not a person's contact details.
_SERVICE_MAILBOX = re.compile(
    r"^(?:info|office|admin|help|support|hr|noreply|no-reply|contact|enquiries|wellbeing|"
    r"program|programme|residency|education|mentoring|reception)@", re.IGNORECASE,
)


@contextmanager
def _hidden(*modules: str) -> Iterator[None]:
    """Import as if ``modules`` were not installed (those not imported yet)."""
    hidden = [name for name in modules if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in hidden:
            del sys.modules[name]


@lru_cache(maxsize=1)
def _analyzer() -> AnalyzerEngine:
    # spaCy (through thinc) and presidio import torch and transformers whenever they are
    # installed, 4 s that the light query path must not pay; neither is used here.
    with _hidden("torch", "transformers"):
        return _build_analyzer()


def _build_analyzer() -> AnalyzerEngine:
    import spacy
    from presidio_analyzer import (
        AnalyzerEngine,
        EntityRecognizer,
        PatternRecognizer,
        RecognizerRegistry,
        RecognizerResult,
    )
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        EmailRecognizer,
        NhsRecognizer,
        PhoneRecognizer,
        UsSsnRecognizer,
    )

    class BlankEnglish(SpacyNlpEngine):
        """spaCy's rule-based English tokenizer: nothing to download."""

        def load(self) -> None:
            self.nlp = {"en": spacy.blank("en")}

    class Ours(EntityRecognizer):
        def __init__(self, entity: str) -> None:
            super().__init__(supported_entities=[entity], name=f"mentorcoach-{entity}")

        def load(self) -> None:
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            entity = self.supported_entities[0]
            return [RecognizerResult(entity, start, end, 0.9) for start, end in
                    _OURS[entity](text) if end > start]

    engine = BlankEnglish(models=[{"lang_code": "en", "model_name": "blank"}])
    engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    # The e-mail pattern without its public-suffix lookup, which would go to the network.
    registry.add_recognizer(PatternRecognizer("EMAIL_ADDRESS", patterns=EmailRecognizer.PATTERNS,
                                              context=EmailRecognizer.CONTEXT))
    registry.add_recognizer(PhoneRecognizer(supported_regions=_PHONE_REGIONS))
    registry.add_recognizer(UsSsnRecognizer())
    registry.add_recognizer(NhsRecognizer())
    for entity in _OURS:
        registry.add_recognizer(Ours(entity))
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])


def find(text: str) -> list[Found]:
    """The patient identifiers in ``text``, without overlaps, in order."""
    if not _MAY_HOLD.search(text):
        return []
    results = _analyzer().analyze(text, language="en", score_threshold=0.3,
                                  entities=list(_ENTITIES))
    found = []
    for result in results:
        kind = _ENTITIES[result.entity_type]
        if kind == "email" and _SERVICE_MAILBOX.match(text[result.start:result.end]):
            continue
        found.append(Found(kind, result.start, result.end))
    # Earlier, then longer spans first; on a tie the more specific kind wins.
    found.sort(key=lambda f: (f.start, -(f.end - f.start), _SPECIFIC.index(f.kind)))
    kept: list[Found] = []
    for item in found:
        if kept and item.start < kept[-1].end:
            continue  # the longer, earlier span wins
        kept.append(item)
    return _with_repeats(text, _named_beside(text, kept))


def _named_beside(text: str, found: list[Found]) -> list[Found]:
    """A full name written right before a record number or birth date is that patient's,
    even where a sentence starts with it ("Harold Jenkins, MRN 4482913")."""
    records = [f.start for f in found if f.kind in ("mrn", "date_of_birth", "id_number")]
    extra = []
    for match in _UNTITLED.finditer(text):
        span = _trimmed(text, *match.span("name"))
        if span is None or len(text[span[0]:span[1]].split()) < 2:
            continue
        gap = min((r - span[1] for r in records if r >= span[1]), default=99)
        if gap <= _BESIDE and not any(f.start <= span[0] < f.end for f in found):
            extra.append(Found("patient_name", *span))
    return sorted([*found, *extra], key=lambda f: f.start)


def _with_repeats(text: str, found: list[Found]) -> list[Found]:
    """Every other mention of a patient's name (or surname) is a patient name too."""
    names = {text[f.start:f.end] for f in found if f.kind == "patient_name"}
    words = {w for name in names for w in name.split() if len(w) > 2}
    extra = []
    for word in words:
        for match in re.finditer(rf"\b{re.escape(word)}\b", text):
            if not any(f.start <= match.start() < f.end for f in found):
                extra.append(Found("patient_name", *match.span()))
    return sorted([*found, *extra], key=lambda f: f.start)


def redact(text: str) -> Redaction:
    """``text`` with each identifier replaced by its placeholder (``[MRN]``...)."""
    found = find(text)
    pieces, last = [], 0
    for item in found:
        pieces += [text[last:item.start], PLACEHOLDERS[item.kind]]
        last = item.end
    pieces.append(text[last:])
    return Redaction("".join(pieces), tuple(found))
