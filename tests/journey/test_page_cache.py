"""Activity and catalog pages cached for everyone: every admin edit shows at once, and nothing personal is shared."""

import pytest
from django.contrib.messages import constants, get_messages
from django.test import Client
from django.urls import reverse

from activities.models import Activity, ChartBar, Person
from tests.audit.conftest import change_form_data, client_for


@pytest.fixture
def page(seed_activity):
    return seed_activity.get_absolute_url()


@pytest.fixture
def staff(staff_user):
    return client_for(staff_user)


def visitor_sees(url: str) -> str:
    return Client().get(url).content.decode()


def test_a_visitors_page_is_served_from_the_cache(page, seed_activity):
    first = visitor_sees(page)
    Activity.objects.filter(pk=seed_activity.pk).update(title="Changed behind the admin's back")
    assert visitor_sees(page) == first  # not rendered again: nothing moved the content version


def edit(staff, url: str, **changes) -> None:
    data = change_form_data(staff, url)
    for name, value in changes.items():
        matches = [key for key in data if key == name or key.endswith(f"-{name}")] if "*" not in name else [
            key for key in data if key.startswith(name.split("*")[0]) and key.endswith(name.split("*")[1])
        ]  # fmt: skip
        assert matches, f"no field {name} in {sorted(data)}"
        data[matches[0]] = value(data[matches[0]]) if callable(value) else value
    response = staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response


@pytest.mark.parametrize(
    ("what", "admin_url", "changes", "shown"),
    [
        ("article", "activity", {"body": lambda body: body + "\n\nA sentence added today."}, "A sentence added today."),
        ("objective", "activity", {"objectives-0-text": "Weigh the new frontline option."},
         "Weigh the new frontline option."),
        ("reference", "activity", {"references-0-title": "A retitled trial report"}, "A retitled trial report"),
        ("chart bar", "chart", {"bars-0-label": "Relabelled arm"}, "Relabelled arm"),
        ("contributor", "person", {"full_name": "Dana R. Whitfield-Okoro"}, "Dana R. Whitfield-Okoro"),
        ("provider", "provider", {"name": "Renamed Oncology Education"}, "Renamed Oncology Education"),
    ],
)  # fmt: skip
def test_each_edit_in_admin_shows_on_the_next_request(page, seed_activity, staff, what, admin_url, changes, shown,
                                                      alice_client):  # fmt: skip
    assert shown not in visitor_sees(page)
    assert shown not in alice_client.get(page).content.decode()
    targets = {
        "activity": reverse("admin:activities_activity_change", args=[seed_activity.pk]),
        "chart": reverse("admin:activities_chart_change", args=[
            ChartBar.objects.filter(chart__activity=seed_activity).order_by("chart", "position").first().chart_id]),
        "person": reverse("admin:activities_person_change", args=[
            Person.objects.get(full_name="Dana R. Whitfield").pk]),
        "provider": reverse("admin:activities_accreditedprovider_change", args=[seed_activity.provider_id]),
    }  # fmt: skip
    edit(staff, targets[admin_url], **changes)
    assert shown in visitor_sees(page), what
    assert shown in alice_client.get(page).content.decode(), what  # the shared article fragment moved too


def test_a_post_test_edit_shows_in_the_front_matter_at_once(seed_questions, staff):
    page = seed_questions.get_absolute_url()
    assert "a score of at least 90%" not in visitor_sees(page)
    edit(staff, reverse("admin:quizzes_quiz_change", args=[seed_questions.quizzes.get(kind="post").pk]),
         pass_mark_percent="90")  # fmt: skip
    assert "a score of at least 90%" in visitor_sees(page)


def test_the_catalog_moves_with_an_edit(seed_activity, staff):
    catalog = reverse("journey:catalog")
    assert "Retitled for the catalog" not in visitor_sees(catalog)
    edit(staff, reverse("admin:activities_activity_change", args=[seed_activity.pk]),
         title="Retitled for the catalog")  # fmt: skip
    assert "Retitled for the catalog" in visitor_sees(catalog)


def test_nothing_personal_is_served_from_a_shared_entry(page, alice, alice_client, bob, bob_client):
    before = visitor_sees(page)
    for learner, client in ((alice, alice_client), (bob, bob_client)):
        mine = client.get(page).content.decode()
        assert learner.email in mine or learner.first_name in mine
        assert "csrfmiddlewaretoken" in mine  # a learner's page has forms, and so is never shared
    after = visitor_sees(page)
    assert after == before
    for personal in (alice.email, bob.email, alice.first_name, bob.first_name, "csrfmiddlewaretoken", "Sign out"):
        assert personal not in after


def test_a_visitor_with_a_message_gets_their_own_page_and_the_next_visitor_does_not(page):
    shared = visitor_sees(page)
    visitor = Client()
    # A message waiting for this browser, as signing out leaves one.
    response = visitor.get(reverse("account_login"))
    storage = get_messages(response.wsgi_request)
    storage.add(constants.INFO, "You have signed out.")
    storage.update(response)
    visitor.cookies.update(response.cookies)
    assert "You have signed out." in visitor.get(page).content.decode()
    assert visitor_sees(page) == shared


def test_a_query_string_is_never_cached_but_a_campaigns_tracking_parameters_are_ignored(page):
    first = visitor_sees(page)
    Activity.objects.update(title="Seen only when rendered")
    assert visitor_sees(page + "?utm_source=email&utm_campaign=launch&mc_cid=abc") == first
    assert "Seen only when rendered" in visitor_sees(page + "?page=2")


def test_a_process_keeps_its_copy_for_seconds_only(page, monkeypatch):
    from django.core.cache import caches

    from activities import page_cache

    first = visitor_sees(page)
    Activity.objects.update(title="Changed outside the admin")
    caches["pages"].clear()  # the shared entry has expired
    assert visitor_sees(page) == first  # this process's copy, still fresh
    clock = page_cache.time.monotonic() + page_cache.LOCAL_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock)
    assert "Changed outside the admin" in visitor_sees(page)


def test_a_shared_page_varies_on_cookies_and_head_is_served_too(page):
    visitor_sees(page)
    response = Client().get(page)
    assert "Cookie" in response["Vary"]
    assert Client().head(page).status_code == 200


def test_a_broken_page_cache_costs_speed_not_the_page(page, monkeypatch):
    from activities import page_cache

    class Broken:
        def get(self, *args, **kwargs):
            raise ConnectionError("the page cache is down")

        set = get

    monkeypatch.setattr(page_cache, "pages", lambda: Broken())
    response = Client().get(page)
    assert response.status_code == 200 and b"Dana R. Whitfield" in response.content


def test_another_processs_edit_shows_within_a_second(seed_activity):
    """Each process keeps the content version it read for a second; an edit elsewhere shows after that."""
    from activities import selectors
    from activities.services import content_changed

    page = seed_activity.get_absolute_url()
    before = visitor_sees(page)
    kept = selectors.content_version()
    read_at = selectors._local_version  # (until when this process keeps it, the version)
    Activity.objects.filter(pk=seed_activity.pk).update(title="Edited in another process")
    content_changed()  # that process's edit: the shared version moved (and its own copy forgotten)
    selectors._local_version = read_at  # this process read the version a moment ago, and keeps it
    assert selectors.content_version() == kept
    assert visitor_sees(page) == before
    selectors._local_version = (read_at[0] - selectors.CONTENT_VERSION_LOCAL_SECONDS - 0.01, kept)  # a second on
    assert selectors.content_version() != kept
    assert "Edited in another process" in visitor_sees(page)
