"""The commitment-to-change follow-up: emailed through the task queue when due, one reminder a week later,
answered once by its learner only, and never sent to anyone who declined.

Time moves by patching django.utils.timezone.now (`travel`), so the same code the worker runs decides
what is due; the suite's task backend keeps tasks enqueued with run_after until a test runs them.
"""

import io
import os
import re
import threading
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends

from credits.models import (
    Barrier,
    CommitmentOutcome,
    Evaluation,
    FollowUp,
    FollowUpDeclined,
    Implementation,
    OutcomeBarrier,
)
from credits.selectors import (
    OTHER_BARRIER,
    commitment_barrier_counts,
    commitment_implementation_rates,
    followup_response_rates,
)
from credits.services import FOLLOWUP_REMINDER_AFTER, followup_decline, followup_respond, followup_send_due
from journey.services import evaluation_submit
from notifications.models import OutboundEmail
from tests.browser import conftest as browser_fixtures
from tests.concurrency import run_in_parallel
from tests.credits.conftest import EVALUATION, pass_posttest
from tests.factories import DEFAULT_PASSWORD, ActivityFactory, UserFactory, make_quiz
from tests.stored import everything_stored

CHANGES = [("Check LVEF every 3 months on trastuzumab.", 5), ("Offer tucatinib for active brain metastases.", 3)]


@contextmanager
def travel(moment):
    """Be at `moment` for everything that asks django.utils.timezone.now: services, models and the task queue."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def tasks_backend():
    backend = task_backends["default"]
    backend.deferred.clear()
    yield backend
    backend.deferred.clear()


def commit(user, activity, *, changes=CHANGES, follow_up=True) -> Evaluation:
    """The learner passes the post-test and evaluates the activity, committing to changes."""
    pass_posttest(user, activity)
    ratings = {objective.pk: 5 for objective in activity.objectives.all()}
    return evaluation_submit(
        user=user, activity=activity, answers=dict(EVALUATION), objective_ratings=ratings,
        commitments=changes, follow_up=follow_up,
    )  # fmt: skip


def send(followup: FollowUp) -> FollowUp:
    """Run the sender at the follow-up's due time."""
    assert followup_send_due(now=followup.due_at) >= 1
    followup.refresh_from_db()
    return followup


def answers_for(followup: FollowUp, **overrides) -> dict:
    first, second = followup.evaluation.commitments.order_by("position")
    data = {
        f"commitment_{first.pk}_implementation": "fully",
        f"commitment_{first.pk}_barriers": ["cost"],
        f"commitment_{second.pk}_implementation": "partially",
        f"commitment_{second.pk}_barriers": ["time", "patient_preference"],
        f"commitment_{second.pk}_other": "The infusion chairs were booked weeks ahead.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def followup_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/follow-ups/\d+/)", body)
    assert match, body
    return match.group(1)


@pytest.fixture
def committed(alice, activity):
    return commit(alice, activity).follow_up


@pytest.fixture
def sent(committed):
    return send(committed)


