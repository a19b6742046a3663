"""Moodle's GIFT text format: read any GIFT file, write single-best-answer items.

Reading classifies every item by type so that unsupported ones can be refused
by name; writing escapes GIFT's special characters so the text comes back
exactly as it went out.
"""

import json
import re

from quizzes.interchange.items import ParsedItem, UnsupportedType
from quizzes.validation import ChoiceData

_SPECIAL = "~=#{}:"
_FORMAT_TAG = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_TRUE_FALSE = re.compile(r"^(T|F|TRUE|FALSE)\s*(#|$)", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
METADATA_PREFIX = "// cme: "


# ------------------------------------------------------------------- escaping


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def unescape(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            out.append("\n" if following == "n" else following)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    index = start
    while index <= len(text) - len(target):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(target, index):
            return index
        index += 1
    return -1


def _split_unescaped(text: str, markers: str) -> list[tuple[str, str]]:
    """Split an answer block on unescaped marker characters, keeping the marker."""
    parts, current, marker, index = [], [], None, 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char in markers:
            if marker is not None:
                parts.append((marker, "".join(current)))
            marker, current = char, []
        elif marker is not None:
            current.append(char)
        index += 1
    if marker is not None:
        parts.append((marker, "".join(current)))
    return parts


def _clean(text: str) -> str:
    return unescape(_FORMAT_TAG.sub("", text, count=1)).strip()


# -------------------------------------------------------------------- reading


def parse(text: str) -> list[ParsedItem]:
    items: list[ParsedItem] = []
    category = None
    metadata: dict = {}
    chunk: list[str] = []
    chunk_line = 0

    def flush():
        nonlocal chunk, metadata
        if chunk and "".join(chunk).strip():
            items.append(_parse_item("\n".join(chunk), category, metadata, chunk_line))
            metadata = {}
        chunk = []

    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith(METADATA_PREFIX.strip()):
            try:
                metadata = json.loads(stripped[len(METADATA_PREFIX.strip()) :].strip())
            except ValueError:
                metadata = None
            if not isinstance(metadata, dict):
                metadata = {"_error": f"line {number}: the cme metadata comment is not a JSON object"}
            continue
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            flush()
            category = stripped[len("$CATEGORY:") :].strip()
            continue
        if not stripped:
            # A blank line ends a question unless its answer block is still open.
            if chunk and _find_unescaped("\n".join(chunk), "{") >= 0 and _find_unescaped("\n".join(chunk), "}") < 0:
                chunk.append(line)
                continue
            flush()
            continue
        if not chunk:
            chunk_line = number
        chunk.append(line)
    flush()
    return items


def _parse_item(source: str, category, metadata: dict, line: int) -> ParsedItem:
    body = source.strip()
    title = ""
    if body.startswith("::"):
        end = _find_unescaped(body, "::", 2)
        if end > 0:
            title, body = unescape(body[2:end]).strip(), body[end + 2 :].strip()
    location = f"line {line}"
    item = ParsedItem(title=title, category=category, metadata=metadata, location=location)

    open_at = _find_unescaped(body, "{")
    close_at = _find_unescaped(body, "}", open_at + 1) if open_at >= 0 else -1
    if open_at < 0 or close_at < 0:
        item.unsupported = UnsupportedType.DESCRIPTION
        item.stem = _clean(body)
        return item
    item.stem = _clean(body[:open_at])
    block = body[open_at + 1 : close_at].strip()
    trailing = body[close_at + 1 :].strip()

    general_at = _find_unescaped(block, "####")
    if general_at >= 0:
        item.explanation = _clean(block[general_at + 4 :])
        block = block[:general_at].strip()

    if not block:
        item.unsupported = UnsupportedType.ESSAY
    elif block.startswith("#"):
        item.unsupported = UnsupportedType.NUMERICAL
    elif _TRUE_FALSE.match(block):
        item.unsupported = UnsupportedType.TRUE_FALSE
    else:
        answers = _split_unescaped(block, "=~")
        if all(marker == "=" and _find_unescaped(text, "->") >= 0 for marker, text in answers):
            item.unsupported = UnsupportedType.MATCHING
        elif not any(marker == "~" for marker, _ in answers):
            item.unsupported = UnsupportedType.SHORT_ANSWER
        elif any(_WEIGHT.match(text.strip()) for marker, text in answers if marker == "~"):
            item.unsupported = UnsupportedType.MULTIPLE_RESPONSE
        elif trailing:
            item.unsupported = UnsupportedType.MISSING_WORD
        else:
            item.choices = [_choice(marker, text) for marker, text in answers]
    return item


def _choice(marker: str, text: str) -> ChoiceData:
    text = _WEIGHT.sub("", text.strip())
    feedback_at = _find_unescaped(text, "#")
    feedback = ""
    if feedback_at >= 0:
        text, feedback = text[:feedback_at], text[feedback_at + 1 :]
    return ChoiceData(text=_clean(text), is_correct=marker == "=", feedback=_clean(feedback))


# -------------------------------------------------------------------- writing


def _protected(text: str) -> str:
    """Escaped text that a reader cannot mistake for a [format] tag or a %weight%."""
    escaped = escape(text)
    return f"[markdown]{escaped}" if escaped[:1] in ("[", "%") else escaped


def write(blocks) -> str:
    """blocks: (category, [ExportItem, ...]) pairs, one per quiz."""
    lines: list[str] = []
    for category, items in blocks:
        lines += [f"$CATEGORY: {category}", ""]
        for item in items:
            lines.append(f"// question: {item.title}")
            lines.append(METADATA_PREFIX + json.dumps(item.metadata, ensure_ascii=False, sort_keys=True))
            lines.append(f"::{escape(item.title)}::[markdown]{escape(item.stem)}{{")
            for choice in item.choices:
                marker = "=" if choice.is_correct else "~"
                feedback = f"#{_protected(choice.feedback)}" if choice.feedback else ""
                lines.append(f"\t{marker}{_protected(choice.text)}{feedback}")
            if item.explanation:
                lines.append(f"\t####{_protected(item.explanation)}")
            lines += ["}", ""]
    return "\n".join(lines)
