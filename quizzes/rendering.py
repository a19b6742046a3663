from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe

from activities.rendering import render_article


def render_stem(text: str) -> SafeString:
    """Question text goes through the same Markdown and allow-list as the article."""
    return mark_safe(_rendered(text))  # noqa: S308 (render_article's sanitised output)


@lru_cache(maxsize=4096)
def _rendered(text: str) -> str:
    # A pure function of the text, and question versions never change: a result page
    # of 14 items otherwise runs Markdown and the sanitiser 28 times per request.
    return str(render_article(text, []))
