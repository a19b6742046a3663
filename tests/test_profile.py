import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Degree, Profession, User
from accounts.selectors import profile_missing_for_certificate

PROFILE_URL = reverse("accounts:profile")


def valid_profile(**overrides):
    data = {
        "first_name": "Maria",
        "last_name": "Gonzalez-Ortiz",
        "degree": "MD",
        "degree_other": "",
        "profession": "physician",
        "specialty": "Medical oncology",
        "npi": "1245319599",
        "certifying_board": "ABIM",
        "board_id": "334455",
        "birth_month": "2",
        "birth_day": "29",
        "country": "US",
        "license_region": "new york",
        "license_number": "123456-1",
    }
    data.update(overrides)
    return data


def test_it_requires_login(client):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_shows_the_learners_own_details(alice_client, alice):
    response = alice_client.get(PROFILE_URL)
    assert response.status_code == 200
    assert 'value="Alice"' in response.text
    assert 'value="1234567893"' in response.text


def test_it_saves_a_complete_profile(alice_client, alice):
    response = alice_client.post(PROFILE_URL, valid_profile(), follow=True)

    assert response.redirect_chain == [(PROFILE_URL, 302)]
    assert "Your profile has been saved." in response.text
    alice.refresh_from_db()
    assert alice.first_name == "Maria"
    assert alice.last_name == "Gonzalez-Ortiz"
    assert alice.npi == "1245319599"
    assert (alice.birth_month, alice.birth_day) == (2, 29)
    assert alice.license_region == "NY"  # a US state name is stored as its code
    assert alice.certificate_name == "Maria Gonzalez-Ortiz, MD"


def test_it_accepts_a_non_us_learner_without_npi(alice_client, alice):
    data = valid_profile(
        npi="", country="GB", license_region="England", degree="MBBS", certifying_board="", board_id=""
    )
    alice_client.post(PROFILE_URL, data)
    alice.refresh_from_db()
    assert (alice.npi, alice.country.code, alice.license_region) == ("", "GB", "England")
    assert alice.certificate_name.endswith(", MBBS")


def test_it_names_an_other_degree_on_the_certificate(alice_client, alice):
    alice_client.post(PROFILE_URL, valid_profile(degree="OTHER", degree_other="DNP"))
    alice.refresh_from_db()
    assert alice.certificate_name.endswith(", DNP")


def test_it_clears_the_other_degree_text_when_a_listed_degree_is_chosen(alice_client, alice):
    alice_client.post(PROFILE_URL, valid_profile(degree="DO", degree_other="left over"))
    alice.refresh_from_db()
    assert (alice.degree, alice.degree_other) == ("DO", "")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"npi": "1234567890"}, "npi", "check digit does not match"),
        ({"npi": "12345"}, "npi", "exactly 10 digits"),
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"degree": ""}, "degree", "This field is required."),
        ({"profession": "surgeon"}, "profession", "Select a valid choice."),
        ({"birth_month": "2", "birth_day": "30"}, "birth_day", "February has no day 30."),
        ({"birth_month": "4", "birth_day": ""}, "birth_day", "or neither"),
        ({"degree": "OTHER", "degree_other": " "}, "degree_other", "Name your degree"),
        ({"certifying_board": "", "board_id": "99"}, "certifying_board", "Choose the board"),
        ({"license_region": "Narnia"}, "license_region", "Enter a US state"),
        ({"license_region": "", "license_number": "77"}, "license_region", "Give the state or province"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(alice_client, alice, overrides, field, message):
    before = User.objects.values().get(pk=alice.pk)

    response = alice_client.post(PROFILE_URL, valid_profile(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "Nothing has been saved yet." in response.text
    assert f'href="#id_{field}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert User.objects.values().get(pk=alice.pk) == before


def test_rejected_input_does_not_show_in_the_page_header(alice_client):
    response = alice_client.post(PROFILE_URL, valid_profile(first_name="", npi="1234567890"))
    # The checklist of missing details reflects what is saved, not what was typed.
    assert response.context["missing"] == []


class TestDatabaseInvariants:
    """The database refuses what the form would, even for code that skips the form."""

    def assert_refused(self, **fields):
        fields.setdefault("email", "raw@example.org")
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(**fields)

    def test_npi_must_be_ten_digits(self, db):
        self.assert_refused(npi="12345")

    def test_birth_month_and_day_go_together(self, db):
        self.assert_refused(birth_month=3)

    def test_birth_month_is_a_month(self, db):
        self.assert_refused(birth_month=13, birth_day=1)

    def test_the_birth_day_must_exist(self, db):
        self.assert_refused(birth_month=2, birth_day=30)

    def test_a_board_id_needs_its_board(self, db):
        self.assert_refused(board_id="123")

    def test_an_other_degree_must_be_named(self, db):
        self.assert_refused(degree=Degree.OTHER)

    def test_emails_are_unique_ignoring_case(self, alice):
        self.assert_refused(email="ALICE@example.org")


class TestMissingForCertificate:
    def test_a_new_account_lacks_everything_the_certificate_prints(self, user_factory):
        user = user_factory(blank_profile=True)
        assert profile_missing_for_certificate(user) == [
            "first name",
            "last name",
            "degree / credential",
            "profession",
            "country",
        ]

    def test_a_us_physician_needs_an_npi(self, user_factory):
        user = user_factory(npi="", country="US", profession=Profession.PHYSICIAN)
        assert profile_missing_for_certificate(user) == ["NPI (required for US physicians)"]

    def test_others_do_not_need_an_npi(self, user_factory):
        assert profile_missing_for_certificate(user_factory(npi="", country="CA")) == []
        assert profile_missing_for_certificate(user_factory(npi="", profession=Profession.OTHER_HCP)) == []


def test_the_admin_keeps_the_same_profile_rules(staff_client, alice):
    from django.urls import reverse as admin_reverse

    url = admin_reverse("admin:accounts_user_change", args=[alice.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        {
            "birth_month": "2",
            "birth_day": "31",
            "country": "US",
            "license_region": "new yrok",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "email": "changed@example.org",
        }
    )
    data = {key: value for key, value in data.items() if not isinstance(value, list | tuple)}
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "February has no day 31." in response.text
    assert "Enter a US state or territory" in response.text
    alice.refresh_from_db()
    assert (alice.birth_month, alice.email) == (None, "alice@example.org")
