"""A learner takes the seed activity's pre-test and post-test in Chromium."""

import re

from playwright.sync_api import expect

from conftest import SEED_SLUG
from quizzes.models import Attempt, AttemptItem
from tests.browser.conftest import sign_in


def answer_every_question(page, attempt_kind: str, *, correctly: bool):
    while True:
        heading = page.get_by_role("heading", level=1).inner_text()
        match = re.match(r"Question (\d+) of (\d+)", heading)
        if not match:
            return
        position = int(match.group(1))
        attempt = Attempt.objects.get(quiz__kind=attempt_kind, state="in_progress")
        item = AttemptItem.objects.select_related("version").get(attempt=attempt, position=position)
        wanted = next(c for c in item.version.choices.all() if c.is_correct == correctly)
        place = item.choice_order.index(wanted.pk) + 1  # the form posts the place as shown
        page.locator(f'input[name="choice"][value="{place}"]').check()
        button = "Save and review" if match.group(1) == match.group(2) else "Save and continue"
        page.get_by_role("button", name=button).click()


def test_pre_test_then_post_test(page, screenshot, axe_violations, seed_questions, alice, password):
    sign_in(page, alice.email, password)
    page.goto(f"/activities/{SEED_SLUG}/")
    expect(page.get_by_role("heading", name="Take the pre-test before you read")).to_be_visible()
    page.get_by_role("button", name="Start the activity").click()

    page.get_by_role("link", name="Take the pre-test").first.click()
    page.get_by_role("button", name="Start the pre-test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 5")
    assert axe_violations() == []
    screenshot("pretest-question")
    answer_every_question(page, "pre", correctly=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    page.get_by_role("button", name="Submit pre-test").click()
    expect(page.locator(".result__score")).to_have_text("0 of 5 correct")

    page.get_by_role("link", name="Read the article").click()
    expect(page.get_by_role("heading", name="Safety to monitor")).to_be_visible()
    page.get_by_role("navigation", name="Your progress").get_by_role("link", name="Take the post-test").click()
    page.get_by_role("button", name="Start the post-test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Question 1 of 1[0-9]"))
    answer_every_question(page, "post", correctly=True)
    page.get_by_role("button", name="Submit post-test").click()

    expect(page.get_by_text("Passed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your knowledge gain")).to_be_visible()
    expect(page.get_by_text("0 of 5 before, 5 of 5 after.")).to_be_visible()
    expect(page.get_by_text("Correct answer").first).to_be_visible()
    assert axe_violations() == []
    screenshot("posttest-result")

    page.goto(f"/activities/{SEED_SLUG}/")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Evaluation")
