"""Open Badges 3.0: the credential each certificate also exists as, and the revocation status lists.

What is built here is unsigned; credits.services signs a certificate's
credential once and keeps it, and credits.selectors signs the status lists as
they are served. Numbers are written as JSON integers when whole: a verifier in
JavaScript reads 1.0 as the integer 1, and the canonical RDF of an integer and a
double differ, so a float 1.0 would break the signature there.
"""

import base64
import gzip
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from credentials.did import site_did
from credentials.jsonld import CREDENTIALS_V2, OPEN_BADGES_V3
from credits.models import STATUS_LIST_SIZE, Certificate
from credits.wording import credit_line, is_physician_credit

CRITERIA = (
    "Read the activity, pass its post-test, complete the evaluation and attest to the credit claimed, "
    "commensurate with the extent of participation."
)
LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def timestamp(moment: datetime) -> str:
    """A moment as VC 2.0 writes it: UTC, to the second, with Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("credits:verify_credential", args=[certificate.verification_code])


def status_list_url(number: int) -> str:
    return settings.SITE_URL + reverse("credits:status_list", args=[number])


def issuer_profile(provider) -> dict:
    return {
        "id": site_did(),
        "type": ["Profile"],
        "name": provider.name,
        "url": settings.SITE_URL + "/",
        "email": provider.contact_email,
    }


def open_badge_credential(certificate: Certificate) -> dict:
    """The OpenBadgeCredential for a certificate, unsigned.

    The learner is identified as the certificate and its verification page name
    them, and by nothing else: anyone may hold the credential (it is public at the
    verification link), and even a salted hash of an email address is confirmed
    in a moment by whoever can guess the address from the name. The words come from
    the certificate's frozen snapshot, as do the activity's summary, topic and
    maximum credit for certificates issued since the snapshot kept them.

    Credit earned is stated only for AMA PRA Category 1 Credit™: a certificate of
    participation records time, not credit, and says so in its result.
    """
    snapshot, claim = certificate.snapshot, certificate.claim
    activity = claim.activity
    max_credits = Decimal(snapshot.get("max_credits") or activity.max_credits)
    achievement_url = settings.SITE_URL + reverse("journey:activity", args=[activity.slug])
    credit_type_result = f"{achievement_url}#credit-awarded"
    issued = timestamp(certificate.issued_at)
    return {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": credential_url(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": snapshot["document_title"],
        "description": f"Certificate {snapshot['number']}: {snapshot['learner_name']} {snapshot['completion_phrase']} "
        f"{snapshot['activity_title']} and was awarded {credit_line(snapshot)}.",
        "issuer": issuer_profile(activity.provider),
        "validFrom": issued,
        "awardedDate": issued,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": snapshot["learner_name"],
                },
            ],
            "activityEndDate": timestamp(claim.claimed_at),
            **({"creditsEarned": _number(claim.amount)} if is_physician_credit(claim.credit_type) else {}),
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": credit_type_result,
                    "value": credit_line(snapshot),
                    "status": "Completed",
                }
            ],
            "achievement": {
                "id": achievement_url,
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": snapshot["activity_title"],
                "description": snapshot.get("activity_summary", activity.summary),
                "criteria": {"id": achievement_url, "narrative": CRITERIA},
                "creditsAvailable": _number(max_credits),
                "fieldOfStudy": snapshot.get("activity_topic", activity.topic),
                "resultDescription": [
                    {
                        "id": credit_type_result,
                        "type": ["ResultDescription"],
                        "name": "Credit awarded",
                        "resultType": "Status",
                    }
                ],
                "inLanguage": "en",
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url(certificate.status_list_id)}#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": status_list_url(certificate.status_list_id),
        },
    }


def encoded_list(indices, *, size: int = STATUS_LIST_SIZE) -> str:
    """The bitstring with these indices set, GZIP-compressed and base64url-encoded as a multibase ('u') string.

    Index 0 is the first (most significant) bit of the first byte, as the
    Bitstring Status List specification has it. The GZIP header carries no
    timestamp, so the same list always encodes the same way.
    """
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decoded_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("An encoded status list is a base64url multibase string starting with 'u'.")
    text = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def status_list_credential(*, number: int, revoked_indices, valid_from: datetime) -> dict:
    """A BitstringStatusListCredential (purpose revocation), unsigned."""
    url = status_list_url(number)
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": site_did(),
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked_indices),
        },
    }


def linkedin_add_to_profile_url(certificate: Certificate) -> str:
    """LinkedIn's "Add to profile" link, filled in with the certificate as a licence or certification."""
    snapshot = certificate.snapshot
    issued = datetime.fromisoformat(snapshot["issued_at"])
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": snapshot["activity_title"],
        "organizationName": snapshot["provider"],
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": snapshot["verify_url"],
        "certId": snapshot["number"],
    }
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(query)}"
