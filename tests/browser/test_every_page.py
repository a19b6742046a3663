"""Every learner-facing page at 390 px and 1280 px: no sideways scrolling, no serious or critical axe finding.

One learner has every kind of row the pages can show: a pre-test and a post-test graded, a post-test in
progress, an activity waiting for its evaluation and one waiting for its claim, a valid certificate, a revoked
certificate and self-reported credit with long titles.
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from activities.services import activity_start
from credits.services import certificate_revoke, credit_claim, external_credit_add
from quizzes.models import QuizKind
from quizzes.services import attempt_answer, attempt_start, attempt_submit
from tests.browser.conftest import sign_in
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, make_quiz
from tests.quizzes.conftest import answer

WIDTHS = {390: 844, 1280: 900}  # viewport width: height


def url(name: str, *args) -> str:
    """The path for a URL name, or a note the sweep reports if the name has gone."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return f"(no URL is named {name!r})"


def learner_pages(r: SimpleNamespace) -> tuple[dict, dict]:
    """The pages the sweep opens, as {name: (path, expected status)}: (signed out, signed in).

    The one place to change when a URL moves. A page whose URL name has gone, that answers
    with another status or that redirects elsewhere is reported as a problem under its name.
    """
    signed_out = {
        "home (signed out)": (url("home"), 200),
        "catalog (signed out)": (url("journey:catalog"), 200),
        "activity (signed out)": (r.seed.get_absolute_url(), 200),
        "verification (valid)": (r.certificate.verification_path, 200),
        "verification (revoked)": (r.revoked.verification_path, 200),
        "verification (unknown code)": (url("credits:verify", "no-such-code"), 404),
        "sign in": (url("account_login"), 200),
        "sign up": (url("account_signup"), 200),
    }
    signed_in = {
        "home": (url("home"), 200),
        "catalog": (url("journey:catalog"), 200),
        "activity": (r.seed.get_absolute_url(), 200),
        "profile": (url("accounts:profile"), 200),
        "email": (url("account_email"), 200),
        "security": (url("mfa_index"), 200),
        "transcript": (url("credits:transcript"), 200),
        "certificate": (r.certificate.get_absolute_url(), 200),
        "certificate (revoked)": (r.revoked.get_absolute_url(), 200),
        "pre-test intro (graded)": (r.pretest.quiz.get_absolute_url(), 200),
        "post-test intro (passed)": (r.posttest.quiz.get_absolute_url(), 200),
        "post-test intro (in progress)": (r.open_attempt.quiz.get_absolute_url(), 200),
        "question page": (url("quizzes:page", r.open_attempt.pk, 1), 200),
        "review": (url("quizzes:review", r.open_attempt.pk), 200),
        "pre-test result": (r.pretest.get_absolute_url(), 200),
        "post-test result": (r.posttest.get_absolute_url(), 200),
        "evaluation": (url("journey:evaluation", r.seed.slug), 200),
        "claim": (url("journey:claim", r.to_claim.slug), 200),
    }
    return signed_out, signed_in


LONG_TITLE = (
    "Antibody–drug conjugates after progression on trastuzumab deruxtecan in HER2-positive, HER2-low and "
    "HER2-ultralow metastatic breast cancer: sequencing, resistance and the management of interstitial lung disease"
)


def learner_records(learner, staff, seed) -> SimpleNamespace:
    """Everything the learner's pages can list, made through the services as the site makes it."""
    r = SimpleNamespace()
    today = timezone.localdate()

    # The seed activity: both tests graded, the evaluation still to do.
    r.seed = seed
    activity_start(user=learner, activity=seed)
    attempts = {}
    for kind, correct in ((QuizKind.PRE, 1), (QuizKind.POST, None)):
        attempt = attempt_start(user=learner, quiz=seed.quizzes.get(kind=kind))
        answer(attempt, correct=attempt.items.count() if correct is None else correct)
        attempts[kind] = attempt_submit(attempt=attempt)
    r.pretest, r.posttest = attempts[QuizKind.PRE], attempts[QuizKind.POST]

    # Claimed, revoked, and evaluated but not yet claimed.
    certificates = []
    for title in (LONG_TITLE, "Pertuzumab maintenance", "HER2-low disease"):
        activity = ActivityFactory(title=title[:200])  # the longest title the admin accepts
        make_quiz(activity, "post", questions=2)
        activity_start(user=learner, activity=activity)
        pass_posttest(learner, activity)
        evaluate(learner, activity)
        certificates.append(activity)
    r.certificate = credit_claim(
        user=learner, activity=certificates[0], amount=Decimal("0.50"), attested=True, pars_consent=False
    )
    revoked = credit_claim(user=learner, activity=certificates[1], amount=Decimal("0.25"), attested=True,
                           pars_consent=False)  # fmt: skip
    r.revoked = certificate_revoke(
        certificate=revoked, reason="The learner's attendance could not be confirmed by the provider.", by=staff
    )
    r.to_claim = certificates[2]

    # A post-test in progress: one of three questions answered.
    activity = ActivityFactory(title="Tucatinib and CNS metastases")
    make_quiz(activity, "post", questions=3)
    activity_start(user=learner, activity=activity)
    r.open_attempt = attempt_start(user=learner, quiz=activity.quizzes.get(kind=QuizKind.POST))
    first = r.open_attempt.items.get(position=1)
    attempt_answer(attempt=r.open_attempt, position=1, choice_id=first.choice_order[0])

    # Self-reported credit, including the longest title, provider and credit type the form takes
    # and a long unbroken string.
    for days, title, provider, credit_type, amount in (
        (20, "Tumor board grand rounds", "Massachusetts General Hospital", "AMA PRA Category 1 Credit™", "1.00"),
        (40, (LONG_TITLE + " " + LONG_TITLE)[:200], "American Society of Clinical Oncology " * 5,
         "ABIM Maintenance of Certification medical knowledge points", "12.50"),
        (60, "Webcast https://education.example.org/oncology/her2/2025/destiny-breast09-update-recording",
         "Oncology Grand Rounds Network", "Participation", "0.75"),
    ):  # fmt: skip
        external_credit_add(
            user=learner,
            title=title,
            provider=provider.strip()[:200],
            completed_on=today - timedelta(days=days),
            credit_type=credit_type,
            amount=Decimal(amount),
        )
    return r


def check(page, axe_violations, screenshot, pages: dict, problems: dict) -> None:
    for name, (path, status) in pages.items():
        if not path.startswith("/"):
            problems[name] = path
            continue
        response = page.goto(path)
        if response.status != status or urlsplit(page.url).path != path:
            problems[name] = f"expected {status} at {path}, got {response.status} at {page.url}"
            continue
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            found = list(axe_violations())
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                found.append(f"the page is {scroll_width} px wide")
            if found:
                problems[f"{name} at {width} px"] = found
                screenshot(f"every-page-{width}-{name.replace(' ', '-')}")


def test_every_learner_page_fits_both_widths_and_passes_axe(
    page, screenshot, axe_violations, seed_questions, alice, staff_user, password
):
    signed_out, signed_in = learner_pages(learner_records(alice, staff_user, seed_questions))
    problems = {}
    check(page, axe_violations, screenshot, signed_out, problems)
    sign_in(page, alice.email, password)
    check(page, axe_violations, screenshot, signed_in, problems)
    assert problems == {}
