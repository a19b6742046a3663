"""Evaluation and the claim: every precondition, the amount rules, the ledger and the certificate."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from credits.models import Certificate, CreditClaim, CreditEntry, CreditType, Evaluation
from credits.selectors import transcript
from credits.services import certificate_pdf_bytes, certificate_revoke
from journey.services import credit_claim
from notifications.models import OutboundEmail
from tests.credits.conftest import EVALUATION, evaluate, pass_posttest


def claim(user, activity, amount="0.50", **kwargs):
    options = {"attested": True, "pars_consent": False, **kwargs}
    return credit_claim(user=user, activity=activity, amount=Decimal(amount), **options)


class TestEvaluation:
    def test_it_needs_a_passed_post_test(self, alice, activity):
        with pytest.raises(ValidationError, match="Pass the post-test first"):
            evaluate(alice, activity)

    def test_it_is_recorded_once_with_a_rating_per_objective(self, alice, activity):
        from tests.factories import ObjectiveFactory

        ObjectiveFactory.create_batch(3, activity=activity)
        pass_posttest(alice, activity)
        evaluation = evaluate(alice, activity)
        assert evaluation.objective_ratings.count() == activity.objectives.count() == 4
        with pytest.raises(ValidationError, match="already completed"):
            evaluate(alice, activity)
        assert Evaluation.objects.count() == 1

    def test_bias_needs_a_comment_in_the_database_too(self, alice, activity):
        with pytest.raises(IntegrityError), transaction.atomic():
            Evaluation.objects.create(user=alice, activity=activity, **{**EVALUATION, "free_of_commercial_bias": False})

    def test_the_form_asks_what_will_change_and_what_bias(self, alice_client, alice, activity):
        pass_posttest(alice, activity)
        url = reverse("journey:evaluation", args=[activity.slug])
        data = {"relevance": "4", "practice_change": "yes", "free_of_commercial_bias": "no", "overall_quality": "3"}
        response = alice_client.post(url, data)
        assert "Tell us what you intend to change." in response.text
        assert "Please describe the commercial bias you noticed." in response.text
        assert not Evaluation.objects.exists()


class TestPreconditions:
    def test_each_missing_step_is_named(self, alice, activity):
        with pytest.raises(ValidationError) as error:
            claim(alice, activity)
        assert error.value.messages == ["Pass the post-test.", "Complete the evaluation."]

    def test_the_profile_must_have_what_the_certificate_prints(self, user_factory, activity):
        learner = user_factory(npi="", country="US")
        pass_posttest(learner, activity)
        evaluate(learner, activity)
        with pytest.raises(ValidationError, match="NPI"):
            claim(learner, activity)

    def test_an_expired_activity_offers_no_credit(self, ready, activity):
        today = timezone.localdate()
        type(activity).objects.filter(pk=activity.pk).update(
            release_date=today - timedelta(days=400), expiration_date=today - timedelta(days=1)
        )
        activity.refresh_from_db()
        with pytest.raises(ValidationError, match="Credit for this activity ended on"):
            claim(ready, activity)
        assert not CreditClaim.objects.exists()

    @pytest.mark.parametrize("amount", ["0.30", "0.75", "0.00", "-0.25", "1.00"])
    def test_the_amount_is_in_quarter_steps_up_to_the_maximum(self, ready, activity, amount):
        with pytest.raises(ValidationError, match=r"steps of 0\.25"):
            claim(ready, activity, amount)
        assert not CreditClaim.objects.exists()

    def test_the_attestation_is_required(self, ready, activity):
        with pytest.raises(ValidationError, match="Confirm the attestation"):
            claim(ready, activity, attested=False)

    def test_pars_consent_needs_a_board_id_or_license(self, ready, activity):
        with pytest.raises(ValidationError, match="board ID or license"):
            claim(ready, activity, pars_consent=True)


class TestAClaim:
    def test_a_physician_gets_ama_credit_a_ledger_entry_and_a_certificate(self, ready, activity):
        certificate = claim(ready, activity, "0.25")
        claim_row = certificate.claim
        assert claim_row.credit_type == CreditType.AMA_PRA_1
        assert claim_row.amount == Decimal("0.25")
        assert "0.25 AMA PRA Category 1 Credits™" in claim_row.attestation
        entry = CreditEntry.objects.get()
        assert (entry.kind, entry.amount, entry.credit_type) == ("award", Decimal("0.25"), CreditType.AMA_PRA_1)
        assert certificate.snapshot["award_amount_text"] == "0.25 AMA PRA Category 1 Credits™"
        assert certificate.number.startswith("CME-")
        assert len(certificate.verification_code) >= 24

    def test_other_professionals_get_a_certificate_of_participation(self, user_factory, activity):
        nurse = user_factory(profession="other_hcp", degree="NP", npi="")
        pass_posttest(nurse, activity)
        evaluate(nurse, activity)
        certificate = claim(nurse, activity)
        assert certificate.claim.credit_type == CreditType.PARTICIPATION
        assert certificate.snapshot["heading"] == "Certificate of Participation"
        assert (
            "designated for a maximum of 0.50 AMA PRA Category 1 Credits™" in certificate.snapshot["award_sentence_end"]
        )

    def test_pars_consent_is_recorded_with_its_wording(self, user_factory, activity):
        learner = user_factory(certifying_board="ABIM", board_id="123456")
        pass_posttest(learner, activity)
        evaluate(learner, activity)
        certificate = claim(learner, activity, pars_consent=True)
        assert certificate.claim.pars_consent is True
        assert "PARS" in certificate.claim.pars_consent_statement

    def test_consent_is_never_assumed(self, user_factory, activity):
        learner = user_factory(certifying_board="ABIM", board_id="123456")
        pass_posttest(learner, activity)
        evaluate(learner, activity)
        assert claim(learner, activity).claim.pars_consent is False

    def test_one_claim_per_learner_and_activity(self, ready, activity):
        claim(ready, activity)
        with pytest.raises(ValidationError, match="already claimed"):
            claim(ready, activity)
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditClaim.objects.create(user=ready, activity=activity, credit_type="ama_pra_1", amount="0.25")
        assert (CreditClaim.objects.count(), Certificate.objects.count(), CreditEntry.objects.count()) == (1, 1, 1)

    def test_the_certificate_is_emailed_as_a_pdf(self, ready, activity, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            certificate = claim(ready, activity)
            assert mail.outbox == []  # queued with the claim, sent once it commits
        message = mail.outbox[-1]
        assert message.to == [ready.email]
        assert certificate.number in message.body
        (name, content, mimetype) = message.attachments[0]
        assert (name, mimetype) == (f"{certificate.number}.pdf", "application/pdf")
        assert content == certificate_pdf_bytes(certificate=certificate)
        assert OutboundEmail.objects.get().kind == "certificate"

    def test_a_claim_that_fails_queues_no_email(self, ready, activity, django_capture_on_commit_callbacks):
        from unittest import mock

        with (
            django_capture_on_commit_callbacks(execute=True),
            mock.patch("credits.services._snapshot", side_effect=RuntimeError("crashed inside the claim")),
            pytest.raises(RuntimeError),
        ):
            claim(ready, activity)
        assert not OutboundEmail.objects.exists() and mail.outbox == []

    def test_a_render_failure_after_commit_keeps_the_claim_and_the_first_download_renders_the_file(
        self, ready, activity, django_capture_on_commit_callbacks, client
    ):
        from unittest import mock

        from credits import pdf
        from credits.models import Certificate

        real_render = pdf.render_certificate
        # The patch must still be in force when the captured callbacks run on leaving the block.
        with (
            mock.patch.object(pdf, "render_certificate", side_effect=RuntimeError("renderer crashed")),
            django_capture_on_commit_callbacks(execute=True),
        ):
            certificate = claim(ready, activity)
        stored = Certificate.objects.get(pk=certificate.pk)
        assert (stored.pdf_sha256, stored.pdf.name) == ("", "")

        client.force_login(ready)
        with mock.patch.object(pdf, "render_certificate", side_effect=real_render) as render:
            first = client.get(reverse("credits:certificate_pdf", args=[certificate.number]))
            second = client.get(reverse("credits:certificate_pdf", args=[certificate.number]))
        assert first.status_code == second.status_code == 200
        assert first.content == second.content and render.call_count == 1
        stored.refresh_from_db()
        assert stored.pdf_sha256 == hashlib.sha256(first.content).hexdigest()


class TestLedger:
    def test_revoking_adds_a_reversal_and_keeps_everything(self, ready, activity, staff_user):
        certificate = claim(ready, activity)
        certificate_revoke(certificate=certificate, reason="Attestation found to be false.", by=staff_user)
        certificate.refresh_from_db()
        assert certificate.is_revoked and certificate.revoked_by == staff_user
        assert list(CreditEntry.objects.order_by("id").values_list("kind", "amount")) == [
            ("award", Decimal("0.50")),
            ("reversal", Decimal("-0.50")),
        ]
        assert transcript(user=ready).totals_by_type == {CreditType.AMA_PRA_1: Decimal("0.00")}
        with pytest.raises(ValidationError, match="already revoked"):
            certificate_revoke(certificate=certificate, reason="again", by=staff_user)

    def test_a_revocation_needs_a_reason(self, ready, activity, staff_user):
        certificate = claim(ready, activity)
        with pytest.raises(ValidationError, match="reason"):
            certificate_revoke(certificate=certificate, reason="  ", by=staff_user)

    def test_the_database_refuses_a_second_award_or_a_wrong_sign(self, ready, activity):
        certificate = claim(ready, activity)
        entry = CreditEntry.objects.get()
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditEntry.objects.create(user=ready, claim=certificate.claim, kind="award", credit_type="ama_pra_1",
                                       amount="0.50", earned_on=entry.earned_on)  # fmt: skip
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditEntry.objects.create(user=ready, claim=certificate.claim, kind="reversal", credit_type="ama_pra_1",
                                       amount="0.50", earned_on=entry.earned_on)  # fmt: skip

    def test_claims_and_certificates_cannot_be_deleted(self, ready, activity):
        from django.db.models import ProtectedError

        certificate = claim(ready, activity)
        with pytest.raises(ProtectedError):
            certificate.claim.delete()
        with pytest.raises(ProtectedError):
            ready.delete()
