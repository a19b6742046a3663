from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.forms import ProfileForm
from accounts.models import User
from accounts.selectors import profile_missing_for_certificate
from accounts.services import profile_update


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    # The form validates against its own copy so rejected input never leaks
    # into request.user (the header and the checklist keep the saved values).
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your profile has been saved.")
        return redirect("accounts:profile")
    context = {"form": form, "missing": profile_missing_for_certificate(request.user)}
    return render(request, "accounts/profile_form.html", context)
