import csv

from django.core.management import BaseCommand, CommandError

from activities.models import Activity
from outcomes.exports import RESPONSE_HEADER, response_rows


class Command(BaseCommand):
    help = (
        "Write every answered question of an activity's submitted attempts as CSV to stdout, one row per answer: "
        "learner (a pseudonym, never a name or email), attempt, quiz_kind, attempt_number, question (ID number), "
        "version, choice_position (1-based, as authored), correct (0/1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activity", metavar="SLUG", required=True)

    def handle(self, *args, activity: str, **options):
        found = Activity.objects.filter(slug=activity).first()
        if found is None:
            raise CommandError(f"No activity with slug “{activity}”.")
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(RESPONSE_HEADER)
        for row in response_rows(activity=found):
            writer.writerow(row)
