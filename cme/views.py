import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico before reading the page's <link rel="icon">.
    return redirect(static("img/favicon.svg"), permanent=True)


def privacy(request: HttpRequest) -> HttpResponse:
    """What the site stores about a learner, why, for how long, and whom to contact."""
    contact = {
        "email": settings.SITE_CONTACT_EMAIL,
        "phone": settings.SITE_CONTACT_PHONE,
        "address": settings.SITE_CONTACT_ADDRESS,
    }
    return render(request, "privacy.html", {"contact": contact})


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside the `except` block of an unhandled exception.

    A lost database is a temporary outage, not a bug: it gets a 503 with
    Retry-After, and the next request reconnects on its own. The page is
    rendered without the request so that nothing on it needs the database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
