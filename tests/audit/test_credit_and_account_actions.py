"""Claims, certificates, revocations, past claims in bulk, staff sign-ins and privileges: each lands in the log."""

from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import ActionLogEntry
from audit.services import record
from credits.models import Certificate, CreditClaim
from credits.services import claims_record_past, credit_claim
from tests.audit.conftest import BROWSER, STAFF_ADDRESS, change_form_data, client_for, logged, only
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, UserFactory, make_quiz
from tests.test_auth import totp_code

LEARNER_ADDRESS = "198.51.100.23"


@pytest.fixture
def activity(db):
    activity = ActivityFactory(pretest_required=False, max_credits=Decimal("1.00"))
    make_quiz(activity, "post", questions=2)
    return activity


@pytest.fixture
def ready(alice, activity):
    pass_posttest(alice, activity)
    evaluate(alice, activity)
    return alice


class TestAClaim:
    def test_the_claim_and_its_certificate_are_the_learners_from_their_address(self, ready, activity):
        client = client_for(ready, address=LEARNER_ADDRESS)

        response = client.post(reverse("journey:claim", args=[activity.slug]), {"amount": "0.75", "attest": "on"})

        assert response.status_code == 302
        claim, certificate = CreditClaim.objects.get(), Certificate.objects.get()
        created, issued = only("claim.created"), only("certificate.issued")
        assert (created.object_id, issued.object_id) == (str(claim.pk), str(certificate.pk))
        assert created.detail == {"activity": activity.slug, "credit_type": claim.credit_type, "amount": "0.75",
                                  "pars_consent": False}  # fmt: skip
        assert issued.detail == {"claim": claim.pk, "number": certificate.number}
        for entry in (created, issued):
            assert (entry.actor, entry.ip_address, entry.user_agent) == (ready, LEARNER_ADDRESS, BROWSER)

    def test_a_refused_claim_logs_nothing(self, alice, activity):
        client = client_for(alice, address=LEARNER_ADDRESS)
        client.post(reverse("journey:claim", args=[activity.slug]), {"amount": "0.75", "attest": "on"})
        assert not CreditClaim.objects.exists()
        assert not logged("claim.created") and not logged("certificate.issued")

    def test_revoking_is_logged_with_who_and_why(self, ready, activity, staff, staff_user):
        certificate = credit_claim(user=ready, activity=activity, amount=Decimal("0.50"), attested=True,
                                   pars_consent=False)  # fmt: skip

        staff.post(reverse("admin:credits_certificate_revoke", args=[certificate.pk]), {"reason": "Attested in error"})

        entry = only("certificate.revoked")
        certificate.refresh_from_db()
        assert entry.changes == {
            "revoked_at": [None, certificate.revoked_at.isoformat()],
            "revoked_reason": ["", "Attested in error"],
        }
        assert (entry.actor, entry.ip_address, entry.object_id) == (staff_user, STAFF_ADDRESS, str(certificate.pk))


def test_past_claims_recorded_in_bulk_are_one_entry_with_the_count(activity):
    learners = UserFactory.create_batch(3)
    claimed_at = timezone.now() - timedelta(days=30)
    claims = [
        CreditClaim(user=learner, activity=activity, credit_type="ama_pra_1", amount=Decimal("1.00"),
                    attestation="I attest.", claimed_at=claimed_at)
        for learner in learners
    ]  # fmt: skip

    certificates = claims_record_past(claims=claims)

    entry = only("claims.recorded_past")
    assert not logged("claim.created") and not logged("certificate.issued")
    assert entry.detail == {"claims": 3, "certificates": 3, "activities": [activity.slug],
                            "first_number": certificates[0].number, "last_number": certificates[-1].number}  # fmt: skip
    assert entry.actor is None and entry.actor_label.startswith("system: ")


def test_a_pars_export_can_be_logged_against_its_activity(activity, staff_user):
    """The PARS export calls record() itself; the log takes the activity and what was sent."""
    entry = record(action="pars.exported", obj=activity, actor=staff_user,
                   detail={"file": "pars.xlsx", "records": 12, "left_out": 2})  # fmt: skip
    assert ActionLogEntry.objects.get(action="pars.exported", object_id=str(activity.pk)) == entry
    assert entry.detail == {"file": "pars.xlsx", "records": 12, "left_out": 2}


class TestSignIns:
    def test_a_staff_sign_in_is_logged_once_the_second_factor_passes(self, staff_user, password):
        secret = Authenticator.objects.get(user=staff_user, type=Authenticator.Type.TOTP).data["secret"]
        client = Client(REMOTE_ADDR=STAFF_ADDRESS, HTTP_USER_AGENT=BROWSER)

        client.post(reverse("account_login"), {"login": staff_user.email, "password": password})
        assert not logged("staff.signed_in")  # the password alone is not a sign-in
        client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

        entry = only("staff.signed_in")
        assert (entry.actor, entry.object_id) == (staff_user, str(staff_user.pk))
        assert (entry.ip_address, entry.user_agent) == (STAFF_ADDRESS, BROWSER)

    def test_a_learners_sign_in_is_not_logged(self, alice, password):
        client = Client(REMOTE_ADDR=STAFF_ADDRESS, HTTP_USER_AGENT=BROWSER)
        client.post(reverse("account_login"), {"login": alice.email, "password": password})
        assert "_auth_user_id" in client.session
        assert not ActionLogEntry.objects.exists()


class TestPrivileges:
    def test_a_superuser_granting_staff_and_a_group_is_logged_before_and_after(self, staff, staff_user):
        helper = UserFactory(email="helper@example.org")
        editors = Group.objects.create(name="Editors")
        url = reverse("admin:accounts_user_change", args=[helper.pk])
        data = change_form_data(staff, url)
        data["is_staff"] = "on"
        data["groups"] = [str(editors.pk)]

        assert staff.post(url, data).status_code == 302

        entry = only("user.permissions_changed")
        assert entry.changes == {"is_staff": [False, True], "groups": [[], ["Editors"]]}
        assert (entry.actor, entry.object_id, entry.ip_address) == (staff_user, str(helper.pk), STAFF_ADDRESS)

    def test_an_edit_that_touches_no_privilege_is_not_logged_as_one(self, staff):
        helper = UserFactory(email="helper@example.org")
        url = reverse("admin:accounts_user_change", args=[helper.pk])
        data = change_form_data(staff, url)
        data["first_name"] = "Renamed"

        assert staff.post(url, data).status_code == 302

        assert not logged("user.permissions_changed")

    def test_a_groups_permissions_changed_and_its_deletion_are_logged(self, staff, staff_user):
        editors = Group.objects.create(name="Editors")
        editors.user_set.add(UserFactory(email="member@example.org"))
        change_question = Permission.objects.get(codename="change_question")
        url = reverse("admin:auth_group_change", args=[editors.pk])
        data = change_form_data(staff, url)
        data["permissions"] = [str(change_question.pk)]

        assert staff.post(url, data).status_code == 302
        staff.post(reverse("admin:auth_group_delete", args=[editors.pk]), {"post": "yes"})

        changed, deleted = only("group.changed"), only("group.deleted")
        assert changed.changes == {"permissions": [[], [str(change_question)]]}
        assert deleted.changes == {"permissions": [[str(change_question)], None]}
        assert deleted.detail == {"members": ["member@example.org"]}
        assert not Group.objects.filter(pk=editors.pk).exists()
        assert {changed.actor, deleted.actor} == {staff_user}
