from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from accounts.selectors import profile_missing_for_certificate


def home(request: HttpRequest) -> HttpResponse:
    missing = profile_missing_for_certificate(request.user) if request.user.is_authenticated else []
    return render(request, "home.html", {"missing": missing})


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico before reading the page's <link rel="icon">.
    return redirect(static("img/favicon.svg"), permanent=True)
