"""Background tasks for commitment-to-change follow-ups (Django's Tasks API through the django-tasks backport)."""

from django_tasks import task

from credits import services


@task()
def send_due_followups() -> None:
    """Queue every follow-up and reminder that is due.

    Enqueued with run_after for the moment a follow-up (or its reminder) falls
    due, so the worker wakes then. The sweep sends everything due, not one row,
    so a task lost while the queue was down is made up by the next one.
    """
    services.followup_send_due()
