"""Failed logins: a guesser is slowed per account and address, but cannot lock the owner out."""

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

TOO_MANY = "Too many failed login attempts"


def log_in(email, password, ip):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response, SESSION_KEY in client.session


def test_five_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(alice, password):
    for _ in range(5):
        response, _ = log_in("alice@example.org", "a-wrong-guess", "10.0.0.1")
        assert TOO_MANY not in response.text

    response, signed_in = log_in("alice@example.org", password, "10.0.0.2")

    assert signed_in
    assert response.status_code == 302


def test_the_sixth_attempt_on_one_account_from_one_address_is_refused(alice, password):
    for _ in range(5):
        log_in("alice@example.org", "a-wrong-guess", "10.0.0.1")

    response, signed_in = log_in("alice@example.org", password, "10.0.0.1")

    assert TOO_MANY in response.text
    assert not signed_in


def test_the_per_address_limit_refuses_the_eleventh_failure_in_a_minute_across_accounts(user_factory, password):
    accounts = [user_factory(email=f"learner{number}@example.org").email for number in range(3)]
    for attempt in range(10):
        response, _ = log_in(accounts[attempt % 3], "a-wrong-guess", "10.0.0.1")
        assert TOO_MANY not in response.text

    response, signed_in = log_in(accounts[0], password, "10.0.0.1")

    assert TOO_MANY in response.text
    assert not signed_in
    # Another address is unaffected.
    assert log_in(accounts[0], password, "10.0.0.2")[1]
