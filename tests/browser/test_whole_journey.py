"""The whole journey a physician takes on a phone, in Chromium: from the activity page to a downloaded certificate.

The journey counts its page loads. The budget (issue 10) is at most 15 page
loads besides question pages from sign-up to the downloaded certificate, with
the question pages no more than the layout needs: one pre-test page and one
post-test page when every question is on one page.
"""

import io
import re
from pathlib import Path

from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import SEED_SLUG
from tests.browser.conftest import fill_physician_profile
from tests.browser.test_pre_and_post_test import answer_every_question

PASSWORD = "a-long-and-private-passphrase"
PHONE = {"width": 390, "height": 844}
PAGE_BUDGET = 15  # page loads besides question pages, downloads included


class PageLoads:
    """Every document the browser loads in the main frame (a redirect chain is one), and every download."""

    def __init__(self, page):
        self.urls: list[str] = []
        page.on("load", lambda loaded: self.urls.append(loaded.url))
        page.on("download", lambda download: self.urls.append(f"download {download.url}"))

    @property
    def question_pages(self) -> list[str]:
        return [url for url in self.urls if "/page/" in url]

    @property
    def other_pages(self) -> list[str]:
        return [url for url in self.urls if "/page/" not in url]


def test_sign_up_to_certificate_on_a_phone(page, screenshot, axe_violations, seed_questions):
    page.set_viewport_size(PHONE)
    loads = PageLoads(page)

    # An announcement email links to the activity; the physician has no account yet.
    page.goto(f"/activities/{SEED_SLUG}/")
    page.get_by_role("link", name="Create a free account").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next=%2Factivities%2F"))
    page.get_by_label("Email").fill("dr.reyes@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.goto(re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1))
    page.get_by_role("button", name="Confirm").click()

    # Confirming in the same browser signs in and asks for what the certificate prints.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    fill_physician_profile(page, first_name="Lucía", last_name="Reyes", npi="1245319599", region="TX")
    page.get_by_role("button", name="Save and continue").click()

    # Back on the activity: the front matter, then Start goes straight into the pre-test.
    expect(page.get_by_role("heading", level=1)).to_contain_text("HER2-Positive Metastatic Breast Cancer")
    page.get_by_role("button", name="Start the activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-test")
    answer_every_question(page, "pre", correctly=True)
    assert axe_violations() == []
    screenshot("journey-phone-pretest")
    page.get_by_role("button", name="Submit pre-test").click()
    expect(page.locator(".result__score")).to_have_text("5 of 5 correct")

    page.get_by_role("link", name="Go to the article").click()
    page.get_by_role("button", name="Take the post-test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post-test")
    answer_every_question(page, "post", correctly=True)
    page.get_by_role("button", name="Submit post-test").click()
    expect(page.get_by_text("Passed.")).to_be_visible()
    assert axe_violations() == []
    screenshot("journey-phone-posttest-result")

    page.get_by_role("link", name="Complete the evaluation").click()
    for group in page.locator('fieldset fieldset:has(input[value="5"])').all():
        group.locator('input[value="5"]').check()
    page.locator('input[name="practice_change"][value="yes"]').check()
    page.get_by_label(re.compile("what will you change")).fill("Check for new cough at each T-DXd visit.")
    page.locator('input[name="free_of_commercial_bias"][value="yes"]').check()
    assert axe_violations() == []
    screenshot("journey-phone-evaluation")
    page.get_by_role("button", name="Submit evaluation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Claim your credit")
    page.get_by_label("Credit to claim").select_option("0.50")
    page.get_by_label(re.compile("I attest that the amount I have chosen")).check()
    assert axe_violations() == []
    screenshot("journey-phone-claim")
    page.get_by_role("button", name="Claim credit and issue my certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of Completion")
    screenshot("journey-phone-certificate")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    content = Path(download.value.path()).read_bytes()
    text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "Lucía Reyes, MD" in text
    assert "0.50 AMA PRA Category 1 Credits™" in text

    print(f"\npage loads: {len(loads.other_pages)} besides {len(loads.question_pages)} question pages")
    for url in loads.urls:
        print("  ", url)
    assert len(loads.question_pages) == 2  # one pre-test page, one post-test page
    assert len(loads.other_pages) <= PAGE_BUDGET, loads.other_pages

    page.get_by_role("link", name="Public verification page").click()
    expect(page.get_by_text("Valid", exact=True)).to_be_visible()
