from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile_edit, name="profile"),
]
