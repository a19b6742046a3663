from django.urls import path

from quizzes import views
from quizzes.models import QuizKind

app_name = "quizzes"
urlpatterns = [
    path("activities/<slug:slug>/pre-test/", views.quiz_detail, {"kind": QuizKind.PRE}, name="pretest"),
    path("activities/<slug:slug>/pre-test/start/", views.quiz_start, {"kind": QuizKind.PRE}, name="pretest_start"),
    path("activities/<slug:slug>/post-test/", views.quiz_detail, {"kind": QuizKind.POST}, name="posttest"),
    path("activities/<slug:slug>/post-test/start/", views.quiz_start, {"kind": QuizKind.POST}, name="posttest_start"),
    path("attempts/<int:attempt_id>/", views.result, name="attempt"),
    path("attempts/<int:attempt_id>/questions/<int:position>/", views.question, name="question"),
    path("attempts/<int:attempt_id>/review/", views.review, name="review"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("quizzes/preview/<int:question_id>/", views.preview, name="preview"),
]
