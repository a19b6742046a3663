"""Remembers the request being served, so a service deep below the view can log who asked and from where."""

from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)


def current_request() -> HttpRequest | None:
    """The request being served, or None in a worker or a management command."""
    return _current_request.get()


class RequestContextMiddleware:
    """Sits after AuthenticationMiddleware; the user is read when an entry is written (a sign-in changes it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
