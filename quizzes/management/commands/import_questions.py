from pathlib import Path

from django.core.management import BaseCommand, CommandError

from quizzes.interchange import ImportRefusedError, import_questions


class Command(BaseCommand):
    help = (
        "Import single-best-answer questions from a GIFT or Moodle XML file. Every item is validated first; "
        "on any error each is reported and nothing is saved. A question already here (same ID number in the "
        "same activity) is revised if the file changed it and left alone if not; no test gets it twice. "
        "The output lists where each item goes and what happens to it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; save nothing.")
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="Leave out (and list) items of other types instead of refusing the file.",
        )

    def handle(self, *args, file: Path, dry_run: bool, skip_unsupported: bool, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            report = import_questions(text, filename=file.name, dry_run=dry_run, skip_unsupported=skip_unsupported)
        except ImportRefusedError as error:
            for problem in error.problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"Nothing was imported: {len(error.problems)} problem(s) in {file.name}.") from None
        self.stdout.write(report.summary())
