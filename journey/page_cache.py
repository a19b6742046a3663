"""What the activity page shows alike to everyone, rendered once per content version (see activities.page_cache)."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from activities.page_cache import fragment
from activities.rendering import render_article
from activities.selectors import activity_with_everything_shown
from credits.wording import designation_statement


def article_html(activity) -> str:
    """The article with its charts, then its references, as HTML: rendered once per content version, for all."""

    def build() -> str:
        loaded = activity_with_everything_shown(activity.pk)
        return str(render_article(loaded.body, loaded.charts.all())) + render_to_string(
            "activities/includes/references.html", {"references": loaded.references.all()}
        )

    return mark_safe(fragment("article", activity.pk, build=build))  # noqa: S308 (sanitised Markdown, our SVG)


def front_matter(activity) -> dict[str, str]:
    """The front matter that is the same for everyone (about, notes), rendered once per content version.

    The parts that depend on the learner or on the tests (how to earn credit, the
    Start button) stay in the page's own template.
    """

    def build() -> dict[str, str]:
        loaded = activity_with_everything_shown(activity.pk)
        context = {"activity": loaded, "designation_statement": designation_statement(loaded)}
        return {
            name: render_to_string(f"activities/includes/front_matter_{name}.html", context)
            for name in ("about", "notes")
        }

    parts = fragment("front-matter", activity.pk, build=build)
    return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308 (escaped templates)
