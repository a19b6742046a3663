"""Every certificate is also a signed Open Badges 3.0 credential with a revocation status list entry."""

import json
import threading
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import ActionLogEntry
from credentials.dataintegrity import verify
from credentials.did import issuer_public_key, site_did
from credentials.jsonld import CREDENTIALS_V2, OPEN_BADGES_V3
from credentials.keys import new_private_multikey
from credits import badges, services
from credits.models import STATUS_LIST_SIZE, Certificate, CreditClaim, StatusList
from credits.services import certificate_credential, certificate_revoke, credit_claim
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, UserFactory, make_quiz


@pytest.fixture
def certificate(ready, activity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return credit_claim(user=ready, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False)


def credential_of(certificate) -> dict:
    certificate.refresh_from_db()
    return json.loads(certificate.credential_json)


def served_status_list(client, credential) -> dict:
    response = client.get(credential["credentialStatus"]["statusListCredential"].removeprefix(_site()))
    assert response.status_code == 200
    return json.loads(response.content)


def _site() -> str:
    from django.conf import settings

    return settings.SITE_URL


class TestTheCredential:
    def test_it_is_issued_with_the_certificate_and_says_what_the_certificate_says(self, certificate, ready, activity):
        credential = credential_of(certificate)
        assert credential["@context"] == [CREDENTIALS_V2, OPEN_BADGES_V3]
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert credential["id"] == _site() + f"/verify/{certificate.verification_code}/credential.json"
        assert credential["validFrom"] == certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert credential["issuer"] == {
            "id": site_did(),
            "type": ["Profile"],
            "name": activity.provider.name,
            "url": _site() + "/",
            "email": activity.provider.contact_email,
        }
        subject = credential["credentialSubject"]
        assert subject["creditsEarned"] == 0.5
        assert subject["result"][0]["value"] == "0.50 AMA PRA Category 1 Credits™"
        assert subject["result"][0]["resultDescription"] == subject["achievement"]["resultDescription"][0]["id"]
        achievement = subject["achievement"]
        assert achievement["name"] == activity.title
        assert achievement["creditsAvailable"] == float(activity.max_credits)
        assert achievement["criteria"]["narrative"]
        assert subject["identifier"][0] == {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": ready.certificate_name,
        }
        status = credential["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
        assert status["statusListIndex"] == str(certificate.status_index)
        assert status["statusListCredential"] == _site() + f"/credentials/status/{certificate.status_list_id}"

    def test_it_verifies_against_the_sites_key(self, certificate):
        credential = credential_of(certificate)
        proof = credential["proof"]
        assert proof["cryptosuite"] == "eddsa-rdfc-2022" and proof["proofPurpose"] == "assertionMethod"
        assert verify(credential, public_key=issuer_public_key(proof["verificationMethod"]))
        credential["credentialSubject"]["creditsEarned"] = 15
        assert not verify(credential, public_key=issuer_public_key(proof["verificationMethod"]))

    def test_the_public_copy_names_the_learner_as_the_certificate_does_and_nothing_more(self, certificate, ready):
        # Not even a salted hash of the email: from the printed name, an address is guessed and checked in a moment.
        text = Client().get(reverse("credits:verify_credential", args=[certificate.verification_code])).text
        for private in (ready.email, ready.email.split("@")[0], ready.npi, "emailAddress", "salt", "sha256$"):
            assert private not in text
        assert json.loads(text)["credentialSubject"]["identifier"] == [
            {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": ready.certificate_name}
        ]

    def test_a_certificate_of_participation_earns_no_credit_in_it(
        self, user_factory, activity, django_capture_on_commit_callbacks
    ):
        from accounts.models import Profession

        nurse = user_factory(profession=Profession.OTHER_HCP, degree="OTHER", degree_other="RN", npi="")
        pass_posttest(nurse, activity)
        evaluate(nurse, activity)
        with django_capture_on_commit_callbacks(execute=True):
            issued = credit_claim(
                user=nurse, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False
            )
        subject = credential_of(issued)["credentialSubject"]
        assert "creditsEarned" not in subject
        assert "participation" in subject["result"][0]["value"].lower()
        assert subject["achievement"]["creditsAvailable"] == 0.5

    def test_it_is_kept_as_first_issued(self, certificate, ready, settings):
        first = credential_of(certificate).copy()
        ready.first_name = "Changed"
        ready.save()
        settings.CREDENTIAL_SIGNING_KEY = new_private_multikey()
        certificate.refresh_from_db()
        assert json.loads(certificate_credential(certificate=certificate)) == first
        assert ActionLogEntry.objects.filter(action="credential.issued", object_id=str(certificate.pk)).count() == 1

    def test_a_certificate_recorded_without_one_gets_it_on_first_use(self, certificate):
        Certificate.objects.filter(pk=certificate.pk).update(credential_json="")
        certificate.refresh_from_db()
        text = certificate_credential(certificate=certificate)
        assert certificate_credential(certificate=Certificate.objects.get(pk=certificate.pk)) == text

    def test_whole_credits_are_json_integers(self, user_factory, db, django_capture_on_commit_callbacks):
        # Python's 1.0 is JavaScript's 1: an integer in RDF, not a double, or the signature fails there.
        activity = ActivityFactory(pretest_required=False, max_credits=Decimal("2.00"))
        make_quiz(activity, "post", questions=1)
        learner = user_factory()
        pass_posttest(learner, activity)
        evaluate(learner, activity)
        with django_capture_on_commit_callbacks(execute=True):
            issued = credit_claim(
                user=learner, activity=activity, amount=Decimal("2.00"), attested=True, pars_consent=False
            )
        text = Certificate.objects.get(pk=issued.pk).credential_json
        assert '"creditsEarned": 2,' in text and '"creditsAvailable": 2,' in text


class TestWhereItIsServed:
    def test_the_learner_downloads_it_from_the_certificate_page_and_the_transcript(self, alice_client, certificate):
        url = reverse("credits:certificate_credential", args=[certificate.number])
        assert url in alice_client.get(certificate.get_absolute_url()).text
        assert url in alice_client.get(reverse("credits:transcript")).text
        response = alice_client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}-open-badge.json"'
        assert response.content.decode() == Certificate.objects.get(pk=certificate.pk).credential_json

    def test_another_learner_gets_a_404(self, bob_client, certificate):
        assert bob_client.get(reverse("credits:certificate_credential", args=[certificate.number])).status_code == 404

    def test_a_revoked_certificate_offers_no_download(self, alice_client, certificate, staff_user):
        certificate_revoke(certificate=certificate, reason="Issued in error", by=staff_user)
        url = reverse("credits:certificate_credential", args=[certificate.number])
        assert alice_client.get(url).status_code == 410
        assert url not in alice_client.get(reverse("credits:transcript")).text

    def test_the_verification_page_links_it_and_offers_linkedin(self, client, certificate):
        page = client.get(certificate.verification_path)
        link = reverse("credits:verify_credential", args=[certificate.verification_code])
        assert (
            f'href="{link}"' in page.text
            and f'<link rel="alternate" type="application/json" href="{link}">' in page.text
        )
        assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name=" in page.text
        assert "certId=" + certificate.number in page.text
        assert "Accept" in page["Vary"]

    def test_the_verification_page_answers_json_with_the_credential(self, client, certificate):
        for accept, media_type in [
            ("application/json", "application/json"),
            ("application/ld+json", "application/ld+json"),
            ("application/vc", "application/vc"),
            ("application/vc+ld+json", "application/vc+ld+json"),
            ('application/ld+json; profile="https://www.w3.org/ns/credentials/v2"', "application/ld+json"),
        ]:
            response = client.get(certificate.verification_path, headers={"accept": accept})
            assert response.status_code == 200
            assert response["Content-Type"] == f"{media_type}; charset=utf-8"
            assert response.content.decode() == Certificate.objects.get(pk=certificate.pk).credential_json
            assert "Accept" in response["Vary"] and response["Access-Control-Allow-Origin"] == "*"
        browser = client.get(certificate.verification_path, headers={"accept": "text/html,*/*;q=0.8"})
        assert browser["Content-Type"].startswith("text/html")

    def test_an_unknown_code_is_a_json_404_a_browser_verifier_can_read(self, client, db):
        response = client.get(reverse("credits:verify_credential", args=["nope"]))
        assert response.status_code == 404 and "No certificate" in response.json()["error"]
        assert response["Access-Control-Allow-Origin"] == "*"
        response = client.get(reverse("credits:verify", args=["nope"]), headers={"accept": "application/json"})
        assert response.status_code == 404 and response["Content-Type"] == "application/json"

    def test_a_revoked_certificate_has_no_linkedin_link_but_its_credential_is_still_served(
        self, client, certificate, staff_user
    ):
        certificate_revoke(certificate=certificate, reason="Issued in error", by=staff_user)
        assert "linkedin.com" not in client.get(certificate.verification_path).text
        assert client.get(reverse("credits:verify_credential", args=[certificate.verification_code])).status_code == 200

    def test_a_certificate_revoked_before_its_credential_was_issued_gets_none(self, client, certificate, staff_user):
        Certificate.objects.filter(pk=certificate.pk).update(credential_json="")
        certificate_revoke(certificate=certificate, reason="Issued in error", by=staff_user)
        response = client.get(reverse("credits:verify_credential", args=[certificate.verification_code]))
        assert response.status_code == 410 and response.json()["revoked"] is True
        assert Certificate.objects.get(pk=certificate.pk).credential_json == ""


class TestTheStatusList:
    def test_it_is_signed_holds_131072_entries_and_is_updated_by_revocation(self, client, certificate, staff_user):
        credential = credential_of(certificate)
        index = int(credential["credentialStatus"]["statusListIndex"])
        before = served_status_list(client, credential)
        assert before["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert before["issuer"] == credential["issuer"]["id"]
        assert before["credentialSubject"]["statusPurpose"] == "revocation"
        bits = badges.decoded_list(before["credentialSubject"]["encodedList"])
        assert len(bits) * 8 == STATUS_LIST_SIZE >= 131_072
        assert not any(bits)
        assert verify(before, public_key=issuer_public_key(before["proof"]["verificationMethod"]))

        certificate_revoke(certificate=certificate, reason="Issued in error", by=staff_user)
        after = served_status_list(client, credential)
        bits = badges.decoded_list(after["credentialSubject"]["encodedList"])
        assert bits[index // 8] == 0x80 >> (index % 8)
        assert sum(bin(byte).count("1") for byte in bits) == 1
        assert verify(after, public_key=issuer_public_key(after["proof"]["verificationMethod"]))

    def test_the_same_state_signs_to_the_same_text(self, client, certificate):
        credential = credential_of(certificate)
        url = credential["credentialStatus"]["statusListCredential"].removeprefix(_site())
        first = client.get(url).content
        from django.core.cache import cache

        cache.clear()
        assert client.get(url).content == first

    def test_an_unknown_list_is_a_404(self, client, db):
        assert client.get(reverse("credits:status_list", args=[99])).status_code == 404

    def test_the_bit_order_is_the_specifications(self):
        # Index 0 is the leftmost bit of the first byte (Bitstring Status List §3.2).
        assert badges.decoded_list(badges.encoded_list([0, 9], size=16)) == bytes([0x80, 0x40])


class TestStatusPlaces:
    def test_certificates_take_distinct_random_places_and_a_full_list_opens_the_next(self, db, monkeypatch):
        monkeypatch.setattr(services, "STATUS_LIST_CAPACITY", 5)
        places = services._status_places(count=7)
        assert [number for number, _ in places] == [1, 1, 1, 1, 1, 2, 2]
        assert len(set(places)) == 7 and all(0 <= index < STATUS_LIST_SIZE for _, index in places)
        assert list(StatusList.objects.values_list("number", "allocated")) == [(1, 5), (2, 2)]

    def test_the_database_refuses_two_certificates_in_one_place(self, certificate, user_factory, activity):
        from django.db import IntegrityError, transaction

        other = user_factory()
        pass_posttest(other, activity)
        evaluate(other, activity)
        second = credit_claim(user=other, activity=activity, amount=Decimal("0.25"), attested=True, pars_consent=False)
        with pytest.raises(IntegrityError), transaction.atomic():
            Certificate.objects.filter(pk=second.pk).update(
                status_list=certificate.status_list_id, status_index=certificate.status_index
            )


class TestTheIndependentVerifier:
    def test_it_verifies_a_valid_credential_and_sees_a_revoked_one_as_revoked(
        self, client, certificate, staff_user, node_verify
    ):
        credential = credential_of(certificate)
        controller = client.get("/.well-known/did.json").json()
        status_url = credential["credentialStatus"]["statusListCredential"]
        valid = node_verify(credential, controller, {status_url: served_status_list(client, credential)})
        assert valid == {"verified": True, "errors": [], "revoked": False}

        certificate_revoke(certificate=certificate, reason="Issued in error", by=staff_user)
        revoked = node_verify(credential, controller, {status_url: served_status_list(client, credential)})
        assert revoked == {"verified": True, "errors": [], "revoked": True}

    def test_a_forged_status_list_is_refused(self, client, certificate, node_verify):
        credential = credential_of(certificate)
        controller = client.get("/.well-known/did.json").json()
        forged = served_status_list(client, credential)
        forged["credentialSubject"]["encodedList"] = badges.encoded_list([int(certificate.status_index)])
        result = node_verify(credential, controller, {forged["id"]: forged})
        assert result["verified"] is False


def test_the_migration_places_every_certificate_issued_before_it(transactional_db):
    """Certificates issued before status lists existed each get their own random place in list 1."""
    import datetime

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("credits", "0005_commitment_to_change")], [("credits", "0006_status_list_and_credential")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    # The apps below credits stay at their latest state; only credits steps back.
    below = [node for node in executor.loader.graph.leaf_nodes() if node[0] in ("activities", "accounts")]
    old = executor.loader.project_state(before + below).apps
    provider = old.get_model("activities", "AccreditedProvider").objects.create(
        name="Old provider", contact_email="cme@old.example", accreditation_statement="Accredited."
    )
    activity = old.get_model("activities", "Activity").objects.create(
        slug="old", title="Old", topic="Breast cancer", summary="S", provider=provider,
        activity_type="enduring material", target_audience="Oncologists", max_credits=Decimal("1.00"),
        estimated_minutes=60,
        release_date=datetime.date(2025, 1, 1), expiration_date=datetime.date(2027, 1, 1), body="B",
    )  # fmt: skip
    Claim, OldCertificate = old.get_model("credits", "CreditClaim"), old.get_model("credits", "Certificate")
    for number in range(3):
        learner = old.get_model("accounts", "User").objects.create(email=f"old{number}@example.org")
        claim = Claim.objects.create(user=learner, activity=activity, credit_type="ama_pra_1", amount=Decimal("1.00"))
        OldCertificate.objects.create(
            claim=claim, number=f"CME-2025-{number:06d}", verification_code=f"code{number}", snapshot={},
            issued_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
        )  # fmt: skip
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        places = list(new.get_model("credits", "Certificate").objects.values_list("status_list", "status_index"))
        assert len(set(places)) == 3 and {number for number, _ in places} == {1}
        assert list(new.get_model("credits", "StatusList").objects.values_list("number", "allocated")) == [(1, 3)]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.postgres_only
def test_parallel_transactions_take_distinct_places_in_one_list(transactional_db):
    """The open list's row lock alone keeps places apart (a claim also holds its year's number row; this does not)."""
    from django.db import connection, transaction

    from tests.concurrency import run_in_parallel

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers")
    activity = ActivityFactory(pretest_required=False)
    claims = []
    for _ in range(12):
        learner = UserFactory()
        claims.append(CreditClaim.objects.create(
            user=learner, activity=activity, credit_type="ama_pra_1", amount=Decimal("0.25"), attestation="x"
        ))  # fmt: skip
    queue = list(claims)
    lock = threading.Lock()

    def take_a_place_and_hold_it():
        with lock:
            claim = queue.pop()
        with transaction.atomic():
            ((number, index),) = services._status_places(count=1)
            Certificate.objects.create(
                claim=claim, number=f"CME-2026-{claim.pk:06d}", verification_code=f"code-{claim.pk}", snapshot={},
                issued_at=timezone.now(), status_list_id=number, status_index=index,
            )  # fmt: skip
        return number, index

    places = run_in_parallel(take_a_place_and_hold_it, threads=len(claims))
    assert len(set(places)) == len(claims) and {number for number, _ in places} == {1}
    assert list(StatusList.objects.values_list("number", "allocated")) == [(1, len(claims))]
