"""Parallel requests against PostgreSQL: one claim per learner, gapless certificate numbers, a cap that holds."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from credits.models import (
    Certificate,
    CertificateNumberSequence,
    CreditClaim,
    CreditEntry,
    ExternalCredit,
    StatusList,
)
from credits.selectors import EXTERNAL_CREDIT_LIMIT
from credits.services import external_credit_add
from journey.services import credit_claim
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


LEARNERS = 5
DUPLICATES = 3


def test_parallel_claims_take_gapless_numbers_and_distinct_status_places_and_losers_take_none(transactional_db):
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=1)
    learners = [UserFactory() for _ in range(LEARNERS)]
    for learner in learners:
        pass_posttest(learner, activity)
        evaluate(learner, activity)
    # Each learner sends the claim several times at once; every request starts at the same moment.
    queue = [learner for learner in learners for _ in range(DUPLICATES)]
    lock = threading.Lock()

    def one_request():
        with lock:
            learner = queue.pop()
        return credit_claim(
            user=learner, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False
        ).number

    outcomes = run_in_parallel(one_request, threads=LEARNERS * DUPLICATES)

    year = timezone.localdate().year
    numbers = sorted(outcome for outcome in outcomes if isinstance(outcome, str))
    assert numbers == [f"CME-{year}-{number:06d}" for number in range(1, LEARNERS + 1)]
    assert sorted(Certificate.objects.values_list("number", flat=True)) == numbers
    assert CreditClaim.objects.count() == LEARNERS
    refusals = [outcome.messages[0] for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert refusals == ["You have already claimed credit for this activity."] * (LEARNERS * (DUPLICATES - 1))
    assert CertificateNumberSequence.objects.get(year=year).last_number == LEARNERS
    # The first claims race to open status list 1; each certificate still gets its own place in it.
    places = list(Certificate.objects.values_list("status_list", "status_index"))
    assert len(set(places)) == LEARNERS and {number for number, _ in places} == {1}
    assert list(StatusList.objects.values_list("number", "allocated")) == [(1, LEARNERS)]


def test_parallel_self_reported_adds_cannot_pass_the_cap(transactional_db):
    learner = UserFactory()
    room = 3
    fields = {"title": "Tumour board", "provider": "City Hospital", "completed_on": date(2026, 3, 1),
              "credit_type": "AMA PRA Category 1 Credit™", "amount": Decimal("1.00")}  # fmt: skip
    ExternalCredit.objects.bulk_create(
        ExternalCredit(user=learner, **fields) for _ in range(EXTERNAL_CREDIT_LIMIT - room)
    )

    outcomes = run_in_parallel(lambda: external_credit_add(user=learner, **fields).pk, threads=10)

    assert ExternalCredit.objects.filter(user=learner).count() == EXTERNAL_CREDIT_LIMIT
    assert len([outcome for outcome in outcomes if isinstance(outcome, int)]) == room
    refusals = {outcome.messages[0] for outcome in outcomes if isinstance(outcome, ValidationError)}
    assert refusals == {
        f"You can keep up to {EXTERNAL_CREDIT_LIMIT} self-reported entries. Remove ones you no longer need "
        "before adding more."
    }


def test_the_year_number_row_is_not_locked_while_the_pdf_renders(transactional_db):
    """Rendering and storing happen after the claim commits, so other claims need not wait for them."""
    import threading
    from unittest import mock

    from django.db import DatabaseError, transaction
    from django.utils import timezone

    from credits import pdf
    from credits.models import CertificateNumberSequence

    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=1)
    learner = UserFactory()
    pass_posttest(learner, activity)
    evaluate(learner, activity)
    # The year's row exists already (a claim earlier in the year made it), as on any busy day.
    CertificateNumberSequence.objects.create(year=timezone.localdate().year)
    real_render = pdf.render_certificate
    lockable_during_render = []

    def try_to_lock_the_number_row():
        try:
            with transaction.atomic():
                list(CertificateNumberSequence.objects.select_for_update(nowait=True))
            lockable_during_render.append(True)
        except DatabaseError:  # NOWAIT refuses a row another transaction holds
            lockable_during_render.append(False)
        finally:
            connection.close()

    def render_while_another_claim_tries_the_lock(snapshot, **options):
        other = threading.Thread(target=try_to_lock_the_number_row)
        other.start()
        other.join()
        return real_render(snapshot, **options)

    with mock.patch.object(pdf, "render_certificate", side_effect=render_while_another_claim_tries_the_lock):
        certificate = credit_claim(
            user=learner, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False
        )
    assert lockable_during_render == [True]
    certificate.refresh_from_db()
    assert certificate.pdf_sha256 and certificate.pdf.name
