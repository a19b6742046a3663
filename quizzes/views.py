from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from activities.page_cache import own_to_learner
from cme.staff import staff_permission_required
from quizzes.forms import AttemptPageForm
from quizzes.models import Question
from quizzes.rendering import render_stem
from quizzes.selectors import attempt_for_user, attempt_items
from quizzes.services import AttemptClosedError, AttemptRefusedError, attempt_answers, attempt_submit


class PageAction:
    """The buttons of an attempt page, as posted in `action`."""

    SUBMIT = "submit"  # one-page layout: save and grade
    SAVE = "save"  # save and leave; the activity page offers to continue
    NEXT = "next"
    PREVIOUS = "previous"
    REVIEW = "review"


@login_required
@own_to_learner("attempt-page")
def attempt_page(request: HttpRequest, attempt_id: int, page: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, attempt_id=attempt_id)
    if not attempt.is_in_progress:
        messages.info(request, "This attempt has been submitted; here is your result.")
        return redirect(attempt)
    quiz = attempt.quiz
    items = attempt_items(attempt)
    pages = quiz.page_count(len(items))
    if not 1 <= page <= pages:
        raise Http404("No such page in this attempt.")
    on_page = [item for item in items if quiz.page_of(item.position) == page]
    form = AttemptPageForm(request.POST or None, items=on_page)
    answers_saved = False
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", PageAction.NEXT)
        try:
            answers = form.answers()
            if answers:
                attempt_answers(attempt=attempt, answers=answers)
                answers_saved = True
            if action == PageAction.SUBMIT and pages == 1:
                attempt_submit(attempt=attempt)
                return redirect(attempt)
        except AttemptClosedError as error:
            messages.error(request, error.messages[0])
            return redirect(attempt)
        except AttemptRefusedError as error:
            messages.error(request, error.messages[0])
            return redirect(quiz.activity)
        except ValidationError as error:
            answered = {item.position for item in attempt_items(attempt) if item.selected_choice_id}
            missing = [item for item in on_page if item.position not in answered]
            for item in missing:
                form.add_error(form.field_name(item), f"Question {item.position}: choose an answer before you submit.")
            if not missing:
                form.add_error(None, error.messages[0])
        else:
            return _after_save(request, attempt, page, pages, action)
    if request.method == "POST":
        items = attempt_items(attempt)  # what was saved before the page came back with an error
    answered = sum(1 for item in items if item.selected_choice_id)
    for item in on_page:
        item.stem_html = render_stem(item.version.stem)
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "activity": quiz.activity,
        "form": form,
        "page": page,
        "pages": pages,
        "total": len(items),
        "answered": answered,
        "answers_saved": answers_saved,
    }
    return render(request, "quizzes/page.html", context, status=400 if form.errors else 200)


def _after_save(request, attempt, page: int, pages: int, action: str) -> HttpResponse:
    if action == PageAction.SAVE:
        messages.success(
            request, "Your answers are saved. Continue whenever you like, from this page or the home page."
        )
        return redirect(f"{attempt.quiz.activity.get_absolute_url()}#next-step")
    if action == PageAction.PREVIOUS and page > 1:
        return redirect(attempt.page_url(page - 1))
    if action == PageAction.REVIEW or page == pages:
        return redirect("quizzes:review", attempt.pk)
    return redirect(attempt.page_url(page + 1))


@login_required
def question(request: HttpRequest, attempt_id: int, position: int) -> HttpResponse:
    """A question by its number: the page of the attempt that holds it."""
    attempt = attempt_for_user(user=request.user, attempt_id=attempt_id)
    if not attempt.items.filter(position=position).exists():
        raise Http404("No such question in this attempt.")
    return redirect(f"{attempt.page_url(attempt.quiz.page_of(position))}#q{position}")


@login_required
def review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_for_user(user=request.user, attempt_id=attempt_id)
    if not attempt.is_in_progress:
        return redirect(attempt)
    items = attempt_items(attempt)
    for item in items:
        item.page_url = f"{attempt.page_url(attempt.quiz.page_of(item.position))}#q{item.position}"
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
    except AttemptRefusedError as error:
        messages.error(request, error.messages[0])
        return redirect(attempt.quiz.activity)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("quizzes:review", attempt.pk)
    return redirect(attempt)


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
