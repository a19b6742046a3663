"""Twenty parallel claims against PostgreSQL produce exactly one claim, one ledger entry, one certificate."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from credits.models import Certificate, CreditClaim, CreditEntry
from credits.services import credit_claim
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

    barrier = threading.Barrier(REQUESTS)
    outcomes = []

    def request():
        try:
            barrier.wait()
            certificate = credit_claim(
                user=learner, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False
            )
            outcomes.append(certificate.number)
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (CreditClaim.objects.count(), CreditEntry.objects.count(), Certificate.objects.count()) == (1, 1, 1)
    numbers = [outcome for outcome in outcomes if outcome.startswith("CME-")]
    assert numbers == [Certificate.objects.get().number]
    assert outcomes.count("You have already claimed credit for this activity.") == REQUESTS - 1
