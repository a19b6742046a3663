"""Background tasks for outbound email (Django's Tasks API through the django-tasks backport)."""

from django_tasks import task

from notifications import services


@task()
def deliver_email(email_id: int) -> None:
    """Deliver one OutboundEmail; on failure the service re-enqueues this task with a delay."""
    services.email_deliver(email_id=email_id)
