"""eddsa-rdfc-2022 Data Integrity proofs, checked byte for byte against the published test vectors.

tests/data/vc/ holds, unchanged, the W3C vc-di-eddsa eddsa-rdfc-2022 vector and
the Open Badges 3.0 Implementation Guide's Linked Data Proof vector (see its
README). Each step is compared with the vector's own file: canonical N-Quads,
hashes, signature and proofValue.
"""

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from credentials.dataintegrity import ProofError, sign, verify
from credentials.jsonld import UndefinedTermError, UnknownContextError, canonize
from credentials.multibase import base58btc_decode, base58btc_encode, multikey_decode, multikey_encode

VECTORS = Path(__file__).resolve().parent.parent / "data" / "vc"
W3C = VECTORS / "w3c-vc-di-eddsa"
OB3 = VECTORS / "1edtech-ob3-vector"
# The W3C vector's credential uses the VC examples context, which only the vector needs.
EXAMPLES_CONTEXT = json.loads((VECTORS / "credentials-examples-v2.jsonld").read_text())
EXAMPLES = {"https://www.w3.org/ns/credentials/examples/v2": EXAMPLES_CONTEXT}


def read(path: Path) -> str:
    return path.read_text()


def unsigned(signed: dict) -> dict:
    return {key: value for key, value in signed.items() if key != "proof"}


class TestW3CVector:
    signed = json.loads(read(W3C / "signedDataInt.json"))
    keys = json.loads(read(W3C / "keyPair.json"))

    def private_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(multikey_decode(self.keys["privateKeyMultibase"], private=True))

    def test_the_document_and_the_proof_options_canonicalise_to_the_vectors_n_quads(self):
        assert canonize(unsigned(self.signed), extra_contexts=EXAMPLES) == read(W3C / "canonDocDataInt.txt")
        options = json.loads(read(W3C / "proofConfigDataInt.json"))
        assert canonize(options, extra_contexts=EXAMPLES) == read(W3C / "proofCanonDataInt.txt")
        assert (
            hashlib.sha256(read(W3C / "canonDocDataInt.txt").encode()).hexdigest()
            == read(W3C / "docHashDataInt.txt").strip()
        )

    def test_signing_gives_the_vectors_proof_byte_for_byte(self):
        options = self.signed["proof"]
        ours = sign(
            unsigned(self.signed),
            private_key=self.private_key(),
            verification_method=options["verificationMethod"],
            created=options["created"],
            extra_contexts=EXAMPLES,
        )
        assert ours == self.signed
        assert base58btc_decode(ours["proof"]["proofValue"][1:]).hex() == read(W3C / "sigHexDataInt.txt").strip()
        assert ours["proof"]["proofValue"] == read(W3C / "sigBTC58DataInt.txt").strip()

    def test_the_vectors_public_key_verifies_it(self):
        public = Ed25519PublicKey.from_public_bytes(multikey_decode(self.keys["publicKeyMultibase"]))
        assert verify(self.signed, public_key=public, extra_contexts=EXAMPLES)
        assert self.private_key().public_key().public_bytes_raw() == public.public_bytes_raw()


class TestOpenBadgesVector:
    signed = json.loads(read(OB3 / "signed-credential.json"))
    expected = json.loads(read(OB3 / "expected.json"))

    def test_it_canonicalises_and_hashes_as_the_implementation_guide_shows(self):
        document = canonize(unsigned(self.signed))
        assert document == read(OB3 / "document-canon.txt")
        options = {key: value for key, value in self.signed["proof"].items() if key != "proofValue"}
        proof = canonize({**options, "@context": self.signed["@context"]})
        assert proof == read(OB3 / "proof-canon.txt")
        assert hashlib.sha256(document.encode()).hexdigest() == self.expected["documentHashHex"]
        assert hashlib.sha256(proof.encode()).hexdigest() == self.expected["proofHashHex"]

    def test_signing_the_badge_gives_its_proof_byte_for_byte(self):
        seed = bytes.fromhex(self.expected["privateKeyHex"])[:32]
        options = self.signed["proof"]
        ours = sign(unsigned(self.signed), private_key=Ed25519PrivateKey.from_private_bytes(seed),
                    verification_method=options["verificationMethod"], created=options["created"])  # fmt: skip
        assert ours["proof"]["proofValue"] == self.expected["proofValue"]
        assert base58btc_decode(ours["proof"]["proofValue"][1:]).hex() == self.expected["signatureHex"]
        assert multikey_encode(bytes.fromhex(self.expected["publicKeyHex"])) == self.expected["publicKeyMultibase"]

    def test_a_changed_badge_no_longer_verifies(self):
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.expected["publicKeyHex"]))
        assert verify(self.signed, public_key=public)
        for change in (
            lambda badge: badge["credentialSubject"]["achievement"].update(name="Leadership"),
            lambda badge: badge.update(validFrom="2011-01-01T00:00:00Z"),
            lambda badge: badge["proof"].update(created="2010-01-02T19:23:24Z"),
            lambda badge: badge["issuer"].update(name="Another Corp"),
        ):
            tampered = copy.deepcopy(self.signed)
            change(tampered)
            assert verify(tampered, public_key=public) is False


