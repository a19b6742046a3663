"""PAdES signatures on PDF documents (pyHanko), deterministic so that a document is rebuilt byte for byte.

The provider's document-signing certificate and key come from PEM files named
by PDF_SIGNING_CERTIFICATE_FILE (the signer's certificate first, then its
chain) and PDF_SIGNING_KEY_FILE (PDF_SIGNING_KEY_PASSWORD if it is
encrypted). In development (DEBUG) without them, a self-signed pair is made once
in .pdf-signing/ (`manage.py pdf_signing_certificate --development`, which
`make run` calls); `check --deploy` requires real ones in production.

A signature here is a certification signature (DocMDP: no changes allowed),
PAdES baseline B-B (ETSI.CAdES.detached, SHA-256), in an invisible field that
keeps the document PDF/A (print flag set) and PDF/UA (box outside the page).
Three things would make two signings of one document differ, and each is fixed:
the signing time (given by the caller), the second half of the trailer /ID
(derived from the caller's document identifier) and the modification date
pyHanko writes into the Info dictionary and XMP (pinned to the signing time).
RSA PKCS#1 v1.5 signatures are themselves deterministic; an ECDSA key would not
be, so only RSA keys are accepted.
"""

import asyncio
import hashlib
import io
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR, DocumentMetadata
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

DEVELOPMENT_DIR = ".pdf-signing"
SIGNATURE_FIELD = "CertificateSignature"


