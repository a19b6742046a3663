"""Reads for activities that more than one page needs."""

import time

from django.core.cache import cache
from django.db.models import Prefetch

from activities.models import Activity, Chart, ContentVersion, Contributor

# The current content version, kept in the shared cache so a cached page costs no
# database query; activities.services.content_changed sets it when an edit commits.
CONTENT_VERSION_KEY = "activities:content-version"
CONTENT_VERSION_SECONDS = 60
# Each process also keeps the version it read for this long, so a page served from the
# cache costs no round trip for it. An edit shows at once in the process that made it
# (content_changed forgets this copy) and within this time in every other.
CONTENT_VERSION_LOCAL_SECONDS = 1.0
_local_version: tuple[float, str | None] = (0.0, None)


def content_version() -> str:
    """The current version of everything activity and catalog pages show ("0" before the first edit)."""
    global _local_version
    expires, version = _local_version
    if version is not None and time.monotonic() < expires:
        return version
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        version = stored_content_version()
        # add, not set: an edit committing meanwhile has already stored the newer number.
        cache.add(CONTENT_VERSION_KEY, version, CONTENT_VERSION_SECONDS)
    _local_version = (time.monotonic() + CONTENT_VERSION_LOCAL_SECONDS, version)
    return version


def forget_local_content_version() -> None:
    global _local_version
    _local_version = (0.0, None)


def stored_content_version() -> str:
    row = ContentVersion.objects.filter(id=1).values_list("epoch", "number").first()
    return f"{row[0]}-{row[1]}" if row else "0"


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
