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

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from credentials.jsonld import canonize
from credentials.multibase import multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
# xsd:dateTimeStamp as the spec's `created` takes it: a time zone is required.
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


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
    if not _DATETIME.match(created):
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


def verify(document: dict, *, public_key: Ed25519PublicKey, extra_contexts: dict | None = None) -> bool:
    """Whether the document's proof is an intact eddsa-rdfc-2022 signature by this key.

    A proof of another type or suite, or malformed, raises ProofError; a signature
    that does not match (the document or the proof changed) returns False.
    """
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("The document carries no single proof.")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"Not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}.")
    if not _DATETIME.match(str(proof.get("created", ""))):
        raise ProofError("The proof's created is not an XML date-time with a time zone.")
    if "@context" in proof:
        # The proof may name contexts only as the document's own first entries, in order.
        contexts = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
        document_contexts = document.get("@context", [])
        document_contexts = document_contexts if isinstance(document_contexts, list) else [document_contexts]
        if document_contexts[: len(contexts)] != contexts:
            raise ProofError("The proof's @context does not match the document's.")
    try:
        signature = multibase_decode(str(proof.get("proofValue", "")))
    except ValueError as error:
        raise ProofError(f"The proofValue is not base58btc multibase: {error}") from None
    if len(signature) != 64:
        raise ProofError("An Ed25519 signature is 64 bytes.")
    options = {key: value for key, value in proof.items() if key not in ("proofValue", "@context")}
    try:
        public_key.verify(signature, _hash_data(document, options, extra_contexts))
    except InvalidSignature:
        return False
    return True
