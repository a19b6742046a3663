"""Staff author activities, objectives, faculty and disclosures in Django admin."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from activities.models import Activity, Contributor, FinancialRelationship, LearningObjective, Person

INLINE_PREFIXES = ("objectives", "contributors", "references", "charts")


def management_form(prefix: str, total: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def activity_form(provider_id: int, **overrides) -> dict:
    data = {
        "title": "Adjuvant update",
        "slug": "adjuvant-update",
        "topic": "Breast cancer",
        "summary": "Short summary.",
        "provider": str(provider_id),
        "activity_type": "enduring material",
        "max_credits": "0.75",
        "estimated_minutes": "45",
        "release_date": "2026-01-01",
        "expiration_date": "2026-12-31",
        "target_audience": "Oncologists",
        "mitigation_statement": "Mitigated by peer review.",
        "commercial_support_statement": "None.",
        "off_label_statement": "May discuss off-label use.",
        "pretest_required": "on",
        "body": "## Findings\n\n[chart: missing-chart]",
        "follow_up_days": "60",  # the admin form's default
    }
    for prefix in INLINE_PREFIXES:
        data.update(management_form(prefix))
    data.update(
        {
            **management_form("objectives", 1),
            "objectives-0-position": "1",
            "objectives-0-text": "Compare adjuvant regimens.",
        }
    )
    data.update(overrides)
    return data


def test_staff_create_an_activity_with_objectives(staff_client, seed_activity):
    response = staff_client.post(
        reverse("admin:activities_activity_add"), activity_form(seed_activity.provider_id), follow=True
    )
    assert response.status_code == 200
    activity = Activity.objects.get(slug="adjuvant-update")
    assert str(activity.max_credits) == "0.75"
    assert list(LearningObjective.objects.filter(activity=activity).values_list("text", flat=True)) == [
        "Compare adjuvant regimens."
    ]
    assert "The article refers to [chart: missing-chart], but the activity has no such chart." in response.text


def test_the_admin_refuses_credits_off_the_quarter_steps(staff_client, seed_activity):
    response = staff_client.post(
        reverse("admin:activities_activity_add"), activity_form(seed_activity.provider_id, max_credits="0.30")
    )
    assert response.status_code == 200
    assert "Credit is designated in steps of 0.25." in response.text
    assert not Activity.objects.filter(slug="adjuvant-update").exists()


def test_the_admin_refuses_an_expiry_before_release(staff_client, seed_activity):
    data = activity_form(seed_activity.provider_id, expiration_date="2025-12-31")
    response = staff_client.post(reverse("admin:activities_activity_add"), data)
    assert "The expiration date must come after the release date." in response.text
    assert not Activity.objects.filter(slug="adjuvant-update").exists()


def test_staff_record_a_disclosure_for_a_contributor(staff_client, seed_activity):
    person = Person.objects.create(full_name="Ana Lima", credentials="MD")
    contributor = Contributor.objects.create(activity=seed_activity, person=person, role="author", position=9)
    data = {
        "activity": str(seed_activity.pk),
        "person": str(person.pk),
        "role": "author",
        "position": "9",
        **management_form("relationships", 1),
        "relationships-0-company": "Example Pharma",
        "relationships-0-nature": "Speakers bureau",
    }
    staff_client.post(reverse("admin:activities_contributor_change", args=[contributor.pk]), data)
    assert FinancialRelationship.objects.filter(contributor=contributor, company="Example Pharma").exists()
    html = staff_client.get(seed_activity.get_absolute_url()).text
    assert "Speakers bureau: Example Pharma" in html


def test_the_change_page_links_to_the_page_learners_see(staff_client, seed_activity):
    change = staff_client.get(reverse("admin:activities_activity_change", args=[seed_activity.pk]))
    assert change.status_code == 200
    assert "View on site" in change.text
    content_type = ContentType.objects.get_for_model(Activity)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, seed_activity.pk])
    response = staff_client.get(view_on_site)
    assert response.status_code == 302
    assert response["Location"].endswith(seed_activity.get_absolute_url())


def test_learners_cannot_reach_activity_admin(alice_client, seed_activity):
    response = alice_client.get(reverse("admin:activities_activity_change", args=[seed_activity.pk]))
    assert response.status_code == 302


def reference_fields(**overrides) -> dict:
    fields = {
        "position": "1",
        "trial": "PATINA",
        "first_author": "Metzger O",
        "title": "Palbociclib for Hormone-Receptor-Positive, HER2-Positive Advanced Breast Cancer",
        "journal": "N Engl J Med",
        "year": "2026",
        "volume": "394",
        "pages": "451-462",
        "doi": "",
        "note": "DOI not yet confirmed.",
        **overrides,
    }
    return {**management_form("references", 1), **{f"references-0-{key}": value for key, value in fields.items()}}


def test_staff_enter_a_full_citation_for_a_reference(staff_client, seed_activity):
    data = activity_form(seed_activity.provider_id, **reference_fields(doi="10.1056/NEJMoa0000000"))
    staff_client.post(reverse("admin:activities_activity_add"), data)
    reference = Activity.objects.get(slug="adjuvant-update").references.get()
    assert (reference.first_author, reference.volume, reference.pages, reference.doi) == (
        "Metzger O",
        "394",
        "451-462",
        "10.1056/NEJMoa0000000",
    )


def test_the_admin_refuses_a_doi_given_as_a_link(staff_client, seed_activity):
    data = activity_form(seed_activity.provider_id, **reference_fields(doi="https://doi.org/10.1056/NEJMoa0000000"))
    response = staff_client.post(reverse("admin:activities_activity_add"), data)
    assert "without https://doi.org/" in response.text
    assert not Activity.objects.filter(slug="adjuvant-update").exists()


def test_the_reference_form_shows_the_citation_fields(staff_client, seed_activity):
    html = staff_client.get(reverse("admin:activities_activity_change", args=[seed_activity.pk])).text
    for field in ("first_author", "volume", "pages", "doi", "note"):
        assert f'name="references-0-{field}"' in html
