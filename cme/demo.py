"""Demo accounts for local development (`make run`); never created with DEBUG off."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import CertifyingBoard, Degree, Profession, User


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    is_staff: bool
    profile: dict


DEMO_ACCOUNTS = (
    DemoAccount(
        email="staff@example.com",
        password="cme-demo-staff",
        is_staff=True,
        profile={
            "first_name": "Sam",
            "last_name": "Staff",
            "degree": Degree.PHD,
            "profession": Profession.OTHER_HCP,
            "country": "US",
        },
    ),
    DemoAccount(
        email="learner@example.com",
        password="cme-demo-learner",
        is_staff=False,
        profile={
            "first_name": "Lee",
            "last_name": "Learner",
            "degree": Degree.MD,
            "profession": Profession.PHYSICIAN,
            "specialty": "Medical oncology",
            "npi": "1234567893",
            "certifying_board": CertifyingBoard.ABIM,
            "board_id": "123456",
            "country": "US",
            "license_region": "NY",
        },
    ),
)


@transaction.atomic
def demo_accounts_ensure() -> tuple[DemoAccount, ...]:
    """Create or reset the demo accounts so the printed credentials always work."""
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(email=account.email)
        for field, value in account.profile.items():
            setattr(user, field, value)
        user.is_staff = user.is_superuser = account.is_staff
        user.set_password(account.password)
        user.full_clean()
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
    return DEMO_ACCOUNTS
