"""Moodle's text formats, and the one way an import turns a marked-up answer into plain text.

Question text and general feedback keep whatever markup they arrive in (the stem is Markdown
and HTML is sanitised on output). Choices and their feedback are plain text here, so HTML or
Moodle auto-format loses its tags and entities. Both importers call `answer_text`, so an item
reads the same whether it came as GIFT `[html]` or as Moodle XML `format="html"`.
"""

import html

from django.utils.html import strip_tags

# Moodle XML's format names, as GIFT spells them. Moodle reads an unknown XML format as html.
_FROM_XML = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown"}
MARKED_UP = {"html", "moodle"}


def from_xml(name: str | None) -> str:
    return _FROM_XML.get((name or "html").strip(), "html")


def answer_text(text: str, fmt: str) -> str:
    """A choice or its feedback as plain text."""
    if fmt in MARKED_UP:
        return html.unescape(strip_tags(text)).strip()
    return text.strip()
