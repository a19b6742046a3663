"""The independent verifier (tests/node) and helpers the credential tests share."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from credentials.jsonld import pinned_contexts

NODE_DIR = Path(__file__).resolve().parent.parent / "node"


@pytest.fixture(scope="module")
def node_verify():
    node = shutil.which("node")
    if not node or not (NODE_DIR / "node_modules").is_dir():
        message = "Node or tests/node/node_modules is missing (apt-get install -y nodejs npm; make test runs npm ci)"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)

    def verify(credential: dict, controller: dict, documents: dict | None = None) -> dict:
        given = {
            "credential": credential,
            "controller": controller,
            "contexts": pinned_contexts(),
            "documents": documents or {},
        }
        done = subprocess.run(
            [node, "verify.mjs"], input=json.dumps(given), cwd=NODE_DIR, capture_output=True, text=True, timeout=60,
            check=True,
        )  # fmt: skip
        return json.loads(done.stdout)

    return verify


def controller_for(did: str, public_multikey: str) -> dict:
    """A controller (DID) document naming one Multikey for assertions."""
    method = f"{did}#{public_multikey}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": did, "publicKeyMultibase": public_multikey}
        ],
        "assertionMethod": [method],
    }
