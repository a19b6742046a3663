from dataclasses import dataclass, field

from quizzes.validation import ChoiceData


class UnsupportedType:
    """Question types we refuse, named as Moodle names them."""

    DESCRIPTION = "a description or text without an answer block"
    ESSAY = "an essay question"
    NUMERICAL = "a numerical question"
    TRUE_FALSE = "a true/false question"
    MATCHING = "a matching question"
    SHORT_ANSWER = "a short-answer question"
    MULTIPLE_RESPONSE = "a multiple-response (partial-credit) question"
    MISSING_WORD = "a missing-word question"


@dataclass
class ParsedItem:
    """One question read from a file, before any validation."""

    title: str
    category: str | None
    metadata: dict
    location: str
    stem: str = ""
    explanation: str = ""
    choices: list[ChoiceData] = field(default_factory=list)
    unsupported: str | None = None
    idnumber: str = ""
    shuffle: bool | None = None  # Moodle XML's shuffleanswers; GIFT does not say

    @property
    def name(self) -> str:
        return f"“{self.title}” ({self.location})" if self.title else f"the question at {self.location}"


@dataclass
class ExportItem:
    title: str
    stem: str
    explanation: str
    choices: list[ChoiceData]
    metadata: dict
    idnumber: str
    shuffle: bool = True
    reference_position: int | None = None
