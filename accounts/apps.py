from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_tables(using, **kwargs):
    """The database cache holds allauth's login rate limits; without its table every login fails.

    Creating it after each migrate (a no-op when it exists, or when Redis is the
    cache) means no deployment can forget it.
    """
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and learner profiles"

    def ready(self):
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="accounts.create_cache_tables")
