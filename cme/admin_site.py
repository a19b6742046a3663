"""The admin site: staff sign in through allauth only, and with an authenticator app.

Django's own admin login form takes a password by POST and signs the poster in,
past allauth's rate limits and 2FA; here it never does. has_permission also
refuses staff without an authenticator, so the admin does not rely on the
middleware alone.
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from cme.staff import needs_two_factor_setup, two_factor_setup_redirect


class StaffAdminSite(admin.AdminSite):
    site_header = "CME administration"
    site_title = "CME administration"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not needs_two_factor_setup(request.user)

    def login(self, request, extra_context=None):
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse("account_login"))
        if needs_two_factor_setup(user):
            return two_factor_setup_redirect(request)
        if user.is_active and user.is_staff:
            return redirect(next_url)
        raise PermissionDenied

    def view_on_site(self, request, content_type_id, object_id):
        """'View on site' links reveal addresses (an unreleased activity's, a certificate's): view permission first."""
        content_type = get_object_or_404(ContentType, pk=content_type_id)
        if not request.user.has_perm(f"{content_type.app_label}.view_{content_type.model}"):
            raise PermissionDenied
        return shortcut(request, content_type_id, object_id)

    def get_urls(self):
        guarded = path(
            "r/<int:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site"
        )
        return [guarded, *(url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site")]
