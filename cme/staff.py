"""Who may act as staff: one rule for the admin and for staff pages outside it.

Staff privileges count only once the account has an authenticator app
enrolled (when STAFF_REQUIRE_2FA is on, the default), and each staff page asks
for the model permission it needs: `is_staff` alone opens nothing.
"""

from collections.abc import Callable
from functools import wraps

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

TWO_FACTOR_SETUP_URL_NAME = "mfa_activate_totp"


def has_authenticator(user) -> bool:
    # Cached on the user object: the admin asks several times per request.
    if not hasattr(user, "_cme_has_authenticator"):
        user._cme_has_authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return user._cme_has_authenticator


def needs_two_factor_setup(user) -> bool:
    """A staff account without an authenticator may not use its staff privileges yet."""
    return bool(settings.STAFF_REQUIRE_2FA and user.is_authenticated and user.is_staff and not has_authenticator(user))


def staff_has_perm(user, perm: str) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not needs_two_factor_setup(user)
        and user.has_perm(perm)
    )


def two_factor_setup_redirect(request: HttpRequest) -> HttpResponse:
    messages.warning(request, "Staff accounts need an authenticator app. Set one up to open the staff pages.")
    return redirect(TWO_FACTOR_SETUP_URL_NAME)


def staff_permission_required(perm: str) -> Callable:
    """For staff views outside the admin: sign-in, then 2FA, then the model permission.

    Learners get a 404, as if the page did not exist; staff without the
    permission get a 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and user.is_staff):
                raise Http404
            if needs_two_factor_setup(user):
                return two_factor_setup_redirect(request)
            if not user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
