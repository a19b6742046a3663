"""The issuer's Ed25519 keys: the one that signs now, and retired ones whose credentials must still verify.

Production takes the signing key from the environment (CREDENTIAL_SIGNING_KEY, a
private Multikey "z3u2…"; `manage.py credential_key` makes one). In development
(DEBUG) without it, a key is made once and kept in .credential-signing-key at the
project root, so credentials issued on this machine keep verifying across
restarts. Rotating: put the old key's public Multikey (z6Mk…) in
CREDENTIAL_RETIRED_KEYS and a new signing key in CREDENTIAL_SIGNING_KEY; the DID
document lists both, so nothing signed before stops verifying. A compromised key
is removed from both instead: what it signed then no longer verifies.
"""

import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

from credentials.multibase import multikey_decode, multikey_encode

DEVELOPMENT_KEY_FILE = ".credential-signing-key"


def new_private_multikey() -> str:
    return multikey_encode(Ed25519PrivateKey.generate().private_bytes_raw(), private=True)


def public_multikey(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return multikey_encode(public.public_bytes_raw())


def _development_key() -> str:
    path = Path(settings.BASE_DIR) / DEVELOPMENT_KEY_FILE
    if not path.exists():
        # Written whole to a temporary file, then linked into place: two processes starting
        # together (server and worker) keep the first one's key, and neither reads half a file.
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(new_private_multikey() + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    text = path.read_text().strip()
    if not text:
        raise ImproperlyConfigured(f"{path} is empty: delete it, and a new development key is made.")
    return text


@cache
@sensitive_variables("configured", "text")
def _signing_key(configured: str, debug: bool) -> Ed25519PrivateKey:
    text = configured or (_development_key() if debug else "")
    if not text:
        raise ImproperlyConfigured(
            "CREDENTIAL_SIGNING_KEY is required when DEBUG is off: `python manage.py credential_key` makes one."
        )
    try:
        return Ed25519PrivateKey.from_private_bytes(multikey_decode(text, private=True))
    except ValueError:
        source = "CREDENTIAL_SIGNING_KEY" if configured else DEVELOPMENT_KEY_FILE
        raise ImproperlyConfigured(f"{source} is not an Ed25519 private Multikey (z3u2…).") from None


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(settings.CREDENTIAL_SIGNING_KEY, settings.DEBUG)


def retired_public_keys() -> list[str]:
    """The retired keys' public Multikeys, checked, in the order configured."""
    for position, text in enumerate(settings.CREDENTIAL_RETIRED_KEYS, start=1):
        try:
            multikey_decode(text)
        except ValueError:
            # The value is not repeated: a private key put here by mistake must not reach a log.
            kind = "a private key: put its public Multikey here" if text.startswith("z3u2") else "not one"
            message = f"CREDENTIAL_RETIRED_KEYS entry {position} is {kind} (an Ed25519 public Multikey, z6Mk…)."
            raise ImproperlyConfigured(message) from None
    return list(settings.CREDENTIAL_RETIRED_KEYS)
