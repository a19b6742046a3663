"""The shortest sign-up: confirming the email in the browser that signed up signs the learner in
and walks them to their profile, then to the activity they came from. Elsewhere, confirming leads
to the sign-in page with the address filled in."""

import re
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Profession, User

ACTIVITY_PATH = "/activities/her2-update/"
PROFILE_URL = reverse("accounts:profile")
SIGNUP_URL = reverse("account_signup")
LOGIN_URL = reverse("account_login")
EMAIL = "dr.okafor@example.org"


def confirmation_link() -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)


def signed_in_as(client) -> str | None:
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id).email if user_id else None


@pytest.fixture
def sign_up(db, password, django_capture_on_commit_callbacks):
    def sign_up(client, email=EMAIL, next_path=ACTIVITY_PATH):
        url = f"{SIGNUP_URL}?{urlencode({'next': next_path})}" if next_path else SIGNUP_URL
        data = {"email": email, "password1": password, "password2": password}
        if next_path:
            data["next"] = next_path
        with django_capture_on_commit_callbacks(execute=True):  # mail is queued on commit
            response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
        return confirmation_link()

    return sign_up


def test_the_sign_up_page_carries_next_into_its_form(client, db):
    page = client.get(SIGNUP_URL, {"next": ACTIVITY_PATH})
    assert f'<input type="hidden" name="next" value="{ACTIVITY_PATH}">' in page.text


class TestSameBrowser:
    def test_confirming_signs_in_and_opens_the_profile_then_the_activity(self, client, sign_up):
        link = sign_up(client)
        assert signed_in_as(client) is None

        response = client.post(link)

        assert response.status_code == 302
        assert response["Location"] == f"{PROFILE_URL}?next=%2Factivities%2Fher2-update%2F"
        assert signed_in_as(client) == EMAIL
        assert EmailAddress.objects.get(email=EMAIL).verified
        profile = client.get(response["Location"])
        assert f'<input type="hidden" name="next" value="{ACTIVITY_PATH}">' in profile.text
        assert ">Save and continue</button>" in profile.text

    def test_with_nothing_missing_from_the_profile_it_goes_straight_to_the_activity(self, client, sign_up):
        link = sign_up(client)
        User.objects.filter(email=EMAIL).update(
            first_name="Chiamaka",
            last_name="Okafor",
            degree="MD",
            profession=Profession.OTHER_HCP,
            country="GB",
        )

        response = client.post(link)

        assert response["Location"] == ACTIVITY_PATH
        assert signed_in_as(client) == EMAIL

    def test_without_next_it_opens_the_profile_that_saves_and_stays(self, client, sign_up):
        link = sign_up(client, next_path=None)

        response = client.post(link)

        assert response["Location"] == PROFILE_URL
        assert signed_in_as(client) == EMAIL

    def test_an_unsafe_next_is_dropped_at_sign_up(self, client, sign_up):
        link = sign_up(client, next_path="https://evil.example/")
        assert client.post(link)["Location"] == PROFILE_URL

    def test_opening_the_link_alone_confirms_nothing_and_signs_nobody_in(self, client, sign_up):
        # ACCOUNT_CONFIRM_EMAIL_ON_GET stays off: a mail scanner that fetches the link changes nothing.
        link = sign_up(client)

        page = client.get(link)

        assert page.status_code == 200
        assert not EmailAddress.objects.get(email=EMAIL).verified
        assert signed_in_as(client) is None

    def test_a_staff_account_still_goes_to_two_factor_set_up(self, client, sign_up):
        link = sign_up(client, next_path="/admin/")
        User.objects.filter(email=EMAIL).update(is_staff=True)

        response = client.post(link)

        # No detour to the profile: the admin it asked for sends it on to the authenticator set-up.
        assert response["Location"] == "/admin/"
        assert signed_in_as(client) == EMAIL
        assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


class TestAnotherBrowser:
    def test_confirming_leads_to_sign_in_with_the_address_filled_in(self, client, sign_up):
        link = sign_up(client)
        other = Client()

        response = other.post(link)

        assert response.status_code == 302
        assert response["Location"] == LOGIN_URL  # the address is not put in the URL
        assert signed_in_as(other) is None
        assert EmailAddress.objects.get(email=EMAIL).verified
        page = other.get(LOGIN_URL)
        assert page.context["form"]["login"].value() == EMAIL
        assert f'value="{EMAIL}"' in page.text
        # Filled in once: a later visit to the sign-in page starts empty.
        assert other.get(LOGIN_URL).context["form"]["login"].value() is None

    def test_signing_in_there_goes_to_the_home_page_as_usual(self, client, sign_up, password):
        link = sign_up(client)
        other = Client()
        other.post(link)

        response = other.post(LOGIN_URL, {"login": EMAIL, "password": password})

        assert response["Location"] == reverse("home")
        assert signed_in_as(other) == EMAIL

    def test_a_confirmation_link_never_signs_in_a_browser_that_signed_up_someone_else(self, client, sign_up):
        other_link = sign_up(Client(), email="dr.reyes@example.org")
        sign_up(client)  # this browser has its own sign-up pending

        response = client.post(other_link)

        assert response["Location"] == LOGIN_URL
        assert signed_in_as(client) is None
        assert client.get(LOGIN_URL).context["form"]["login"].value() == "dr.reyes@example.org"

    def test_after_the_pending_sign_in_times_out_it_is_the_sign_in_page(self, client, sign_up, settings):
        link = sign_up(client)
        settings.ACCOUNT_LOGIN_TIMEOUT = -1

        response = client.post(link)

        assert response["Location"] == LOGIN_URL
        assert signed_in_as(client) is None


def test_a_taken_email_with_next_is_answered_like_a_new_one(db, alice, password):
    answers = []
    for email in ("new.doctor@example.org", alice.email):
        response = Client().post(
            f"{SIGNUP_URL}?next={ACTIVITY_PATH}",
            {"email": email, "password1": password, "password2": password, "next": ACTIVITY_PATH},
        )
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1] == (302, reverse("account_email_verification_sent"))
