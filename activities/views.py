from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

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


@require_POST
@login_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    activity = activity_for_learner(user=request.user, slug=slug)
    try:
        activity_start(user=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(activity)
    return redirect(f"{activity.get_absolute_url()}#article")
