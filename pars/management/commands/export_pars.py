from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from activities.models import Activity
from cme.command_arguments import iso_date
from pars.management.commands._output import check_output, write_file
from pars.models import FileFormat
from pars.services import learner_export


class Command(BaseCommand):
    help = (
        "Write an activity's PARS learner completion file to stdout, as the admin's export button does: only "
        "consenting learners, only what is new, changed or revoked since the last export, every row recorded "
        "as sent. Records that cannot be reported are listed on stderr with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activity", metavar="SLUG", required=True)
        parser.add_argument("--since", metavar="YYYY-MM-DD", type=iso_date, help="Completions on or after this date.")
        parser.add_argument("--until", metavar="YYYY-MM-DD", type=iso_date, help="Completions on or before this date.")
        parser.add_argument("--format", choices=FileFormat.values, default=FileFormat.XLSX, dest="file_format")

    def handle(self, *args, activity: str, since, until, file_format: str, **options):
        found = Activity.objects.filter(slug=activity).first()
        if found is None:
            raise CommandError(f"No activity with slug “{activity}”.")
        if since and until and until < since:
            raise CommandError("--until must be on or after --since.")
        check_output(self, text=file_format == FileFormat.TSV)
        try:
            submission, content, plan = learner_export(activity=found, file_format=file_format, start=since, end=until)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for item in plan.left_out:
            self.stderr.write(f"left out: {item.email} ({item.completed_on}): {' '.join(item.reasons)}")
        try:
            write_file(self, content, text=file_format == FileFormat.TSV)
        except OSError as error:
            raise CommandError(
                f"Submission {submission.pk} is recorded as sent, but the file could not be written ({error}). "
                "Download it again from its page in admin (ACCME reporting → PARS learner submissions)."
            ) from None
        self.stderr.write(
            f"submission {submission.pk}: {plan.added} added, {plan.deleted} deleted, "
            f"{len(plan.left_out)} left out, {plan.not_consenting} did not consent"
        )
