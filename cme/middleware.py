"""Request guards that apply to every URL."""

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.defaults import bad_request

from cme.staff import needs_two_factor_setup, two_factor_setup_redirect

# C0 control characters and DEL never belong in a path; PostgreSQL refuses NUL
# outright, so a value like /verify/a%00b/ would otherwise be a 500.
_CONTROL_CHARACTERS = frozenset(chr(code) for code in (*range(32), 127))


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _CONTROL_CHARACTERS.isdisjoint(request.path):
            raise Http404("The address contains a control character.")
        # A session cookie with NUL in it would reach the session table; such a cookie is
        # simply not one of ours, so it is dropped as if it had not been sent.
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if _CONTROL_CHARACTERS.isdisjoint(name) and _CONTROL_CHARACTERS.isdisjoint(value)
        }
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            # Answered here rather than raised: a hostile query is not worth a logged traceback.
            return bad_request(request, BadRequest("The query string contains a NUL character."))
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Staff reach no admin page until they have an authenticator app enrolled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin_root = reverse("admin:index")
        if (
            request.path.startswith(admin_root)
            and request.path != f"{admin_root}logout/"
            and needs_two_factor_setup(request.user)
        ):
            return two_factor_setup_redirect(request)
        return self.get_response(request)
