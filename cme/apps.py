from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CmeConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "cme"
    verbose_name = "Continuing medical education"

    def ready(self):
        from cme import checks  # noqa: F401  (registers the system checks)


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site: sign-in through allauth only, and 2FA for staff."""

    default = False

    default_site = "cme.admin_site.StaffAdminSite"
