"""Validators for identifiers and text that appear on certificates, transcripts and PARS reports."""

import re
import unicodedata

from django.core.exceptions import ValidationError

from cme import print_fonts

# CMS defines the NPI check digit as Luhn over the ten digits prefixed with
# 80840, the card-issuer prefix assigned to US health identifiers.
_NPI_LUHN_PREFIX = "80840"

# Unicode categories that print as nothing or as something other than what was
# typed: controls and line breaks (Cc, Zl, Zp), format characters (Cf: bidi
# overrides that show "Ana" as text read backwards, zero-width spaces and
# joiners, the byte-order mark), and code points that are unassigned,
# private-use or lone surrogates (Cn, Co, Cs). Letters, combining marks,
# punctuation and spaces of every script stay allowed.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cn", "Co", "Cs"})
_FRIENDLY_NAMES = {"\n": "line break", "\r": "carriage return", "\t": "tab"}


def npi_check_digit_is_valid(npi: str) -> bool:
    digits = [int(char) for char in _NPI_LUHN_PREFIX + npi]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_npi(value: str) -> None:
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError("An NPI is exactly 10 digits.", code="npi_length")
    if not npi_check_digit_is_valid(value):
        raise ValidationError(
            "This is not a valid NPI: its check digit does not match. Please check for a typo.",
            code="npi_check_digit",
        )


_JOINERS = {"\u200c", "\u200d"}


def _joins_letters(value: str, index: int) -> bool:
    """Persian, Urdu and Indic names spell some words with a zero-width (non-)joiner between letters.

    Between two letters or marks of a non-Latin script it shapes the word and hides nothing;
    anywhere else (at an end, beside Latin letters, digits or spaces) it is refused like the rest.
    """
    if value[index] not in _JOINERS or not 0 < index < len(value) - 1:
        return False
    return all(
        unicodedata.category(neighbour)[0] in "LM" and not unicodedata.name(neighbour, "").startswith("LATIN")
        for neighbour in (value[index - 1], value[index + 1])
    )


def _describe(char: str) -> str:
    name = _FRIENDLY_NAMES.get(char) or unicodedata.name(char, "").lower()
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def validate_printable_text(value: str) -> None:
    """Refuse invisible, control and direction-changing characters in text that is printed, and a combining
    mark with no letter before it to sit on."""
    if value and unicodedata.category(value[0]).startswith("M"):
        raise ValidationError(
            "Remove the accent or mark %(character)s at the start: it has no letter before it to sit on.",
            code="unprintable_character",
            params={"character": _describe(value[0])},
        )
    for index, char in enumerate(value):
        if unicodedata.category(char) in _UNPRINTABLE_CATEGORIES and not _joins_letters(value, index):
            raise ValidationError(
                "Remove the invisible or control character %(character)s: this text is printed on certificates "
                "and transcripts exactly as typed.",
                code="unprintable_character",
                params={"character": _describe(char)},
            )


# Board IDs and licence numbers as boards and states issue them: letters and digits,
# with - . / between. Nothing a spreadsheet or a tab-delimited file would misread.
IDENTIFIER_PATTERN = r"[A-Za-z0-9]+(?:[ ./-]?[A-Za-z0-9]+)*"


def validate_identifier(value: str) -> None:
    if value and not re.fullmatch(IDENTIFIER_PATTERN, value):
        raise ValidationError(
            "Use the ID as it is printed: letters and digits, with - . / or a space between them.",
            code="identifier",
        )


def validate_printed_text(value: str) -> None:
    """Text printed in PDFs: printable as typed, and every character in one of the fonts PDFs are set in.

    The fonts (cme.print_fonts) cover Latin with every diacritic, Greek, Cyrillic,
    Arabic, Hebrew, Armenian, Georgian, Ethiopic, the main scripts of India, Thai,
    Chinese, Japanese and Korean; a character outside them (an emoji, a rare
    script) would print as an empty box.
    """
    validate_printable_text(value)
    uncovered = [char for char in print_fonts.uncovered(value) if char not in _JOINERS]
    if uncovered:
        raise ValidationError(
            "Certificates cannot print %(characters)s: no font they are set in has %(it)s. This text is printed on "
            "certificates and transcripts; use letters of a script they print (Latin, Greek, Cyrillic, Arabic, "
            "Hebrew, Armenian, Georgian, Ethiopic, the main scripts of India, Thai, Chinese, Japanese or Korean).",
            code="unprinted_character",
            params={
                "characters": ", ".join(f"{char} {_describe(char)}" for char in uncovered),
                "it": "it" if len(uncovered) == 1 else "them",
            },
        )
