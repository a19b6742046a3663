from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from credentials.keys import retired_public_keys, signing_key
from credentials.pades import signer, signing_certificate


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs, **kwargs):
    """A production site signs credentials with a key from its environment, never a development file."""
    errors = []
    if not settings.DEBUG and not settings.CREDENTIAL_SIGNING_KEY:
        errors.append(Error(
            "CREDENTIAL_SIGNING_KEY is not set: credentials cannot be signed.",
            hint="Run `python manage.py credential_key` and put the key in the environment.", id="credentials.E001",
        ))  # fmt: skip
    checks = [retired_public_keys] + ([signing_key] if settings.CREDENTIAL_SIGNING_KEY else [])
    for check in checks:
        try:
            check()
        except ImproperlyConfigured as error:
            errors.append(Error(str(error), id="credentials.E002"))
    return errors


@register(Tags.security, deploy=True)
def pdf_signing_configured(app_configs, **kwargs):
    """A production site signs certificate PDFs with the provider's certificate, never a development pair."""
    if not settings.DEBUG and not (settings.PDF_SIGNING_KEY_FILE and settings.PDF_SIGNING_CERTIFICATE_FILE):
        return [Error(
            "PDF_SIGNING_KEY_FILE and PDF_SIGNING_CERTIFICATE_FILE are not set: certificate PDFs cannot be signed.",
            hint="Use the provider's document-signing certificate, or make a self-signed pair with "
            "`python manage.py pdf_signing_certificate --out-dir DIR`.", id="credentials.E003",
        )]  # fmt: skip
    try:
        signer()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="credentials.E004")]
    certificate, now = signing_certificate(), datetime.now(UTC)
    expires = certificate.not_valid_after_utc
    if certificate.not_valid_before_utc > now:
        starts = certificate.not_valid_before_utc
        return [Error(f"The PDF signing certificate is not valid before {starts:%Y-%m-%d %H:%M} UTC.",
                      id="credentials.E004")]  # fmt: skip
    if expires <= now:
        return [Error(f"The PDF signing certificate expired on {expires:%Y-%m-%d}.", id="credentials.E004")]
    if expires <= now + timedelta(days=30):
        return [Warning(
            f"The PDF signing certificate expires on {expires:%Y-%m-%d}.",
            hint="Renew it: certificates issued after it expires cannot be signed.", id="credentials.W001",
        )]  # fmt: skip
    return []
