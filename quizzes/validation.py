"""The item-writing rules every single-best-answer question must keep.

Used by the admin, the importers and the services alike, so a question that
one path refuses is refused by all of them.
"""

import re
from dataclasses import dataclass

MIN_CHOICES = 3
_ALL_OR_NONE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ChoiceData:
    text: str
    is_correct: bool
    feedback: str = ""


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def single_best_answer_problems(choices: list[ChoiceData]) -> list[str]:
    problems = []
    if len(choices) < MIN_CHOICES:
        problems.append(f"A single-best-answer question needs at least {MIN_CHOICES} choices; it has {len(choices)}.")
    correct = sum(choice.is_correct for choice in choices)
    if correct != 1:
        problems.append(f"A single-best-answer question needs exactly one correct choice; it has {correct}.")
    seen: dict[str, int] = {}
    for number, choice in enumerate(choices, 1):
        key = _normalised(choice.text)
        if not key:
            problems.append(f"Choice {number} is empty.")
        elif key in seen:
            problems.append(f"Choices {seen[key]} and {number} are the same: “{choice.text.strip()}”.")
        else:
            seen[key] = number
    return problems


def single_best_answer_warnings(choices: list[ChoiceData]) -> list[str]:
    return [
        f"Choice {number} (“{choice.text.strip()}”) is an all/none-of-the-above option; "
        "NBME style prefers homogeneous options that each stand alone."
        for number, choice in enumerate(choices, 1)
        if _ALL_OR_NONE.search(choice.text)
    ]
