from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F

from accounts.models import User
from audit.services import record

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


def learner_pages_changed(*, user_ids: Iterable[int]) -> None:
    """Move these learners' pages version: what their own pages show has changed.

    Called inside the writing service's transaction, so the new version and the
    write commit together: a page rendered before the commit is stored under the
    old version and never served again.
    """
    ids = sorted(set(user_ids))
    # In id order, so two writers lock rows in the same order; in slices within SQLite's parameter limit.
    for start in range(0, len(ids), 1000):
        User.objects.filter(pk__in=ids[start : start + 1000]).update(pages_version=F("pages_version") + 1)


# ---------------------------------------------------------------- privileges

# What a user may do, as an auditor asks about it; the admin is where these change.
PRIVILEGE_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


def user_privileges_log(*, user: User, changes: dict) -> None:
    """Log a change to the user's privileges from an admin edit's {field: [before, after]}; other fields stay out."""
    privileges = {field: values for field, values in changes.items() if field in PRIVILEGE_FIELDS}
    if privileges:
        record(action="user.permissions_changed", obj=user, changes=privileges)


def group_edit_log(*, group: Group, changes: dict, created: bool) -> None:
    """Log a group's creation or edit: its permissions are every member's."""
    if changes or created:
        record(action="group.created" if created else "group.changed", obj=group, changes=changes)


@transaction.atomic
def group_delete(*, group: Group) -> None:
    """Delete a group, which takes its permissions from every member; the log keeps who lost what."""
    members = sorted(group.user_set.values_list("email", flat=True))
    permissions = sorted(str(permission) for permission in group.permissions.all())
    record(action="group.deleted", obj=group, changes={"permissions": [permissions, None]}, detail={"members": members})
    group.delete()


def staff_sign_in_log(*, user: User) -> None:
    """Log a staff sign-in (after any second factor): staff accounts are the ones an auditor asks about."""
    if user.is_staff:
        record(action="staff.signed_in", obj=user, actor=user)
