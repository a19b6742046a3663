"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa, section 3.3).

Signing: the proof's options, under the document's @context, and the document
without its proof are each canonicalised (RDFC-1.0) and hashed with SHA-256;
the two hashes (options first) are signed with Ed25519, and the signature is the
proof's proofValue in multibase base58btc. Ed25519 signatures are deterministic,
so the same document, options and key always give the same proof.

Which key a verificationMethod names is the caller's business (credentials.did
resolves this site's own did:web); verify() takes the public key.
"""

import copy
import hashlib
import re
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from credentials.jsonld import CanonicalizationError, canonize
from credentials.multibase import multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
# xsd:dateTimeStamp as the spec's `created` takes it: a time zone is required.
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})")
# A base58btc Ed25519 signature is 86–88 characters; anything much longer is refused before decoding.
_PROOF_VALUE_LIMIT = 100


def _is_datetime(value) -> bool:
    return isinstance(value, str) and _DATETIME.fullmatch(value) is not None


class ProofError(ValueError):
    """The proof is not one this suite verifies (wrong type, cryptosuite, context or encoding)."""


def _hash_data(document: dict, proof_options: dict, extra_contexts: dict | None) -> bytes:
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof_config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    if "@context" in unsecured:
        proof_config["@context"] = unsecured["@context"]
    canonical_proof = canonize(proof_config, extra_contexts=extra_contexts)
    canonical_document = canonize(unsecured, extra_contexts=extra_contexts)
    return hashlib.sha256(canonical_proof.encode()).digest() + hashlib.sha256(canonical_document.encode()).digest()


def sign(
    document: dict,
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
    extra_contexts: dict | None = None,
) -> dict:
    """The document with a DataIntegrityProof added; the document given is not changed."""
    if "proof" in document:
        raise ProofError("The document already carries a proof.")
    if not _is_datetime(created):
        raise ProofError(f"created must be an XML date-time with a time zone (got {created!r}).")
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    signature = private_key.sign(_hash_data(document, options, extra_contexts))
    secured = copy.deepcopy(document)
    secured["proof"] = {**options, "proofValue": multibase_encode(signature)}
    return secured


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def verify(
    document: dict,
    *,
    public_key: Ed25519PublicKey,
    proof_purpose: str = "assertionMethod",
    extra_contexts: dict | None = None,
    now: datetime | None = None,
) -> bool:
    """Whether the document's proof is an intact eddsa-rdfc-2022 signature by this key, for this purpose.

    Follows vc-di-eddsa's "Verify Proof" (3.3.2). A proof that is not one this
    suite verifies, or malformed, or a document that cannot be canonicalised,
    raises ProofError; a proof for another purpose, past its expires, with a
    @context that is not the document's own first entries, or whose signature does
    not match (the document or the proof changed) returns False.
    """
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("The document carries no single proof.")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"Not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}.")
    for name in ("created", "expires"):  # both optional; when present, date-times with a time zone
        if name in proof and not _is_datetime(proof[name]):
            raise ProofError(f"The proof's {name} is not an XML date-time with a time zone.")
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or len(proof_value) > _PROOF_VALUE_LIMIT:
        raise ProofError("The proofValue is missing or too long for an Ed25519 signature.")
    try:
        signature = multibase_decode(proof_value)
    except ValueError as error:
        raise ProofError(f"The proofValue is not base58btc multibase: {error}") from None
    if len(signature) != 64:
        raise ProofError("An Ed25519 signature is 64 bytes.")
    if proof.get("proofPurpose") != proof_purpose:
        return False
    if "expires" in proof:
        expires = datetime.fromisoformat(proof["expires"].replace("Z", "+00:00"))
        if expires <= (now or datetime.now(UTC)):
            return False
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    if "@context" in proof:
        # 4.1: the proof's contexts must be the document's first ones, in order; 4.2: they are the ones used.
        contexts = _as_list(proof["@context"])
        if _as_list(unsecured.get("@context", []))[: len(contexts)] != contexts:
            return False
        unsecured["@context"] = proof["@context"]
    options = {key: value for key, value in proof.items() if key not in ("proofValue", "@context")}
    try:
        hashed = _hash_data(unsecured, options, extra_contexts)
    except CanonicalizationError as error:
        raise ProofError(f"The credential cannot be canonicalised: {error}") from None
    try:
        public_key.verify(signature, hashed)
    except InvalidSignature:
        return False
    return True
