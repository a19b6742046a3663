"""The whole journey a physician takes, in Chromium: sign-up to a downloaded certificate."""

import io
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import SEED_SLUG
from tests.browser.conftest import sign_in, sign_up_and_confirm
from tests.browser.test_pre_and_post_test import answer_every_question

PASSWORD = "a-long-and-private-passphrase"


def test_sign_up_to_certificate(page, screenshot, axe_violations, seed_questions):
    sign_up_and_confirm(page, "dr.reyes@example.org", PASSWORD)
    sign_in(page, "dr.reyes@example.org", PASSWORD)

    page.goto("/accounts/profile/")
    page.get_by_label("First name").fill("Lucía")
    page.get_by_label("Last name").fill("Reyes")
    page.get_by_label("Degree / credential", exact=True).select_option("MD")
    page.get_by_label("Profession").select_option("physician")
    page.get_by_label("NPI").fill("1245319599")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("State / province of licensure").fill("TX")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile has been saved.")

    page.goto(f"/activities/{SEED_SLUG}/")
    page.get_by_role("button", name="Start the activity").click()
    page.get_by_role("link", name="Take the pre-test").first.click()
    page.get_by_role("button", name="Start the pre-test").click()
    answer_every_question(page, "pre", correctly=True)
    page.get_by_role("button", name="Submit pre-test").click()
    page.get_by_role("link", name="Read the article").click()
    page.get_by_role("navigation", name="Your progress").get_by_role("link", name="Take the post-test").click()
    page.get_by_role("button", name="Start the post-test").click()
    answer_every_question(page, "post", correctly=True)
    page.get_by_role("button", name="Submit post-test").click()
    expect(page.get_by_text("Passed.")).to_be_visible()

    page.goto(f"/activities/{SEED_SLUG}/")
    page.get_by_role("link", name="Complete the evaluation").click()
    for group in page.locator('fieldset fieldset:has(input[value="5"])').all():
        group.locator('input[value="5"]').check()
    page.locator('input[name="practice_change"][value="yes"]').check()
    page.get_by_label("If yes, what will you change?").fill("Check for new cough at each T-DXd visit.")
    page.locator('input[name="free_of_commercial_bias"][value="yes"]').check()
    assert axe_violations() == []
    screenshot("evaluation")
    page.get_by_role("button", name="Submit evaluation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Claim your credit")
    page.get_by_label("Credit to claim").select_option("0.50")
    page.get_by_label(re.compile("I attest that the amount I have chosen")).check()
    assert axe_violations() == []
    screenshot("claim")
    page.get_by_role("button", name="Claim credit and issue my certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of Completion")
    screenshot("certificate-page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    content = Path(download.value.path()).read_bytes()
    text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "Lucía Reyes, MD" in text
    assert "0.50 AMA PRA Category 1 Credits™" in text

    page.get_by_role("link", name="Public verification page").click()
    expect(page.get_by_text("Valid", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Transcript").click()
    expect(page.get_by_role("cell", name=re.compile("HER2-Positive"))).to_be_visible()
    assert axe_violations() == []
    screenshot("transcript")
