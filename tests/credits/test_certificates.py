"""The certificate PDF, its snapshot, regeneration, verification and revocation."""

import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from cme import print_fonts
from credits import pdf
from credits.models import Certificate
from credits.services import certificate_pdf_bytes, certificate_revoke, credit_claim


@pytest.fixture
def certificate(ready, activity, django_capture_on_commit_callbacks):
    # As in a request: the claim commits, then its PDF is rendered, stored and emailed.
    with django_capture_on_commit_callbacks(execute=True):
        return credit_claim(user=ready, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


class TestThePdf:
    def test_it_prints_everything_a_board_needs(self, certificate, ready, activity, settings):
        text = pdf_text(certificate_pdf_bytes(certificate=certificate))
        assert ready.certificate_name in text
        assert "Frontline & maintenance <update>" in text  # escaped in HTML, printed as typed
        assert "0.50 AMA PRA Category 1 Credits™" in text
        assert "Physicians should claim only the credit commensurate with the extent of their participation" in text
        assert "is accredited by the Accreditation Council for Continuing Medical Education" in text
        assert certificate.number in text
        assert f"{settings.SITE_URL}/verify/{certificate.verification_code}/" in text

    def test_it_is_a_landscape_tagged_pdf_a_with_metadata(self, certificate):
        content = certificate_pdf_bytes(certificate=certificate)
        reader = PdfReader(io.BytesIO(content))
        box = reader.pages[0].mediabox
        assert (float(box.width), float(box.height)) == (792, 612)
        assert reader.metadata.title.startswith(f"Certificate {certificate.number}")
        assert reader.metadata.author == certificate.snapshot["provider"]
        xmp = reader.xmp_metadata
        assert xmp is not None
        assert xmp.pdfaid_part == "3" and xmp.pdfaid_conformance == "U"
        assert "/StructTreeRoot" in reader.trailer["/Root"]
        assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]

    def test_its_hash_is_recorded(self, certificate):
        import hashlib

        assert hashlib.sha256(certificate_pdf_bytes(certificate=certificate)).hexdigest() == certificate.pdf_sha256

    def test_learner_text_is_escaped(self, user_factory, activity):
        from tests.credits.conftest import evaluate, pass_posttest

        learner = user_factory(first_name="<b>Ana</b>", last_name="O'Neil & Co")
        pass_posttest(learner, activity)
        evaluate(learner, activity)
        certificate = credit_claim(user=learner, activity=activity, amount=Decimal("0.25"), attested=True,
                                   pars_consent=False)  # fmt: skip
        html = pdf.certificate_html(certificate.snapshot)
        assert "&lt;b&gt;Ana&lt;/b&gt; O&#x27;Neil &amp; Co, MD" in html
        assert "<b>Ana</b> O'Neil & Co, MD" in pdf_text(certificate_pdf_bytes(certificate=certificate))