class TestTheWholeWay:
    def test_evaluation_to_email_to_answer(
        self, alice, alice_client, client, activity, tasks_backend, django_capture_on_commit_callbacks
    ):
        pass_posttest(alice, activity)
        data = {f"objective_{objective.pk}": "5" for objective in activity.objectives.all()}
        data.update(relevance="4", practice_change="no", free_of_commercial_bias="yes", overall_quality="5",
                    commitment_1_text=CHANGES[0][0], commitment_1_strength="5",
                    commitment_2_text=CHANGES[1][0], commitment_2_strength="3", follow_up="on")  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            alice_client.post(reverse("journey:evaluation", args=[activity.slug]), data)

        # Scheduled 60 days after the evaluation, with a deferred task to wake the worker then.
        followup = FollowUp.objects.get(evaluation__user=alice)
        assert followup.due_at == followup.evaluation.submitted_at + timedelta(days=60)
        (wake,) = tasks_backend.deferred
        assert wake.task.run_after == followup.due_at
        with travel(followup.due_at - timedelta(seconds=1)):
            assert followup_send_due() == 0  # not a second early
        assert mail.outbox == []

        # The worker runs the task when its time comes; the email goes through the outbound queue.
        with travel(followup.due_at + timedelta(minutes=1)), django_capture_on_commit_callbacks(execute=True):
            tasks_backend.run_deferred()
        (message,) = mail.outbox
        assert message.to == ["alice@example.org"]
        assert message.subject.endswith(f"How did your practice changes go? ({activity.title})")
        assert CHANGES[0][0] in message.body and "Stop follow-up emails" in message.body
        path = followup_path(message.body)
        assert OutboundEmail.objects.get().kind == "followup"

        # The link works once signed in.
        signed_out = client.get(path)
        assert signed_out.status_code == 302 and signed_out["Location"].startswith(reverse("account_login"))
        page = alice_client.get(path)
        assert page.status_code == 200
        assert CHANGES[1][0] in page.text and "Did you make change 2?" in page.text

        response = alice_client.post(path, answers_for(followup), follow=True)
        assert "Thank you: your answers are recorded." in response.text
        assert "Partially implemented. In the way: not enough time; patient preference." in response.text
        outcomes = CommitmentOutcome.objects.order_by("commitment__position")
        assert [o.implementation for o in outcomes] == [Implementation.FULLY, Implementation.PARTIALLY]
        assert sorted(OutcomeBarrier.objects.values_list("barrier", flat=True)) == [
            "cost", "patient_preference", "time"
        ]  # fmt: skip
        assert outcomes[1].other_barrier == "The infusion chairs were booked weeks ahead."
        followup.refresh_from_db()
        assert followup.responded_at is not None

        # The reminder's wake-up finds it answered and sends nothing.
        (reminder_wake,) = tasks_backend.deferred
        assert reminder_wake.task.run_after == followup.sent_at + FOLLOWUP_REMINDER_AFTER
        with travel(followup.sent_at + timedelta(days=30)), django_capture_on_commit_callbacks(execute=True):
            tasks_backend.run_deferred()
        assert len(mail.outbox) == 1
        assert tasks_backend.deferred == []


class TestTheReminder:
    def test_it_goes_once_a_week_later_and_nothing_after(self, sent, tasks_backend, django_capture_on_commit_callbacks):
        week_later = sent.sent_at + FOLLOWUP_REMINDER_AFTER
        assert followup_send_due(now=week_later - timedelta(seconds=1)) == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert followup_send_due(now=week_later) == 1
        for later in (week_later, week_later + timedelta(days=7), week_later + timedelta(days=365)):
            assert followup_send_due(now=later) == 0
        assert list(OutboundEmail.objects.order_by("pk").values_list("kind", flat=True)) == [
            "followup", "followup_reminder"
        ]  # fmt: skip
        reminder = mail.outbox[-1]
        assert "Reminder: how did your practice changes go?" in reminder.subject
        assert "This is our only reminder" in reminder.body
        assert followup_path(reminder.body) == sent.get_absolute_url()
        assert tasks_backend.deferred == []  # nothing is scheduled after the reminder

    def test_an_answer_before_it_is_due_stops_it(self, sent, alice_client):
        alice_client.post(sent.get_absolute_url(), answers_for(sent))
        assert followup_send_due(now=sent.sent_at + timedelta(days=8)) == 0
        assert OutboundEmail.objects.filter(kind="followup_reminder").count() == 0


