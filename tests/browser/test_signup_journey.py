"""A physician signs up from an activity and is walked, signed in, through the profile to the activity;
confirming elsewhere leads to a filled-in sign-in page; the evaluation's error summary moves focus."""

import re
from urllib.parse import quote

from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from activities.models import LearningObjective
from conftest import SEED_SLUG
from tests.browser.conftest import fill_physician_profile, sign_in, submit_sign_up
from tests.credits.conftest import pass_posttest
from tests.factories import ActivityFactory, make_quiz

PASSWORD = "a-long-and-private-passphrase"


def confirmation_link() -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)


def sign_up(page, email: str, *, next_path: str | None = None) -> None:
    submit_sign_up(page, email, PASSWORD, next_path=next_path or "")


def test_sign_up_from_an_activity_to_the_activity_in_five_page_loads(
    page, screenshot, axe_violations, seed_activity, transactional_db
):
    activity_path = f"/activities/{SEED_SLUG}/"
    loads = []
    page.on("load", lambda: loads.append(page.url))

    sign_up(page, "dr.okafor@example.org", next_path=activity_path)
    page.goto(confirmation_link())  # the link in the email, opened in the same browser
    page.get_by_role("button", name="Confirm").click()

    # Signed in without typing the password again, on the profile, which will go on to the activity.
    expect(page).to_have_url(re.compile(r"/accounts/profile/\?next=%2Factivities%2F"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.get_by_text("Your certificates still need")).to_be_visible()
    assert axe_violations() == []
    screenshot("signup-profile-with-next")
    fill_physician_profile(page, first_name="Chiamaka", last_name="Okafor", npi="1234567893", region="Illinois")
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(activity_path)}$"))
    expect(page.get_by_role("status")).to_contain_text("Your profile has been saved.")
    user = User.objects.get(email="dr.okafor@example.org")
    assert (user.certificate_name, user.license_region) == ("Chiamaka Okafor, MD", "IL")
    # Sign-up page, "verify your email", the link, the confirmation, the saved profile: the activity.
    assert len(loads) == 5, loads
    assert loads[0].endswith(f"/accounts/signup/?next={quote(activity_path)}")


def axe_violations_on(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]


def test_confirming_in_another_browser_opens_sign_in_with_the_address_filled_in(
    page, browser, live_server, transactional_db
):
    sign_up(page, "dr.reyes@example.org")
    other = browser.new_context(base_url=live_server.url).new_page()
    try:
        other.goto(confirmation_link())
        other.get_by_role("button", name="Confirm").click()

        expect(other).to_have_url(re.compile(r"/accounts/login/$"))
        expect(other.get_by_label("Email")).to_have_value("dr.reyes@example.org")
        assert axe_violations_on(other) == []
        other.get_by_label("Password", exact=True).fill(PASSWORD)
        other.get_by_role("button", name="Sign In").click()
        expect(other.get_by_role("status")).to_contain_text("Successfully signed in")

        # The profile, reached from the menu, saves in place; its error summary moves focus to the field.
        other.goto("/accounts/profile/")
        fill_physician_profile(other, first_name="Lucía", last_name="Reyes", npi="1234567890")
        other.get_by_role("button", name="Save profile").click()
        expect(other.get_by_role("alert")).to_contain_text("Nothing has been saved yet.")
        other.get_by_role("link", name="NPI: This is not a valid NPI").click()
        expect(other.get_by_label("NPI")).to_be_focused()
        other.get_by_label("NPI").fill("1245319599")
        other.get_by_role("button", name="Save profile").click()
        expect(other).to_have_url(re.compile(r"/accounts/profile/$"))
        expect(other.get_by_role("status")).to_contain_text("Your profile has been saved.")
        assert User.objects.get(email="dr.reyes@example.org").certificate_name == "Lucía Reyes, MD"

        other.goto("/accounts/logout/")
        other.get_by_role("main").get_by_role("button", name="Sign Out").click()
        expect(other.get_by_role("status")).to_contain_text("You have signed out.")
    finally:
        other.context.close()


def test_the_profile_fits_a_phone_and_says_which_fields_are_needed_when(
    page, screenshot, axe_violations, alice, password
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, alice.email, password)
    page.goto("/accounts/profile/?next=/activities/her2-update/claim/")

    expect(page.get_by_label("Month (required if you give the day)")).to_be_visible()
    expect(page.get_by_label("License number (optional)")).to_be_visible()
    expect(page.get_by_role("button", name="Save and continue")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert axe_violations() == []
    screenshot("phone-profile-with-next")


def test_the_evaluation_error_summary_takes_focus_into_the_radio_group(
    page, screenshot, axe_violations, alice, password
):
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    first = activity.objectives.get()
    LearningObjective.objects.create(activity=activity, position=2, text="Select second-line therapy.")
    pass_posttest(alice, activity)
    sign_in(page, alice.email, password)
    page.goto(f"/activities/{activity.slug}/evaluation/")

    page.get_by_role("button", name="Submit evaluation").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing has been saved yet.")
    links = summary.get_by_role("link")
    expect(links.first).to_have_attribute("href", f"#id_objective_{first.pk}_0")
    expect(links.first).to_contain_text(first.text)
    assert axe_violations() == []
    screenshot("evaluation-errors")

    links.first.click()
    expect(page.locator(f"#id_objective_{first.pk}_0")).to_be_focused()

    summary.get_by_role("link", name=re.compile(r"^The content is relevant to my practice\.")).click()
    expect(page.locator("#id_relevance_0")).to_be_focused()
