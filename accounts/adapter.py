"""allauth adapter: mail goes through the outbound queue, failed logins key on account and address,
and a sign-up for a taken email costs what a real one does."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import get_ip
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.utils.crypto import get_random_string
from django.utils.html import strip_tags

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