class TestDeclining:
    def test_declining_at_the_evaluation_means_nothing_is_ever_sent(self, alice, alice_client, activity):
        followup = commit(alice, activity, follow_up=False).follow_up
        assert followup.declined_from == FollowUpDeclined.AT_EVALUATION
        for later in (followup.due_at, followup.due_at + timedelta(days=8), followup.due_at + timedelta(days=400)):
            assert followup_send_due(now=later) == 0
        assert not OutboundEmail.objects.exists()
        assert alice_client.get(f"/follow-ups/{followup.pk}/").status_code == 404

    def test_the_page_stops_the_reminder_and_every_other_follow_up_waiting(self, sent, alice, alice_client):
        other_activity = ActivityFactory(pretest_required=False)
        make_quiz(other_activity, "post", questions=1)
        waiting = commit(alice, other_activity).follow_up

        page = alice_client.get(sent.get_absolute_url()).text
        assert f'action="{reverse("credits:followup_decline", args=[sent.pk])}"' in page
        response = alice_client.post(reverse("credits:followup_decline", args=[sent.pk]), follow=True)
        assert "we will not send you any more follow-up emails" in response.text
        assert "Find your next activity" in response.text  # the learner's next step

        sent.refresh_from_db()
        waiting.refresh_from_db()
        assert sent.declined_from == waiting.declined_from == FollowUpDeclined.FROM_FOLLOW_UP
        assert followup_send_due(now=waiting.due_at + timedelta(days=30)) == 0
        assert list(OutboundEmail.objects.values_list("kind", flat=True)) == ["followup"]
        assert alice_client.get(reverse("credits:followup_decline", args=[sent.pk])).status_code == 405

    def test_a_declined_follow_up_takes_no_answer(self, sent):
        followup_decline(followup=sent)
        before = everything_stored()
        with pytest.raises(ValidationError, match="asked us not to contact you"):
            followup_respond(followup=sent, answers=_service_answers(sent))
        assert everything_stored() == before

    def test_declining_after_answering_changes_nothing(self, sent, alice_client):
        alice_client.post(sent.get_absolute_url(), answers_for(sent))
        before = everything_stored()
        response = alice_client.post(reverse("credits:followup_decline", args=[sent.pk]), follow=True)
        assert "already answered" in response.text
        assert everything_stored() == before


def _service_answers(followup):
    return {
        commitment.pk: {"implementation": "not", "barriers": [Barrier.TIME], "other_barrier": ""}
        for commitment in followup.evaluation.commitments.all()
    }


class TestAccess:
    def test_another_learners_follow_up_is_a_404_and_changes_nothing(self, sent, bob_client):
        before = everything_stored()
        assert bob_client.get(sent.get_absolute_url()).status_code == 404
        assert bob_client.post(sent.get_absolute_url(), answers_for(sent)).status_code == 404
        assert bob_client.post(reverse("credits:followup_decline", args=[sent.pk])).status_code == 404
        assert everything_stored() == before

    def test_a_follow_up_not_yet_sent_is_a_404_even_for_its_learner(self, committed, alice_client):
        assert alice_client.get(committed.get_absolute_url()).status_code == 404

    def test_signed_out_it_asks_for_sign_in_and_changes_nothing(self, sent, client):
        before = everything_stored()
        for response in (client.get(sent.get_absolute_url()), client.post(sent.get_absolute_url(), answers_for(sent))):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        assert everything_stored() == before


