"""The profile page sends the learner back where they came from, and only to a page of this site."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.test_profile import valid_profile

PROFILE_URL = reverse("accounts:profile")
CLAIM_PATH = "/activities/her2-update/claim/"


def test_without_next_the_page_saves_and_stays(alice_client):
    page = alice_client.get(PROFILE_URL)
    assert ">Save profile</button>" in page.text
    assert 'name="next"' not in page.text
    assert "Go back without saving" not in page.text

    response = alice_client.post(PROFILE_URL, valid_profile())
    assert response["Location"] == PROFILE_URL


def test_with_next_the_page_carries_it_and_says_it_will_continue(alice_client):
    page = alice_client.get(PROFILE_URL, {"next": CLAIM_PATH})

    assert page.status_code == 200
    assert f'<input type="hidden" name="next" value="{CLAIM_PATH}">' in page.text
    assert ">Save and continue</button>" in page.text
    assert "Save profile" not in page.text
    assert f'<a class="button button--secondary" href="{CLAIM_PATH}">Go back without saving</a>' in page.text


def test_a_saved_profile_returns_to_next_with_the_success_message(alice_client, alice):
    response = alice_client.post(PROFILE_URL, valid_profile(first_name="Maria", next=CLAIM_PATH))

    assert response.status_code == 302
    assert response["Location"] == CLAIM_PATH
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["Your profile has been saved."]
    alice.refresh_from_db()
    assert alice.first_name == "Maria"


def test_next_keeps_its_query_string(alice_client):
    target = "/activities/her2-update/?tab=article"
    response = alice_client.post(PROFILE_URL, valid_profile(next=target))
    assert response["Location"] == target


def test_rejected_input_keeps_next_for_the_second_try(alice_client):
    response = alice_client.post(PROFILE_URL, valid_profile(first_name="", next=CLAIM_PATH))

    assert response.status_code == 200
    assert f'<input type="hidden" name="next" value="{CLAIM_PATH}">' in response.text
    assert ">Save and continue</button>" in response.text


def test_next_on_the_query_string_of_a_post_is_not_used(alice_client):
    # The form posts next as a hidden field; a next in the action's query string is not the form's.
    response = alice_client.post(f"{PROFILE_URL}?next={CLAIM_PATH}", valid_profile())
    assert response["Location"] == PROFILE_URL


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/",
        "//evil.example/activities/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "http://testserver/activities/her2-update/",  # this site, but not a path: ignored too
        "javascript:alert(1)",
        "activities/her2-update/",
        "/activities/her2-update/\r\nSet-Cookie: a=b",
        "/activities/ her2-update/",
        "\x01/evil.example/",
    ],
)
def test_anything_but_a_path_on_this_site_is_ignored(alice_client, hostile):
    page = alice_client.get(PROFILE_URL, {"next": hostile})
    assert 'name="next"' not in page.text
    assert ">Save profile</button>" in page.text
    assert "evil.example" not in page.text

    response = alice_client.post(PROFILE_URL, valid_profile(next=hostile))
    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL


def test_a_signed_out_visitor_signs_in_and_comes_back_with_next(client, alice, password):
    response = client.get(f"{PROFILE_URL}?next={CLAIM_PATH}")
    assert response.status_code == 302
    login_url = urlsplit(response["Location"])
    assert login_url.path == reverse("account_login")
    back_to = parse_qs(login_url.query)["next"][0]
    assert back_to == f"{PROFILE_URL}?next={CLAIM_PATH}"

    # Sign-in returns to the profile page, which still knows where to go afterward.
    response = client.post(reverse("account_login"), {"login": alice.email, "password": password, "next": back_to})
    assert response["Location"] == back_to
    assert f'<input type="hidden" name="next" value="{CLAIM_PATH}">' in client.get(back_to).text
