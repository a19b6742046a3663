"""allauth adapter: mail goes through the outbound queue, failed logins key on account and address,
a sign-up for a taken email costs what a real one does, and a new account is walked to its profile."""

from urllib.parse import urlencode, urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_login_redirect_url
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import get_ip
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.html import strip_tags

from accounts.forms import CONFIRMED_EMAIL_SESSION_KEY
from accounts.selectors import profile_missing_for_certificate
from accounts.services import staff_sign_in_log
from cme.staff import needs_two_factor_setup
from notifications.services import email_queue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Rendered exactly as allauth's own send_mail does, then queued instead of sent,
        # so a dead or hanging SMTP server never holds up or breaks the request.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html_body = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        body = message.body
        if message.content_subtype == "html":
            # allauth found only an HTML template: keep it, and give plain-text clients its text.
            html_body, body = body, strip_tags(body)
        email_queue(kind=template_prefix, to=message.to, subject=message.subject, body=body, html_body=html_body)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys its per-account failed-login limit on the login email alone, so five wrong
        # passwords from anywhere would lock the owner out. Keyed on the email *and* the client
        # address (as the per-IP limit sees it: ALLAUTH_TRUSTED_PROXY_COUNT, IPv6 by prefix), the
        # limit still slows a guesser at one address while the owner signs in from their own.
        # pre_authenticate counts with this key and a password reset clears it, so both agree.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"

    def respond_email_verification_sent(self, request, user):
        if user is None:
            # A sign-up for an email that already has an account (ACCOUNT_PREVENT_ENUMERATION)
            # creates nobody and so hashes no password, which made it answer in a fraction of the
            # time a real sign-up takes. Hash the submitted password once with the configured
            # hasher, so both answers cost the same. allauth calls this, with no user, on every
            # such sign-up (even when the "account exists" mail is rate-limited), and nowhere else.
            make_password(request.POST.get("password1") or get_random_string(20))
        return super().respond_email_verification_sent(request, user)

    def login(self, request, user) -> None:
        # allauth calls this once every stage of a sign-in (the second factor too) has passed,
        # on every path in: password, email confirmation, password reset.
        super().login(request, user)
        staff_sign_in_log(user=user)

    def post_login(self, request, user, *, redirect_url, signup, **kwargs):
        # The sign-up just finished (with ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION, that is the email
        # confirmation in the browser that signed up). A learner whose certificate still lacks
        # profile details goes to the profile first, which then returns them to where they were
        # headed (an activity, from its "Sign up" link). Staff who must still set up 2FA are left
        # on allauth's course: the staff pages send them to the authenticator set-up.
        if signup and profile_missing_for_certificate(user) and not needs_two_factor_setup(user):
            redirect_url = self._profile_url(request, redirect_url)
        return super().post_login(request, user, redirect_url=redirect_url, signup=signup, **kwargs)

    def _profile_url(self, request, redirect_url) -> str:
        profile = reverse("accounts:profile")
        # Only an address the learner asked for (`next`, checked by allauth) is carried on;
        # without one, the profile page keeps its own "Save profile" behavior.
        if not redirect_url:
            return profile
        # allauth accepted it as safe; the profile page takes paths only, so drop any (allowed) host.
        destination = urlsplit(get_login_redirect_url(request, redirect_url, signup=True))
        if destination.path == profile:
            return profile
        path = urlunsplit(("", "", destination.path, destination.query, destination.fragment))
        return f"{profile}?{urlencode({'next': path})}"

    def get_email_verification_redirect_url(self, email_address) -> str:
        if not self.request.user.is_authenticated:
            # Confirmed in a browser with no sign-in under way (another browser, or after the
            # pending sign-in timed out): the sign-in page starts with the address filled in.
            # The holder of the link knows the address already, so nothing is disclosed; it is
            # kept in the session rather than the query string, out of logs and Referer headers.
            self.request.session[CONFIRMED_EMAIL_SESSION_KEY] = email_address.email
        return super().get_email_verification_redirect_url(email_address)
