"""The learner's journey through one activity: its steps, their gates, the status and the next step.

This is the only place that knows the order front matter → pre-test → article →
post-test → evaluation → claim → certificate, and when each step opens. The
catalog, the home page, the activity page, the quiz pages, the evaluation, the
claim and the services that record them all read a Journey, so they cannot
disagree. A Journey is built from facts loaded in a fixed number of queries
(selectors.journeys), and everything here is computed from those facts without
touching the database.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from activities.models import Activity
from credits.models import Certificate, CreditClaim
from quizzes.models import Attempt, QuizKind
from quizzes.selectors import QuizSummary


class Step(models.TextChoices):
    FRONT_MATTER = "front_matter", "Front matter"
    PRETEST = "pretest", "Pre-test"
    ARTICLE = "article", "Article"
    POSTTEST = "posttest", "Post-test"
    EVALUATION = "evaluation", "Evaluation"
    CLAIM = "claim", "Claim credit"
    CERTIFICATE = "certificate", "Certificate"


class StepState(models.TextChoices):
    DONE = "done", "Done"
    CURRENT = "current", "Current step"
    UPCOMING = "upcoming", "Still to come"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    PASSED = "passed", "Passed"
    OUT_OF_ATTEMPTS = "out_of_attempts", "Out of attempts"
    CREDIT_CLAIMED = "credit_claimed", "Credit claimed"
    REVOKED = "revoked", "Certificate revoked"
    CLOSED = "closed", "Credit no longer offered"
    PREVIEW = "preview", "Staff preview: not yet released"
    UNAVAILABLE = "unavailable", "Credit not available right now"


# How each status is shown: good news, a problem, or plain.
SUCCESS_STATUSES = {Status.PASSED, Status.CREDIT_CLAIMED}
WARNING_STATUSES = {Status.OUT_OF_ATTEMPTS, Status.REVOKED, Status.CLOSED, Status.PREVIEW, Status.UNAVAILABLE}


@dataclass(frozen=True)
class StepView:
    key: str
    label: str
    state: str

    @property
    def is_current(self) -> bool:
        return self.state == StepState.CURRENT

    @property
    def is_done(self) -> bool:
        return self.state == StepState.DONE


@dataclass(frozen=True)
class Action:
    """One button: a link (GET) or a form with a single button (POST)."""

    label: str
    url: str
    method: str = "get"

    @property
    def is_post(self) -> bool:
        return self.method == "post"


@dataclass(frozen=True)
class NextStep:
    """What the learner reads and does next: an explanation, the main button, other links."""

    note: str
    action: Action | None = None
    secondary: tuple[Action, ...] = ()
    show_contact: bool = False
    # A page to link to from elsewhere (catalog, home) that lands exactly where the learner resumes.
    continue_url: str = ""


@dataclass(frozen=True)
class Journey:
    activity: Activity
    today: date
    authenticated: bool
    staff_preview: bool  # may read unreleased activities and the article without the pre-test
    enrolled: bool = False
    pretest: QuizSummary | None = None
    posttest: QuizSummary | None = None
    evaluated: bool = False
    claim: CreditClaim | None = None
    certificate: Certificate | None = None
    profile_missing: tuple[str, ...] = ()
    # For each open attempt, its first unanswered question (absent when all are answered).
    resume_positions: dict[int, int] = field(default_factory=dict)

    # ------------------------------------------------------------------ facts

    @property
    def closed_reason(self) -> str:
        return self.activity.closed_reason(self.today)

    @property
    def open_for_credit(self) -> bool:
        return not self.closed_reason

    @property
    def pretest_taken(self) -> bool:
        return self.pretest is not None and self.pretest.best is not None

    @property
    def posttest_started(self) -> bool:
        return self.posttest is not None and bool(self.posttest.attempts)

    @property
    def pretest_required_first(self) -> bool:
        """A required pre-test still stands between the learner and the article and post-test.

        Once the post-test has begun the pre-test is closed for good (it measures what the learner knew
        before), so a pre-test that staff add or make required later never strands anyone.
        """
        return (
            self.activity.pretest_required
            and self.pretest is not None
            and not self.pretest_taken
            and not self.posttest_started
        )

    @property
    def pretest_optional_open(self) -> bool:
        """An optional pre-test the learner may still take: offered, never in the way."""
        return (
            not self.activity.pretest_required
            and self.pretest is not None
            and not self.pretest_taken
            and not self.posttest_started
        )

    @property
    def posttest_available(self) -> bool:
        """The post-test can be taken: it has published items, or the learner has an attempt open on it."""
        summary = self.posttest
        # `published` is the count of published items, annotated by journey.selectors.journeys.
        return summary is not None and (summary.quiz.published > 0 or summary.in_progress is not None)

    @property
    def posttest_passed(self) -> bool:
        """The one "post-test passed" rule: a passed attempt stays passed, whatever staff later do to the items."""
        return self.posttest is not None and self.posttest.has_passed

    @property
    def out_of_attempts(self) -> bool:
        summary = self.posttest
        return (
            summary is not None and not summary.has_passed and summary.in_progress is None and summary.out_of_attempts
        )

    @property
    def revoked(self) -> bool:
        return self.certificate is not None and self.certificate.is_revoked

    @property
    def article_locked(self) -> bool:
        # The baseline only matters while credit is on offer: an expired activity stays readable to all.
        return self.open_for_credit and not self.staff_preview and self.pretest_required_first

    # ------------------------------------------------------------------ steps

    def _done(self) -> set[str]:
        done = set()
        if self.enrolled:
            done.add(Step.FRONT_MATTER)
        if self.pretest_taken or self.posttest_started or self.pretest_optional_open:
            # Taken; or closed because the post-test began; or optional, so never the step a learner is held at.
            done.add(Step.PRETEST)
        if self.posttest_started:
            done.add(Step.ARTICLE)  # reaching the post-test means the reading is behind them
        if self.posttest_passed:
            done.add(Step.POSTTEST)
        if self.evaluated:
            done.add(Step.EVALUATION)
        if self.claim is not None:
            done |= {Step.CLAIM, Step.CERTIFICATE}
        return done

    @property
    def step_keys(self) -> list[str]:
        keys = [Step.FRONT_MATTER]
        if self.pretest is not None:
            keys.append(Step.PRETEST)
        return [*keys, Step.ARTICLE, Step.POSTTEST, Step.EVALUATION, Step.CLAIM, Step.CERTIFICATE]

    @property
    def current(self) -> str | None:
        done = self._done()
        return next((key for key in self.step_keys if key not in done), None)

    @property
    def steps(self) -> tuple[StepView, ...]:
        done, current = self._done(), self.current
        return tuple(
            StepView(
                key=key,
                label=Step(key).label,
                state=StepState.DONE if key in done else StepState.CURRENT if key == current else StepState.UPCOMING,
            )
            for key in self.step_keys
        )

    # ----------------------------------------------------------------- status

    @property
    def status(self) -> str | None:
        """The learner's standing on this activity; None for a visitor who has not signed in."""
        if self.claim is not None:
            return Status.REVOKED if self.revoked else Status.CREDIT_CLAIMED
        if not self.activity.is_released(self.today):
            return Status.PREVIEW
        if self.activity.is_expired(self.today):
            return Status.CLOSED
        if not self.authenticated:
            return None
        if self.posttest_passed:
            return Status.PASSED
        if not self.posttest_available:
            return Status.UNAVAILABLE
        if self.out_of_attempts:
            return Status.OUT_OF_ATTEMPTS
        return Status.IN_PROGRESS if self.enrolled else Status.NOT_STARTED

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else ""

    @property
    def status_tone(self) -> str:
        if self.status in SUCCESS_STATUSES:
            return "success"
        return "warning" if self.status in WARNING_STATUSES else ""

    @property
    def in_progress(self) -> bool:
        """Started and not yet finished: the home page lists these with a Continue link."""
        return self.enrolled and self.status in {Status.IN_PROGRESS, Status.PASSED}

    # ------------------------------------------------------------------ gates

    def blockers(self, step: str) -> list[str]:
        """Every reason the learner cannot take this step now; empty when they can."""
        if step == Step.FRONT_MATTER:
            return [self.closed_reason] if self.closed_reason else []
        problems = [self.closed_reason] if self.closed_reason else []
        if step in (Step.PRETEST, Step.POSTTEST):
            if not self.enrolled:
                problems.append("Start the activity first: review its front matter, then choose Start.")
            summary = self.pretest if step == Step.PRETEST else self.posttest
            if step == Step.POSTTEST and not self.posttest_available and not self.posttest_passed:
                problems.append("The post-test is not available right now; please contact the provider.")
            elif summary is None:
                problems.append("This activity has no pre-test.")
            elif summary.in_progress is None and not summary.can_start:
                problems.append(summary.cannot_start_reason)
            if step == Step.POSTTEST and self.pretest_required_first:
                problems.append("Take the pre-test first; it records what you knew before reading.")
            return problems
        if step == Step.EVALUATION:
            if self.evaluated:
                problems.append("You have already completed the evaluation for this activity.")
            elif not self.posttest_passed:
                problems.append("Pass the post-test first.")
            return problems
        if step == Step.CLAIM:
            if self.claim is not None:
                return [*problems, "You have already claimed credit for this activity."]
            if not self.posttest_passed:
                problems.append("Pass the post-test.")
            if not self.evaluated:
                problems.append("Complete the evaluation.")
            if self.profile_missing:
                problems.append(f"Complete your profile: {', '.join(self.profile_missing)}.")
            return problems
        raise ValueError(f"{step} has no gate of its own")

    @property
    def can_start(self) -> bool:
        return self.authenticated and not self.enrolled and not self.blockers(Step.FRONT_MATTER)

    @property
    def start_note(self) -> str:
        """What the Start button leads to, said beside it."""
        if self.pretest is not None and self.activity.pretest_required:
            return "By starting, you confirm you have reviewed the information above. The short pre-test opens next."
        return "By starting, you confirm you have reviewed the information above. The article follows."

    # -------------------------------------------------------------- next step

    def attempt_resume_url(self, attempt: Attempt) -> str:
        position = self.resume_positions.get(attempt.pk)
        if position is None:  # every question answered: the page to check and submit
            return reverse("quizzes:review", args=[attempt.pk])
        page = attempt.quiz.page_of(position)
        # The first question of a page needs no anchor: the page's own instructions come first.
        first_on_page = position == 1 or attempt.quiz.page_of(position - 1) != page
        return attempt.page_url(page) if first_on_page else f"{attempt.page_url(page)}#q{position}"

    @property
    def next_step(self) -> NextStep:
        activity = self.activity
        activity_url = activity.get_absolute_url()
        status = self.status
        if status == Status.REVOKED:
            certificate = self.certificate
            revoked_on = date_format(timezone.localtime(certificate.revoked_at).date(), "F j, Y")
            reason = certificate.revoked_reason.strip()
            if not reason.endswith((".", "!", "?")):
                reason += "."
            return NextStep(
                note=f"Your certificate {certificate.number} was revoked on {revoked_on}: {reason} "
                "Its credit no longer counts on your transcript.",
                secondary=(Action("Your transcript", reverse("credits:transcript")),),
                show_contact=True,
                continue_url=activity_url,
            )
        if status == Status.CREDIT_CLAIMED:
            number = self.certificate.number
            return NextStep(
                note=f"Credit claimed. Your certificate {number} is on your transcript.",
                action=Action("Download your certificate", reverse("credits:certificate_pdf", args=[number])),
                secondary=(Action("Your transcript", reverse("credits:transcript")),),
                continue_url=reverse("credits:certificate", args=[number]),
            )
        if status in (Status.PREVIEW, Status.CLOSED):
            note = (
                f"This is a staff preview. {self.closed_reason} Learners cannot see it until then."
                if status == Status.PREVIEW
                else self.closed_reason
            )
            return NextStep(note=note, continue_url=activity_url)
        if not self.authenticated:
            signup = f"{reverse('account_signup')}?{urlencode({'next': activity_url})}"
            login = f"{reverse('account_login')}?{urlencode({'next': activity_url})}"
            return NextStep(
                note="Create a free account or sign in to take part and earn credit; your progress is saved as you go.",
                action=Action("Create a free account", signup),
                secondary=(Action("Sign in", login),),
                continue_url=activity_url,
            )
        if status == Status.UNAVAILABLE:
            open_pretest = self.pretest.in_progress if self.pretest and not self.posttest_started else None
            resume = Action("Continue the pre-test", self.attempt_resume_url(open_pretest)) if open_pretest else None
            return NextStep(
                note="Credit is not available for this activity right now: its post-test is being revised. "
                "Please check back later, or contact us.",
                action=resume,
                show_contact=True,
                continue_url=resume.url if resume else activity_url,
            )
        current = self.current
        if current == Step.FRONT_MATTER:
            return NextStep(
                note="Review the information about this activity below, then start.",
                action=Action("Review the front matter", f"{activity_url}#front-matter"),
                continue_url=f"{activity_url}#front-matter",
            )
        if current == Step.PRETEST:
            return self._quiz_step(
                self.pretest,
                note="Take the short pre-test before you read; it records what you already know.",
                start_label="Take the pre-test",
                resume_label="Continue the pre-test",
            )
        if current == Step.ARTICLE:
            article = Action("Go to the article", f"{activity_url}#article")
            if self.pretest_optional_open:
                pretest = self.pretest
                take = (
                    Action("Continue the optional pre-test", self.attempt_resume_url(pretest.in_progress))
                    if pretest.in_progress
                    else Action("Take the optional pre-test", pretest.quiz.get_start_url(), "post")
                )
                return NextStep(
                    note="Read the article and study its figures, then take the post-test at the end. A short "
                    "pre-test first is optional: it records what you already know.",
                    action=article,
                    secondary=(take,),
                    continue_url=article.url,
                )
            return NextStep(
                note="Read the article and study its figures, then take the post-test at the end.",
                action=article,
                continue_url=article.url,
            )
        if current == Step.POSTTEST:
            if self.out_of_attempts:
                allowed = self.posttest.quiz.attempts_allowed
                best = self.posttest.best
                return NextStep(
                    note=f"You have used all {allowed} post-test attempt{'s' if allowed != 1 else ''} without reaching "
                    f"the pass mark, so this activity cannot award you credit now. Your best score was {best.score} of "
                    f"{best.max_score}. If you think this is wrong, or you would like another attempt, contact us.",
                    action=Action("See your answers", best.get_absolute_url()),
                    show_contact=True,
                    continue_url=best.get_absolute_url(),
                )
            return self._quiz_step(
                self.posttest,
                note="Pass the post-test to earn credit.",
                start_label="Retake the post-test" if self.posttest.attempts else "Take the post-test",
                resume_label="Continue the post-test",
            )
        if current == Step.EVALUATION:
            url = reverse("journey:evaluation", args=[activity.slug])
            return NextStep(
                note="You passed the post-test. Next: a short evaluation, then claim your credit.",
                action=Action("Complete the evaluation", url),
                continue_url=url,
            )
        claim_url = reverse("journey:claim", args=[activity.slug])
        if self.profile_missing:
            url = f"{reverse('accounts:profile')}?{urlencode({'next': claim_url})}"
            return NextStep(
                note=f"Your certificate needs your {', '.join(self.profile_missing)}. "
                "Add them, then claim your credit.",
                action=Action("Complete your profile", url),
                continue_url=url,
            )
        return NextStep(
            note="Attest to your participation and claim your credit.",
            action=Action("Claim your credit", claim_url),
            continue_url=claim_url,
        )

    @property
    def after_article(self) -> Action | None:
        """The button at the end of the article: the post-test, when it is what comes next."""
        if self.status != Status.IN_PROGRESS or self.current not in (Step.ARTICLE, Step.POSTTEST):
            return None
        summary = self.posttest
        if summary.in_progress is not None:
            return Action("Continue the post-test", self.attempt_resume_url(summary.in_progress))
        if self.blockers(Step.POSTTEST):
            return None
        label = "Retake the post-test" if summary.attempts else "Take the post-test"
        return Action(label, summary.quiz.get_start_url(), "post")

    def _quiz_step(self, summary: QuizSummary, *, note: str, start_label: str, resume_label: str) -> NextStep:
        if summary.in_progress is not None:
            url = self.attempt_resume_url(summary.in_progress)
            return NextStep(note=note, action=Action(resume_label, url), continue_url=url)
        intro = summary.quiz.get_absolute_url()
        return NextStep(note=note, action=Action(start_label, summary.quiz.get_start_url(), "post"), continue_url=intro)

    # ----------------------------------------------------------- quiz details

    def summary_for(self, kind: str) -> QuizSummary | None:
        return self.pretest if kind == QuizKind.PRE else self.posttest
