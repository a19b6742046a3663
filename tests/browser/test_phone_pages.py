"""Every learner page at 390 px: no sideways scrolling and no serious or critical axe finding."""

from decimal import Decimal

from django.urls import reverse

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
        "catalog": reverse("activities:catalog"),
        "activity": activity.get_absolute_url(),
        "posttest-intro": reverse("quizzes:posttest", args=[activity.slug]),
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
