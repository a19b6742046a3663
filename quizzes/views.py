from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from activities.selectors import activity_for_learner
from cme.staff import staff_permission_required
from quizzes.forms import AnswerForm
from quizzes.models import AttemptState, Question, QuizKind
from quizzes.rendering import render_stem
from quizzes.selectors import (
    attempt_for_user,
    attempt_items,
    knowledge_gain,
    published_quizzes,
    quiz_summary,
    review_allowed,
)
from quizzes.services import AttemptClosedError, attempt_answer, attempt_start, attempt_submit


def _quiz_or_404(request: HttpRequest, slug: str, kind: str):
    activity = activity_for_learner(user=request.user, slug=slug)
    quiz = published_quizzes(activity).get(kind)
    if quiz is None:
        raise Http404("This activity has no such test.")
    return activity, quiz


@login_required
def quiz_detail(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    activity, quiz = _quiz_or_404(request, slug, kind)
    summary = quiz_summary(user=request.user, quiz=quiz)
    questions = quiz.slots.filter(question__status="published").count()
    context = {"activity": activity, "quiz": quiz, "summary": summary, "question_count": questions}
    return render(request, "quizzes/quiz.html", context)


@login_required
def quiz_start(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    _activity, quiz = _quiz_or_404(request, slug, kind)
    if request.method != "POST":
        return redirect(quiz)  # e.g. back from signing in: the quiz page has the Start button
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(quiz)
    first_open = attempt.items.filter(selected_choice__isnull=True).order_by("position").first()
    return redirect("quizzes:question", attempt.pk, first_open.position if first_open else 1)


@login_required
def question(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, attempt_id=attempt_id)
    if not attempt.is_in_progress:
        messages.info(request, "This attempt has been submitted; here is your result.")
        return redirect(attempt)
    items = attempt_items(attempt)
    if not 1 <= position <= len(items):
        raise Http404("No such question in this attempt.")
    item = items[position - 1]
    form = AnswerForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            choice_id = form.selected_choice_id()
            if choice_id is not None:
                attempt_answer(attempt=attempt, position=position, choice_id=choice_id)
        except AttemptClosedError as error:
            messages.error(request, error.messages[0])
            return redirect(attempt)
        except ValidationError as error:
            form.add_error("choice", error.messages[0])
        else:
            return _after_answer(attempt, position, len(items), request.POST.get("action", "next"))
    context = {
        "attempt": attempt,
        "activity": attempt.quiz.activity,
        "item": item,
        "stem_html": render_stem(item.version.stem),
        "form": form,
        "total": len(items),
        "answered": sum(1 for i in items if i.selected_choice_id),
    }
    return render(request, "quizzes/question.html", context)


def _after_answer(attempt, position: int, total: int, action: str) -> HttpResponse:
    if action == "previous" and position > 1:
        return redirect("quizzes:question", attempt.pk, position - 1)
    if action == "review" or position == total:
        return redirect("quizzes:review", attempt.pk)
    return redirect("quizzes:question", attempt.pk, position + 1)


@login_required
def review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, attempt_id=attempt_id)
    if not attempt.is_in_progress:
        return redirect(attempt)
    items = attempt_items(attempt)
    context = {
        "attempt": attempt,
        "activity": attempt.quiz.activity,
        "items": items,
        "unanswered": [item.position for item in items if not item.selected_choice_id],
    }
    return render(request, "quizzes/review.html", context)


@login_required
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, attempt_id=attempt_id)
    if request.method != "POST":
        return redirect("quizzes:review", attempt.pk)
    try:
        attempt_submit(attempt=attempt)
    except AttemptClosedError as error:
        messages.info(request, error.messages[0])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("quizzes:review", attempt.pk)
    return redirect(attempt)


@login_required
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, attempt_id=attempt_id)
    if attempt.state != AttemptState.GRADED:
        return redirect("quizzes:review", attempt.pk)
    quiz = attempt.quiz
    summary = quiz_summary(user=request.user, quiz=quiz)
    show_key = review_allowed(attempt=attempt, summary=summary)
    items = attempt_items(attempt)
    for item in items:
        item.stem_html = render_stem(item.version.stem)
        item.explanation_html = render_stem(item.version.explanation)
    context = {
        "attempt": attempt,
        "activity": quiz.activity,
        "quiz": quiz,
        "summary": summary,
        "show_key": show_key,
        "items": items,
        "gain": knowledge_gain(user=request.user, activity=quiz.activity) if quiz.kind == QuizKind.POST else None,
    }
    return render(request, "quizzes/result.html", context)


@staff_permission_required("quizzes.view_question")
def preview(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.prefetch_related("choices"), pk=question_id)
    context = {
        "question": question,
        "stem_html": render_stem(question.stem),
        "explanation_html": render_stem(question.explanation),
        "admin_url": reverse("admin:quizzes_question_change", args=[question.pk]),
    }
    return render(request, "quizzes/preview.html", context)
