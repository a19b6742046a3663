from django.urls import path

from journey import views
from quizzes.models import QuizKind

app_name = "journey"
urlpatterns = [
    path("activities/", views.catalog, name="catalog"),
    path("activities/<slug:slug>/", views.activity, name="activity"),
    path("activities/<slug:slug>/start/", views.start, name="start"),
    path("activities/<slug:slug>/pre-test/", views.quiz, {"kind": QuizKind.PRE}, name="pretest"),
    path("activities/<slug:slug>/pre-test/start/", views.quiz_start, {"kind": QuizKind.PRE}, name="pretest_start"),
    path("activities/<slug:slug>/post-test/", views.quiz, {"kind": QuizKind.POST}, name="posttest"),
    path("activities/<slug:slug>/post-test/start/", views.quiz_start, {"kind": QuizKind.POST}, name="posttest_start"),
    path("attempts/<int:attempt_id>/", views.result, name="result"),
    path("activities/<slug:slug>/evaluation/", views.evaluation, name="evaluation"),
    path("activities/<slug:slug>/claim/", views.claim, name="claim"),
]