class TestRecordsStayPut:
    def test_later_edits_never_change_an_issued_certificate(self, certificate, ready, activity):
        before = (certificate.snapshot, certificate.pdf_sha256, certificate_pdf_bytes(certificate=certificate))
        ready.first_name, ready.last_name = "Renamed", "Person"
        ready.save()
        activity.title = "A different title"
        activity.max_credits = Decimal("1.00")
        activity.save()
        activity.provider.name = "Another provider"
        activity.provider.save()

        certificate = Certificate.objects.get(pk=certificate.pk)
        assert (certificate.snapshot, certificate.pdf_sha256, certificate_pdf_bytes(certificate=certificate)) == before

    def test_a_lost_file_is_rebuilt_byte_for_byte(self, certificate):
        original = certificate_pdf_bytes(certificate=certificate)
        default_storage.delete(certificate.pdf.name)
        assert not default_storage.exists(certificate.pdf.name)

        rebuilt = certificate_pdf_bytes(certificate=Certificate.objects.get(pk=certificate.pk))

        assert rebuilt == original
        assert default_storage.exists(Certificate.objects.get(pk=certificate.pk).pdf.name)

    def test_a_rebuild_minutes_later_is_identical(self, certificate):
        # Subset fonts carry a "modified" time and pyHanko reads the clock for the signature and the
        # metadata: none of them may be the clock's.
        from datetime import timedelta

        from freezegun import freeze_time

        with freeze_time(timedelta(minutes=10), tick=True):
            _rebuilt, digest = pdf.render_certificate(
                certificate.snapshot, credential_json=Certificate.objects.get(pk=certificate.pk).credential_json
            )
        assert digest == certificate.pdf_sha256

    def test_downloading_serves_the_stored_file_without_rendering(self, alice_client, certificate):
        with mock.patch.object(pdf, "render_certificate", side_effect=AssertionError("rendered")):
            response = alice_client.get(reverse("credits:certificate_pdf", args=[certificate.number]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content == certificate_pdf_bytes(certificate=certificate)


class TestLocalFilesOnly:
    @pytest.mark.parametrize(
        "url",
        ["http://127.0.0.1:8000/static/css/site.css", "https://example.org/font.woff2", "file:///etc/passwd",
         "data:text/plain,hello"],
    )  # fmt: skip
    def test_the_fetcher_refuses_anything_but_static_files(self, url):
        with pytest.raises(ValueError, match="local static files only"):
            pdf.StaticFileFetcher().fetch(url)

    def test_the_fetcher_serves_the_font(self):
        url = (pdf.STATIC_DIR / "fonts" / "source-sans-3-400.woff2").as_uri()
        response = pdf.StaticFileFetcher().fetch(url)
        assert response.read()[:4] == b"wOF2"

    def test_rendering_asks_only_for_the_apps_static_files(self, certificate, monkeypatch):
        """WeasyPrint swallows a fetcher's refusal, so every URL it asks for is recorded and checked."""
        asked = []
        fetch = pdf.StaticFileFetcher.fetch

        def recording_fetch(fetcher, url, headers=None):
            asked.append(url)
            return fetch(fetcher, url, headers)

        monkeypatch.setattr(pdf.StaticFileFetcher, "fetch", recording_fetch)
        # Fonts and stylesheets are cached per process: start cold, so every fetch happens here.
        pdf._fonts_and_fetcher.cache_clear()
        pdf._stylesheet.cache_clear()
        pdf._print_fonts.cache_clear()
        try:
            pdf.render_certificate(certificate.snapshot, credential_json="{}")
        finally:
            pdf._fonts_and_fetcher.cache_clear()
            pdf._stylesheet.cache_clear()
            pdf._print_fonts.cache_clear()
        roots = (pdf.STATIC_DIR.resolve().as_uri() + "/", print_fonts.PRINT_FONTS_DIR.resolve().as_uri() + "/")
        assert asked, "the certificate's font was never fetched"
        assert [url for url in asked if not url.startswith(roots)] == []


class TestVerification:
    def test_anyone_can_verify_a_valid_certificate(self, client, certificate, ready):
        response = client.get(certificate.verification_path)
        assert response.status_code == 200
        assert "Valid" in response.text
        assert ready.certificate_name in response.text
        assert (
            certificate.snapshot["activity_title"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            in response.text
        )
        assert "0.50 AMA PRA Category 1 Credits™" in response.text
        for private in (ready.email, ready.npi, "Medical oncology"):
            assert private not in response.text

    def test_a_revoked_certificate_says_so(self, client, certificate, staff_user):
        certificate_revoke(certificate=certificate, reason="Issued in error", by=staff_user)
        response = client.get(certificate.verification_path)
        assert "Revoked" in response.text and "no longer valid" in response.text
        assert "Issued in error" not in response.text

    def test_an_unknown_code_is_a_404(self, client, certificate):
        response = client.get(reverse("credits:verify", args=["not-a-real-code"]))
        assert response.status_code == 404
        assert "No certificate has this code" in response.text
        assert "not-a-real-code" in response.text
        assert "Page not found" not in response.text

    def test_verification_is_rate_limited(self, client, certificate):
        statuses = [client.get(certificate.verification_path).status_code for _ in range(31)]
        assert statuses[:30] == [200] * 30
        assert statuses[30] == 429


class TestRevocationInAdmin:
    def test_staff_revoke_with_a_reason(self, staff_client, certificate):
        url = reverse("admin:credits_certificate_revoke", args=[certificate.pk])
        assert "Revoke certificate" in staff_client.get(url).text
        staff_client.post(url, {"reason": "Duplicate claim"})
        certificate.refresh_from_db()
        assert certificate.is_revoked and certificate.revoked_reason == "Duplicate claim"

    def test_the_learner_is_emailed_the_reason_when_a_certificate_is_revoked(
        self, staff_client, certificate, django_capture_on_commit_callbacks
    ):
        from django.core import mail

        mail.outbox.clear()
        url = reverse("admin:credits_certificate_revoke", args=[certificate.pk])
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(url, {"reason": "Claimed twice under two accounts"})
        [message] = mail.outbox
        assert message.to == [certificate.claim.user.email]
        assert certificate.number in message.subject and "revoked" in message.subject
        assert "Claimed twice under two accounts" in message.body
        assert certificate.snapshot["verify_url"] in message.body

    def test_a_refused_revocation_emails_no_one(self, staff_client, certificate, django_capture_on_commit_callbacks):
        from django.core import mail

        mail.outbox.clear()
        url = reverse("admin:credits_certificate_revoke", args=[certificate.pk])
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(url, {"reason": ""})
        assert mail.outbox == []

    def test_a_reason_is_required(self, staff_client, certificate):
        url = reverse("admin:credits_certificate_revoke", args=[certificate.pk])
        response = staff_client.post(url, {"reason": ""})
        assert response.status_code == 200
        certificate.refresh_from_db()
        assert not certificate.is_revoked

    def test_certificates_cannot_be_deleted_in_admin(self, staff_client, certificate):
        url = reverse("admin:credits_certificate_delete", args=[certificate.pk])
        assert staff_client.post(url, {"post": "yes"}).status_code == 403
        assert Certificate.objects.filter(pk=certificate.pk).exists()


class TestReviewRegressions:
    def test_rebuilding_a_lost_file_never_undoes_a_revocation(self, certificate, staff_user):
        stale = Certificate.objects.get(pk=certificate.pk)  # loaded by a download before the revocation
        certificate_revoke(certificate=certificate, reason="Duplicate", by=staff_user)
        default_storage.delete(stale.pdf.name)
        certificate_pdf_bytes(certificate=stale)
        fresh = Certificate.objects.get(pk=certificate.pk)
        assert fresh.is_revoked and fresh.revoked_reason == "Duplicate"

    def test_a_mail_failure_does_not_fail_the_committed_claim(
        self, alice_client, ready, activity, django_capture_on_commit_callbacks
    ):
        from django_tasks import task_backends

        from notifications.models import EmailStatus, OutboundEmail

        with (
            mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("SMTP down")),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = alice_client.post(
                reverse("journey:claim", args=[activity.slug]), {"amount": "0.50", "attest": "on"}, follow=True
            )
        assert response.redirect_chain[-1][1] == 302
        assert "A copy is on its way to you by email." in response.text
        assert Certificate.objects.filter(claim__user=ready).exists()
        email = OutboundEmail.objects.get(kind="certificate")  # kept, to be tried again
        assert (email.status, email.attempts, email.last_error) == (EmailStatus.QUEUED, 1, "OSError: SMTP down")
        task_backends["default"].deferred.clear()  # the retry it scheduled

    def test_a_revoked_certificate_is_not_downloadable(self, alice_client, certificate, staff_user):
        certificate_revoke(certificate=certificate, reason="Issued in error", by=staff_user)
        response = alice_client.get(reverse("credits:certificate_pdf", args=[certificate.number]))
        assert response.status_code == 410
        assert "was revoked" in response.text
        page = alice_client.get(certificate.claim.activity.get_absolute_url()).text
        assert f"Your certificate {certificate.number} was revoked" in page

    def test_a_file_that_cannot_be_rebuilt_identically_is_a_clear_503(self, alice_client, certificate):
        default_storage.delete(certificate.pdf.name)
        Certificate.objects.filter(pk=certificate.pk).update(pdf_sha256="0" * 64)
        response = alice_client.get(reverse("credits:certificate_pdf", args=[certificate.number]))
        assert response.status_code == 503
        assert "temporarily unavailable" in response.text

    def test_staff_without_permission_cannot_browse_certificates(self, client, user_factory, certificate):
        clerk = user_factory(is_staff=True)
        client.force_login(clerk)
        assert client.get(reverse("admin:credits_certificate_changelist")).status_code == 403

    def test_the_fetcher_refuses_a_file_url_with_a_host(self):
        url = (pdf.STATIC_DIR / "fonts" / "source-sans-3-400.woff2").as_uri().replace("file://", "file://evil.example")
        with pytest.raises(ValueError, match="local static files only"):
            pdf.StaticFileFetcher().fetch(url)
