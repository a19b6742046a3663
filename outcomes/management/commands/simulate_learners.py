import time

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from activities.models import Activity
from outcomes.simulation import simulate_learners

CHUNK = 5_000  # learners per transaction: memory stays flat at a million answers


class Command(BaseCommand):
    help = (
        "Write synthetic learners' journeys through an activity, for demos and benchmarks: IRT-modelled "
        "pre/post-test answers, evaluations with commitments to change, follow-ups, claims with certificates "
        "and PARS profiles (most complete and consenting, some declining, some incomplete). The same seed on "
        "the same database writes the same cohort. Refused when DEBUG is off, unless --force: simulated "
        "learners would mix with real ones in reports and PARS exports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activity", metavar="SLUG", required=True)
        parser.add_argument("--learners", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=1, metavar="S")
        parser.add_argument("--days", type=int, default=120, help="Spread the starts over this many past days.")
        parser.add_argument("--force", action="store_true", help="Write them even though DEBUG is off.")

    def handle(self, *args, activity: str, learners: int, seed: int, days: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a real site: simulated learners would appear in its outcomes "
                "reports and PARS exports. Use a development database, or pass --force."
            )
        if learners < 1 or days < 1:
            raise CommandError("--learners and --days must be at least 1.")
        found = Activity.objects.filter(slug=activity).first()
        if found is None:
            raise CommandError(f"No activity with slug “{activity}”.")
        started = time.perf_counter()
        totals = None
        for offset in range(0, learners, CHUNK):
            try:
                summary = simulate_learners(
                    activity=found, learners=min(CHUNK, learners - offset), seed=seed * 1_000_003 + offset, days=days
                )
            except ValueError as error:
                raise CommandError(str(error)) from None
            totals = summary if totals is None else totals.add(summary)
        for line in totals.lines():
            self.stdout.write(line)
        self.stdout.write(f"written in {time.perf_counter() - started:.1f} s")
