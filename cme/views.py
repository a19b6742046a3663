from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.selectors import profile_missing_for_certificate


def home(request: HttpRequest) -> HttpResponse:
    missing = profile_missing_for_certificate(request.user) if request.user.is_authenticated else []
    return render(request, "home.html", {"missing": missing})
