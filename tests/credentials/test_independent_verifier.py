"""An independent implementation verifies what we sign: Digital Bazaar's vc with its eddsa-rdfc-2022 cryptosuite.

tests/node/verify.mjs runs under Node with the packages pinned in
tests/node/package-lock.json (`make test` runs npm ci there). It is given the
credential, the issuer's controller document and our pinned contexts, and
fetches nothing.
"""

import copy
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials.dataintegrity import sign
from credentials.jsonld import CREDENTIALS_V2, OPEN_BADGES_V3
from credentials.multibase import multikey_encode
from tests.credentials.conftest import controller_for

OB3 = Path(__file__).resolve().parent.parent / "data" / "vc" / "1edtech-ob3-vector"


def test_the_open_badges_vector_verifies_there_and_a_changed_copy_does_not(node_verify):
    signed = json.loads((OB3 / "signed-credential.json").read_text())
    controller = json.loads((OB3 / "controller.json").read_text())
    assert node_verify(signed, controller) == {"verified": True, "errors": [], "revoked": None}
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["achievement"]["name"] = "Leadership"
    assert node_verify(changed, controller)["verified"] is False


def test_a_badge_we_sign_verifies_there(node_verify):
    key = Ed25519PrivateKey.generate()
    public = multikey_encode(key.public_key().public_bytes_raw())
    did = "did:web:cme.example.org"
    credential = {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": "https://cme.example.org/verify/abc/credential.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "HER2-positive metastatic breast cancer: frontline and maintenance",
        "issuer": {"id": did, "type": ["Profile"], "name": "Example Oncology Education"},
        "validFrom": "2026-11-30T12:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "creditsEarned": 1.5,
            "achievement": {
                "id": "https://cme.example.org/activities/her2/",
                "type": ["Achievement"],
                "name": "HER2-positive metastatic breast cancer: frontline and maintenance",
                "description": "An enduring-material CME activity.",
                "criteria": {"narrative": "Pass the post-test and complete the evaluation."},
                "creditsAvailable": 1.5,
            },
        },
    }
    signed = sign(credential, private_key=key, verification_method=f"{did}#{public}", created="2026-11-30T12:00:00Z")
    controller = controller_for(did, public)
    assert node_verify(signed, controller) == {"verified": True, "errors": [], "revoked": None}
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["creditsEarned"] = 15
    assert node_verify(changed, controller)["verified"] is False
    # The same verification method id, but the document gives another key: the signature itself fails.
    other = copy.deepcopy(controller)
    other["verificationMethod"][0]["publicKeyMultibase"] = multikey_encode(
        Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    )
    assert node_verify(signed, other)["verified"] is False