def test_another_key_does_not_verify():
    signed = json.loads(read(OB3 / "signed-credential.json"))
    assert verify(signed, public_key=Ed25519PrivateKey.generate().public_key()) is False


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda proof: proof.update(cryptosuite="ecdsa-rdfc-2019"), "Not a DataIntegrityProof"),
        (lambda proof: proof.update(type="Ed25519Signature2020"), "Not a DataIntegrityProof"),
        (lambda proof: proof.update(proofValue="u" + proof["proofValue"][1:]), "base58btc"),
        (lambda proof: proof.update(proofValue="z3yg"), "64 bytes"),
        (lambda proof: proof.update(created="2010-01-01 19:23"), "date-time"),
        (lambda proof: proof.update(created="2010-01-01T19:23:24Z\n"), "date-time"),
        (lambda proof: proof.update(expires="tomorrow"), "date-time"),
        (lambda proof: proof.update(proofValue="z" + "2" * 5000), "too long"),
    ],
)
def test_a_malformed_proof_is_refused_with_its_reason(change, message):
    signed = json.loads(read(OB3 / "signed-credential.json"))
    change(signed["proof"])
    with pytest.raises(ProofError, match=message):
        verify(signed, public_key=Ed25519PrivateKey.generate().public_key())


class TestWhatAVerifierMustAlsoCheck:
    signed = json.loads(read(OB3 / "signed-credential.json"))
    expected = json.loads(read(OB3 / "expected.json"))
    seed = bytes.fromhex(expected["privateKeyHex"])[:32]

    def resign(self, document: dict, **changes) -> dict:
        """The vector's badge signed again with its key, after changing the proof's options."""
        options = {**{k: v for k, v in self.signed["proof"].items() if k != "proofValue"}, **changes}
        unsecured = {key: value for key, value in document.items() if key != "proof"}
        proof_config = {**options, "@context": unsecured["@context"]}
        hashed = (
            hashlib.sha256(canonize(proof_config).encode()).digest()
            + hashlib.sha256(canonize(unsecured).encode()).digest()
        )
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(hashed)
        return {**document, "proof": {**options, "proofValue": "z" + base58btc_encode(signature)}}

    def public(self):
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.expected["publicKeyHex"]))

    def test_a_proof_made_for_another_purpose_does_not_verify_as_an_assertion(self):
        badge = self.resign(self.signed, proofPurpose="authentication")
        assert verify(badge, public_key=self.public(), proof_purpose="authentication")
        assert verify(badge, public_key=self.public()) is False

    def test_an_expired_proof_does_not_verify(self):
        badge = self.resign(self.signed, expires="2030-01-01T00:00:00Z")
        assert verify(badge, public_key=self.public(), now=datetime(2029, 12, 31, tzinfo=UTC))
        assert verify(badge, public_key=self.public(), now=datetime(2030, 1, 1, tzinfo=UTC)) is False

    def test_a_proof_context_that_is_not_the_documents_own_first_entries_does_not_verify(self):
        badge = copy.deepcopy(self.signed)
        badge["proof"]["@context"] = ["https://example.org/other"]
        assert verify(badge, public_key=self.public()) is False
        badge["proof"]["@context"] = self.signed["@context"]  # the same list: the same result as without it
        assert verify(badge, public_key=self.public())

    def test_a_document_that_cannot_be_canonicalised_is_refused_with_the_reason(self):
        badge = copy.deepcopy(self.signed)
        badge["credentialSubject"]["type"] = ["AchievementSubject", "CmeCredit"]  # a type no context defines
        with pytest.raises(ProofError, match="CmeCredit"):
            verify(badge, public_key=self.public())


def test_a_relative_type_is_refused_not_resolved_against_a_base():
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", "CmeCredit"]}
    with pytest.raises(UndefinedTermError, match="CmeCredit"):
        canonize(document)


def test_the_pinned_contexts_are_the_files_their_hashes_name():
    from credentials.jsonld import CONTEXTS_DIR

    assert {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in CONTEXTS_DIR.iterdir()} == {
        "credentials-v2.jsonld": "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f",
        "ob-v3p0-context-3.0.3.json": "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    }


def test_a_context_without_a_pinned_copy_is_refused_not_fetched():
    document = {"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/unknown/v1"],
                "type": ["VerifiableCredential"]}  # fmt: skip
    with pytest.raises(UnknownContextError, match=r"example\.org/unknown"):
        canonize(document)


def test_a_term_no_context_defines_is_refused_not_left_out_of_the_signature():
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                "credentialSubject": {"notATerm": "would not be signed"}}  # fmt: skip
    with pytest.raises(UndefinedTermError, match="notATerm"):
        canonize(document)


@pytest.mark.parametrize("data", [b"", b"\0", b"\0\0\1", bytes(range(64)), b"\xff" * 32])
def test_base58btc_round_trips(data):
    assert base58btc_decode(base58btc_encode(data)) == data


def test_a_multikey_of_the_wrong_kind_is_refused():
    public = multikey_encode(bytes(32))
    with pytest.raises(ValueError, match="private"):
        multikey_decode(public, private=True)
