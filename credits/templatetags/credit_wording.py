"""Credit wording for templates, from credits.wording so that pages and certificates say the same."""

from django import template

from credits import wording

register = template.Library()


@register.filter
def credits_text(amount) -> str:
    """{{ activity.max_credits|credits_text }} → '0.50 AMA PRA Category 1 Credits™'."""
    return wording.credits_text(amount)
