from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from activities.rendering import render_article
from activities.selectors import (
    activity_for_learner,
    activity_for_page,
    catalog_activities,
    learner_progress,
    learner_statuses,
)
from activities.services import activity_start


def catalog(request: HttpRequest) -> HttpResponse:
    activities = list(catalog_activities(user=request.user))
    statuses = learner_statuses(user=request.user, activities=activities)
    rows = [(activity, statuses.get(activity.pk)) for activity in activities]
    return render(request, "activities/catalog.html", {"rows": rows})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    activity = activity_for_page(user=request.user, slug=slug)
    progress = learner_progress(user=request.user, activity=activity)
    context = {
        "activity": activity,
        "progress": progress,
        "article_html": "" if progress.article_locked else render_article(activity.body, activity.charts.all()),
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
        activity_start(user=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(activity)
    return redirect(f"{activity.get_absolute_url()}#article")
