"""Text printed on certificates and transcripts refuses invisible, control and direction-changing characters.

Names in every script still go through: the rule is about characters that do
not print as typed (a right-to-left override shows "Ana" backwards, a line
break or zero-width space hides or splits text), not about alphabets.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.validators import validate_printable_text
from credits.models import ExternalCredit
from tests.test_profile import PROFILE_URL, valid_profile

HOSTILE = {
    "right-to-left override": "Ann\u202eeoJ",
    "line feed": "Jane\nDoe",
    "carriage return": "Jane\rDoe",
    "tab": "Jane\tDoe",
    "NUL": "Jane\x00",
    "byte-order mark": "\ufeffJane",
    "zero-width space": "Ja\u200bne",
    "zero-width joiner": "Ja\u200dne",
    "left-to-right isolate": "Jane\u2066",
    "soft hyphen": "Ja\u00adne",
    "line separator": "Jane\u2028Doe",
    "paragraph separator": "Jane\u2029Doe",
    "private use": "Jane\ue000",
    "unassigned": "Jane\u0378",
    "lone surrogate": "Jane\ud800",
}

NAMES = ["张伟", "محمد عبد الله", "देवनागरी", "José Ñúñez", "Zoë Łukasiewicz", "O'Neil", "D’Arcy", "Anne-Marie",
         "Jean Paul", "Nguyễn Thị Minh Khai", "Ἀλέξανδρος", "Ткаченко"]  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_validator_refuses_characters_that_do_not_print_as_typed(value):
    with pytest.raises(ValidationError) as error:
        validate_printable_text(value)
    assert error.value.code == "unprintable_character"


@pytest.mark.parametrize("value", NAMES)
def test_the_validator_keeps_letters_of_every_script_apostrophes_hyphens_and_spaces(value):
    validate_printable_text(value)


def test_the_message_names_the_character_so_the_learner_can_find_it():
    with pytest.raises(ValidationError) as error:
        validate_printable_text("Ann\u202eeoJ")
    assert error.value.messages == [
        "Remove the invisible or control character U+202E (right-to-left override): this text is printed on "
        "certificates and transcripts exactly as typed."
    ]
    with pytest.raises(ValidationError, match=r"U\+000A \(line break\)"):
        validate_printable_text("a\nb")


@pytest.mark.parametrize("field", ["first_name", "last_name", "degree_other", "specialty"])
def test_every_printed_profile_field_refuses_them_in_the_model(alice, field):
    setattr(alice, field, "Ann\u202eeoJ")
    with pytest.raises(ValidationError) as error:
        alice.full_clean(exclude=["password"])
    assert field in error.value.message_dict


@pytest.mark.parametrize("field", ["title", "provider", "credit_type"])
def test_every_printed_self_reported_field_refuses_them_in_the_model(alice, field):
    fields = {"title": "ASCO session", "provider": "ASCO", "credit_type": "AMA PRA Category 1 Credit™"}
    credit = ExternalCredit(user=alice, completed_on=date(2026, 3, 1), amount="1.00", **{**fields, field: "a\u200bb"})
    with pytest.raises(ValidationError) as error:
        credit.full_clean()
    assert field in error.value.message_dict


def test_the_profile_page_refuses_a_bidi_override_and_saves_nothing(alice_client, alice):
    response = alice_client.post(PROFILE_URL, valid_profile(last_name="Gonzalez\u202eztiO"))
    assert response.status_code == 200
    assert "U+202E (right-to-left override)" in response.text
    alice.refresh_from_db()
    assert alice.first_name == "Alice" and alice.last_name == "Anand"


@pytest.mark.parametrize("name", ["张伟", "محمد", "José Ñúñez-O'Neil"])
def test_the_profile_page_saves_names_in_any_script(alice_client, alice, name):
    alice_client.post(PROFILE_URL, valid_profile(first_name=name))
    alice.refresh_from_db()
    assert alice.first_name == name


def test_the_admin_refuses_them_too(staff_client, alice):
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"first_name": "Ali\u200bce", "groups": [], "user_permissions": [], "country": "US",
                 "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})  # fmt: skip
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "U+200B (zero width space)" in response.text
    assert User.objects.get(pk=alice.pk).first_name == "Alice"


def test_the_self_reported_form_refuses_them_and_stores_nothing(alice_client):
    data = {"title": "Tumour board\u202e", "provider": "City Hospital", "completed_on": "2026-03-01",
            "credit_type": "AMA PRA Category 1 Credit™", "amount": "1.00"}  # fmt: skip
    response = alice_client.post(reverse("credits:external_add"), data)
    assert response.status_code == 400
    assert "U+202E (right-to-left override)" in response.text
    assert not ExternalCredit.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647",
        "\u0936\u094d\u200d\u0930\u0940",
        "\u0646\u06cc\u200c\u0644\u0648\u0641\u0631",
    ],
    ids=["persian-zwnj", "devanagari-zwj", "persian-name"],
)
def test_a_joiner_between_letters_of_a_script_that_needs_it_is_kept(name):
    validate_printable_text(name)


@pytest.mark.parametrize(
    "text", ["Ja\u200cne", "\u200c\u0645\u06cc", "\u0645\u06cc\u200c", "\u0645\u200c 1", "A\u200d\u0645"]
)
def test_a_joiner_beside_latin_letters_or_at_an_end_is_refused(text):
    with pytest.raises(ValidationError):
        validate_printable_text(text)
