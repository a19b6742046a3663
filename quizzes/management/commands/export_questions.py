from django.core.management import BaseCommand, CommandError

from quizzes.interchange import FORMATS, export_quizzes
from quizzes.models import Quiz


class Command(BaseCommand):
    help = "Write the quizzes' questions to stdout as GIFT or Moodle XML, one $CATEGORY block per quiz."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(FORMATS), default="gift")
        parser.add_argument("--activity", metavar="SLUG", help="Only this activity's quizzes.")

    def handle(self, *args, **options):
        quizzes = Quiz.objects.all()
        if options["activity"]:
            quizzes = quizzes.filter(activity__slug=options["activity"])
            if not quizzes.exists():
                raise CommandError(f"No quizzes for an activity with slug “{options['activity']}”.")
        self.stdout.write(export_quizzes(quizzes, fmt=options["format"]), ending="")
