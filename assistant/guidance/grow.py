"""The GROW stages (Goal, Reality, Options, Will): what the coaching conversation still needs
from the learner, and the open question that asks for it.

What is needed next comes from the conversation's memory, not from a fixed turn order: a
learner who opens with the situation and a worry is not asked what is happening now, and one
who names a step and a day is not asked "by when?".
"""

from __future__ import annotations

from assistant.guidance.memory import Memory
from assistant.plan import GrowStage, Wisdom

#: What the conversation still needs, in the order a coach asks for it, and its GROW stage.
NEEDS: dict[str, GrowStage] = {
    "goal": "goal", "reality": "reality", "options": "options", "will": "will",
    "when": "will", "confidence": "will", "wrap": "will", "anything_else": "will",
}
#: Open questions for each need; the first one not yet asked in the conversation is used.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "goal": (
        "What would you like to have by the end of this conversation?",
        "What would a good outcome look like for you?",
        "If this went well, what would be different a month from now?",
    ),
    "reality": (
        "What is happening now, and what have you tried so far?",
        "What have you noticed so far?",
        "What gets in the way at the moment?",
    ),
    "options": (
        "What could you do about it, if nothing stood in the way?",
        "What options can you see, even ones you would not pick?",
        "What else might work, and who could help?",
    ),
    "will": (
        "Which of these would you like to try first, and when?",
        "What will you do first, and by when?",
        "What is the smallest step you could take this week?",
    ),
    "when": (
        "When will you do that?",
        "What day would work for that step?",
    ),
    "confidence": (
        "On a scale of 1 to 10, how confident are you that you will take that step, and what "
        "would make it a 10?",
    ),
    "wrap": (
        "What support would help you follow through?",
        "What might get in the way of that step, and how will you handle it?",
    ),
    "anything_else": (
        "Is there anything else you would like to think through today?",
    ),
}
#: When the learner has no idea yet, the options question comes at it from another side.
STUCK = (
    "If a colleague you respect were in your place, what might they try?",
    "What has worked for you in a similar situation before?",
)
#: Coaching with wisdom says that it is sharing knowledge and that the choice stays the
#: learner's (Marcdante & Simpson's fourth form of guidance), then hands the choice back.
OFFERED = Wisdom(
    "Here is some shared knowledge from the program literature that may help you think about "
    "options (coaching with wisdom: the choice stays yours):",
    "Which of these fits your situation, or what else comes to mind?",
)
#: The same, once the learner has ideas of their own.
OFFERED_WITH_OWN = Wisdom(
    "Alongside your own ideas, here is some shared knowledge from the program literature "
    "(coaching with wisdom: the choice stays yours):",
    "Which of these, or of your own ideas, would you try first, and when?",
)

#: Asked for more once some has been offered.
OFFERED_AGAIN = Wisdom(
    "Here is more from the program literature on that (coaching with wisdom: the choice stays "
    "yours):",
    "What do you make of these for your own situation?",
)

#: A goal question answered with where things stand (a worry, the background) is asked once
#: more, in other words: without an aim the options have nothing to serve.
_GOAL_ASKS = 2


def next_need(memory: Memory) -> str:
    """What the conversation needs next from the learner, given what they have said."""
    if _goal_open(memory):
        return "goal"
    if not memory.has_reality and "reality" not in memory.asked:
        return "reality"
    if not memory.options and not memory.commitment and memory.asked.count("options") < 2:
        return "options"
    if not memory.commitment:
        return "will"
    if memory.when is None and "when" not in memory.asked:
        return "when"
    if memory.confidence is None and "confidence" not in memory.asked:
        return "confidence"
    return "wrap" if "wrap" not in memory.asked else "anything_else"


def _goal_open(memory: Memory) -> bool:
    """Whether to ask for the goal: it was never asked, or it was asked just now and the
    answer told only where things stand (a learner weighing options is not taken back)."""
    if memory.goal:
        return False
    if "goal" not in memory.asked:
        return True
    return (memory.last_asked == "goal" and memory.asked.count("goal") < _GOAL_ASKS
            and not (memory.options or memory.commitment))


def question_for(need: str, memory: Memory, *, stuck: bool = False) -> str:
    """The open question for ``need`` that this conversation has not heard yet."""
    if need == "options" and stuck:
        choices = STUCK
    elif need == "will" and len(memory.options) < 2:
        choices = QUESTIONS["will"][1:]  # "which of these" needs two routes to choose from
    else:
        choices = QUESTIONS[need]
    return next((q for q in choices if q not in memory.questions), choices[-1])
