"""The evaluation, claim, certificate and transcript pages; another learner's records are 404s."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from credits.models import CreditClaim, CreditEntry, ExternalCredit
from credits.services import credit_claim
from tests.credits.conftest import pass_posttest


@pytest.fixture
def certificate(ready, activity):
    return credit_claim(user=ready, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False)


def test_the_evaluation_page_records_the_answers(alice_client, alice, activity):
    pass_posttest(alice, activity)
    objective = activity.objectives.first()
    data = {
        f"objective_{objective.pk}": "5",
        "relevance": "4",
        "practice_change": "yes",
        "change_description": "Order baseline chest imaging.",
        "free_of_commercial_bias": "yes",
        "overall_quality": "5",
    }
    response = alice_client.post(reverse("journey:evaluation", args=[activity.slug]), data)
    assert response["Location"] == reverse("journey:claim", args=[activity.slug])
    evaluation = alice.evaluations.get()
    assert evaluation.change_description == "Order baseline chest imaging."
    assert evaluation.objective_ratings.get().rating == 5


def test_the_claim_page_lists_what_is_missing(alice_client, activity):
    html = alice_client.get(reverse("journey:claim", args=[activity.slug])).text
    assert "Credit cannot be claimed now" in html
    assert "Pass the post-test." in html and "Complete the evaluation." in html


def test_the_claim_page_issues_the_certificate(alice_client, ready, activity):
    url = reverse("journey:claim", args=[activity.slug])
    html = alice_client.get(url).text
    assert '<option value="0.25">0.25</option>' in html and '<option value="0.50" selected>0.50</option>' in html
    assert "commensurate with the extent of my participation" in html
    assert "PARS" not in html  # no board ID or license on file, so no consent is offered

    response = alice_client.post(url, {"amount": "0.50", "attest": "on"}, follow=True)
    claim = CreditClaim.objects.get(user=ready)
    assert response.redirect_chain[-1][0] == claim.certificate.get_absolute_url()
    assert "Download the certificate (PDF)" in response.text


def test_the_claim_page_refuses_bad_input_and_changes_nothing(alice_client, ready, activity):
    url = reverse("journey:claim", args=[activity.slug])
    response = alice_client.post(url, {"amount": "0.60", "attest": "on"})
    assert "Select a valid choice." in response.text
    response = alice_client.post(url, {"amount": "0.50"})
    assert "Confirm the attestation to claim credit." in response.text
    assert not CreditClaim.objects.exists()


def test_pars_consent_is_offered_when_a_board_id_is_on_file(client, user_factory, activity):
    from tests.credits.conftest import evaluate

    learner = user_factory(certifying_board="ABIM", board_id="778899")
    pass_posttest(learner, activity)
    evaluate(learner, activity)
    client.force_login(learner)
    html = client.get(reverse("journey:claim", args=[activity.slug])).text
    assert "Program and Activity Reporting System (PARS)" in html
    assert "checked" not in html.split('name="pars_consent"')[1].split(">")[0]


class TestSomeoneElsesRecords:
    def test_certificate_page_and_pdf_are_404s(self, bob_client, certificate):
        assert bob_client.get(certificate.get_absolute_url()).status_code == 404
        assert bob_client.get(reverse("credits:certificate_pdf", args=[certificate.number])).status_code == 404

    def test_the_transcript_shows_only_ones_own_credit(self, bob_client, certificate):
        html = bob_client.get(reverse("credits:transcript")).text
        assert certificate.number not in html
        csv_text = bob_client.get(reverse("credits:transcript_csv")).content.decode()
        assert certificate.number not in csv_text

    def test_another_learners_self_reported_credit_cannot_be_removed(self, bob_client, alice):
        credit = ExternalCredit.objects.create(
            user=alice,
            title="Grand rounds",
            provider="X",
            completed_on=date(2026, 3, 1),
            credit_type="AMA PRA Category 1 Credit™",
            amount="1.00",
        )
        assert bob_client.post(reverse("credits:external_delete", args=[credit.pk])).status_code == 404
        assert ExternalCredit.objects.filter(pk=credit.pk).exists()


class TestTranscript:
    def add_external(self, user, **fields):
        defaults = {"title": "Tumor board update", "provider": "City Hospital", "completed_on": date(2025, 5, 1),
                    "credit_type": "AMA PRA Category 1 Credit™", "amount": Decimal("1.50")}  # fmt: skip
        return ExternalCredit.objects.create(user=user, **{**defaults, **fields})

    def test_it_totals_by_type_and_year_and_keeps_self_reported_apart(self, alice_client, ready, certificate):
        self.add_external(ready)
        html = alice_client.get(reverse("credits:transcript")).text
        assert certificate.number in html
        assert "<strong>0.50 AMA PRA Category 1 Credits™</strong>" in html
        assert f"<strong>{certificate.claim.claimed_at.year}:</strong> 0.50" in html
        assert 'Tumor board update <span class="badge">Self-reported</span>' in html
        assert "<strong>Self-reported total:</strong> 1.50" in html

    def test_the_date_filter(self, alice_client, ready, certificate):
        self.add_external(ready)
        earned = CreditEntry.objects.get().earned_on
        html = alice_client.get(reverse("credits:transcript"), {"start": "2025-01-01", "end": "2025-12-31"}).text
        assert certificate.number not in html and "Tumor board update" in html
        html = alice_client.get(reverse("credits:transcript"), {"start": earned.isoformat()}).text
        assert certificate.number in html and "Tumor board update" not in html

    def test_a_backwards_range_is_explained(self, alice_client, ready):
        html = alice_client.get(reverse("credits:transcript"), {"start": "2026-12-01", "end": "2026-01-01"}).text
        assert "The start date must be on or before the end date." in html

    def test_csv(self, alice_client, ready, certificate):
        self.add_external(ready, title='=HYPERLINK("x")')
        raw = alice_client.get(reverse("credits:transcript_csv")).content
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for spreadsheets
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0][:5] == ["Date", "Activity", "Provider", "Credit type", "Credits"]
        assert rows[1][4:7] == ["0.50", certificate.number, "Valid"]
        assert rows[2][1] == '\'=HYPERLINK("x")'  # no formula injection
        assert rows[2][-1] == "Self-reported"

    def test_pdf(self, alice_client, ready, certificate):
        response = alice_client.get(reverse("credits:transcript_pdf"))
        assert response["Content-Type"] == "application/pdf"
        text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
        assert ready.certificate_name in text and certificate.number in text
        assert "0.50 AMA PRA Category 1 Credits™" in text

    def test_a_learner_records_and_removes_self_reported_credit(self, alice_client, alice):
        data = {"title": "ASCO session", "provider": "ASCO", "completed_on": "2026-06-01",
                "credit_type": "AMA PRA Category 1 Credit™", "amount": "2.00"}  # fmt: skip
        assert alice_client.post(reverse("credits:external_add"), data).status_code == 302
        credit = ExternalCredit.objects.get(user=alice)
        alice_client.post(reverse("credits:external_delete", args=[credit.pk]))
        assert not ExternalCredit.objects.exists()

    def test_bad_self_reported_input_changes_nothing(self, alice_client, alice):
        data = {"title": "", "provider": "ASCO", "completed_on": "someday", "credit_type": "x", "amount": "-1"}
        response = alice_client.post(reverse("credits:external_add"), data)
        assert response.status_code == 400
        assert "Please correct" in response.text
        assert not ExternalCredit.objects.exists()
