"""The paths off the straight road, in Chromium at phone width: out of attempts, a revoked certificate, resuming."""

import re

from django.core import mail
from playwright.sync_api import expect

from credits.services import certificate_revoke
from journey.services import activity_start, credit_claim, quiz_start
from quizzes.services import attempt_submit
from tests.browser.conftest import sign_in
from tests.browser.test_pre_and_post_test import answer_every_question
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, make_quiz
from tests.quizzes.conftest import answer

PHONE = {"width": 390, "height": 844}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def new_activity(**quiz_fields):
    activity = ActivityFactory(pretest_required=False, title="Maintenance therapy update")
    make_quiz(activity, "post", questions=3, **quiz_fields)
    return activity


def test_out_of_attempts_says_so_and_whom_to_contact(page, screenshot, axe_violations, alice, password):
    activity = new_activity(attempts_allowed=2)
    activity_start(user=alice, activity=activity)
    for _ in range(2):
        attempt = quiz_start(user=alice, activity=activity, kind="post")
        answer(attempt, correct=0)
        attempt_submit(attempt=attempt)
    page.set_viewport_size(PHONE)
    sign_in(page, alice.email, password)
    page.goto(attempt.get_absolute_url())
    expect(page.get_by_text("You have used all 2 post-test attempts")).to_be_visible()
    expect(page.get_by_role("link", name="cme@test-provider.example")).to_be_visible()
    expect(page.get_by_role("button", name="Retake the post-test")).to_have_count(0)
    # The policy allows the answers once the attempts are used up: the review is there.
    expect(page.get_by_text("Correct answer").first).to_be_visible()
    assert fits(page) and axe_violations() == []
    screenshot("phone-out-of-attempts-result")

    page.goto(activity.get_absolute_url())
    progress = page.get_by_role("navigation", name="Your progress")
    expect(progress.get_by_text("Your status: Out of attempts")).to_be_visible()
    expect(progress.get_by_role("link", name="cme@test-provider.example")).to_be_visible()
    expect(page.get_by_role("button", name="Take the post-test")).to_have_count(0)
    screenshot("phone-out-of-attempts-activity")


def test_a_revoked_certificate_is_explained_and_emailed(page, screenshot, axe_violations, alice, password, staff_user):
    activity = new_activity()
    pass_posttest(alice, activity)
    evaluate(alice, activity)
    certificate = credit_claim(user=alice, activity=activity, amount=activity.max_credits, attested=True,
                               pars_consent=False)  # fmt: skip
    certificate_revoke(certificate=certificate, reason="Attendance could not be confirmed.", by=staff_user)
    assert any("revoked" in message.subject.lower() for message in mail.outbox)

    page.set_viewport_size(PHONE)
    sign_in(page, alice.email, password)
    page.goto(activity.get_absolute_url())
    progress = page.get_by_role("navigation", name="Your progress")
    expect(progress.get_by_text(f"Your certificate {certificate.number} was revoked")).to_be_visible()
    expect(progress.get_by_text("Attendance could not be confirmed.")).to_be_visible()
    expect(progress.get_by_role("link", name="cme@test-provider.example")).to_be_visible()
    expect(page.get_by_role("link", name="Download your certificate")).to_have_count(0)
    assert fits(page) and axe_violations() == []
    screenshot("phone-revoked-activity")

    page.goto(certificate.get_absolute_url())
    expect(page.get_by_text("This certificate was revoked on")).to_be_visible()


def test_a_learner_saves_and_resumes_on_another_device(browser, live_server, page, screenshot, alice, password):
    activity = new_activity()
    activity_start(user=alice, activity=activity)
    page.set_viewport_size(PHONE)
    sign_in(page, alice.email, password)
    page.goto(activity.get_absolute_url() + "#article")
    page.get_by_role("button", name="Take the post-test").click()
    answer_every_question(page, "post", correctly=True, leave_out=(3,))
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Your progress").get_by_role("link", name="Continue the post-test")
    ).to_be_visible()

    # Later, on a laptop: the home page offers to continue exactly where they stopped.
    laptop = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    other = laptop.new_page()
    sign_in(other, alice.email, password)
    other.goto("/")
    other.get_by_role("link", name="Continue Maintenance therapy update").click()
    expect(other).to_have_url(re.compile(r"/attempts/\d+/page/1/#q3$"))
    expect(other.get_by_text("2 of 3 answered")).to_be_visible()
    expect(other.locator('input[name="q1"]:checked')).to_have_count(1)
    expect(other.locator('input[name="q3"]:checked')).to_have_count(0)
    answer_every_question(other, "post", correctly=True)
    other.get_by_role("button", name="Submit post-test").click()
    expect(other.get_by_text("Passed.")).to_be_visible()
    laptop.close()