class TestBadInput:
    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ("no implementation", "Did you make change 2? Choose how far you made this change."),
            ("unknown implementation", "Select a valid choice."),
            ("unknown barrier", "Select a valid choice. bribery is not one of the available choices."),
            ("too long", "at most 1000 characters"),
        ],
    )
    def test_it_is_refused_with_a_message_and_changes_nothing(self, sent, alice_client, change, message):
        second = sent.evaluation.commitments.get(position=2)
        overrides = {
            "no implementation": {f"commitment_{second.pk}_implementation": None},
            "unknown implementation": {f"commitment_{second.pk}_implementation": "mostly"},
            "unknown barrier": {f"commitment_{second.pk}_barriers": ["time", "bribery"]},
            "too long": {f"commitment_{second.pk}_other": "x" * 1001},
        }[change]
        before = everything_stored()
        response = alice_client.post(sent.get_absolute_url(), answers_for(sent, **overrides))
        assert response.status_code == 400
        assert "Nothing has been saved yet." in response.text and message in response.text
        assert everything_stored() == before

    def test_a_second_answer_changes_nothing(self, sent, alice_client):
        alice_client.post(sent.get_absolute_url(), answers_for(sent))
        before = everything_stored()
        other = {key: "not" for key in answers_for(sent) if key.endswith("_implementation")}
        response = alice_client.post(sent.get_absolute_url(), other, follow=True)
        assert "already closed; nothing was changed" in response.text
        assert everything_stored() == before
        with pytest.raises(ValidationError, match="already answered"):
            followup_respond(followup=sent, answers=_service_answers(sent))
        assert everything_stored() == before

    def test_the_service_wants_an_answer_for_every_commitment_and_only_known_barriers(self, sent):
        before = everything_stored()
        answers = _service_answers(sent)
        with pytest.raises(ValidationError, match="each change"):
            followup_respond(followup=sent, answers=dict(list(answers.items())[:1]))
        first = next(iter(answers))
        with pytest.raises(ValidationError, match="from the list"):
            followup_respond(followup=sent, answers={**answers, first: {**answers[first], "barriers": ["bribery"]}})
        with pytest.raises(ValidationError):
            followup_respond(followup=sent, answers={**answers, first: {**answers[first], "implementation": "mostly"}})
        assert everything_stored() == before

    def test_the_admin_shows_answers_and_never_edits_them(self, sent, alice_client, staff_client):
        alice_client.post(sent.get_absolute_url(), answers_for(sent))
        outcome = CommitmentOutcome.objects.order_by("pk").first()
        for name, args in [
            ("credits_followup_changelist", []), ("credits_followup_change", [sent.pk]),
            ("credits_commitmentoutcome_changelist", []), ("credits_commitmentoutcome_change", [outcome.pk]),
        ]:  # fmt: skip
            assert staff_client.get(reverse(f"admin:{name}", args=args)).status_code == 200, name
        before = everything_stored()
        url = reverse("admin:credits_commitmentoutcome_change", args=[outcome.pk])
        assert staff_client.post(url, {"implementation": "not"}).status_code == 403
        assert staff_client.post(reverse("admin:credits_followup_change", args=[sent.pk]), {}).status_code == 403
        assert everything_stored() == before


class TestTheOutcomeFigures:
    @pytest.fixture
    def records(self, alice, bob, user_factory, activity):
        """Activity A: Alice answered (2 changes), Bob was sent but did not answer, Carol declined at the
        evaluation. Activity B: Dave answered (1 change)."""
        other = ActivityFactory(pretest_required=False)
        make_quiz(other, "post", questions=1)
        alice_followup = send(commit(alice, activity).follow_up)
        followup_respond(
            followup=alice_followup,
            answers=dict(zip(
                alice_followup.evaluation.commitments.order_by("position").values_list("pk", flat=True),
                [{"implementation": "fully", "barriers": ["cost"], "other_barrier": ""},
                 {"implementation": "partially", "barriers": ["cost", "time"], "other_barrier": "Chair time."}],
                strict=True,
            )),
        )  # fmt: skip
        send(commit(bob, activity, changes=CHANGES[:1]).follow_up)
        commit(user_factory(), activity, changes=CHANGES[:1], follow_up=False)
        dave_followup = send(commit(user_factory(), other, changes=CHANGES[:1]).follow_up)
        followup_respond(
            followup=dave_followup,
            answers={dave_followup.evaluation.commitments.get().pk: {
                "implementation": "not", "barriers": ["not_applicable"], "other_barrier": ""}},
        )  # fmt: skip
        return activity, other

    def test_response_rates_per_activity(self, records):
        a, b = records
        rates = followup_response_rates()
        assert set(rates) == {a.pk, b.pk}
        assert (rates[a.pk].committed, rates[a.pk].declined_at_evaluation, rates[a.pk].sent) == (3, 1, 2)
        assert (rates[a.pk].responded, rates[a.pk].declined_after_sending, rates[a.pk].rate) == (1, 0, 0.5)
        assert (rates[b.pk].sent, rates[b.pk].responded, rates[b.pk].rate) == (1, 1, 1.0)

    def test_implementation_rates_per_activity(self, records):
        a, b = records
        rates = commitment_implementation_rates()
        assert (rates[a.pk].answered, rates[a.pk].fully, rates[a.pk].partially, rates[a.pk].not_implemented) == (
            2, 1, 1, 0
        )  # fmt: skip
        assert (rates[a.pk].fully_rate, rates[a.pk].partially_rate, rates[a.pk].not_implemented_rate) == (0.5, 0.5, 0)
        assert (rates[b.pk].answered, rates[b.pk].not_implemented, rates[b.pk].not_implemented_rate) == (1, 1, 1.0)

    def test_barrier_counts_per_activity(self, records):
        a, b = records
        counts = commitment_barrier_counts()
        assert counts[a.pk] == {
            "cost": 2, "time": 1, "patient_preference": 0, "protocol": 0, "resources": 0, "not_applicable": 0,
            OTHER_BARRIER: 1,
        }  # fmt: skip
        assert counts[b.pk]["not_applicable"] == 1 and sum(counts[b.pk].values()) == 1

    def test_every_figure_filters_by_activity_and_evaluation_date(self, records):
        a, b = records
        for selector in (followup_response_rates, commitment_implementation_rates, commitment_barrier_counts):
            assert set(selector(activities=[b])) == {b.pk}
            assert selector(end=timezone.localdate() - timedelta(days=1)) == {}
        # Move Dave's evaluation to last month: a range starting today leaves activity B out.
        Evaluation.objects.filter(activity=b).update(submitted_at=timezone.now() - timedelta(days=31))
        today = timezone.localdate()
        for selector in (followup_response_rates, commitment_implementation_rates, commitment_barrier_counts):
            assert set(selector(start=today, end=today)) == {a.pk}
            assert set(selector(start=today - timedelta(days=31), end=today - timedelta(days=31))) == {b.pk}


