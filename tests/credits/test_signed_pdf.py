"""The certificate PDF is signed (PAdES) by the provider's certificate, stays PDF/A-3u and carries its credential."""

import hashlib
import io
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from freezegun import freeze_time
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import read_certification_data
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from credentials import checks, pades
from credits import pdf
from credits.models import Certificate
from credits.pdf import CREDENTIAL_ATTACHMENT
from credits.services import certificate_pdf_bytes, certificate_revoke, credit_claim


@pytest.fixture
def certificate(ready, activity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issued = credit_claim(user=ready, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False)
    return Certificate.objects.get(pk=issued.pk)


@pytest.fixture
def issued(certificate) -> bytes:
    return certificate_pdf_bytes(certificate=certificate)


def validation(content: bytes, settings):
    reader = PdfFileReader(io.BytesIO(content))
    (signature,) = reader.embedded_signatures
    trusted = ValidationContext(trust_roots=[load_cert_from_pemder(settings.PDF_SIGNING_CERTIFICATE_FILE)])
    return reader, signature, validate_pdf_signature(signature, trusted)


def tampered(content: bytes) -> bytes:
    # One byte of the certificate's own content stream, inside the signed range, changed.
    position = content.index(b"stream\n") + 20
    return content[:position] + bytes([content[position] ^ 0x01]) + content[position + 1 :]


class TestTheSignature:
    def test_pyhankos_validator_reports_it_intact_valid_trusted_and_covering_the_whole_file(
        self, issued, certificate, settings
    ):
        reader, signature, status = validation(issued, settings)
        assert (status.intact, status.valid, status.trusted) == (True, True, True)
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
        assert signature.self_reported_timestamp == datetime.fromisoformat(certificate.snapshot["issued_at"])
        assert read_certification_data(reader).permission == MDPPerm.NO_CHANGES

    def test_a_changed_byte_breaks_it(self, issued, settings):
        _reader, _signature, status = validation(tampered(issued), settings)
        assert status.intact is False

    def test_popplers_pdfsig_reports_it_valid_and_a_changed_copy_invalid(self, issued, certificate, tmp_path):
        pdfsig = shutil.which("pdfsig")
        if pdfsig is None:
            message = "pdfsig is missing (apt-get install -y poppler-utils)"
            pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
        (tmp_path / "issued.pdf").write_bytes(issued)
        (tmp_path / "changed.pdf").write_bytes(tampered(issued))
        report = subprocess.run([pdfsig, tmp_path / "issued.pdf"], capture_output=True, text=True, check=True).stdout
        assert "Signature Validation: Signature is Valid." in report
        assert "Total document signed" in report
        assert "Signature Type: ETSI.CAdES.detached" in report
        assert "Test Provider document signing" in report
        changed = subprocess.run([pdfsig, tmp_path / "changed.pdf"], capture_output=True, text=True).stdout
        assert "Signature is Valid." not in changed

    def test_signing_the_same_document_an_hour_later_gives_the_same_bytes(self, certificate):
        unsigned = pdf.html_to_pdf(pdf.certificate_html(certificate.snapshot), identifier=certificate.number)
        moment = datetime.fromisoformat(certificate.snapshot["issued_at"])
        arguments = {"signing_time": moment, "document_id": certificate.number, "reason": "r", "location": "l"}
        first = pades.sign_pdf(unsigned, **arguments)

        # Every clock pyHanko reads (the signing session's, the Info dictionary's, the XMP packet's) an hour on.
        with freeze_time(timedelta(hours=1), tick=True):
            assert pades.sign_pdf(unsigned, **arguments) == first

    def test_a_signature_never_predates_the_signing_certificate(self, certificate):
        unsigned = pdf.html_to_pdf(pdf.certificate_html(certificate.snapshot), identifier=certificate.number)
        long_ago = datetime(2001, 1, 1, tzinfo=UTC)
        signed = pades.sign_pdf(unsigned, signing_time=long_ago, document_id="x", reason="r", location="l")
        (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
        assert signature.self_reported_timestamp == pades.signing_certificate().not_valid_before_utc


class TestTheDocument:
    def test_it_stays_pdf_a_3u_with_matching_info_and_xmp(self, issued, certificate):
        reader = PdfReader(io.BytesIO(issued))
        xmp = reader.xmp_metadata.stream.get_data().decode()
        assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp
        info = reader.metadata
        issued_at = certificate.snapshot["issued_at"]
        assert f'xmp:ModifyDate="{issued_at}"' in xmp
        assert info["/ModDate"] == "D:" + datetime.fromisoformat(issued_at).strftime("%Y%m%d%H%M%S") + "Z"
        assert f'pdf:Producer="{info["/Producer"]}"' in xmp
        assert info["/Title"] == certificate.snapshot["document_title"]

    def test_the_credential_is_embedded_as_an_associated_file(self, issued, certificate):
        reader = PdfReader(io.BytesIO(issued))
        assert reader.attachments == {CREDENTIAL_ATTACHMENT: [certificate.credential_json.encode()]}
        # WeasyPrint 70 lists the one file specification twice in /AF; it is one object.
        (associated,) = {reference.idnum for reference in reader.trailer["/Root"]["/AF"]}
        associated = reader.get_object(associated)
        assert associated["/AFRelationship"] == "/Data"
        assert associated["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"  # written #2f, as a name must


class TestConfiguration:
    def test_production_needs_the_providers_certificate(self, settings):
        settings.DEBUG = False
        settings.PDF_SIGNING_KEY_FILE = settings.PDF_SIGNING_CERTIFICATE_FILE = ""
        with pytest.raises(ImproperlyConfigured, match="PDF_SIGNING_KEY_FILE and PDF_SIGNING_CERTIFICATE_FILE"):
            pades.signer()
        assert [error.id for error in checks.pdf_signing_configured(None)] == ["credentials.E003"]

    def test_a_certificate_for_another_key_is_refused(self, settings, tmp_path):
        key_pem, _certificate = pades.self_signed_certificate(common_name="A", organization="A")
        (tmp_path / "other-key.pem").write_bytes(key_pem)
        settings.PDF_SIGNING_KEY_FILE = str(tmp_path / "other-key.pem")
        with pytest.raises(ImproperlyConfigured, match="is not for PDF_SIGNING_KEY_FILE"):
            pades.signer()
        assert [error.id for error in checks.pdf_signing_configured(None)] == ["credentials.E004"]

    def test_a_certificate_file_with_its_chain_and_an_encrypted_key_sign(self, settings, tmp_path, certificate):
        from cryptography.hazmat.primitives import serialization

        key_pem, certificate_pem = pades.self_signed_certificate(common_name="Signer", organization="P")
        _other_key, issuer_pem = pades.self_signed_certificate(common_name="Issuing CA", organization="CA")
        key = serialization.load_pem_private_key(key_pem, password=None)
        encrypted = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"correct horse"),
        )
        (tmp_path / "key.pem").write_bytes(encrypted)
        (tmp_path / "chain.pem").write_bytes(certificate_pem + issuer_pem)
        settings.PDF_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
        settings.PDF_SIGNING_CERTIFICATE_FILE = str(tmp_path / "chain.pem")
        settings.PDF_SIGNING_KEY_PASSWORD = "correct horse"
        assert checks.pdf_signing_configured(None) == []
        unsigned = pdf.html_to_pdf("<p>x</p>", identifier="x", stylesheet=None)
        signed = pades.sign_pdf(unsigned, signing_time=datetime.now(UTC), document_id="x", reason="r", location="l")
        (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
        assert signature.signer_cert.subject.native["common_name"] == "Signer"
        assert len(signature.signed_data["certificates"]) == 2  # the chain travels with the signature

    @pytest.mark.parametrize(
        ("starts", "ends", "expected"),
        [(-400, -1, "credentials.E004"), (1, 400, "credentials.E004"), (-1, 20, "credentials.W001")],
        ids=["expired", "not yet valid", "expiring within 30 days"],
    )
    def test_the_deploy_check_looks_at_the_certificates_dates(self, settings, tmp_path, starts, ends, expected):
        from datetime import timedelta

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.x509.oid import NameOID

        key_pem, _certificate = pades.self_signed_certificate(common_name="Dated", organization="P")
        key = serialization.load_pem_private_key(key_pem, password=None)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Dated")])
        now = datetime.now(UTC)
        dated = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now + timedelta(days=starts)).not_valid_after(now + timedelta(days=ends))
            .sign(key, hashes.SHA256())
        )  # fmt: skip
        (tmp_path / "key.pem").write_bytes(key_pem)
        (tmp_path / "certificate.pem").write_bytes(dated.public_bytes(serialization.Encoding.PEM))
        settings.PDF_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
        settings.PDF_SIGNING_CERTIFICATE_FILE = str(tmp_path / "certificate.pem")
        assert [error.id for error in checks.pdf_signing_configured(None)] == [expected]

    def test_development_makes_one_matching_pair_and_keeps_it(self, settings, tmp_path):
        settings.DEBUG, settings.BASE_DIR = True, tmp_path
        settings.PDF_SIGNING_KEY_FILE = settings.PDF_SIGNING_CERTIFICATE_FILE = ""
        first = pades.signing_certificate()
        assert (tmp_path / pades.DEVELOPMENT_DIR / "key.pem").stat().st_mode & 0o077 == 0
        pades._signer.cache_clear()
        assert pades.signing_certificate() == first  # kept, not made again
        assert sorted(path.name for path in tmp_path.iterdir()) == [pades.DEVELOPMENT_DIR]

    def test_a_missing_file_is_named(self, settings):
        settings.PDF_SIGNING_KEY_FILE = "/nonexistent/key.pem"
        with pytest.raises(ImproperlyConfigured, match=r"PDF_SIGNING_KEY_FILE names /nonexistent/key\.pem"):
            pades.signer()


