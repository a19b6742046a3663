"""Who sees which activity, and what an expired or unreleased one does."""

from django.urls import reverse

from activities.models import Enrollment
from tests.factories import ActivityFactory, EnrollmentFactory, make_quiz


def activity_with_posttest(**fields):
    """An activity that can award credit: it has a post-test."""
    activity = ActivityFactory(**fields)
    make_quiz(activity, "post", questions=1)
    return activity


def detail_url(activity):
    return reverse("journey:activity", args=[activity.slug])


def start_url(activity):
    return reverse("journey:start", args=[activity.slug])


class TestCatalog:
    def test_it_lists_released_activities_with_their_facts(self, client, db):
        activity = ActivityFactory(title="Frontline HER2 update", max_credits="0.75", estimated_minutes=45)
        html = client.get(reverse("journey:catalog")).text
        assert "Frontline HER2 update" in html
        assert "0.75" in html and "45 minutes" in html
        assert activity.expiration_date.strftime("%B %-d, %Y") in html
        assert "Your status" not in html  # anonymous visitors have no status

    def test_it_shows_each_learner_their_own_status_only(self, alice_client, bob_client, alice):
        activity = activity_with_posttest(title="Maintenance strategies")
        EnrollmentFactory(user=alice, activity=activity)

        assert "Your status: In progress" in alice_client.get(reverse("journey:catalog")).text
        assert "Your status: Not started" in bob_client.get(reverse("journey:catalog")).text

    def test_unreleased_activities_are_hidden_from_learners(self, alice_client, client):
        ActivityFactory(title="Coming soon", unreleased=True)
        assert "Coming soon" not in alice_client.get(reverse("journey:catalog")).text
        assert "Coming soon" not in client.get(reverse("journey:catalog")).text

    def test_staff_see_unreleased_activities_marked_as_previews(self, staff_client):
        ActivityFactory(title="Coming soon", unreleased=True)
        html = staff_client.get(reverse("journey:catalog")).text
        assert "Coming soon" in html
        assert "Staff preview: not yet released" in html

    def test_expired_activities_stay_listed_without_credit(self, client, db):
        ActivityFactory(title="Last year update", expired=True)
        html = client.get(reverse("journey:catalog")).text
        assert "Last year update" in html
        assert "Credit no longer offered" in html

    def test_its_queries_do_not_grow_with_the_catalog(self, alice_client, alice, django_assert_max_num_queries):
        for _ in range(6):
            EnrollmentFactory(user=alice, activity=activity_with_posttest())
        # session, user, the content version (the learner's page key; cached after the first request),
        # activities, then the journeys: quizzes, enrollments, attempts, evaluations, claims
        with django_assert_max_num_queries(9):
            alice_client.get(reverse("journey:catalog"))


class TestReleaseAndExpiry:
    def test_an_unreleased_activity_is_a_404_for_learners_and_visitors(self, alice_client, client):
        activity = ActivityFactory(unreleased=True)
        assert alice_client.get(detail_url(activity)).status_code == 404
        assert client.get(detail_url(activity)).status_code == 404
        assert alice_client.post(start_url(activity)).status_code == 404

    def test_staff_preview_an_unreleased_activity(self, staff_client):
        activity = ActivityFactory(unreleased=True)
        response = staff_client.get(detail_url(activity))
        assert response.status_code == 200
        assert "This is a staff preview." in response.text
        assert "Start the activity" not in response.text

    def test_an_expired_activity_stays_readable_but_offers_no_credit(self, alice_client):
        activity = ActivityFactory(expired=True, body="## Findings\n\nThe article text.")
        response = alice_client.get(detail_url(activity))
        assert response.status_code == 200
        assert "The article text." in response.text
        assert "Credit for this activity ended on" in response.text
        assert "Start the activity" not in response.text

    def test_an_expired_activity_cannot_be_started(self, alice_client, alice):
        activity = ActivityFactory(expired=True)
        response = alice_client.post(start_url(activity), follow=True)
        assert "Credit for this activity ended on" in response.text
        assert not Enrollment.objects.exists()


class TestStarting:
    def test_visitors_are_asked_to_sign_in(self, client, db):
        activity = activity_with_posttest()
        html = client.get(detail_url(activity)).text
        assert "Create a free account" in html and "Sign in" in html
        response = client.post(start_url(activity))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not Enrollment.objects.exists()

    def test_a_learner_starts_after_the_front_matter(self, alice_client, alice):
        activity = activity_with_posttest()
        html = alice_client.get(detail_url(activity)).text
        assert 'aria-current="step"' in html
        assert 'Front matter<span class="visually-hidden"> (current step)' in html

        response = alice_client.post(start_url(activity))

        assert response["Location"] == detail_url(activity) + "#article"
        html = alice_client.get(detail_url(activity)).text
        assert 'Front matter<span class="visually-hidden"> (done)' in html
        assert 'Article<span class="visually-hidden"> (current step)' in html
        assert "Go to the article" in html

    def test_starting_twice_keeps_one_enrollment(self, alice_client, alice):
        activity = ActivityFactory()
        alice_client.post(start_url(activity))
        alice_client.post(start_url(activity))
        assert Enrollment.objects.filter(user=alice, activity=activity).count() == 1

    def test_starting_needs_a_post(self, alice_client):
        activity = ActivityFactory()
        response = alice_client.get(start_url(activity))  # e.g. the redirect after signing in
        assert response["Location"] == detail_url(activity)
        assert not Enrollment.objects.exists()

    def test_one_learners_start_is_not_anothers(self, alice_client, bob_client, alice):
        activity = ActivityFactory()
        alice_client.post(start_url(activity))
        assert 'Front matter<span class="visually-hidden"> (current step)' in bob_client.get(detail_url(activity)).text


def test_an_expired_activity_with_a_pretest_stays_readable(client, db):
    from tests.factories import make_quiz

    activity = ActivityFactory(expired=True, pretest_required=True, body="Still readable text.")
    make_quiz(activity, "pre", questions=1)
    assert "Still readable text." in client.get(detail_url(activity)).text