POSTGRES_ONLY = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"),
]
WORKERS = 8


@pytest.mark.usefixtures("tasks_backend")
class TestParallelWorkers:
    pytestmark = POSTGRES_ONLY

    def test_each_follow_up_and_reminder_is_sent_once(self, transactional_db):
        activity = ActivityFactory(pretest_required=False)
        make_quiz(activity, "post", questions=1)
        learners = [UserFactory() for _ in range(5)]
        followups = [commit(learner, activity).follow_up for learner in learners]
        due = max(followup.due_at for followup in followups)

        sent = run_in_parallel(lambda: followup_send_due(now=due), threads=WORKERS)
        assert sum(sent) == len(learners)
        reminded = run_in_parallel(lambda: followup_send_due(now=due + timedelta(days=8)), threads=WORKERS)
        assert sum(reminded) == len(learners)

        for kind in ("followup", "followup_reminder"):
            recipients = sorted(e.recipients[0] for e in OutboundEmail.objects.filter(kind=kind))
            assert recipients == sorted(learner.email for learner in learners)
        assert len(mail.outbox) == 2 * len(learners)

    def test_parallel_answers_record_one(self, transactional_db):
        activity = ActivityFactory(pretest_required=False)
        make_quiz(activity, "post", questions=1)
        followup = send(commit(UserFactory(), activity).follow_up)

        outcomes = run_in_parallel(
            lambda: followup_respond(followup=FollowUp.objects.get(pk=followup.pk), answers=_service_answers(followup)),
            threads=WORKERS,
        )
        refusals = [outcome.messages[0] for outcome in outcomes if isinstance(outcome, ValidationError)]
        assert refusals == ["You have already answered this follow-up."] * (WORKERS - 1)
        assert CommitmentOutcome.objects.count() == len(CHANGES)


# ---------------------------------------------------------------------- in a browser

WIDTHS = {390: 844, 1280: 900}


