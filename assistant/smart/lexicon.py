"""Word lists and regular expressions the SMART checker reads goals with."""

from __future__ import annotations

import re
from collections.abc import Iterable

FLAGS = re.IGNORECASE

NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
    "a couple of": 2,
}
COUNT_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen"
    r"|twenty|thirty|forty|fifty|sixty|ninety|hundred|dozen|once|twice|thrice)"
)
NUMBER = r"(?:\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

# Recurring rhythms ("weekly", "every month", "twice a week"): measurable, but no end date.
FREQUENCY = re.compile(
    r"\b(?:daily|weekly|fortnightly|monthly|quarterly|annually|yearly|nightly|biweekly"
    r"|bimonthly)\b"
    r"|\b(?:after\s+|at\s+|on\s+)?(?:every|each)\s+(?:other\s+|single\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:day|week|weekday|weekend|month|year|morning|evening|night|shift|rotation|block"
    r"|clinic|session|semester|term|quarter|list|" + WEEKDAY + r")s?\b"
    r"|\b(?:once|twice|thrice|" + NUMBER + r"\s+times|[\d,]+\s+[\w-]+)\s+(?:a|per|each|every)\s+"
    r"(?:day|week|fortnight|month|year|shift|rotation|block|term|semester|quarter|session"
    r"|clinic)\b"
    r"|\bper\s+(?:day|week|month|year|shift|rotation|block|term|semester|quarter)\b"
    r"|\bon\s+(?:" + WEEKDAY + r"s|weekdays|weekends)\b",
    FLAGS,
)

# Connectors that introduce the learner's reason: the Relevant criterion.
PURPOSE = re.compile(
    r"\b(?:so that|so i can|so i could|so i will|so as to|because|in order to|which will"
    r"|which would|that will help|this will help|it will help|will help me|will allow me"
    r"|will enable me|to help me|to prepare (?:me )?for|in preparation for|for my career"
    r"|my career as|as a future|as part of my|towards? my|aligns? with|important to me"
    r"|matters to me|my long[- ]term|my career goal|to support my|for my (?:application"
    r"|promotion|portfolio|cv)|to improve patient (?:care|safety|outcomes|experience))\b",
    FLAGS,
)
# Said earlier in the conversation, an ambition also tells us why the goal matters.
AMBITION = re.compile(
    r"\b(?:i (?:want|would like|'d like|hope|plan|aim) to (?:become|be) an?|i aspire"
    r"|my ambition|my dream|one day i want)\b",
    FLAGS,
)

# Time, resources, support or obstacles: what the Attainable criterion needs to hear.
SUPPORT = re.compile(
    r"\b(?:protected (?:time|teaching time|research time|sessions?)|dedicated time"
    r"|(?:set|put) aside|block(?:ed)? (?:out )?(?:time|an hour|\d+ hours)"
    r"|with (?:the )?(?:help|support|backing) of|(?:help|support|backing|supervision) from"
    r"|supported by|under (?:the )?supervision|supervised by"
    r"|my (?:mentor|supervisor|consultant|attending|educational supervisor|program director"
    r"|programme director|training director|coach|co-?authors?)"
    r"|(?:has|have) agreed to|agreed to (?:help|support|supervise|review|mentor)"
    r"|funding|funded|budget|bursary|study leave|access to|have the resources"
    r"|obstacles?|barriers?|challenges?|get in the way|hardest part|competing demands"
    r"|workload|childcare|realistic|achievable|feasible|manageable"
    r"|i(?: have|'ve) (?:already|done|completed|started|drafted)"
    r"|already (?:have|completed|started|drafted|done|collected)"
    r"|i (?:have|can find|can make) (?:the )?time)\b",
    FLAGS,
)

# Direction without a yardstick ("more", "better", "improve"): measurable is unclear.
VAGUE_AMOUNT = re.compile(
    r"\b(?:more|less|fewer|better|worse|regularly|often|frequently|consistently|sometimes"
    r"|occasionally|as much as possible|a lot|lots of|several|a few|improv\w*|increas\w*"
    r"|reduc\w*|decreas\w*|enhanc\w*|boost\w*|maximi[sz]\w*|minimi[sz]\w*)\b",
    FLAGS,
)

