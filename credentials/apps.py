from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credentials"
    verbose_name = "Verifiable credentials"

    def ready(self):
        from credentials import checks  # noqa: F401 (registers the deploy check)
