"""Learner pages at 390 px: no sideways scrolling and no serious or critical axe finding; a one-line header whose
Menu works without JavaScript; rating scales that never break in the middle of a row."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from activities.models import Enrollment
from credits.services import credit_claim
from quizzes.models import Quiz
from quizzes.services import attempt_start, attempt_submit
from tests.browser.conftest import sign_in
from tests.credits.conftest import evaluate
from tests.quizzes.conftest import answer


def test_learner_pages_fit_a_phone_and_pass_axe(page, screenshot, axe_violations, seed_questions, alice, password):
    activity = seed_questions
    Enrollment.objects.create(user=alice, activity=activity)
    results = {}
    for kind in ("pre", "post"):
        attempt = attempt_start(user=alice, quiz=Quiz.objects.get(activity=activity, kind=kind))
        answer(attempt, correct=attempt.items.count())
        results[kind] = attempt_submit(attempt=attempt)
    evaluate(alice, activity)
    certificate = credit_claim(user=alice, activity=activity, amount=Decimal("0.50"), attested=True,
                               pars_consent=False)  # fmt: skip
    # The worst case for a narrow screen: a code with no hyphen to break at.
    certificate.verification_code = "A" * 24
    certificate.snapshot["verify_url"] = f"http://127.0.0.1:8000/verify/{'A' * 24}/"
    certificate.save()

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, alice.email, password)
    urls = {
        "home": "/",
        "catalog": reverse("journey:catalog"),
        "activity": activity.get_absolute_url(),
        "posttest-intro": reverse("journey:posttest", args=[activity.slug]),
        "posttest-result": results["post"].get_absolute_url(),
        "certificate": certificate.get_absolute_url(),
        "verify": certificate.verification_path,
        "transcript": reverse("credits:transcript"),
        "profile": reverse("accounts:profile"),
        "security": reverse("mfa_index"),
    }
    problems = {}
    for name, url in urls.items():
        page.goto(url)
        fits = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        violations = axe_violations()
        if not fits or violations:
            problems[name] = {"fits": fits, "axe": violations}
        screenshot(f"phone-{name}")
    assert problems == {}


def _menu_parts(page):
    nav = page.get_by_role("navigation", name="Main")
    return nav, nav.locator("summary", has_text="Menu")


def _box(locator) -> dict:
    return locator.bounding_box()


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_the_phone_header_takes_one_line_and_its_menu_opens_from_the_keyboard(
    page, screenshot, axe_violations, alice, password, signed_in
):
    page.set_viewport_size({"width": 390, "height": 844})
    if signed_in:
        sign_in(page, alice.email, password)
    page.goto(reverse("credits:transcript") if signed_in else reverse("account_login"))
    nav, menu = _menu_parts(page)
    site_name, toggle = _box(page.locator(".site-name")), _box(menu)
    # One line: the site name and the Menu button share a row, and the header is no taller than that row.
    assert abs((site_name["y"] + site_name["height"] / 2) - (toggle["y"] + toggle["height"] / 2)) < 2
    assert _box(page.locator(".site-header"))["height"] < 80
    assert toggle["width"] >= 24 and toggle["height"] >= 24
    current = "Transcript" if signed_in else "Sign in"
    expect(nav.get_by_role("link", name=current)).to_be_hidden()
    screenshot(f"phone-header-{'signed-in' if signed_in else 'signed-out'}")

    # A native <details>, no script: the keyboard reaches Menu (after the skip link and the site name), shows
    # where it is, and opens it.
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    assert menu.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name=current)).to_be_visible()
    expect(nav.get_by_role("link", name=current)).to_have_attribute("aria-current", "page")
    account = ("Transcript", "Profile", "Email", "Security") if signed_in else ("Sign in", "Sign up")
    for name in ("Home", "Activities", *account):
        link = _box(nav.get_by_role("link", name=name, exact=True))
        assert link["width"] >= 24 and link["height"] >= 24, name
    if signed_in:
        expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations() == []
    screenshot(f"phone-header-{'signed-in' if signed_in else 'signed-out'}-open")


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_the_desktop_header_keeps_the_inline_navigation(page, screenshot, alice, password, signed_in):
    if signed_in:
        sign_in(page, alice.email, password)
    page.goto("/")
    nav, menu = _menu_parts(page)
    expect(menu).to_be_hidden()
    links = nav.get_by_role("listitem")
    expect(links.first).to_be_visible()
    tops = {round(_box(links.nth(index))["y"]) for index in range(links.count())}
    assert len(tops) == 1, "the navigation wraps"
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    screenshot(f"desktop-header-{'signed-in' if signed_in else 'signed-out'}")


@pytest.mark.parametrize("width", [390, 1280])
def test_rating_scales_are_one_row_or_one_column(page, screenshot, seed_questions, alice, password, width):
    activity = seed_questions
    Enrollment.objects.create(user=alice, activity=activity)
    for kind in ("pre", "post"):
        attempt = attempt_start(user=alice, quiz=Quiz.objects.get(activity=activity, kind=kind))
        answer(attempt, correct=attempt.items.count())
        attempt_submit(attempt=attempt)
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, alice.email, password)
    page.goto(reverse("journey:evaluation", args=[activity.slug]))
    groups = page.locator(".evaluation fieldset fieldset")
    expect(groups.first).to_be_visible()
    for index in range(groups.count()):
        group = groups.nth(index)
        tops = [round(_box(option)["y"]) for option in group.get_by_role("radio").all()]
        assert len(set(tops)) in {1, len(tops)}, f"{group.locator('legend').inner_text()} breaks mid-scale: {tops}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"evaluation-{width}")
