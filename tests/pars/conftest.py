"""An activity registered in PARS for ABIM and ABP, and learners whose claims are written as the claim leaves them."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from credits import wording
from credits.models import CreditClaim
from credits.selectors import credit_type_for
from credits.services import claims_record_past
from pars.models import ActivityRegistration, BoardCredit
from tests.factories import ActivityFactory, UserFactory

ACCME_ID = "202612345"


@pytest.fixture
def activity(db):
    activity = ActivityFactory(max_credits=Decimal("1.00"))
    registration = ActivityRegistration.objects.create(activity=activity, accme_activity_id=ACCME_ID)
    BoardCredit.objects.create(registration=registration, board="ABIM", credit_type="Medical Knowledge",
                               points=Decimal("1.00"))  # fmt: skip
    BoardCredit.objects.create(registration=registration, board="ABIM", credit_type="Patient Safety",
                               points=Decimal("0.50"))  # fmt: skip
    BoardCredit.objects.create(registration=registration, board="ABP",
                               credit_type="Lifelong Learning and Self-Assessment", points=Decimal("1.00"))  # fmt: skip
    return activity


def physician(**profile):
    """A US physician with everything PARS needs, unless profile says otherwise."""
    fields = {
        "first_name": "Ana", "last_name": "Reyes", "certifying_board": "ABIM", "board_id": "123456",
        "birth_month": 3, "birth_day": 7, "license_region": "New York", "license_number": "NY-998877",
        "npi": "1234567893", "country": "US",
    }  # fmt: skip
    return UserFactory(**{**fields, **profile})


def claim(user, activity, *, consent=True, amount="1.00", on=(2026, 5, 4)) -> CreditClaim:
    """A claim with its ledger entry and certificate, completed on the given day (noon, site time)."""
    credit_type = credit_type_for(user)
    amount = Decimal(amount)
    row = CreditClaim(
        user=user,
        activity=activity,
        credit_type=credit_type,
        amount=amount,
        attestation=wording.attestation_statement(credit_type=credit_type, amount=amount),
        pars_consent=consent,
        pars_consent_statement=wording.pars_consent_statement(activity) if consent else "",
        claimed_at=timezone.make_aware(datetime(*on, 12, 0)),
    )
    claims_record_past(claims=[row])
    return CreditClaim.objects.select_related("certificate").get(pk=row.pk)
