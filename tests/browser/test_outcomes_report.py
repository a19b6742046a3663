"""The report as a provider reads it: the seed activity with a realistic cohort, at desktop and phone widths.

Screenshots land in $SCREENSHOT_DIR (default /tmp/cme-screenshots) for a person to look at.
"""

from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from outcomes.simulation import simulate_learners
from tests.outcomes.conftest import staff_client_with


def sign_in_as_reporter(page, live_server) -> None:
    """The staff account's session, set as the browser's cookie (the sign-in form itself is tested elsewhere)."""
    client: Client = staff_client_with("outcomes.view_outcomes")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def test_the_report_reads_at_desktop_and_phone_widths(page, live_server, screenshot, axe_violations, seed_questions):
    simulate_learners(activity=seed_questions, learners=120, seed=12)
    sign_in_as_reporter(page, live_server)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    page.goto(reverse("admin:index"))
    page.get_by_role("link", name="Outcomes reports").click()
    page.get_by_role("link", name="Open the outcomes report").first.click()
    expect(page.get_by_role("heading", level=2, name="1. Participation")).to_be_visible()
    for name in ("Participation: learners reaching each step", "Knowledge: matched items correct before and after",
                 "Post-test facility index by item", "Objectives met and relevance"):  # fmt: skip
        expect(page.get_by_role("img", name=name)).to_be_visible()
    screenshot("outcomes-report-1280")
    assert axe_violations() == []

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    # Nothing but the tables' own scrolling boxes is wider than the phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    screenshot("outcomes-report-390")
    assert axe_violations() == []
    assert problems == []
