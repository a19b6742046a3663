"""The item-writing rules every single-best-answer question must keep.

Used by the admin, the importers and the services alike, so a question that
one path refuses is refused by all of them.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MIN_CHOICES = 3

# Moodle keeps 50 characters of a tag (TAG_MAX_LENGTH in lib/setup.php). A
# pre/post match travels in Moodle XML as the tag `cme-match:<ID number>`, so an
# ID number may use the 40 characters that leaves.
MOODLE_TAG_MAX_LENGTH = 50
IDNUMBER_MAX_LENGTH = MOODLE_TAG_MAX_LENGTH - len("cme-match:")
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


def control_characters(text: str) -> list[str]:
    """Line breaks, tabs and other control characters (Unicode Cc, Zl, Zp), named as U+XXXX."""
    found = dict.fromkeys(f"U+{ord(char):04X}" for char in text if unicodedata.category(char) in {"Cc", "Zl", "Zp"})
    return list(found)


def validate_one_line(value: str) -> None:
    """A title is one line: a line break in it would end the line a GIFT export writes it on."""
    found = control_characters(value)
    if found:
        raise ValidationError(
            f"Use one line without control characters (found {', '.join(found)}).", code="control_characters"
        )


def validate_idnumber(value: str) -> None:
    """An ID number that Moodle stores, and keeps in a tag, exactly as written."""
    if control_characters(value) or any(char in value for char in "<>`"):
        raise ValidationError(
            "An ID number cannot contain line breaks, other control characters, < > or `; "
            "Moodle removes them from tags.",
            code="idnumber_characters",
        )
    if value != " ".join(value.split()):
        raise ValidationError(
            "An ID number cannot start or end with a space or contain two in a row; Moodle's tags collapse them.",
            code="idnumber_spaces",
        )
