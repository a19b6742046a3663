"""Another learner's data is never reachable: Bob must never see or change Alice's."""

from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User


def test_the_profile_page_shows_only_the_signed_in_learner(bob_client, alice):
    response = bob_client.get(reverse("accounts:profile"))
    assert "Bob" in response.text
    assert "Alice" not in response.text
    assert alice.npi not in response.text


def test_a_posted_user_id_cannot_redirect_a_profile_edit(bob_client, alice, bob):
    before = User.objects.values().get(pk=alice.pk)
    bob_client.post(
        reverse("accounts:profile"),
        {"id": alice.pk, "user": alice.pk, "email": alice.email, "first_name": "Hacked", "last_name": "X",
         "degree": "MD", "profession": "physician", "country": "US", "npi": ""},
    )  # fmt: skip
    assert User.objects.values().get(pk=alice.pk) == before
    bob.refresh_from_db()
    assert bob.first_name == "Hacked"
    assert bob.email == "bob@example.org"


def test_the_email_page_lists_only_the_learners_own_addresses(bob_client):
    response = bob_client.get(reverse("account_email"))
    assert "bob@example.org" in response.text
    assert "alice@example.org" not in response.text


def test_a_learner_cannot_remove_or_take_over_another_learners_address(bob_client, alice):
    for action in ("action_remove", "action_primary", "action_send"):
        bob_client.post(reverse("account_email"), {action: "", "email": "alice@example.org"})

    address = EmailAddress.objects.get(email="alice@example.org")
    assert (address.user_id, address.primary, address.verified) == (alice.pk, True, True)


def test_learners_cannot_open_the_admin(bob_client, alice):
    response = bob_client.get(reverse("admin:accounts_user_change", args=[alice.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_navigation_offers_admin_to_staff_only(bob_client, staff_client):
    admin_link = f'href="{reverse("admin:index")}"'
    assert admin_link not in bob_client.get(reverse("home")).text
    assert admin_link in staff_client.get(reverse("home")).text


def test_staff_can_open_a_learner_in_the_admin(staff_client, alice):
    response = staff_client.get(reverse("admin:accounts_user_change", args=[alice.pk]))
    assert response.status_code == 200
    assert "1234567893" in response.text
