"""The site as a did:web issuer: its DID document lists the signing key and the retired ones; keys rotate safely."""

import copy
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from credentials import keys
from credentials.checks import signing_key_configured
from credentials.dataintegrity import sign, verify
from credentials.did import current_verification_method, did_document, issuer_public_key, site_did
from credentials.jsonld import CREDENTIALS_V2, OPEN_BADGES_V3
from credentials.keys import new_private_multikey, public_multikey, signing_key
from credentials.multibase import multikey_decode

BADGE = {
    "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "A badge",
    "issuer": {"id": "did:web:cme.example.org", "type": ["Profile"], "name": "Example Oncology Education"},
    "validFrom": "2026-11-30T12:00:00Z",
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
        "id": "https://cme.example.org/a", "type": ["Achievement"], "name": "A", "criteria": {"narrative": "Pass."},
    }},
}  # fmt: skip


def private_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(multikey_decode(text, private=True))


def signed_badge() -> dict:
    return sign(copy.deepcopy(BADGE), private_key=signing_key(), verification_method=current_verification_method(),
                created="2026-11-30T12:00:00Z")  # fmt: skip


@pytest.mark.parametrize(
    ("site_url", "did"),
    [
        ("https://cme.example.org", "did:web:cme.example.org"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://CME.Example.org:443", "did:web:cme.example.org"),
        ("https://cme.example.org:8443", "did:web:cme.example.org%3A8443"),
    ],
)
def test_the_site_is_a_did_web_named_by_its_host(settings, site_url, did):
    settings.SITE_URL = site_url
    assert site_did() == did


def test_anyone_can_read_the_did_document(settings):
    settings.SITE_URL = "https://cme.example.org"
    response = Client().get("/.well-known/did.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/did+ld+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    current = public_multikey(signing_key())
    method = f"did:web:cme.example.org#{current}"
    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": "did:web:cme.example.org",
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": "did:web:cme.example.org", "publicKeyMultibase": current}
        ],
        "assertionMethod": [method],
    }
    assert reverse("did_document") == "/.well-known/did.json"
    assert Client().head("/.well-known/did.json").status_code == 200
    assert Client().post("/.well-known/did.json").status_code == 405


def test_a_credential_signed_before_a_rotation_still_verifies(settings):
    before = signed_badge()
    old_public = public_multikey(signing_key())
    settings.CREDENTIAL_RETIRED_KEYS = [old_public]
    settings.CREDENTIAL_SIGNING_KEY = new_private_multikey()
    document = did_document()
    assert [method["publicKeyMultibase"] for method in document["verificationMethod"]] == [
        public_multikey(signing_key()),
        old_public,
    ]
    assert document["assertionMethod"] == [method["id"] for method in document["verificationMethod"]]
    assert verify(before, public_key=issuer_public_key(before["proof"]["verificationMethod"]))
    after = signed_badge()
    assert after["proof"]["verificationMethod"] != before["proof"]["verificationMethod"]
    assert verify(after, public_key=issuer_public_key(after["proof"]["verificationMethod"]))
    # A compromised key is removed outright: what it signed no longer resolves to a key of ours.
    settings.CREDENTIAL_RETIRED_KEYS = []
    assert issuer_public_key(before["proof"]["verificationMethod"]) is None


def test_the_independent_verifier_accepts_our_badge_against_the_served_document(node_verify, settings):
    settings.SITE_URL = "https://cme.example.org"
    badge = signed_badge()
    served = Client().get("/.well-known/did.json").json()
    assert node_verify(badge, served) == {"verified": True, "errors": [], "revoked": None}
    settings.CREDENTIAL_SIGNING_KEY = new_private_multikey()  # the old key dropped without being retired
    assert node_verify(badge, Client().get("/.well-known/did.json").json())["verified"] is False


def test_production_needs_a_key_from_the_environment(settings):
    settings.DEBUG = False
    settings.CREDENTIAL_SIGNING_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="CREDENTIAL_SIGNING_KEY is required"):
        signing_key()
    assert [error.id for error in signing_key_configured(None)] == ["credentials.E001"]
    settings.CREDENTIAL_SIGNING_KEY = new_private_multikey()
    assert signing_key_configured(None) == []


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("CREDENTIAL_SIGNING_KEY", "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "not an Ed25519 private"),
        ("CREDENTIAL_SIGNING_KEY", "not-a-key", "not an Ed25519 private"),
        ("CREDENTIAL_RETIRED_KEYS", ["z3u2TxKHpigSrbszSutXMZsY9DX7Nvb8nvwNzhjoiWGe5JGR"], "is a private key"),
        ("CREDENTIAL_RETIRED_KEYS", ["z6Mk-not-base58"], "is not one"),
    ],
)
def test_a_malformed_key_names_its_setting_but_never_its_value(settings, setting, value, message):
    setattr(settings, setting, value)
    errors = signing_key_configured(None)
    assert [error.id for error in errors] == ["credentials.E002"]
    assert setting in errors[0].msg and message in errors[0].msg
    assert (value if isinstance(value, str) else value[0]) not in errors[0].msg


def test_development_makes_one_key_and_keeps_it(settings, tmp_path):
    settings.DEBUG = True
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.BASE_DIR = tmp_path
    keys._signing_key.cache_clear()
    first = public_multikey(signing_key())
    path = tmp_path / keys.DEVELOPMENT_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    keys._signing_key.cache_clear()
    assert public_multikey(signing_key()) == first  # read back, not made again
    assert public_multikey(private_key(path.read_text().strip())) == first
    keys._signing_key.cache_clear()
