from django.urls import path

from quizzes import views

app_name = "quizzes"
urlpatterns = [
    path("attempts/<int:attempt_id>/page/<int:page>/", views.attempt_page, name="page"),
    path("attempts/<int:attempt_id>/questions/<int:position>/", views.question, name="question"),
    path("attempts/<int:attempt_id>/review/", views.review, name="review"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("quizzes/preview/<int:question_id>/", views.preview, name="preview"),
]
