from django.core.management import BaseCommand

from credits.services import followup_send_due


class Command(BaseCommand):
    help = (
        "Queue every commitment follow-up and reminder that is due. The worker already does this at each "
        "follow-up's due time; run this from cron (say hourly) as a backstop for a queue that lost a task. "
        "Safe beside running workers: each follow-up is sent once."
    )

    def handle(self, *args, **options):
        queued = followup_send_due()
        self.stdout.write(f"{queued} follow-up email(s) queued.")
