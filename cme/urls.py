from django.contrib import admin
from django.urls import include, path

from cme import views

handler500 = "cme.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("", include("quizzes.urls")),
    path("", include("credits.urls")),
    path("activities/", include("activities.urls")),
    path("accounts/profile/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
