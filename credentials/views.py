from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from credentials.did import did_document


@require_safe
def did_json(request: HttpRequest) -> JsonResponse:
    """The site's DID document (did:web), for anyone verifying a credential it issued."""
    response = JsonResponse(did_document(), content_type="application/did+ld+json", json_dumps_params={"indent": 2})
    # Verifiers run in browsers too (a wallet, a verifier page on another site): anyone may read it.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response
