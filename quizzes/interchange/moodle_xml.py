"""Moodle XML: read multiple-choice questions (refusing every other type by name) and write them.

The writer follows Moodle's qformat_xml: the ID number in <idnumber>, the quiz's real
shuffleanswers, CME metadata as `cme-…` tags that Moodle keeps whole (see tags.py).
"""

import xml.etree.ElementTree as ET  # writing only; reading goes through defusedxml

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from quizzes.interchange import formats, tags
from quizzes.interchange.items import ParsedItem
from quizzes.validation import ChoiceData


class MoodleXMLError(ValueError):
    pass


def _text(element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _answer_text(element) -> str:
    """An answer or its feedback as plain text: Moodle often exports them as HTML."""
    if element is None:
        return ""
    return formats.answer_text(_text(element, "text"), formats.from_xml(element.get("format")))


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
        item = ParsedItem(
            title=_text(question, "name/text"),
            category=category,
            metadata=tags.decode(tag.text for tag in question.findall("tags/tag/text")),
            location=f"question {number}",
            stem=_text(question, "questiontext/text"),
            explanation=_text(question, "generalfeedback/text"),
            idnumber=_text(question, "idnumber"),
        )
        if question.find("shuffleanswers") is not None:
            # Moodle's trans_single: "false", "0" and empty mean no; anything else yes.
            item.shuffle = _text(question, "shuffleanswers").lower() not in {"false", "0", ""}
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
                ChoiceData(_answer_text(answer), fraction == 100, _answer_text(answer.find("feedback")))
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
            ET.SubElement(question, "idnumber").text = item.idnumber
            ET.SubElement(question, "single").text = "true"
            ET.SubElement(question, "shuffleanswers").text = "true" if item.shuffle else "false"
            ET.SubElement(question, "answernumbering").text = "ABCD"
            for choice in item.choices:
                answer = _sub(question, "answer", choice.text, fraction="100" if choice.is_correct else "0",
                              format="plain_text")  # fmt: skip
                _sub(answer, "feedback", choice.feedback, format="plain_text")
            tag_list = ET.SubElement(question, "tags")
            for tag in tags.encode(item):
                _sub(tag_list, "tag", tag)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
