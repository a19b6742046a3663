"""Validators for identifiers that appear on certificates and in PARS reports."""

from django.core.exceptions import ValidationError

# CMS defines the NPI check digit as Luhn over the ten digits prefixed with
# 80840, the card-issuer prefix assigned to US health identifiers.
_NPI_LUHN_PREFIX = "80840"


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
