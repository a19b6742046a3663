from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activities.models import Activity, Enrollment


def activity_start(*, user, activity: Activity) -> Enrollment:
    """Record that the learner has reviewed the front matter and begun; safe to repeat."""
    closed = activity.closed_reason()
    if closed:
        raise ValidationError(closed)
    try:
        # A double click sends two requests; the unique constraint lets exactly
        # one insert win and the other reads the winner's row.
        with transaction.atomic():
            enrollment, _ = Enrollment.objects.get_or_create(user=user, activity=activity)
    except IntegrityError:
        enrollment = Enrollment.objects.get(user=user, activity=activity)
    return enrollment
