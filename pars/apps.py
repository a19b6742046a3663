from django.apps import AppConfig


class ParsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pars"
    verbose_name = "ACCME reporting (PARS)"
