from django.db import transaction

from accounts.models import User

# In the order the profile page shows them (the form and its error summary follow it).
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "degree",
    "degree_other",
    "profession",
    "specialty",
    "npi",
    "certifying_board",
    "board_id",
    "country",
    "license_region",
    "license_number",
    "birth_month",
    "birth_day",
)


@transaction.atomic
def profile_update(*, user: User, data: dict) -> User:
    """Save the learner's certificate and reporting details; all fields or none."""
    for field in PROFILE_FIELDS:
        setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save(update_fields=PROFILE_FIELDS)
    return user