def in_own_browser(base_url: str, body) -> None:
    """Run body(page) in headless Chromium on a thread of its own.

    Playwright's sync API allows one instance per thread, and the suite's session-wide
    browser (tests/browser/conftest.py, also imported by other packages' conftests) may
    already be running on this one; a second instance here would fail, or make theirs fail.
    """
    from playwright.sync_api import sync_playwright

    if not browser_fixtures.CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(browser_fixtures.MISSING_BROWSER)
        pytest.skip(browser_fixtures.MISSING_BROWSER)
    failures = []

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(
                    executable_path=str(browser_fixtures.CHROMIUM), args=browser_fixtures.CHROMIUM_ARGS
                )
                context = chromium.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
                context.set_default_timeout(10_000)
                try:
                    body(context.new_page())
                finally:
                    # Closed here, in the context the queries ran in: Django keeps connections per
                    # context, and Playwright's event loop gives this block a context of its own.
                    connection.close()
                chromium.close()
        except BaseException as failure:  # re-raised in the test's own thread below
            failures.append(failure)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def check_page(page, name: str) -> None:
    """No serious or critical axe finding and no sideways scrolling at 390 and 1280 px; a PNG of each to look at."""
    from axe_playwright_python.sync_playwright import Axe

    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        violations = [
            f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} element(s))"
            for violation in Axe().run(page).response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert violations == [], f"{name} at {width} px"
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
            f"{name} scrolls sideways at {width} px"
        )
        browser_fixtures.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = browser_fixtures.SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        print(path)


@pytest.mark.browser
def test_the_evaluation_and_follow_up_pages_in_a_browser(transactional_db, live_server, monkeypatch):
    from playwright.sync_api import expect

    # The ORM runs in the browser's thread, where Playwright keeps an event loop going.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    activity = ActivityFactory(pretest_required=False, title="Trastuzumab deruxtecan after progression")
    make_quiz(activity, "post", questions=1)
    learner = UserFactory(email="dana@example.org", first_name="Dana", last_name="Okafor")
    pass_posttest(learner, activity)

    def body(page) -> None:
        browser_fixtures.sign_in(page, learner.email, DEFAULT_PASSWORD)
        page.goto(reverse("journey:evaluation", args=[activity.slug]))
        check_page(page, "evaluation")
        page.get_by_role("textbox", name="Change 1 (optional)").fill(CHANGES[0][0])
        page.get_by_role("button", name="Submit evaluation").click()  # everything else still blank
        expect(page.get_by_role("alert")).to_contain_text("Choose how committed you are to this change.")
        check_page(page, "evaluation-errors")
        for objective in activity.objectives.all():
            page.get_by_role("group", name=objective.text).get_by_label("Strongly agree").check()
        relevance = page.get_by_role("group", name="The content is relevant to my practice.")
        relevance.get_by_label("Agree", exact=True).check()
        page.get_by_role("group", name="Do you intend to change").get_by_label("Not sure yet").check()
        page.get_by_role("group", name="Was the content free").get_by_label("Yes").check()
        page.get_by_role("group", name="Overall, how would you rate").get_by_label("Excellent").check()
        page.get_by_label("How committed are you to change 1?").select_option("5")
        expect(page.get_by_label("Email me in 60 days")).to_be_checked()  # ticked unless the learner unticks it
        page.get_by_role("button", name="Submit evaluation").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Claim your credit")

        followup = send(FollowUp.objects.get(evaluation__user=learner))
        page.goto(followup.get_absolute_url())
        check_page(page, "followup")
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("alert")).to_contain_text("Choose how far you made this change.")
        check_page(page, "followup-errors")
        page.get_by_label("Partially implemented").check()
        page.get_by_label("Not enough time").check()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_text("Thank you: your answers are recorded.")).to_be_visible()
        check_page(page, "followup-answered")

    in_own_browser(live_server.url, body)
    assert CommitmentOutcome.objects.get().implementation == Implementation.PARTIALLY
    assert list(CommitmentOutcome.objects.get().barriers.values_list("barrier", flat=True)) == ["time"]


def test_the_cron_backstop_sends_what_is_due_once(committed):
    """manage.py send_followups: for a queue that lost its deferred task; running it twice sends nothing twice."""
    out = io.StringIO()
    with travel(committed.due_at + timedelta(minutes=5)):
        call_command("send_followups", stdout=out)
        call_command("send_followups", stdout=out)
    assert out.getvalue().splitlines() == ["1 follow-up email(s) queued.", "0 follow-up email(s) queued."]
    assert OutboundEmail.objects.filter(kind="followup").count() == 1
