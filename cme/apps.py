from django.apps import AppConfig


class CmeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cme"
    verbose_name = "Continuing medical education"

    def ready(self):
        from cme import checks  # noqa: F401  (registers the system checks)
