"""Argument types shared by the management commands."""

from datetime import date

from django.core.management import CommandError


def iso_date(value: str) -> date:
    """A YYYY-MM-DD argument, or a message that says so."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Dates are YYYY-MM-DD, not “{value}”.") from None
