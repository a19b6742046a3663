"""The error summary lists problems in page order, each linking to its field; a radio group's link
names its question and lands on its first radio."""

import re

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from activities.models import LearningObjective
from tests.credits.conftest import pass_posttest
from tests.test_profile import valid_profile


def summary_links(html: str) -> list[tuple[str, str]]:
    summary = html.split('<div class="form-errors" role="alert">')[1].split("</div>")[0]
    return [
        (href, " ".join(text.split()))
        for href, text in re.findall(r'<li><a href="([^"]*)">(.*?)</a></li>', summary, re.S)
    ]


def summary_items(html: str) -> list[str]:
    summary = html.split('<div class="form-errors" role="alert">')[1].split("</div>")[0]
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]


def field_ids_in_page_order(html: str) -> list[str]:
    form = html.split('<form class="form')[1].split("</form>")[0]
    return re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', form)


def test_the_evaluation_summary_follows_the_page_and_links_radio_groups_to_their_first_radio(
    alice_client, alice, activity
):
    pass_posttest(alice, activity)
    first = activity.objectives.get()
    second = LearningObjective.objects.create(activity=activity, position=2, text="Select second-line therapy.")
    url = f"/activities/{activity.slug}/evaluation/"

    response = alice_client.post(
        url, {"practice_change": "yes", "change_description": " ", "free_of_commercial_bias": "no"}
    )

    assert response.status_code == 200
    links = summary_links(response.text)
    assert links == [
        (f"#id_objective_{first.pk}_0", f"{first.text} This field is required."),
        (f"#id_objective_{second.pk}_0", "Select second-line therapy. This field is required."),
        ("#id_relevance_0", "The content is relevant to my practice. This field is required."),
        ("#id_change_description", "If yes, what will you change? Tell us what you intend to change."),
        (
            "#id_bias_comment",
            "If not, please describe the bias you saw. Please describe the commercial bias you noticed.",
        ),
        ("#id_overall_quality_0", "Overall, how would you rate this activity? This field is required."),
    ]
    # Every link lands on an element of the page, and in the order the page shows them.
    page_ids = field_ids_in_page_order(response.text)
    positions = [page_ids.index(href.removeprefix("#")) for href, _ in links]
    assert positions == sorted(positions)
    # The first radio of the group carries the id the link targets.
    assert re.search(r'<input type="radio" name="relevance" value="1"[^>]* id="id_relevance_0">', response.text)


def test_the_profile_summary_follows_the_page(alice_client):
    data = valid_profile(first_name="", npi="12345", license_region="", license_number="77", birth_day="")
    response = alice_client.post(reverse("accounts:profile"), data)

    hrefs = [href for href, _ in summary_links(response.text)]
    assert hrefs == ["#id_first_name", "#id_npi", "#id_license_region", "#id_birth_day"]
    page_ids = field_ids_in_page_order(response.text)
    positions = [page_ids.index(href.removeprefix("#")) for href in hrefs]
    assert positions == sorted(positions)


class DatesForm(forms.Form):
    start = forms.DateField(label="From")
    choice = forms.ChoiceField(label="Pick one", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The whole form is wrong.")


def test_errors_about_the_whole_form_come_first():
    form = DatesForm(data={"start": "not a date"})
    form.is_valid()

    html = render_to_string("includes/error_summary.html", {"form": form})

    assert summary_items(html) == [
        "The whole form is wrong.",
        "This field is required.",  # a hidden field: no field to link to
        "From: Enter a valid date.",
        "Pick one: This field is required.",
    ]
    assert summary_links(html) == [
        ("#id_start", "From: Enter a valid date."),
        ("#id_choice_0", "Pick one: This field is required."),
    ]
