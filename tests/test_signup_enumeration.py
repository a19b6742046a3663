"""Sign-up answers a taken email exactly as it answers a new one, and does the same password work."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from accounts.models import User


class CountingHasher(MD5PasswordHasher):
    """The suite's fast hasher, counting how many passwords it hashes."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.test_signup_enumeration.CountingHasher", *settings.PASSWORD_HASHERS]
    CountingHasher.hashed = 0
    return CountingHasher


def sign_up(client, email, password, hasher):
    before = hasher.hashed
    response = client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})
    return response, hasher.hashed - before


def page_without(response, email) -> str:
    # The page names the address it wrote to; everything else must match byte for byte.
    text = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)


def test_a_taken_email_costs_as_many_password_hashes_as_a_new_one(client, alice, password, counting_hasher):
    _, new_hashes = sign_up(client, "new.doctor@example.org", password, counting_hasher)
    _, taken_hashes = sign_up(client, "alice@example.org", password, counting_hasher)

    assert User.objects.filter(email="new.doctor@example.org").exists()
    assert User.objects.filter(email__iexact="alice@example.org").count() == 1
    assert new_hashes == taken_hashes == 1


def test_a_taken_email_gets_the_same_redirect_and_page_as_a_new_one(alice, password, counting_hasher):
    # Two visitors, each with their own session and so their own "confirmation sent" message.
    new_client, taken_client = Client(), Client()
    new_response, _ = sign_up(new_client, "new.doctor@example.org", password, counting_hasher)
    taken_response, _ = sign_up(taken_client, "alice@example.org", password, counting_hasher)

    assert new_response.status_code == taken_response.status_code == 302
    assert new_response["Location"] == taken_response["Location"] == reverse("account_email_verification_sent")
    new_page, taken_page = new_client.get(new_response["Location"]), taken_client.get(taken_response["Location"])
    assert new_page.status_code == taken_page.status_code == 200
    assert "Confirmation email sent to alice@example.org." in taken_page.text
    assert page_without(new_page, "new.doctor@example.org") == page_without(taken_page, "alice@example.org")


def test_a_repeated_sign_up_for_a_taken_email_still_hashes_once(client, alice, password, counting_hasher):
    # The second "account exists" mail within minutes is rate-limited away; the hashing is not.
    sign_up(client, "alice@example.org", password, counting_hasher)
    _, hashes = sign_up(client, "alice@example.org", password, counting_hasher)
    assert hashes == 1
