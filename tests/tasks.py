"""The task backend the suite runs on."""

from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend as DjangoTasksImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id


class ImmediateBackend(DjangoTasksImmediateBackend):
    """django-tasks' ImmediateBackend, which runs a task as soon as it is enqueued, except one
    enqueued with run_after (a retry): that waits in `deferred` until a test calls
    run_deferred(), as a worker would run it once its time came."""

    supports_defer = True

    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.deferred: list[TaskResult] = []

    def enqueue(self, task, args, kwargs):
        if task.run_after is None:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        self.deferred.append(result)
        return result

    def run_deferred(self) -> list[TaskResult]:
        """Run every waiting task now, as if its run_after had passed; returns them."""
        due, self.deferred = self.deferred, []
        for result in due:
            self._execute_task(result)
        return due
