from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.forms import ProfileForm
from accounts.models import User
from accounts.selectors import profile_missing_for_certificate
from accounts.services import profile_update


def safe_next_path(request: HttpRequest, value: str | None) -> str:
    """The `next` address if it is a path on this site, otherwise "".

    Only paths ("/activities/…/claim/") are kept: no other host, no scheme, no
    protocol-relative "//host" and nothing with whitespace or control characters,
    which could not go into a Location header anyway.
    """
    value = value or ""
    if (
        not value.startswith("/")
        or any(character.isspace() or not character.isprintable() for character in value)
        or not url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return ""
    return value


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    # Where to go once the profile is saved: a page of this site that sent the learner here.
    next_path = safe_next_path(request, (request.POST if request.method == "POST" else request.GET).get("next"))
    # The form validates against its own copy so rejected input never leaks
    # into request.user (the header and the checklist keep the saved values).
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your profile has been saved.")
        return redirect(next_path or "accounts:profile")
    context = {"form": form, "missing": profile_missing_for_certificate(request.user), "next": next_path}
    return render(request, "accounts/profile_form.html", context)
