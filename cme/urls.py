from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from cme import views

admin.site.site_header = "CME administration"
admin.site.site_title = "CME administration"
# Staff sign in through allauth too, so its rate limits and 2FA guard the admin.
admin.site.login = secure_admin_login(admin.site.login)

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
