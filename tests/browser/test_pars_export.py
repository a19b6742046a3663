"""The PARS learner export as a provider uses it: the plan, the reasons, the download, at desktop and phone widths.

Screenshots land in $SCREENSHOT_DIR (default /tmp/cme-screenshots) for a person to look at.
"""

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from outcomes.simulation import simulate_learners
from pars.models import LearnerSubmission
from tests.outcomes.conftest import staff_client_with


def sign_in_with(page, live_server, *permissions) -> None:
    client = staff_client_with(*permissions)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def test_the_learner_export_reads_and_downloads(page, live_server, screenshot, axe_violations, seed_questions):
    call_command("loaddata", "fixtures/her2-mbc-pars.json", verbosity=0)
    simulate_learners(activity=seed_questions, learners=150, seed=4)
    sign_in_with(page, live_server, "pars.export_pars_learners", "pars.view_activityregistration")
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    page.goto(reverse("admin:index"))
    page.get_by_role("link", name="PARS registrations").click()
    page.get_by_role("link", name="Export learner completions").click()
    expect(page.get_by_role("heading", name="What the next file would hold")).to_be_visible()
    expect(page.get_by_role("heading", name="Cannot be reported")).to_be_visible()
    screenshot("pars-learner-export-1280")
    assert axe_violations() == []

    page.get_by_label("Tab-delimited text (.txt)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download and record the export").click()
    assert download.value.suggested_filename.endswith(".txt")
    assert LearnerSubmission.objects.count() == 1

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("link", name="Tab-delimited text (.txt)")).to_be_visible()  # the earlier export
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    screenshot("pars-learner-export-390")
    assert axe_violations() == []
    assert problems == []


def test_the_activity_file_and_the_action_log_read_at_both_widths(
    page, live_server, screenshot, axe_violations, seed_questions
):
    call_command("loaddata", "fixtures/her2-mbc-pars.json", verbosity=0)
    simulate_learners(activity=seed_questions, learners=40, seed=5)
    sign_in_with(page, live_server, "pars.export_pars_activities", "pars.view_activityregistration",
                 "audit.view_actionlogentry")  # fmt: skip
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(reverse("admin:pars_activity_export"))
        expect(page.get_by_role("heading", name=f"Activities in {page.evaluate('new Date().getFullYear()')}"))
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        screenshot(f"pars-activity-file-{width}")
        assert axe_violations() == []
        page.goto(reverse("admin:audit_actionlogentry_changelist"))
        expect(page.get_by_text("claims.recorded_past").first).to_be_visible()
        screenshot(f"action-log-{width}")
        assert axe_violations() == []
