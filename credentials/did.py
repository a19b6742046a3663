"""The site as a did:web issuer: its DID, and the DID document served at /.well-known/did.json.

did:web names a DID by the host that serves its document: SITE_URL
https://cme.example.org is did:web:cme.example.org, resolved from
https://cme.example.org/.well-known/did.json (a port is written %3A). Each key is a
Multikey verification method whose fragment is its own public Multikey, so a
credential's verificationMethod names the exact key that signed it, and a
retired key stays resolvable.
"""

from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings

from credentials.keys import public_multikey, retired_public_keys, signing_key
from credentials.multibase import multikey_decode

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def site_did() -> str:
    """did:web:<host>, with %3A<port> for a port that is not the scheme's default."""
    parts = urlsplit(settings.SITE_URL)
    host = parts.hostname or ""
    default_port = {"https": 443, "http": 80}.get(parts.scheme)
    if parts.port and parts.port != default_port:
        host = f"{host}:{parts.port}"
    return "did:web:" + quote(host, safe="")


def verification_method_id(public_key_multibase: str) -> str:
    return f"{site_did()}#{public_key_multibase}"


def current_verification_method() -> str:
    return verification_method_id(public_multikey(signing_key()))


def did_document() -> dict:
    did = site_did()
    keys = [public_multikey(signing_key())]
    keys += [key for key in retired_public_keys() if key not in keys]
    methods = [
        {"id": verification_method_id(key), "type": "Multikey", "controller": did, "publicKeyMultibase": key}
        for key in keys
    ]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def issuer_public_key(verification_method: str) -> Ed25519PublicKey | None:
    """The site's public key a verificationMethod names, if it is one of ours, current or retired; else None."""
    for method in did_document()["verificationMethod"]:
        if method["id"] == verification_method:
            return Ed25519PublicKey.from_public_bytes(multikey_decode(method["publicKeyMultibase"]))
    return None