class TestCheckingAFileOnTheVerificationPage:
    def upload(self, client, certificate, content: bytes, name: str = "certificate.pdf"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile(name, content, content_type="application/pdf")
        return client.post(certificate.verification_path, {"certificate_file": file})

    def test_the_page_shows_the_issued_files_sha256(self, client, certificate, issued):
        certificate.refresh_from_db()
        assert hashlib.sha256(issued).hexdigest() == certificate.pdf_sha256
        assert certificate.pdf_sha256 in client.get(certificate.verification_path).text

    def test_the_issued_file_is_an_exact_match(self, client, certificate, issued):
        response = self.upload(client, certificate, issued)
        assert response.status_code == 200
        assert "Exact match" in response.text and "the certificate is valid" in response.text

    def test_a_changed_file_is_not_the_issued_one(self, client, certificate, issued):
        response = self.upload(client, certificate, tampered(issued))
        assert "Not the issued file" in response.text and "Exact match" not in response.text
        assert hashlib.sha256(tampered(issued)).hexdigest() in response.text

    def test_the_issued_file_of_a_revoked_certificate_says_revoked(self, client, certificate, issued, staff_user):
        certificate_revoke(certificate=certificate, reason="Issued in error", by=staff_user)
        response = self.upload(client, certificate, issued)
        assert "Issued, then revoked" in response.text and "no longer valid" in response.text

    def test_no_file_or_a_huge_one_is_a_clear_error_and_nothing_else(self, client, certificate, issued):
        response = client.post(certificate.verification_path, {})
        assert response.status_code == 400 and "This field is required" in response.text
        huge = self.upload(client, certificate, b"%PDF-" + b"0" * (6 * 1024 * 1024))
        assert huge.status_code == 413 and "a certificate PDF is far smaller" in huge.text

    def test_an_upload_too_large_is_refused_before_its_body_is_read(self, certificate, monkeypatch):
        from django.core.handlers.wsgi import WSGIRequest
        from django.test import Client

        # As a browser: CSRF enforced, the cookie from the page (the middleware would read the body for
        # the token of a form it checks).
        client = Client(enforce_csrf_checks=True)
        client.get(certificate.verification_path)

        def no_reading(request):
            raise AssertionError("the body was read")

        monkeypatch.setattr(WSGIRequest, "_load_post_and_files", no_reading)
        response = client.generic(
            "POST", certificate.verification_path, b"x" * 64, CONTENT_LENGTH=str(50 * 1024 * 1024),
            content_type="multipart/form-data; boundary=x",
        )  # fmt: skip
        assert response.status_code == 413

    def test_a_file_checked_without_the_csrf_token_is_refused(self, certificate, issued):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        file = SimpleUploadedFile("c.pdf", issued, content_type="application/pdf")
        assert strict.post(certificate.verification_path, {"certificate_file": file}).status_code == 403


def test_signing_works_from_a_thread_that_runs_an_event_loop(certificate):
    # pyHanko's sync API starts an event loop; under ASGI or Playwright's sync API one already runs.
    import asyncio

    unsigned = pdf.html_to_pdf(pdf.certificate_html(certificate.snapshot), identifier=certificate.number)
    moment = datetime.fromisoformat(certificate.snapshot["issued_at"])

    async def sign_inside_a_loop():
        return pades.sign_pdf(unsigned, signing_time=moment, document_id="x", reason="r", location="l")

    assert asyncio.run(sign_inside_a_loop()).startswith(b"%PDF-")


def structure(reader: PdfReader) -> list[dict]:
    """Every element of the PDF's structure tree (its tags), in reading order."""
    elements = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            elements.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return elements


class TestAccessibility:
    def test_the_certificate_is_tagged_as_a_document_with_a_described_qr_code_and_no_layout_table(
        self, issued, certificate
    ):
        tags = structure(PdfReader(io.BytesIO(issued)))
        names = [str(element["/S"]) for element in tags]
        assert "/H1" in names and "/P" in names and "/L" in names
        assert "/Table" not in names and "/TD" not in names
        (figure,) = [element for element in tags if element["/S"] == "/Figure"]
        assert (
            figure["/Alt"]
            == f"QR code linking to this certificate's verification page, {certificate.snapshot['verify_url']}"
        )
        assert names.index("/H1") < names.index("/L") < names.index("/Figure")  # heading, facts, then the code

    def test_a_transcript_from_several_providers_is_issued_by_the_site(self, alice, certificate, settings):
        from credits.selectors import transcript, transcript_issuer
        from tests.credits.conftest import evaluate, pass_posttest
        from tests.factories import ActivityFactory, ProviderFactory, make_quiz

        assert transcript_issuer(transcript(user=alice)) == certificate.claim.activity.provider.name
        other = ActivityFactory(pretest_required=False, provider=ProviderFactory(name="Another Provider"))
        make_quiz(other, "post", questions=1)
        pass_posttest(alice, other)
        evaluate(alice, other)
        credit_claim(user=alice, activity=other, amount=Decimal("0.25"), attested=True, pars_consent=False)
        assert transcript_issuer(transcript(user=alice)) == settings.SITE_NAME

    def test_a_name_starting_with_a_combining_mark_keeps_the_markup_whole(self, certificate):
        html = pdf.certificate_html({**certificate.snapshot, "learner_name": "\u0338Anna Smith, MD"})
        assert '<p class="name">\u0338Anna Smith, MD</p>' in html

    def test_the_transcript_pdf_names_the_provider(self, alice_client, certificate, activity):
        from django.urls import reverse

        content = alice_client.get(reverse("credits:transcript_pdf")).content
        reader = PdfReader(io.BytesIO(content))
        text = " ".join(reader.pages[0].extract_text().split())
        assert f"Issued by {activity.provider.name}" in text
        assert f"Credit earned with {activity.provider.name}" in text
        assert reader.metadata["/Author"] == activity.provider.name
