"""The seed activity page at desktop and phone widths: no sideways scrolling, no serious axe findings."""

import pytest
from playwright.sync_api import expect

from conftest import SEED_SLUG
from tests.browser.conftest import sign_in


@pytest.mark.parametrize("width", [1280, 390])
def test_the_activity_page_fits_and_passes_axe(page, screenshot, axe_violations, seed_activity, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/activities/{SEED_SLUG}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("HER2-Positive Metastatic Breast Cancer")
    expect(page.get_by_role("img", name="Median progression-free survival in DESTINY-Breast09")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert axe_violations() == []
    screenshot(f"activity-{width}")


def test_the_chart_data_table_opens_from_the_keyboard(page, seed_activity):
    page.goto(f"/activities/{SEED_SLUG}/")
    summary = page.locator("#chart-patina-cns summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#chart-patina-cns table")).to_contain_text("19.2%")


def test_a_learner_starts_the_activity_in_the_browser(page, alice, password):
    from tests.factories import ActivityFactory, make_quiz

    activity = ActivityFactory(title="Browser start check", pretest_required=False)
    make_quiz(activity, "post", questions=1)
    sign_in(page, alice.email, password)

    page.goto(f"/activities/{activity.slug}/")
    page.get_by_role("button", name="Start the activity").click()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Article")
    expect(page.get_by_role("link", name="Go to the article")).to_be_visible()
