"""The learner's pages from the catalog to the claim. Each asks the Journey what to show and what comes next."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.selectors import profile_missing_for_certificate
from activities.page_cache import own_to_learner, shared_for_visitors
from credits import wording
from credits.forms import ClaimForm, EvaluationForm
from credits.selectors import amount_choices, credit_type_for, pars_reporting_possible
from journey import services
from journey.page_cache import article_html, front_matter
from journey.selectors import (
    activity_for_learner,
    activity_for_page,
    catalog_activities,
    in_progress_journeys,
    journey_for,
    journeys,
)
from journey.state import Step
from quizzes.models import QuizKind
from quizzes.rendering import render_stem
from quizzes.selectors import attempt_for_user, attempt_items, knowledge_gain, review_allowed, review_note


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "missing": profile_missing_for_certificate(user) if user.is_authenticated else [],
        "continuing": in_progress_journeys(user=user),
    }
    return render(request, "home.html", context)


@shared_for_visitors("catalog")
@own_to_learner("catalog")
def catalog(request: HttpRequest) -> HttpResponse:
    activities = list(catalog_activities(user=request.user))
    by_activity = journeys(user=request.user, activities=activities)
    return render(request, "activities/catalog.html", {"journeys": [by_activity[a.pk] for a in activities]})


@shared_for_visitors("activity")
@own_to_learner("activity")
def activity(request: HttpRequest, slug: str) -> HttpResponse:
    activity = activity_for_page(user=request.user, slug=slug)
    journey = journey_for(user=request.user, activity=activity)
    context = {
        "activity": activity,
        "journey": journey,
        "front_matter": front_matter(activity),
        "article_html": "" if journey.article_locked else article_html(activity),
    }
    return render(request, "activities/detail.html", context)


@login_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    activity = activity_for_learner(user=request.user, slug=slug)
    if request.method != "POST":
        # Signing in from a Start button comes back here as a GET: show the
        # activity so the learner can start it with a real POST.
        return redirect(activity)
    try:
        services.activity_start(user=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(activity)
    journey = journey_for(user=request.user, activity=activity)
    if journey.pretest_required_first:
        # Starting goes straight into a required pre-test: the front matter was the last page to read first.
        return _start_quiz(request, activity, QuizKind.PRE)
    return redirect(f"{activity.get_absolute_url()}#article")


@login_required
def quiz(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    activity = activity_for_learner(user=request.user, slug=slug)
    journey = journey_for(user=request.user, activity=activity)
    summary = journey.summary_for(kind)
    if summary is None:
        raise Http404("This activity has no such test.")
    step = Step.PRETEST if kind == QuizKind.PRE else Step.POSTTEST
    context = {
        "activity": activity,
        "journey": journey,
        "quiz": summary.quiz,
        "summary": summary,
        "blockers": [] if summary.in_progress else journey.blockers(step),
        "resume_url": journey.attempt_resume_url(summary.in_progress) if summary.in_progress else "",
        "question_count": summary.quiz.slots.filter(question__status="published").count(),
    }
    return render(request, "quizzes/quiz.html", context)


@login_required
def quiz_start(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    activity = activity_for_learner(user=request.user, slug=slug)
    if request.method != "POST":
        return redirect("journey:pretest" if kind == QuizKind.PRE else "journey:posttest", slug)
    return _start_quiz(request, activity, kind)


def _start_quiz(request: HttpRequest, activity, kind: str) -> HttpResponse:
    try:
        attempt = services.quiz_start(user=request.user, activity=activity, kind=kind)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("journey:pretest" if kind == QuizKind.PRE else "journey:posttest", activity.slug)
    journey = journey_for(user=request.user, activity=activity)
    return redirect(journey.attempt_resume_url(attempt))


@login_required
@own_to_learner("result")
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, attempt_id=attempt_id)
    if attempt.is_in_progress:
        return redirect("quizzes:review", attempt.pk)
    activity = attempt.quiz.activity
    journey = journey_for(user=request.user, activity=activity)
    summary = journey.summary_for(attempt.quiz.kind)
    show_key = review_allowed(attempt=attempt, summary=summary)
    items = attempt_items(attempt)
    for item in items:
        item.stem_html = render_stem(item.version.stem)
        item.explanation_html = render_stem(item.version.explanation) if show_key else ""
    context = {
        "attempt": attempt,
        "activity": activity,
        "quiz": attempt.quiz,
        "summary": summary,
        "journey": journey,
        "show_key": show_key,
        "review_note": "" if show_key else review_note(quiz=attempt.quiz),
        "items": items,
        "gain": knowledge_gain(user=request.user, activity=activity) if attempt.quiz.kind == QuizKind.POST else None,
    }
    return render(request, "quizzes/result.html", context)


@login_required
def evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    activity = activity_for_learner(user=request.user, slug=slug)
    blockers = journey_for(user=request.user, activity=activity).blockers(Step.EVALUATION)
    if blockers:
        messages.info(request, blockers[0])
        return redirect(activity)
    form = EvaluationForm(
        request.POST or None, objectives=activity.objectives.all(), follow_up_days=activity.follow_up_days
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(
                user=request.user,
                activity=activity,
                answers=form.answers(),
                objective_ratings=form.objective_ratings(),
                commitments=form.commitments(),
                follow_up=form.cleaned_data["follow_up"],
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(activity)
        messages.success(request, "Thank you: your evaluation is recorded.")
        return redirect("journey:claim", activity.slug)
    return render(request, "credits/evaluation.html", {"activity": activity, "form": form})


@login_required
def claim(request: HttpRequest, slug: str) -> HttpResponse:
    activity = activity_for_learner(user=request.user, slug=slug)
    user = request.user
    credit_type = credit_type_for(user)
    form = ClaimForm(
        request.POST or None,
        amounts=amount_choices(activity),
        attestation=wording.attestation_prompt(credit_type=credit_type),
        pars_statement=wording.pars_consent_statement(activity) if pars_reporting_possible(user) else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.credit_claim(
                user=user,
                activity=activity,
                amount=Decimal(form.cleaned_data["amount"]),
                attested=form.cleaned_data["attest"],
                pars_consent=form.cleaned_data.get("pars_consent", False),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, "Your credit is claimed and your certificate is ready. A copy is on its way to you by email."
            )
            return redirect(certificate)
    journey = journey_for(user=user, activity=activity)
    context = {
        "activity": activity,
        "form": form,
        "journey": journey,
        "blockers": journey.blockers(Step.CLAIM),
        "claim_lead": wording.claim_lead(credit_type),
        "designation_statement": wording.designation_statement(activity),
    }
    return render(request, "credits/claim.html", context)
