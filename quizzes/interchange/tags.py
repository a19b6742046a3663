"""CME metadata as Moodle tags: `cme-<key>:<value>`, each one a tag Moodle keeps whole.

Moodle cleans a tag as PARAM_TAG does (control characters and < > ` removed, runs of
whitespace made one space, trimmed) and keeps its first 50 characters. Tag names are unique
across a site regardless of case, so a tag may come back in the case of an older tag with the
same name, or title-cased where the site does not keep tag case. So every tag written here is
one that cleaning leaves unchanged, and reading ignores case.
"""

import re
import unicodedata

from quizzes.validation import MOODLE_TAG_MAX_LENGTH

PREFIX = "cme-"
_POSITION = re.compile(r"#(\d+)")


def moodle_keeps(tag: str) -> str:
    """What Moodle stores of a tag (clean_param(PARAM_TAG) in lib/moodlelib.php)."""
    cleaned = "".join(char for char in tag if unicodedata.category(char) != "Cc" and char not in "<>`")
    return " ".join(cleaned.split())[:MOODLE_TAG_MAX_LENGTH]


def encode(item) -> list[str]:
    """The item's metadata as tags, in a stable order.

    A reference travels by its trial name when Moodle would keep that whole (it reads well in
    Moodle's tag list), otherwise by its position in the activity's reference list (`#2`).
    """
    tags = []
    for key, value in sorted(item.metadata.items()):
        tag = f"{PREFIX}{key}:{value}"
        if key == "reference" and moodle_keeps(tag) != tag:
            tag = f"{PREFIX}reference:#{item.reference_position}"
        if moodle_keeps(tag) != tag:
            # A match names an ID number, and those are validated to fit; anything else is a bug.
            raise ValueError(f"Moodle would not keep the tag “{tag}” whole.")
        tags.append(tag)
    return tags


def decode(tags) -> dict:
    """Metadata from tags, whatever case Moodle gave them back in. Other tags are ignored."""
    metadata: dict = {}
    for tag in tags:
        key, separator, value = (tag or "").strip().partition(":")
        key, value = key.strip().casefold(), value.strip()
        if not separator or not key.startswith(PREFIX) or not value:
            continue
        name = key[len(PREFIX) :]
        if name == "objective":
            metadata["objective"] = int(value) if value.isdigit() else value
        elif name == "reference":
            position = _POSITION.fullmatch(value)
            if position:
                metadata["reference_position"] = int(position.group(1))
            else:
                metadata["reference"] = value
        elif name == "status":
            metadata["status"] = value.casefold()
        elif name == "match":
            metadata["match"] = value
    return metadata
