"""Run the background task worker the settings choose: the database's, or RQ's when TASK_QUEUE_URL is set."""

from django.conf import settings
from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst", action="store_true", help="Run the tasks that are due now, then stop (for cron and tests)."
        )

    def handle(self, *args, burst: bool, **options):
        if settings.TASK_QUEUE_URL:
            # django-rq's worker (installed with TASK_QUEUE_URL) closes the database connections
            # before RQ forks a process per task. Its scheduler moves deferred tasks (a follow-up
            # due in weeks, an email retry) onto the queue when their time comes; django-tasks-rq's
            # job class reports their results.
            call_command(
                "rqworker", "default", job_class="django_tasks_rq.Job", with_scheduler=True, burst=burst,
                verbosity=options["verbosity"],
            )  # fmt: skip
        else:
            call_command(
                "db_worker", reload=False, batch=burst, startup_delay=not burst, verbosity=options["verbosity"]
            )
