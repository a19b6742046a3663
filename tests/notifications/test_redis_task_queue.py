"""At scale the tasks go through Redis (TASK_QUEUE_URL: RQ through django-tasks-rq).

Email queued in a request waits in Redis until an RQ worker delivers it; a
deferred task (a follow-up due later, an email retry) waits in RQ's schedule
until its time. The worker here is RQ's SimpleWorker, in this process, so it
sees the test's database.
"""

import os
import socket
import time
from datetime import timedelta

import django_rq
import pytest
from django.core import mail
from django.utils import timezone
from django_tasks import TaskResultStatus
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from credits.tasks import send_due_followups
from notifications.models import EmailStatus
from notifications.services import email_queue

REDIS_DB = 10  # its own: the two-instance browser test flushes 9


@pytest.fixture
def redis_queue(settings):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        message = "Redis is not running on 127.0.0.1:6379 (redis-server --daemonize yes --bind 127.0.0.1)"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:6379/{REDIS_DB}"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    connection = django_rq.get_connection("default")
    connection.flushdb()
    yield django_rq.get_queue("default")
    connection.flushdb()


def work_off(queue) -> None:
    worker = SimpleWorker([queue], connection=queue.connection, job_class="django_tasks_rq.Job")
    worker.work(burst=True, with_scheduler=True)


def test_a_queued_email_waits_in_redis_until_the_worker_delivers_it(
    db, redis_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(kind="certificate", to=["learner@example.org"], subject="Your certificate", body="Hello")
    assert redis_queue.count == 1
    assert mail.outbox == []
    work_off(redis_queue)
    (message,) = mail.outbox
    assert message.subject == "Your certificate"
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert redis_queue.count == 0


def test_a_deferred_task_waits_for_its_time_then_runs(db, redis_queue):
    due = timezone.now() + timedelta(days=30)
    later = send_due_followups.using(run_after=due).enqueue()
    soon = send_due_followups.using(run_after=timezone.now() + timedelta(seconds=1)).enqueue()
    assert redis_queue.count == 0  # neither is runnable yet
    scheduled = ScheduledJobRegistry(queue=redis_queue)
    assert set(scheduled.get_job_ids()) == {later.id, soon.id}
    assert abs(scheduled.get_scheduled_time(later.id) - due) < timedelta(seconds=1)
    time.sleep(1.5)
    work_off(redis_queue)  # the worker's scheduler moves what is due onto the queue, and runs it
    assert send_due_followups.get_result(soon.id).status == TaskResultStatus.SUCCESSFUL
    assert send_due_followups.get_result(later.id).status == TaskResultStatus.READY
    assert scheduled.get_job_ids() == [later.id]
