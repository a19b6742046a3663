"""Certificate numbers run CME-YYYY-000001, 000002, … in each year with no gaps."""

import importlib
from datetime import date, datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from credits.models import Certificate, CertificateNumberSequence, CreditClaim
from journey.services import credit_claim
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, UserFactory, make_quiz


def ready_learner(activity):
    learner = UserFactory()
    pass_posttest(learner, activity)
    evaluate(learner, activity)
    return learner


def claim(learner, activity) -> Certificate:
    return credit_claim(user=learner, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False)


@pytest.fixture
def open_for_decades(db):
    """An activity offering credit on any date a test pretends it is."""
    activity = ActivityFactory(pretest_required=False, release_date=date(2000, 1, 1), expiration_date=date(2100, 1, 1))
    make_quiz(activity, "post", questions=1)
    return activity


def test_numbers_count_up_by_one_in_the_issue_year(activity):
    year = timezone.localdate().year
    numbers = [claim(ready_learner(activity), activity).number for _ in range(3)]
    assert numbers == [f"CME-{year}-000001", f"CME-{year}-000002", f"CME-{year}-000003"]


def test_a_refused_duplicate_claim_takes_no_number(activity):
    first = ready_learner(activity)
    claim(first, activity)
    with pytest.raises(ValidationError, match="already claimed"):
        claim(first, activity)
    assert claim(ready_learner(activity), activity).number.endswith("-000002")


def test_a_claim_that_fails_after_taking_its_number_gives_the_number_back(activity):
    unlucky, next_learner = ready_learner(activity), ready_learner(activity)
    with (
        mock.patch("credits.services._snapshot", side_effect=RuntimeError("crashed after taking a number")),
        pytest.raises(RuntimeError),
    ):
        claim(unlucky, activity)
    assert not CreditClaim.objects.exists()

    assert claim(next_learner, activity).number.endswith("-000001")
    assert CertificateNumberSequence.objects.get().last_number == 1


def test_each_year_starts_again_at_one(open_for_decades, settings):
    settings.TIME_ZONE = "America/New_York"
    learners = [ready_learner(open_for_decades) for _ in range(4)]
    new_york = ZoneInfo("America/New_York")
    moments = [
        datetime(2026, 12, 31, 23, 59, 30, tzinfo=new_york),
        # 03:00 UTC on January 1 is still December 31 in New York: the site's year counts.
        datetime(2027, 1, 1, 3, 0, tzinfo=ZoneInfo("UTC")),
        datetime(2027, 1, 1, 0, 0, 10, tzinfo=new_york),
        datetime(2027, 1, 2, 9, 0, tzinfo=new_york),
    ]
    numbers = []
    for learner, moment in zip(learners, moments, strict=True):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            numbers.append(claim(learner, open_for_decades).number)

    assert numbers == ["CME-2026-000001", "CME-2026-000002", "CME-2027-000001", "CME-2027-000002"]
    assert dict(CertificateNumberSequence.objects.values_list("year", "last_number")) == {2026: 2, 2027: 2}


def test_the_migration_continues_after_the_numbers_already_issued(activity):
    certificates = [claim(ready_learner(activity), activity) for _ in range(3)]
    for certificate, number in zip(certificates, ["CME-2025-000017", "CME-2025-000004", "CME-2026-000123"],
                                   strict=True):  # fmt: skip
        Certificate.objects.filter(pk=certificate.pk).update(number=number)
    CertificateNumberSequence.objects.all().delete()  # as before the migration

    migration = importlib.import_module("credits.migrations.0003_gapless_numbers_and_external_bounds")
    migration.continue_after_existing_numbers(apps, None)

    assert dict(CertificateNumberSequence.objects.values_list("year", "last_number")) == {2025: 17, 2026: 123}


def test_the_migration_brings_old_out_of_range_self_reported_credit_within_the_new_bounds(transactional_db):
    """A deploy must not stop on rows the old code allowed (year 1, 999.99 credits)."""
    import datetime
    from decimal import Decimal

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("credits", "0001_initial")], [("credits", "0003_gapless_numbers_and_external_bounds")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    learner = old.get_model("accounts", "User").objects.create(email="old@example.org")
    ExternalCredit = old.get_model("credits", "ExternalCredit")
    ExternalCredit.objects.create(user=learner, title="Typo", provider="P", credit_type="T",
                                  completed_on=datetime.date(1, 1, 1), amount=Decimal("999.99"))  # fmt: skip
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        row = new.get_model("credits", "ExternalCredit").objects.get()
        assert (row.amount, row.completed_on) == (Decimal("100"), datetime.date(1950, 1, 1))
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
