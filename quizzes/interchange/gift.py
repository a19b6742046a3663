"""Moodle's GIFT text format: read any GIFT file, write single-best-answer items.

Reading follows Moodle's qformat_gift: the escapes are exactly `\\\\ \\: \\# \\= \\{ \\} \\~ \\n`
(any other backslash is kept as written), a `[format]` tag on the question text is inherited
by its answers and feedback, and `// [id:…] [tag:…]` comments carry the ID number and tags.
Every item is classified by type so that unsupported ones can be refused by name. Writing
escapes the same characters Moodle's exporter does, so the text comes back exactly.
"""

import json
import re
import unicodedata

from quizzes.interchange import formats, tags
from quizzes.interchange.items import ParsedItem, UnsupportedType
from quizzes.validation import ChoiceData

_SPECIAL = "~=#{}:"
_ESCAPED = {"\\": "\\", "n": "\n", **{char: char for char in _SPECIAL}}
_FORMAT_TAG = re.compile(r"^\[(html|moodle|plain|markdown)\]")
_TRUE_FALSE = re.compile(r"^(T|F|TRUE|FALSE)\s*(#|$)", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
# Moodle's own patterns (extract_idnumber_and_tags_from_comment): any ] inside is escaped as \].
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")
METADATA_PREFIX = "// cme: "


# ------------------------------------------------------------------- escaping


def escape(text: str) -> str:
    """As Moodle's repchar: backslash and ~ = # { } : escaped, line breaks written as \\n."""
    text = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def unescape(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1 : index + 2] in _ESCAPED:
            out.append(_ESCAPED[text[index + 1]])
            index += 2
            continue
        out.append(char)  # a backslash GIFT gives no meaning stays as written
        index += 1
    return "".join(out)


def _is_escape(text: str, index: int) -> bool:
    return text[index] == "\\" and text[index + 1 : index + 2] in _ESCAPED


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    index = start
    while index <= len(text) - len(target):
        if _is_escape(text, index):
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
        if _is_escape(text, index):
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


def _formatted(text: str, default: str) -> tuple[str, str]:
    """(format, unescaped text): a leading [html], [moodle], [plain] or [markdown] sets the format."""
    text = text.strip()
    found = _FORMAT_TAG.match(text)
    if found:
        return found.group(1), unescape(text[found.end() :]).strip()
    return default, unescape(text).strip()


# -------------------------------------------------------------------- reading


def _comment_ids_and_tags(comment: str) -> tuple[list[str], list[str]]:
    ids = [found.replace("\\]", "]").strip() for found in _ID.findall(comment)]
    found_tags = [found.replace("\\]", "]").strip() for found in _TAG.findall(comment)]
    return ids, found_tags


def parse(text: str) -> list[ParsedItem]:
    items: list[ParsedItem] = []
    category = None
    metadata: dict | None = None
    idnumbers: list[str] = []
    item_tags: list[str] = []
    chunk: list[str] = []
    chunk_line = 0

    def flush():
        nonlocal chunk, metadata, idnumbers, item_tags
        if chunk and "".join(chunk).strip():
            stated = metadata if metadata is not None else tags.decode(item_tags)
            item = _parse_item("\n".join(chunk), category, stated, chunk_line)
            item.idnumber = idnumbers[0] if idnumbers else ""
            items.append(item)
            metadata, idnumbers, item_tags = None, [], []
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
            # Moodle's "// question: 12  name: <title>" line repeats the title; an [id:] in a title is not an ID.
            if not stripped.startswith("// question:"):
                found_ids, found_tags = _comment_ids_and_tags(stripped)
                idnumbers += found_ids
                item_tags += found_tags
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
        item.stem = _formatted(body, "moodle")[1]
        return item
    # As in Moodle, the question text's format (moodle when unstated) is the default for the rest.
    stem_format, item.stem = _formatted(body[:open_at], "moodle")
    block = body[open_at + 1 : close_at].strip()
    trailing = body[close_at + 1 :].strip()

    general_at = _find_unescaped(block, "####")
    if general_at >= 0:
        item.explanation = _formatted(block[general_at + 4 :], stem_format)[1]
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
            item.choices = [_choice(marker, text, stem_format) for marker, text in answers]
    return item


def _choice(marker: str, text: str, stem_format: str) -> ChoiceData:
    text = _WEIGHT.sub("", text.strip())
    feedback_at = _find_unescaped(text, "#")
    feedback = ""
    if feedback_at >= 0:
        text, feedback = text[:feedback_at], text[feedback_at + 1 :]
    # Moodle gives the feedback the question text's format, not the answer's.
    answer_format, answer = _formatted(text, stem_format)
    feedback_format, feedback = _formatted(feedback, stem_format)
    return ChoiceData(
        text=formats.answer_text(answer, answer_format),
        is_correct=marker == "=",
        feedback=formats.answer_text(feedback, feedback_format),
    )


# -------------------------------------------------------------------- writing


def _protected(text: str) -> str:
    """Escaped text that a reader cannot mistake for a [format] tag or a %weight%."""
    escaped = escape(text)
    return f"[markdown]{escaped}" if escaped[:1] in ("[", "%") else escaped


def _one_line(text: str) -> str:
    """For comment lines: a control character would end the comment and start a question."""
    return " ".join("".join(" " if unicodedata.category(c) in {"Cc", "Zl", "Zp"} else c for c in text).split())


def write(blocks) -> str:
    """blocks: (category, [ExportItem, ...]) pairs, one per quiz."""
    lines: list[str] = []
    for category, items in blocks:
        lines += [f"$CATEGORY: {category}", ""]
        for item in items:
            lines.append(f"// question: {_one_line(item.title)}")
            idnumber = _one_line(item.idnumber).replace("]", "\\]")
            lines.append(f"// [id:{idnumber}]")
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