DELIVERABLE = (
    r"(?:abstracts?|papers?|manuscripts?|articles?|grants?|applications?|proposals?|posters?"
    r"|presentations?|talks?|lectures?|workshops?|sessions?|courses?|modules?|curricul(?:um|a)"
    r"|protocols?|projects?|reviews?|reports?|chapters?|thesis|dissertation|drafts?"
    r"|sections?|analysis|analyses|audits?|surveys?|portfolios?|certificates?|certification"
    r"|qualifications?|degree|diploma|exams?|examinations?|assessments?|tests?|marathons?"
    r"|races?|appointments?|meetings?|one-to-ones?|plans?|guidelines?|checklists?"
    r"|templates?|toolkits?|handbooks?|books?|textbooks?|websites?|videos?|podcasts?"
    r"|huddles?|programmes?|programs?|clubs?|debriefs?|databases?|datasets?|pilots?"
    r"|studies|study|trials?|letters?|submissions?|recertification|credits?)"
)


IRREGULAR: dict[str, set[str]] = {
    "run": {"ran"},
    "lead": {"led"},
    "write": {"wrote", "written"},
    "give": {"gave", "given"},
    "take": {"took", "taken"},
    "meet": {"met"},
    "teach": {"taught"},
    "hold": {"held"},
    "build": {"built"},
    "seek": {"sought"},
    "sleep": {"slept"},
    "swim": {"swam"},
    "be": {"am", "is", "are", "was", "were", "been", "being"},
    "become": {"became"},
    "get": {"got", "gotten"},
    "have": {"has", "had", "having"},
    "do": {"did", "done", "does"},
    "make": {"made"},
    "feel": {"felt"},
}

def verb_forms(base: str) -> set[str]:
    """Regular inflections of a verb, including doubled final consonants."""
    forms = {base, base + "s", base + "es", base + "ed", base + "ing"}
    if base.endswith("e"):
        forms |= {base + "d", base[:-1] + "ing"}
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied"}
    if re.search(r"[aeiou][bdglmnprt]$", base) and not re.search(r"[aeiou]{2}.$", base):
        forms |= {base + base[-1] + "ing", base + base[-1] + "ed"}
    return forms | IRREGULAR.get(base, set())


CONCRETE_VERBS = (
    "analyse analyze apply ask attend audit book call chair coach collect complete conduct "
    "build create cycle debrief deliver design develop document draft earn email enrol enroll establish "
    "examine exercise facilitate file finish give hold host implement insert interview "
    "introduce intubate jog join launch lead log map meditate meet mentor observe obtain "
    "organise organize pass perform pilot place practise practice prepare present produce "
    "publish read record recruit register request review run schedule seek send shadow "
    "share sleep spend start stop study submit summarise summarize supervise survey suture "
    "swim take teach track train use volunteer walk write"
).split()
CONCRETE_PHRASES = ("set up", "sign up", "write up", "give up", "sit")
# Verbs whose outcome is only defined by a target ("improve X to 80%").
CHANGE_VERBS = (
    "improve increase reduce decrease enhance strengthen boost achieve reach attain lower "
    "raise grow expand maximise maximize minimise minimize optimise optimize"
).split()
# Verbs that, with a concrete object ("submit a manuscript"), give an observable result.
COMPLETION_VERBS = (
    "submit publish complete finish pass present deliver write draft design develop create "
    "launch obtain earn attend run lead organise organize conduct give host hold book start "
    "establish implement introduce produce record prepare enrol enroll register apply join "
    "chair facilitate teach build analyse analyze collect do sit set"
).split()
WEAK_VERBS = ("be", "become", "get", "have", "do", "make", "feel", "stay", "try")


def alternation(words: Iterable[str]) -> str:
    """A regex alternation matching any inflection of the given verbs or phrases."""
    forms: set[str] = set()
    for phrase in words:
        head, _, tail = phrase.partition(" ")
        forms |= {f"{form} {tail}".strip() for form in verb_forms(head)}
    return "(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + ")"
