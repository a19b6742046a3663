"""Moodle XML: read multiple-choice questions (refusing every other type by name) and write them."""

import html
import xml.etree.ElementTree as ET  # writing only; reading goes through defusedxml

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.html import strip_tags

from quizzes.interchange.items import ParsedItem
from quizzes.validation import ChoiceData

TAG_PREFIX = "cme-"


class MoodleXMLError(ValueError):
    pass


def _text(element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _plain(element, path: str) -> str:
    """Answer and feedback text as plain text: Moodle often exports them as HTML."""
    if element is None:
        return ""
    text = _text(element, path)
    if element.get("format", "html") in {"html", "moodle_auto_format"}:
        text = html.unescape(strip_tags(text)).strip()
    return text


def parse(text: str) -> list[ParsedItem]:
    try:
        root = SafeET.fromstring(text)
    except (SafeET.ParseError, DefusedXmlException) as error:
        raise MoodleXMLError(f"The file is not valid Moodle XML: {error}") from None
    if root.tag != "quiz":
        raise MoodleXMLError("The file is not Moodle XML: its root element is not <quiz>.")
    items, category = [], None
    for number, question in enumerate(root.findall("question"), 1):
        kind = question.get("type", "")
        if kind == "category":
            category = _text(question, "category/text")
            continue
        metadata = {}
        for tag in question.findall("tags/tag/text"):
            key, _, value = (tag.text or "").partition(":")
            if key.startswith(TAG_PREFIX) and value:
                name = key[len(TAG_PREFIX) :]
                metadata[name] = int(value) if name == "objective" and value.isdigit() else value
        item = ParsedItem(
            title=_text(question, "name/text"),
            category=category,
            metadata=metadata,
            location=f"question {number}",
            stem=_text(question, "questiontext/text"),
            explanation=_text(question, "generalfeedback/text"),
        )
        single = _text(question, "single").lower() in {"true", "1"}
        answers = question.findall("answer")
        try:
            fractions = [float(answer.get("fraction", "0")) for answer in answers]
        except ValueError:
            raise MoodleXMLError(f"{item.name}: an answer's fraction is not a number.") from None
        if kind != "multichoice":
            item.unsupported = f"a “{kind}” question"
        elif not single or any(0 < fraction < 100 or fraction < 0 for fraction in fractions):
            item.unsupported = "a multiple-response (partial-credit) question"
        else:
            item.choices = [
                ChoiceData(_plain(answer, "text"), fraction == 100, _plain(answer.find("feedback"), "text"))
                for answer, fraction in zip(answers, fractions, strict=True)
            ]
        items.append(item)
    return items


def _sub(parent, tag: str, text: str | None = None, **attrs):
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        ET.SubElement(element, "text").text = text
    return element


def write(blocks) -> str:
    root = ET.Element("quiz")
    for category, items in blocks:
        category_question = ET.SubElement(root, "question", {"type": "category"})
        _sub(category_question, "category", category)
        for item in items:
            question = ET.SubElement(root, "question", {"type": "multichoice"})
            _sub(question, "name", item.title)
            _sub(question, "questiontext", item.stem, format="markdown")
            _sub(question, "generalfeedback", item.explanation, format="markdown")
            ET.SubElement(question, "defaultgrade").text = "1"
            ET.SubElement(question, "single").text = "true"
            ET.SubElement(question, "shuffleanswers").text = "true"
            ET.SubElement(question, "answernumbering").text = "ABCD"
            for choice in item.choices:
                answer = _sub(question, "answer", choice.text, fraction="100" if choice.is_correct else "0",
                              format="plain_text")  # fmt: skip
                _sub(answer, "feedback", choice.feedback, format="plain_text")
            tags = ET.SubElement(question, "tags")
            for key, value in sorted(item.metadata.items()):
                _sub(tags, "tag", f"{TAG_PREFIX}{key}:{value}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
