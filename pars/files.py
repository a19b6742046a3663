"""The PARS files as bytes: an Excel workbook or tab-delimited text, laid out by pars.layout."""

import hashlib
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from pars.layout import Column, row_values

# A tab or line break inside a value would split the record in the text file.
_BREAKS = re.compile(r"[\t\r\n\x00-\x1f\x7f]+")


def workbook(columns: tuple[Column, ...], records: list[dict], *, guidance: bool) -> bytes:
    """Row 1 the guidance (when the template has it), then the header, then one row per record.

    Every cell is text: IDs, dates and board numbers keep their leading zeros, and
    a name that starts with "=" stays a name rather than becoming a formula.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Learners" if guidance else "Activities")
    bold = Font(bold=True)

    def text_row(values, font=None):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            if font:
                cell.font = font
            cells.append(cell)
        return cells

    if guidance:
        sheet.append(text_row([column.guidance for column in columns]))
    sheet.append(text_row([column.header for column in columns], bold))
    for record in records:
        sheet.append(text_row(row_values(columns, record)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tab_delimited(columns: tuple[Column, ...], records: list[dict]) -> bytes:
    """The header and one line per record, tab-separated, CRLF line ends (as Excel saves text), UTF-8."""
    lines = ["\t".join(column.header for column in columns)]
    lines += ["\t".join(_BREAKS.sub(" ", value) for value in row_values(columns, record)) for record in records]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
