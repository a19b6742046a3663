"""Argument types shared by the management commands."""

from datetime import date

from django.core.management import CommandError


def iso_date(value: str) -> date:
    """A YYYY-MM-DD argument, or a message that says so."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Dates are YYYY-MM-DD, not “{value}”.") from None
    if not 2000 <= parsed.year <= 2100:
        raise CommandError(f"Give a date between 2000 and 2100, not {value}.")
    return parsed
