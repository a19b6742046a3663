"""Every page, including allauth's, uses the site layout and the security headers."""

import pytest
from django.urls import reverse

ANONYMOUS_PAGES = ["home", "account_login", "account_signup", "account_reset_password"]
SIGNED_IN_PAGES = [
    "home",
    "accounts:profile",
    "account_email",
    "account_change_password",
    "mfa_index",
    "account_logout",
]


def assert_uses_site_layout(response):
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert "<footer" in html
    assert "<h1" in html
    assert "<script" not in html and "style=" not in html


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_public_pages_use_the_site_layout(client, db, name):
    assert_uses_site_layout(client.get(reverse(name)))


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_account_pages_use_the_site_layout(alice_client, name):
    assert_uses_site_layout(alice_client.get(reverse(name)))


def test_every_form_field_has_a_label(client, db):
    html = client.get(reverse("account_signup")).text
    for field_id in ("id_email", "id_password1", "id_password2"):
        assert f'<label for="{field_id}">' in html


def test_the_home_page_lists_what_the_certificate_still_needs(client, user_factory):
    user = user_factory(blank_profile=True)
    client.force_login(user)
    html = client.get(reverse("home")).text
    assert "Before you can claim credit" in html
    assert "Degree / credential" in html


def test_the_home_page_shows_the_certificate_name_when_complete(alice_client, alice):
    html = alice_client.get(reverse("home")).text
    assert f"issued to <strong>{alice.certificate_name}</strong>" in html


def test_unknown_pages_get_the_site_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_responses_carry_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


def test_the_stylesheet_is_served_by_the_app(client, db):
    html = client.get(reverse("home")).text
    assert 'href="/static/css/site.css"' in html
    assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]


def test_the_favicon_request_finds_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"


def test_the_email_page_with_a_pending_change_has_no_inline_style(alice_client):
    alice_client.post(reverse("account_email"), {"action_add": "", "email": "alice.next@example.org"})
    html = alice_client.get(reverse("account_email")).text
    assert "alice.next@example.org" in html
    assert "style=" not in html


def test_a_csrf_failure_gets_the_site_page(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("accounts:profile"), {})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert "<style" not in response.text


def test_the_profile_page_links_to_password_and_two_factor(alice_client):
    html = alice_client.get(reverse("accounts:profile")).text
    assert f'href="{reverse("account_change_password")}"' in html
    assert f'href="{reverse("mfa_index")}"' in html
