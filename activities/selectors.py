"""Reads for activities that more than one page needs."""

from django.core.cache import cache
from django.db.models import Prefetch

from activities.models import Activity, Chart, ContentVersion, Contributor

# The current content version, kept in the shared cache so a cached page costs no
# database query; activities.services.content_changed sets it when an edit commits.
CONTENT_VERSION_KEY = "activities:content-version"
CONTENT_VERSION_SECONDS = 60


def content_version() -> int:
    """The current version of everything activity and catalog pages show (0 before the first edit)."""
    number = cache.get(CONTENT_VERSION_KEY)
    if number is None:
        number = ContentVersion.objects.filter(id=1).values_list("number", flat=True).first() or 0
        # add, not set: an edit committing meanwhile has already stored the newer number.
        cache.add(CONTENT_VERSION_KEY, number, CONTENT_VERSION_SECONDS)
    return number


def activity_with_everything_shown(pk: int) -> Activity:
    """The activity with all its page shows (objectives, contributors and disclosures, references,
    charts and bars, provider) in a fixed number of queries, however many there are."""
    return (
        Activity.objects.select_related("provider")
        .prefetch_related(
            "objectives",
            "references",
            Prefetch(
                "contributors",
                queryset=Contributor.objects.select_related("person").prefetch_related("relationships"),
            ),
            Prefetch("charts", queryset=Chart.objects.select_related("source").prefetch_related("bars")),
        )
        .get(pk=pk)
    )
