from django.utils.safestring import SafeString

from activities.rendering import render_article


def render_stem(text: str) -> SafeString:
    """Question text goes through the same Markdown and allow-list as the article."""
    return render_article(text, [])