@dataclass
class _PinnedModification(DocumentMetadata):
    """Document metadata whose modification date stays the signing time.

    pyHanko sets last_modified to "now" just before it writes; this keeps the
    given moment instead, so the Info dictionary and the XMP packet carry the
    same date on every signing of the document.
    """

    pinned: datetime | None = None

    def __setattr__(self, name, value):
        if name == "last_modified" and getattr(self, "pinned", None) is not None:
            value = self.pinned
        super().__setattr__(name, value)


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, signing with the key as loaded once.

    pyHanko parses the private key again for every signature, and parsing
    validates an RSA key: a tenth of a second for RSA-3072, twice per document
    (a dry run sizes the signature first). The key here was read and checked when
    the signer was made.
    """

    def __init__(self, *, loaded_key: rsa.RSAPrivateKey, **kwargs):
        super().__init__(**kwargs)
        self.loaded_key = loaded_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        return self.loaded_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


class _FixedTimePdfSigner(PdfSigner):
    """A PdfSigner whose signing session uses the given time instead of the clock's."""

    def __init__(self, *args, signing_time: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self.signing_time
        return session


def _development_files() -> tuple[Path, Path]:
    directory = Path(settings.BASE_DIR) / DEVELOPMENT_DIR
    if not directory.is_dir():
        key_pem, certificate_pem = self_signed_certificate(
            common_name=f"{settings.SITE_NAME} development document signing", organization=settings.SITE_NAME
        )
        # The pair is written whole into a directory of its own, then renamed into place: two
        # processes (or threads) starting together keep one matching pair, and nobody reads half of one.
        staging = Path(tempfile.mkdtemp(prefix=f"{DEVELOPMENT_DIR}.", dir=settings.BASE_DIR))
        try:
            (staging / "key.pem").touch(mode=0o600)
            (staging / "key.pem").write_bytes(key_pem)
            (staging / "certificate.pem").write_bytes(certificate_pem)
            staging.rename(directory)
        except OSError:  # another process's pair is in place already, or the disk is full
            shutil.rmtree(staging, ignore_errors=True)
    return directory / "key.pem", directory / "certificate.pem"


def self_signed_certificate(*, common_name: str, organization: str, years: int = 10) -> tuple[bytes, bytes]:
    """A new RSA-3072 key and a self-signed document-signing certificate for it, both PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
    ])  # fmt: skip
    now = datetime.now(UTC).replace(microsecond=0)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


@cache
def _signer(key_file: str, certificate_file: str, password: str, debug: bool) -> signers.SimpleSigner:
    if not (key_file and certificate_file):
        if not debug:
            raise ImproperlyConfigured(
                "PDF_SIGNING_KEY_FILE and PDF_SIGNING_CERTIFICATE_FILE are required when DEBUG is off: "
                "`python manage.py pdf_signing_certificate` makes a self-signed pair; use the provider's "
                "document-signing certificate in production."
            )
        key_path, certificate_path = _development_files()
    else:
        key_path, certificate_path = Path(key_file), Path(certificate_file)
    for label, path in (("PDF_SIGNING_KEY_FILE", key_path), ("PDF_SIGNING_CERTIFICATE_FILE", certificate_path)):
        if not path.is_file():
            raise ImproperlyConfigured(f"{label} names {path}, which is not a readable file.")
    try:
        certificates = x509.load_pem_x509_certificates(certificate_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=password.encode() or None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"The PDF signing key or certificate cannot be read: {error}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ImproperlyConfigured("The PDF signing key must be an RSA key (its signatures are deterministic).")
    if certificates[0].public_key().public_numbers() != key.public_key().public_numbers():
        raise ImproperlyConfigured("PDF_SIGNING_CERTIFICATE_FILE's first certificate is not for PDF_SIGNING_KEY_FILE.")
    # Built from what was read and checked here, not by pyHanko's loader, which reads one certificate
    # per file and answers None (rather than raising) for a file that holds the chain too.
    der = serialization.Encoding.DER
    chain = [asn1_x509.Certificate.load(certificate.public_bytes(der)) for certificate in certificates]
    private = key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return _LoadedKeySigner(
        signing_cert=chain[0],
        signing_key=asn1_keys.PrivateKeyInfo.load(private),
        cert_registry=SimpleCertificateStore.from_certs(chain[1:]),
        loaded_key=key,
    )


def signer() -> signers.SimpleSigner:
    return _signer(
        settings.PDF_SIGNING_KEY_FILE, settings.PDF_SIGNING_CERTIFICATE_FILE, settings.PDF_SIGNING_KEY_PASSWORD,
        settings.DEBUG,
    )  # fmt: skip


def signing_certificate() -> x509.Certificate:
    """The certificate PDFs are signed with now."""
    return x509.load_der_x509_certificate(signer().signing_cert.dump())


def sign_pdf(content: bytes, *, signing_time: datetime, document_id: str, reason: str, location: str) -> bytes:
    """The PDF with a certification signature added as an incremental update; the same arguments sign identically.

    A signature cannot predate its certificate: a document first rendered after
    the certificate that signs it began (a past claim recorded in bulk and
    downloaded later, say) is signed at the start of the certificate's validity.
    """
    valid_from = signing_certificate().not_valid_before_utc
    signing_time = max(signing_time, valid_from)
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    # The second half of the trailer /ID names this revision; pyHanko draws it at random.
    writer._document_id = generic.ArrayObject([
        writer._document_id[0], generic.ByteStringObject(hashlib.sha256(document_id.encode()).digest()[:16]),
    ])  # fmt: skip
    writer._meta = _PinnedModification(pinned=signing_time)
    # pyHanko appends its name to the Info dictionary's Producer but writes only its own into the XMP
    # packet; PDF/A wants the two to agree, so both say pyHanko.
    info = writer.trailer_view.get("/Info")
    if info is not None:
        info.get_object()["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info)
    metadata = PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    field = fields.SigFieldSpec(
        sig_field_name=SIGNATURE_FIELD,
        invis_sig_settings=fields.InvisSigSettings(set_print_flag=True, box_out_of_bounds=True),
    )
    pdf_signer = _FixedTimePdfSigner(metadata, signer=signer(), new_field_spec=field, signing_time=signing_time)
    return _outside_any_event_loop(lambda: pdf_signer.sign_pdf(writer).getvalue())


def _outside_any_event_loop(function):
    """Call a function that starts its own asyncio event loop (pyHanko's sync API does), also from a thread
    that runs one already (an ASGI worker, Playwright's sync API), by calling it from a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()
