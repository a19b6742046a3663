from django.conf import settings
from django.core.management import BaseCommand, call_command

from cme.demo import demo_accounts_ensure

FIXTURES_DIR = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = "Load the demo fixtures from fixtures/ and, with DEBUG on, the demo accounts. Safe to run again."

    def handle(self, *args, **options):
        fixtures = sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))
        if fixtures:
            # Every fixture row has a fixed primary key, so loading again updates
            # the same rows instead of adding copies.
            call_command("loaddata", *fixtures, verbosity=options["verbosity"])
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo accounts were created.")
            return
        self.stdout.write(self.style.SUCCESS("Demo accounts (local development only):"))
        for account in demo_accounts_ensure():
            role = "staff (Django admin)" if account.is_staff else "learner"
            self.stdout.write(f"  {role:<22} {account.email:<22} password: {account.password}")
