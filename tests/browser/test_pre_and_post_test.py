"""A learner takes the seed activity's pre-test and post-test in Chromium."""

import re

from playwright.sync_api import expect

from conftest import SEED_SLUG
from quizzes.models import Attempt, AttemptItem
from tests.browser.conftest import sign_in


def answer_every_question(page, attempt_kind: str, *, correctly: bool, leave_out=()):
    """Choose an answer to every question on the current page, right or wrong, except those left out."""
    attempt = Attempt.objects.get(quiz__kind=attempt_kind, state="in_progress")
    for item in AttemptItem.objects.select_related("version").filter(attempt=attempt).order_by("position"):
        field = page.locator(f'input[name="q{item.position}"]')
        if not field.count() or item.position in leave_out:
            continue
        wanted = next(c for c in item.version.choices.all() if c.is_correct == correctly)
        place = item.choice_order.index(wanted.pk) + 1  # the form posts the place as shown
        page.locator(f'input[name="q{item.position}"][value="{place}"]').check()


def test_pre_test_then_post_test(page, screenshot, axe_violations, seed_questions, alice, password):
    sign_in(page, alice.email, password)
    page.goto(f"/activities/{SEED_SLUG}/")
    expect(page.get_by_role("heading", name="Take the pre-test before you read")).to_be_visible()
    page.get_by_role("button", name="Start the activity").click()

    # Starting goes straight into the pre-test: every question on one page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-test")
    expect(page.get_by_role("heading", name="Question 5 of 5")).to_be_visible()
    assert axe_violations() == []
    screenshot("pretest-page")
    answer_every_question(page, "pre", correctly=False)
    page.get_by_role("button", name="Submit pre-test").click()
    expect(page.locator(".result__score")).to_have_text("0 of 5 correct")

    page.get_by_role("link", name="Go to the article").click()
    expect(page.get_by_role("heading", name="Safety to monitor")).to_be_visible()
    page.get_by_role("button", name="Take the post-test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post-test")
    expect(page.get_by_role("heading", name=re.compile(r"Question 1 of 1[0-9]"))).to_be_visible()
    answer_every_question(page, "post", correctly=True)
    page.get_by_role("button", name="Submit post-test").click()

    expect(page.get_by_text("Passed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your knowledge gain")).to_be_visible()
    expect(page.get_by_text("0 of 5 before, 5 of 5 after.")).to_be_visible()
    expect(page.get_by_text("Correct answer").first).to_be_visible()
    expect(page.get_by_role("link", name="Complete the evaluation")).to_be_visible()
    assert axe_violations() == []
    screenshot("posttest-result")

    page.goto(f"/activities/{SEED_SLUG}/")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Evaluation")


def test_a_gap_is_named_and_the_other_answers_kept(page, seed_questions, alice, password):
    sign_in(page, alice.email, password)
    page.goto(f"/activities/{SEED_SLUG}/")
    page.get_by_role("button", name="Start the activity").click()
    answer_every_question(page, "pre", correctly=True, leave_out=(3,))
    page.get_by_role("button", name="Submit pre-test").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Question 3: choose an answer before you submit.")
    summary.get_by_role("link").click()
    expect(page.locator("#id_q3_0")).to_be_focused()
    expect(page.get_by_text("4 of 5 answered")).to_be_visible()
    expect(page.locator('input[name="q1"]:checked')).to_have_count(1)
