from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from pars.management.commands._output import check_output, write_file
from pars.models import FileFormat
from pars.services import activity_export


class Command(BaseCommand):
    help = "Write ACCME's activity file for every activity open for credit in a year to stdout (logged)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument("--format", choices=FileFormat.values, default=FileFormat.XLSX, dest="file_format")

    def handle(self, *args, year: int, file_format: str, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("Give a year between 2000 and 2100.")
        check_output(self, text=file_format == FileFormat.TSV)
        content = activity_export(year=year, file_format=file_format)
        write_file(self, content, text=file_format == FileFormat.TSV)
