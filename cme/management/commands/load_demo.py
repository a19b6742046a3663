from django.conf import settings
from django.core import serializers
from django.core.management import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction

from cme.demo import demo_accounts_ensure

FIXTURES_DIR = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = (
        "Load the demo fixtures from fixtures/ and, with DEBUG on, the demo accounts. Safe to run again: rows "
        "that already exist are left exactly as they are."
    )

    def handle(self, *args, **options):
        for path in sorted(FIXTURES_DIR.glob("*.json")):
            added = self._load_missing_rows(path)
            self.stdout.write(f"{path.name}: {added} new row(s)" if added else f"{path.name}: already loaded")
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo accounts were created.")
            return
        self.stdout.write(self.style.SUCCESS("Demo accounts (local development only):"))
        for account in demo_accounts_ensure():
            role = "staff (Django admin)" if account.is_staff else "learner"
            self.stdout.write(f"  {role:<22} {account.email:<22} password: {account.password}")
        self.stdout.write("  The staff account sets up an authenticator app on its first visit to the admin.")

    @transaction.atomic
    def _load_missing_rows(self, path) -> int:
        # Unlike loaddata, never overwrite: an author's edits, and question
        # versions that attempts point at, must survive the next `make run`.
        added = 0
        models = set()
        with path.open(encoding="utf-8") as stream:
            for row in serializers.deserialize("json", stream):
                model = type(row.object)
                models.add(model)
                if not model._default_manager.filter(pk=row.object.pk).exists():
                    row.save()
                    added += 1
        _reset_id_sequences(models)
        return added


def _reset_id_sequences(models) -> None:
    """Rows saved with explicit ids leave PostgreSQL's id sequences behind them.

    Without this the next row anyone adds (in the admin, by an import) would be
    given an id that is already taken. SQLite needs nothing (it has no SQL here).
    """
    statements = connection.ops.sequence_reset_sql(no_style(), sorted(models, key=lambda model: model._meta.label))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
