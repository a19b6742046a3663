import pytest
from django_tasks import task_backends

from tests.notifications.mail_backends import HangingBackend, RefusingBackend


@pytest.fixture
def tasks_backend(settings):
    """The suite's task backend (tests.tasks.ImmediateBackend), with no retry left over from another test."""
    backend = task_backends["default"]
    backend.deferred.clear()
    yield backend
    backend.deferred.clear()


@pytest.fixture
def smtp_down(settings):
    RefusingBackend.calls = 0
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.RefusingBackend"
    return RefusingBackend


@pytest.fixture
def smtp_hanging(settings):
    HangingBackend.calls = 0
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.HangingBackend"
    return HangingBackend
