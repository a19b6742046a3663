"""How the report prints its figures: a dash for a figure that is not defined, never a misleading zero."""

from django import template

register = template.Library()

MISSING = "–"


@register.filter
def pct(value, places: int = 1) -> str:
    return MISSING if value is None else f"{value:.{places}f}%".replace("-", "−")


@register.filter
def share(value, places: int = 0) -> str:
    """A fraction (0–1) as a percentage."""
    return MISSING if value is None else pct(100 * value, places)


@register.filter
def num(value, places: int = 2) -> str:
    if value is None:
        return MISSING
    return f"{value:.{places}f}".replace("-", "−")


@register.filter
def pvalue(value) -> str:
    if value is None:
        return MISSING
    return "< 0.001" if value < 0.001 else f"{value:.3f}"
