"""A field required only in some cases says when; only truly optional fields say "(optional)"."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.forms import ProfileForm
from activities.models import LearningObjective
from credits.forms import EvaluationForm
from tests.credits.conftest import pass_posttest


def label_of(html: str, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.DOTALL)
    assert match, f"no label for {field_id}"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


PROFILE_LABELS = {
    "id_degree_other": "Other degree / credential (required if you chose Other)",
    "id_npi": "NPI (required for US physicians)",
    "id_certifying_board": "Certifying board (required if you give a board ID)",
    "id_license_region": "State / province of licensure (required if you give a license number)",
    "id_birth_month": "Month (required if you give the day)",
    "id_birth_day": "Day (required if you give the month)",
    "id_specialty": "Specialty (optional)",
    "id_board_id": "Board ID (optional)",
    "id_license_number": "License number (optional)",
    "id_first_name": "First name",
    "id_country": "Country",
}


@pytest.mark.parametrize(("field_id", "label"), PROFILE_LABELS.items())
def test_the_profile_page_labels(alice_client, field_id, label):
    html = alice_client.get(reverse("accounts:profile")).text
    assert label_of(html, field_id) == label


EVALUATION_LABELS = {
    "id_change_description": "If yes, what will you change? (required if you answered Yes)",
    "id_bias_comment": "If not, please describe the bias you saw. (required if you answered No)",
    "id_comments": "Any other comments? (optional)",
}


@pytest.mark.parametrize(("field_id", "label"), EVALUATION_LABELS.items())
def test_the_evaluation_form_labels(field_id, label):
    form = EvaluationForm(objectives=[LearningObjective(pk=1, text="Compare.")])
    name = field_id.removeprefix("id_")
    html = render_to_string("includes/field.html", {"field": form[name]})
    assert label_of(html, field_id) == label


def test_the_evaluation_page_labels(alice_client, alice, activity):
    pass_posttest(alice, activity)
    html = alice_client.get(f"/activities/{activity.slug}/evaluation/").text
    for field_id, label in EVALUATION_LABELS.items():
        assert label_of(html, field_id) == label


def test_every_optional_profile_field_is_either_marked_optional_or_says_when_it_is_required():
    form = ProfileForm()
    for name, field in form.fields.items():
        if not field.required:
            html = render_to_string("includes/field.html", {"field": form[name]})
            condition = getattr(field, "required_when", "")
            assert ("(optional)" in html) != bool(condition), name
