from django.contrib import admin
from django.urls import include, path

from cme import views
from credentials import views as credentials_views
from journey import views as journey_views

handler500 = "cme.views.server_error"

urlpatterns = [
    path("", journey_views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("privacy/", views.privacy, name="privacy"),
    path(".well-known/did.json", credentials_views.did_json, name="did_document"),
    path("", include("journey.urls")),
    path("", include("quizzes.urls")),
    path("", include("credits.urls")),
    path("accounts/profile/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
