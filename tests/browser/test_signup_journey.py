"""A physician signs up, confirms their email, logs in, completes the profile and logs out."""

from playwright.sync_api import expect

from accounts.models import User
from tests.browser.conftest import sign_up_and_confirm

PASSWORD = "a-long-and-private-passphrase"


def test_sign_up_verify_log_in_edit_profile_and_log_out(page, screenshot, axe_violations, transactional_db):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    assert axe_violations() == []
    sign_up_and_confirm(page, "dr.okafor@example.org", PASSWORD)

    page.get_by_label("Email").fill("dr.okafor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    screenshot("login")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Your certificate details")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    page.get_by_label("First name").fill("Chiamaka")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Degree / credential", exact=True).select_option("MD")
    page.get_by_label("Profession").select_option("physician")
    page.get_by_label("Specialty").fill("Medical oncology")
    page.get_by_label("NPI").fill("1234567890")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("State / province of licensure").fill("Illinois")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing has been saved yet.")
    expect(page.locator("#id_npi_error")).to_contain_text("check digit does not match")
    page.get_by_role("link", name="NPI: This is not a valid NPI").click()
    expect(page.get_by_label("NPI")).to_be_focused()
    assert axe_violations() == []
    screenshot("profile-error")

    page.get_by_label("NPI").fill("1234567893")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile has been saved.")
    assert axe_violations() == []
    user = User.objects.get(email="dr.okafor@example.org")
    assert (user.certificate_name, user.npi, user.license_region) == ("Chiamaka Okafor, MD", "1234567893", "IL")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()
