"""Sign-up, email verification, login, logout, password reset, email change and 2FA."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from accounts.models import User

LOGIN_URL = reverse("account_login")
NEW_PASSWORD = "a-new-and-long-passphrase"


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def log_in(client, email, password):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def is_logged_in(client) -> bool:
    return SESSION_KEY in client.session


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 code, computed independently of allauth."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class TestSignup:
    def test_a_physician_signs_up_and_confirming_signs_in(
        self, client, db, password, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):  # mail is queued on commit
            response = client.post(
                reverse("account_signup"),
                {"email": "New.Doctor@Example.org", "password1": password, "password2": password},
            )
        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
        assert not is_logged_in(client)
        user = User.objects.get(email__iexact="new.doctor@example.org")
        assert not EmailAddress.objects.get(user=user).verified

        assert len(mail.outbox) == 1
        confirm_url = link_in(mail.outbox[0])
        page = client.get(confirm_url)
        assert page.status_code == 200
        assert not is_logged_in(client)  # opening the link confirms nothing (ACCOUNT_CONFIRM_EMAIL_ON_GET is off)
        response = client.post(confirm_url)
        assert EmailAddress.objects.get(user=user).verified
        # Confirmed in the browser that signed up: signed in, and on to the empty profile.
        assert is_logged_in(client)
        assert response["Location"] == reverse("accounts:profile")

        client.post(reverse("account_logout"))
        response = log_in(client, "new.doctor@example.org", password)
        assert response.status_code == 302
        assert is_logged_in(client)

    def test_an_unverified_user_cannot_log_in(self, client, user_factory, password, django_capture_on_commit_callbacks):
        user_factory(email="pending@example.org", email_verified=False)

        with django_capture_on_commit_callbacks(execute=True):
            response = log_in(client, "pending@example.org", password)

        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
        assert not is_logged_in(client)
        # The attempt re-sends the confirmation link instead.
        assert len(mail.outbox) == 1

    def test_a_taken_email_does_not_create_a_second_account(self, client, alice, password):
        client.post(
            reverse("account_signup"),
            {"email": "ALICE@example.org", "password1": password, "password2": password},
        )
        assert User.objects.filter(email__iexact="alice@example.org").count() == 1


class TestLoginAndLogout:
    def test_a_verified_user_logs_in_with_email_and_password(self, client, alice, password):
        response = log_in(client, "alice@example.org", password)
        assert response["Location"] == reverse("home")
        assert is_logged_in(client)

    def test_a_wrong_password_is_refused(self, client, alice):
        response = log_in(client, "alice@example.org", "not-the-password")
        assert response.status_code == 200
        assert "The email address and/or password you specified are not correct." in response.text
        assert not is_logged_in(client)

    def test_failed_logins_are_rate_limited_per_account(self, client, alice, password):
        for _ in range(5):
            log_in(client, "alice@example.org", "guess")

        response = log_in(client, "alice@example.org", password)

        assert "Too many failed login attempts" in response.text
        assert not is_logged_in(client)

    def test_logout_needs_a_post(self, alice_client):
        page = alice_client.get(reverse("account_logout"))
        assert page.status_code == 200
        assert is_logged_in(alice_client)

        alice_client.post(reverse("account_logout"))
        assert not is_logged_in(alice_client)


def test_a_forgotten_password_is_reset_by_email(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1

    response = client.get(link_in(mail.outbox[0]))
    set_password_url = response["Location"]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert log_in(client, "alice@example.org", NEW_PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_a_learner_changes_their_email_after_confirming_the_new_one(
    alice_client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("account_email"), {"action_add": "", "email": "alice.new@example.org"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"  # nothing changes until the new address is confirmed

    confirm_url = link_in(mail.outbox[-1])
    assert "alice.new@example.org" in mail.outbox[-1].to
    alice_client.post(confirm_url)

    alice.refresh_from_db()
    assert alice.email == "alice.new@example.org"
    assert list(EmailAddress.objects.filter(user=alice).values_list("email", "primary", "verified")) == [
        ("alice.new@example.org", True, True)
    ]


class TestTwoFactor:
    @pytest.fixture
    def logged_in(self, client, alice, password):
        # allauth asks for the password again before anyone turns on 2FA.
        log_in(client, alice.email, password)
        assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": password})
        return client

    def test_a_learner_turns_on_totp_and_gets_recovery_codes(self, logged_in, alice):
        page = logged_in.get(reverse("mfa_activate_totp"))
        secret = page.context["form"].secret

        response = logged_in.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

        assert response.status_code == 302
        kinds = set(Authenticator.objects.filter(user=alice).values_list("type", flat=True))
        assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}

    def test_a_wrong_code_does_not_turn_on_totp(self, logged_in, alice):
        logged_in.get(reverse("mfa_activate_totp"))
        response = logged_in.post(reverse("mfa_activate_totp"), {"code": "000000"})
        assert response.status_code == 200
        assert not Authenticator.objects.filter(user=alice).exists()

    def test_login_then_asks_for_the_second_factor(self, logged_in, alice, password):
        secret = logged_in.get(reverse("mfa_activate_totp")).context["form"].secret
        logged_in.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        logged_in.post(reverse("account_logout"))

        response = log_in(logged_in, alice.email, password)
        assert response["Location"] == reverse("mfa_authenticate")
        assert not is_logged_in(logged_in)

        recovery = Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES)
        code = recovery.wrap().get_unused_codes()[0]
        logged_in.post(reverse("mfa_authenticate"), {"code": code})
        assert is_logged_in(logged_in)


def test_staff_sign_in_to_the_admin_through_allauth(client, staff_user, password):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.post(reverse("admin:login"), {"username": staff_user.email, "password": password})
    assert not is_logged_in(client)  # the admin's own password form is not a way around 2FA and rate limits


def test_the_authenticator_page_describes_its_qr_code_and_lets_the_secret_be_copied(client, alice, password):
    log_in(client, alice.email, password)
    client.post(reverse("account_reauthenticate"), {"password": password})
    html = client.get(reverse("mfa_activate_totp")).text
    assert 'alt="QR code to scan with your authenticator app"' in html
    secret_input = html.split('id="authenticator_secret"')[1].split(">")[0]
    assert "readonly" in secret_input and "disabled" not in secret_input
