"""Headless Chromium from Debian's package, driven by Playwright; never a downloaded browser."""

import os
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING_BROWSER = "Debian's chromium is not installed; install it with: sudo apt-get install -y chromium"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "cme-screenshots"))


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING_BROWSER)
        pytest.skip(MISSING_BROWSER)
    # Playwright's sync API keeps an event loop running in this thread; the
    # test's own ORM calls are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a full-page PNG for a person to look at; the path is printed with -s."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_violations(page):
    """Serious and critical axe-core violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def run() -> list[str]:
        results = axe.run(page)
        return [
            f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} element(s))"
            for violation in results.response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]

    return run


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def submit_sign_up(page, email: str, password: str, *, next_path: str = "") -> None:
    """Fill in and send the sign-up form; ends on allauth's "verify your email" page."""
    from urllib.parse import quote

    from playwright.sync_api import expect

    page.goto(f"/accounts/signup/?next={quote(next_path)}" if next_path else "/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")


def fill_physician_profile(page, *, first_name: str, last_name: str, npi: str, region: str = "") -> None:
    """What a US physician's certificate needs, typed into the profile form (not yet saved)."""
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Degree / credential", exact=True).select_option("MD")
    page.get_by_label("Profession").select_option("physician")
    page.get_by_label("NPI").fill(npi)
    page.get_by_label("Country").select_option("US")
    if region:
        page.get_by_label("State / province of licensure").fill(region)


def sign_up_and_confirm(page, email: str, password: str) -> None:
    """Sign up, then confirm with the link from the outbox in the same browser: that signs the
    learner in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION) and ends on their still-empty profile."""
    import re

    from django.core import mail
    from playwright.sync_api import expect

    submit_sign_up(page, email, password)
    page.goto(re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
