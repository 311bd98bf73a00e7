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
    r"(?:day|week|weekday|weekend|fortnight|month|year|morning|afternoon|evening|night|shift"
    r"|rotation|block|clinic|session|semester|term|quarter|list|round|handover|"
    + WEEKDAY
    + r")s?\b"
    r"|\b(?:once|twice|thrice|(?:\d[\d,]*|" + NUMBER + r")\s+[\w-]+)\s+(?:a|per|each|every)\s+"
    r"(?:day|week|fortnight|month|year|shift|rotation|block|term|semester|quarter|session"
    r"|clinic)\b"
    # "a draft a week before the deadline" is a date, not a rhythm.
    r"(?!\s+(?:before|after|earlier|later|ahead|ago|prior|early|from|out)\b)"
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
    r"|promotion|portfolio|cv)|to improve patient (?:care|safety|outcomes|experience)"
    r"|so (?=(?:the|we|my|our|patients|they|it|i'm|i am|i'll|i don't|i won't)\b)"
    r"|(?:as|since) (?:it|this) (?:is|will|would"
    r"|helps|matters))\b",
    FLAGS,
)
# Said earlier in the conversation, an ambition also tells us why the goal matters.
AMBITION = re.compile(
    r"\b(?:i (?:want|would like|'d like|hope|plan|aim) to (?:become|be) an?"
    r"(?!\s+(?:better|more|good|great|kinder|calmer)\b)|i aspire"
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
    r"|(?:have|has|got|with) (?:the )?funding|funded by|budget (?:for|of)|bursary|study leave"
    r"|access to|have the resources"
    r"|obstacles?|barriers?|challenges?|get in the way|hardest part|competing demands"
    r"|workload|childcare|realistic|achievable|feasible|manageable"
    r"|i(?: have|'ve) (?:already|done|completed|started|drafted)"
    r"|already (?:have|completed|started|drafted|done|collected)"
    r"|i (?:have|can find|can make) (?:the )?time)\b",
    FLAGS,
)

#: "because" as typed in a hurry ("it matters bc ..."), said in full in a statement.
SHORT_BECAUSE = r"(?:bc|cos|cuz)"
#: An answer that names what it answers ("measure = it's submitted", "why it matters: I'm an
#: MS3 applying IM", "it matters because ..."): the learner's own label outranks the question.
LABELLED = re.compile(
    r"^\W*(?:(?P<measurable>(?:the\s+|my\s+)?(?:measur\w*|yardstick|success)"
    r"(?:\s+(?:it|this|that))?"
    r"(?:\s*(?:[:=\u2014\u2026-]|\.{2,})|\s+(?:is|would be|will be|by|with|via|through)\b))"
    r"|(?P<relevant>why(?:\s+it\s+matters)?\s*[:=\u2014-]|(?:the\s+)?reason(?:\s+is)?\s*[:=\u2014-]"
    r"|(?:it|this)\s+(?:matters|is important|'s important)\s+(?=(?:because|"
    + SHORT_BECAUSE + r")\b)))"
    r"\s*(?P<rest>\S.*)",
    re.IGNORECASE | re.DOTALL,
)
# The learner names the deadline itself ("the deadline is the 21st", "it's due by May").
DEADLINE_SAID = re.compile(r"\b(?:deadline(?:'s| is| would be)|(?:it's|it is) due|due (?:on|by))\b",
                           re.IGNORECASE)
# The learner saying how they will know it is done ("I'd measure it by ..."): an answer about
# the measure, whatever criterion was asked.
MEASURING = re.compile(
    r"\b(?:measure\w*|i(?:'d| would| will|'ll) know|success (?:would|will) be"
    r"|count (?:it|that) as)\b",
    re.IGNORECASE,
)
# Direction without a yardstick ("more", "better", "improve"): measurable is unclear.
VAGUE_AMOUNT = re.compile(
    r"\b(?:more|less|fewer|better|worse|regularly|often|frequently|consistently|sometimes"
    r"|occasionally|as much as possible|a lot|lots of|several|a few|improv\w*|increas\w*"
    r"|calmer|kinder|happier|healthier|fitter|stronger|faster|quicker|clearer|safer|sharper"
    r"|wiser|braver|bolder|closer|easier|greater|higher|lower|longer|shorter|bigger|smaller"
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
    r"|studies|study|trials?|letters?|submissions?|recertification|credits?|posts?|jobs?"
    r"|positions?|roles?|fellowships?|places?|scholarships?|awards?|prizes?)"
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


def wordlist(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of a block of text."""
    return tuple(text.split())


CONCRETE_VERBS = wordlist(
    """
    adopt analyse analyze apply arrange arrive ask assess attend audit avoid block book
    call chair check coach collect compare complete conduct consult contact cook counsel
    create cycle debrief delegate deliver demonstrate design develop discuss document draft
    drink earn eat edit email enrol enroll establish evaluate examine exercise facilitate
    file finish follow give go help hike hold host identify implement insert interview
    introduce intubate jog join journal launch lead leave lecture listen log map measure
    meditate meet mentor monitor negotiate observe obtain organise organize pass perform
    phone pilot place plan practise practice prepare present prioritise prioritize produce
    protect publish read record recruit refer reflect register rehearse remove replace
    reply request resubmit review revise run schedule screen seek send shadow share sign
    sleep spend start stop stretch study submit summarise summarize supervise support
    survey suture swim switch take teach test track train tutor update use visit volunteer
    walk write
    """
)
CONCRETE_PHRASES = ("set up", "sign up", "write up", "give up", "sit", "turn off")
# Verbs whose outcome is only defined by a target ("improve X to 80%").
CHANGE_VERBS = wordlist(
    """
    improve increase reduce decrease enhance strengthen boost achieve reach attain lower
    raise grow expand maximise maximize minimise minimize optimise optimize cut limit lose
    """
)
# Verbs whose object is itself a result to observe ("set up a teaching rota").
FINISHING_VERBS = wordlist(
    """
    submit publish complete finish pass present deliver launch obtain earn establish
    implement introduce produce run host organise organize design create write draft build
    develop sit set
    """
)
# Verbs that give an observable result when their object is a known deliverable.
COMPLETION_VERBS = wordlist(
    """
    attend lead conduct give hold book start prepare enrol enroll register apply join chair
    facilitate teach analyse analyze collect do record
    """
)
WEAK_VERBS = ("be", "become", "get", "have", "do", "make", "feel", "stay", "seem")
# Weak verbs that describe a state to be in rather than something to do.
STATE_VERBS = ("be", "become", "feel", "stay", "seem")


def alternation(words: Iterable[str]) -> str:
    """A regex alternation matching any inflection of the given verbs or phrases."""
    forms: set[str] = set()
    for phrase in words:
        head, _, tail = phrase.partition(" ")
        forms |= {f"{form} {tail}".strip() for form in verb_forms(head)}
    return "(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + ")"


#: Each "-ing" form of a known verb, to its base form ("submitting" -> "submit").
_GERUND_BASE = {
    form: verb
    for verb in (*CONCRETE_VERBS, *CHANGE_VERBS, *FINISHING_VERBS, *COMPLETION_VERBS,
                 *WEAK_VERBS)
    for form in verb_forms(verb) if form.endswith("ing")
}


def base_of_gerund(word: str) -> str | None:
    """The base form of a known verb's "-ing" form ("submitting" -> "submit"), else None."""
    return _GERUND_BASE.get(word.lower())
