"""Certificates and transcripts carry names, NPIs and credit history: no cache may keep them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from credits.services import credit_claim


@pytest.fixture
def certificate(ready, activity, django_capture_on_commit_callbacks):
    # As in a request: the claim commits, then its PDF is rendered, stored and emailed.
    with django_capture_on_commit_callbacks(execute=True):
        return credit_claim(user=ready, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False)


def urls(certificate) -> dict[str, str]:
    return {
        "certificate page": certificate.get_absolute_url(),
        "certificate PDF": reverse("credits:certificate_pdf", args=[certificate.number]),
        "transcript page": reverse("credits:transcript"),
        "transcript CSV": reverse("credits:transcript_csv"),
        "transcript PDF": reverse("credits:transcript_pdf"),
    }


def cache_control(response) -> set[str]:
    return {token.strip() for token in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize("page", ["certificate page", "certificate PDF", "transcript page", "transcript CSV",
                                  "transcript PDF"])  # fmt: skip
def test_each_private_document_is_private_and_never_stored(alice_client, certificate, page):
    response = alice_client.get(urls(certificate)[page])
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_a_revoked_certificates_pdf_page_is_not_stored_either(alice_client, certificate, staff_user):
    from credits.services import certificate_revoke

    certificate_revoke(certificate=certificate, reason="Issued in error", by=staff_user)
    response = alice_client.get(urls(certificate)["certificate PDF"])
    assert response.status_code == 410
    assert {"private", "no-store"} <= cache_control(response)


def test_a_refused_transcript_pdf_is_not_stored_either(alice_client):
    for _ in range(6):
        alice_client.get(reverse("credits:transcript_pdf"))
    response = alice_client.get(reverse("credits:transcript_pdf"))
    assert response.status_code == 429
    assert {"private", "no-store"} <= cache_control(response)
