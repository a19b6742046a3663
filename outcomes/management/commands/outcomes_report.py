from django.core.management import BaseCommand, CommandError

from activities.models import Activity
from cme.command_arguments import iso_date
from outcomes.exports import section_tables, write_tables
from outcomes.selectors import SECTIONS, Period


class Command(BaseCommand):
    help = (
        "Write one section of an activity's outcomes report as CSV to stdout, computed as the admin page does: "
        "items (Moodle's item and test statistics), knowledge (matched pre/post), funnel (participation), "
        "evaluation (satisfaction) or followup (commitment to change and its follow-up). Dates are inclusive, "
        "in the site's time zone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activity", metavar="SLUG", required=True)
        parser.add_argument("--section", choices=SECTIONS, required=True)
        parser.add_argument("--format", choices=["csv"], default="csv")
        parser.add_argument("--start", metavar="YYYY-MM-DD", type=iso_date)
        parser.add_argument("--end", metavar="YYYY-MM-DD", type=iso_date)

    def handle(self, *args, activity: str, section: str, start, end, **options):
        found = Activity.objects.filter(slug=activity).first()
        if found is None:
            raise CommandError(f"No activity with slug “{activity}”.")
        if start and end and end < start:
            raise CommandError("The end date must be on or after the start date.")
        write_tables(section_tables(activity=found, period=Period(start, end), section=section), self.stdout)
