"""Correct self-reported rows the next migration's bounds would refuse.

On its own, in its own transaction: on PostgreSQL an UPDATE leaves deferred
foreign-key checks pending, and ALTER TABLE refuses to run after it in the same one.
"""

import datetime
from decimal import Decimal

from django.db import migrations


def bring_self_reported_credit_within_bounds(apps, schema_editor):
    """Rows saved before the bounds existed (year 1, 999.99 credits) would stop the new constraints.

    They are a learner's own unverified notes, and such values were typing errors: the
    amount is capped at 100 and the date moved to the earliest allowed, so the deploy
    goes through and the learner sees, and can correct, the entry on their transcript.
    """
    ExternalCredit = apps.get_model("credits", "ExternalCredit")
    ExternalCredit.objects.filter(amount__gt=Decimal("100")).update(amount=Decimal("100"))
    ExternalCredit.objects.filter(completed_on__lt=datetime.date(1950, 1, 1)).update(
        completed_on=datetime.date(1950, 1, 1)
    )


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_initial")]

    operations = [migrations.RunPython(bring_self_reported_credit_within_bounds, migrations.RunPython.noop)]
