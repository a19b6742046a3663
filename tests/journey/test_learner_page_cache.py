"""A learner's own pages are cached for them alone, and whatever changes what they show shows on the next request.

The activity page, catalog, question page and result page are kept per learner
under their pages version (moved by the services in the write's transaction) and a
digest of their account row. These tests read a page (so it is stored), change
something through the service or screen a user would use, and read it again.
"""

import html
import re

import pytest
from django.contrib.messages import constants, get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from activities.models import Enrollment
from credits.services import certificate_revoke, evaluation_submit
from journey.services import activity_start, credit_claim, quiz_start
from quizzes.models import AttemptItem
from quizzes.services import attempt_answer, attempt_submit
from tests.credits.conftest import EVALUATION
from tests.factories import ActivityFactory, make_quiz
from tests.quizzes.conftest import answer

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')


@pytest.fixture
def activity(db):
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    return activity


def seen(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # Each serving carries its own CSRF token; everything else is the page.
    return CSRF_VALUE.sub('name="csrfmiddlewaretoken" value="…"', html.unescape(response.text))


def test_an_unchanged_learners_page_is_served_from_their_cache(alice, alice_client, activity):
    page = activity.get_absolute_url()
    first = seen(alice_client, page)
    Enrollment.objects.create(user=alice, activity=activity)  # behind the services' back: no version moved
    assert seen(alice_client, page) == first
    assert 'Front matter<span class="visually-hidden"> (done)' not in first


def test_every_step_shows_on_the_next_request(alice, alice_client, staff_user, activity):
    """Each service a learner's step goes through moves their pages version, so no page is left behind."""
    page, catalog = activity.get_absolute_url(), reverse("journey:catalog")

    def step(change, *, url=page, status=None):
        """Read the page (and the catalog), make the change, read again: the change shows at once."""
        before = {url: seen(alice_client, url), catalog: seen(alice_client, catalog)}
        result = change()
        after = {url: seen(alice_client, url), catalog: seen(alice_client, catalog)}
        assert after[url] != before[url], change
        if status:  # the catalog, read and kept before the change, shows the new standing too
            assert f"Your status: {status}" not in before[catalog]
            assert f"Your status: {status}" in after[catalog]
        return result, after[url]

    _, shown = step(lambda: activity_start(user=alice, activity=activity), status="In progress")
    assert 'Front matter<span class="visually-hidden"> (done)' in shown
    attempt, shown = step(lambda: quiz_start(user=alice, activity=activity, kind="post"))
    assert "Continue the post-test" in shown or "Resume" in shown

    question_page = attempt.page_url(1)
    item = AttemptItem.objects.filter(attempt=attempt).select_related("version").get(position=1)
    choice = item.version.choices.get(is_correct=True)
    assert " checked" not in seen(alice_client, question_page)
    _, shown = step(lambda: attempt_answer(attempt=attempt, position=1, choice_id=choice.pk), url=question_page)
    assert shown.count(" checked") == 1

    answer(attempt, correct=2)
    result_page = attempt.get_absolute_url()
    seen(alice_client, page)
    _, shown = step(lambda: attempt_submit(attempt=attempt), status="Passed")
    assert "Your status: Passed" in shown
    assert "2 of 2" in seen(alice_client, result_page) or "2/2" in seen(alice_client, result_page)

    ratings = {objective.pk: 5 for objective in activity.objectives.all()}
    step(lambda: evaluation_submit(user=alice, activity=activity, answers=dict(EVALUATION), objective_ratings=ratings))

    def claim():
        return credit_claim(user=alice, activity=activity, amount=activity.max_credits, attested=True,
                            pars_consent=False)  # fmt: skip

    certificate, shown = step(claim, status="Credit claimed")
    assert "Your status: Credit claimed" in shown
    _, shown = step(lambda: certificate_revoke(certificate=certificate, reason="Not confirmed.", by=staff_user),
                    status="Certificate revoked")  # fmt: skip
    assert "Your status: Certificate revoked" in shown


def test_a_profile_change_made_anywhere_shows_at_once(alice, alice_client, activity):
    page = activity.get_absolute_url()
    assert "alice@example.org" in seen(alice_client, page)
    # Not through a service: an admin or a shell edit of the account row shows all the same.
    User.objects.filter(pk=alice.pk).update(email="alice.new@example.org")
    assert "alice.new@example.org" in seen(alice_client, page)


def test_no_learner_is_served_anothers_page(alice, alice_client, bob, bob_client, activity):
    page = activity.get_absolute_url()
    for learner in (alice, bob):
        activity_start(user=learner, activity=activity)
        quiz_start(user=learner, activity=activity, kind="post")
    # Same activity, same state, same versions: only the learner tells the pages apart.
    User.objects.filter(pk=bob.pk).update(pages_version=User.objects.get(pk=alice.pk).pages_version)
    alices, bobs = seen(alice_client, page), seen(bob_client, page)
    assert alice.email in alices and bob.email not in alices
    assert bob.email in bobs and alice.email not in bobs
    assert alice.email in seen(alice_client, page)  # and again, from the cache
    assert alice.email not in seen(Client(), page)  # a visitor's page is its own


def test_each_serving_carries_a_token_for_the_browsers_own_secret(alice, activity):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = activity.get_absolute_url()
    stored = CSRF_VALUE.search(client.get(page).text).group()
    # The browser loses its CSRF cookie (cleared, another device): the page now comes from the
    # cache, and its token must be masked from the new secret, not the one it was rendered with.
    del client.cookies["csrftoken"]
    Enrollment.objects.create(user=alice, activity=activity)  # behind the services' back: proves a cache hit
    response = client.get(page)
    assert 'Front matter<span class="visually-hidden"> (done)' not in response.text
    served = CSRF_VALUE.search(response.text).group()
    assert served != stored
    Enrollment.objects.filter(user=alice, activity=activity).delete()
    token = served.split('value="')[1].rstrip('"')
    response = client.post(reverse("journey:start", args=[activity.slug]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302  # not 403: the form carried a token for this browser's secret
    assert Enrollment.objects.filter(user=alice, activity=activity).exists()


def test_a_page_with_a_waiting_message_is_neither_served_from_nor_kept_in_the_cache(alice_client, activity):
    page = activity.get_absolute_url()
    plain = seen(alice_client, page)
    response = alice_client.get(reverse("journey:catalog"))
    storage = get_messages(response.wsgi_request)
    storage.add(constants.SUCCESS, "Your answers are saved.")
    storage.update(response)
    alice_client.cookies.update(response.cookies)
    assert "Your answers are saved." in seen(alice_client, page)
    assert seen(alice_client, page) == plain


def test_staff_pages_are_rendered_each_time(staff_user, activity):
    client = Client()
    client.force_login(staff_user)
    page = activity.get_absolute_url()
    seen(client, page)
    Enrollment.objects.create(user=staff_user, activity=activity)
    assert 'Front matter<span class="visually-hidden"> (done)' in seen(client, page)


def test_a_whole_row_save_keeps_a_pages_version_moved_meanwhile(alice, activity):
    loaded = User.objects.get(pk=alice.pk)  # as the admin or allauth loads it
    activity_start(user=alice, activity=activity)
    moved = User.objects.get(pk=alice.pk).pages_version
    loaded.save()  # a save of the row as loaded, with nothing else changed
    assert User.objects.get(pk=alice.pk).pages_version == moved


def test_without_a_redis_for_pages_learner_pages_are_rendered_each_time(alice, alice_client, activity, settings):
    settings.CACHE_LEARNER_PAGES = False
    page = activity.get_absolute_url()
    seen(alice_client, page)
    Enrollment.objects.create(user=alice, activity=activity)
    assert 'Front matter<span class="visually-hidden"> (done)' in seen(alice_client, page)


def test_a_learners_page_is_private_to_their_browser(alice_client, activity):
    for _ in range(2):
        response = alice_client.get(activity.get_absolute_url())
        assert "private" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
