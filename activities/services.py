from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.services import learner_pages_changed
from activities.models import Activity, ContentVersion, Enrollment
from activities.selectors import (
    CONTENT_VERSION_KEY,
    CONTENT_VERSION_SECONDS,
    forget_local_content_version,
    stored_content_version,
)
from audit.services import record


def activity_start(*, user, activity: Activity) -> Enrollment:
    """Record that the learner has reviewed the front matter and begun; safe to repeat."""
    closed = activity.closed_reason()
    if closed:
        raise ValidationError(closed)
    try:
        # A double click sends two requests; the unique constraint lets exactly
        # one insert win and the other reads the winner's row.
        with transaction.atomic():
            enrollment, created = Enrollment.objects.get_or_create(user=user, activity=activity)
            if created:
                learner_pages_changed(user_ids=[user.pk])
    except IntegrityError:
        enrollment = Enrollment.objects.get(user=user, activity=activity)
    return enrollment


def activity_edit_log(*, activity: Activity, changes: dict, created: bool = False, part: str = "") -> None:
    """Log staff's edit of an activity's content or credit, {field: [before, after]}, in the save's transaction.

    The admin saves the activity and its inlines itself; it calls this once they
    are saved. An edit made on a part's own page (a contributor's disclosures, a
    chart's bars) is logged against the activity too, its fields prefixed by the
    part, so the activity's log holds every change to what learners read.
    """
    if part:
        changes = {f"{part} · {field}": values for field, values in changes.items()}
    if changes or created:
        record(action="activity.created" if created else "activity.changed", obj=activity, changes=changes)


@transaction.atomic
def content_changed() -> None:
    """Something learners read changed: move every cached activity and catalog page to a new version.

    In the edit's own transaction, so the new number and the new content become
    visible together: a page rendered from old content can only be cached under
    the old number, which no request asks for once the edit commits.
    """
    ContentVersion.objects.bulk_create([ContentVersion(id=1)], ignore_conflicts=True)
    ContentVersion.objects.filter(id=1).update(number=F("number") + 1)
    # Readers take the version from the cache. Dropped now, a reader meanwhile reads the
    # database (the old number until this commits). Once committed, whatever the database
    # holds then is stored: two edits committing close together both store the newest.
    cache.delete(CONTENT_VERSION_KEY)
    forget_local_content_version()
    transaction.on_commit(_publish_content_version, robust=True)


def _publish_content_version() -> None:
    forget_local_content_version()
    cache.set(CONTENT_VERSION_KEY, stored_content_version(), CONTENT_VERSION_SECONDS)
