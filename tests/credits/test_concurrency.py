"""Twenty parallel claims against PostgreSQL produce exactly one claim, one ledger entry, one certificate."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from credits.models import Certificate, CreditClaim, CreditEntry
from credits.services import credit_claim
from tests.concurrency import run_in_parallel
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, UserFactory, make_quiz

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"),
]
REQUESTS = 20


def test_twenty_parallel_claims_make_one(transactional_db):
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=1)
    learner = UserFactory()
    pass_posttest(learner, activity)
    evaluate(learner, activity)

    outcomes = run_in_parallel(
        lambda: (
            credit_claim(
                user=learner, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False
            ).number
        ),
        threads=REQUESTS,
    )

    assert (CreditClaim.objects.count(), CreditEntry.objects.count(), Certificate.objects.count()) == (1, 1, 1)
    numbers = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert numbers == [Certificate.objects.get().number]
    refusals = [outcome.messages[0] for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert refusals == ["You have already claimed credit for this activity."] * (REQUESTS - 1)
