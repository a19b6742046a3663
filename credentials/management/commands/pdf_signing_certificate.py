"""Make a self-signed document-signing certificate and key for certificate PDFs, or with --development make and
keep this machine's development pair once.

A self-signed certificate proves a PDF unchanged since it was signed, but a reader
trusts it only once told to: in production, prefer a certificate from a
document-signing certificate authority, and put its files in PDF_SIGNING_KEY_FILE
and PDF_SIGNING_CERTIFICATE_FILE.
"""

import hashlib
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.core.management import BaseCommand, CommandError

from credentials.pades import DEVELOPMENT_DIR, self_signed_certificate, signing_certificate


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--development",
            action="store_true",
            help=f"With DEBUG on: make the pair kept in {DEVELOPMENT_DIR}/ if there is none, and name it.",
        )
        parser.add_argument("--out-dir", type=Path, help="Write key.pem and certificate.pem into this directory.")
        parser.add_argument("--common-name", default="", help="The certificate's subject name (default: SITE_NAME).")
        parser.add_argument("--organization", default="", help="The organization named (default: SITE_NAME).")

    def handle(self, *args, development: bool, out_dir: Path | None, common_name: str, organization: str, **options):
        if development:
            if not settings.DEBUG:
                raise CommandError("--development is for DEBUG only: production takes PDF_SIGNING_*_FILE.")
            certificate = signing_certificate()
            fingerprint = hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()
            self.stdout.write(f"Certificate PDFs are signed by {certificate.subject.rfc4514_string()} ({fingerprint})")
            return
        if out_dir is None:
            raise CommandError("Give --out-dir for the new key and certificate (or --development).")
        out_dir.mkdir(parents=True, exist_ok=True)
        key_path, certificate_path = out_dir / "key.pem", out_dir / "certificate.pem"
        if key_path.exists() or certificate_path.exists():
            raise CommandError(f"{out_dir} already holds a key or certificate; nothing was written.")
        key_pem, certificate_pem = self_signed_certificate(
            common_name=common_name or f"{settings.SITE_NAME} document signing",
            organization=organization or settings.SITE_NAME,
        )
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key_pem)
        certificate_path.write_bytes(certificate_pem)
        self.stdout.write(f"PDF_SIGNING_KEY_FILE={key_path.resolve()}\n")
        self.stdout.write(f"PDF_SIGNING_CERTIFICATE_FILE={certificate_path.resolve()}\n")
        der = x509.load_pem_x509_certificate(certificate_pem).public_bytes(Encoding.DER)
        fingerprint = hashlib.sha256(der).hexdigest()
        self.stdout.write(f"# The certificate's SHA-256 fingerprint: {fingerprint}\n")
