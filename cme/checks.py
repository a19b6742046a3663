from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from cme import print_fonts

_PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def rate_limit_cache_is_shared(app_configs, **kwargs):
    """allauth counts failed logins in the cache; a per-process cache multiplies the limit by the worker count."""
    if settings.CACHES["default"]["BACKEND"] in _PER_PROCESS_CACHES:
        return [
            Warning(
                "The default cache is per process, so login rate limits are not shared between workers.",
                hint="Set REDIS_URL, or leave it unset to use the database cache.",
                id="cme.W001",
            )
        ]
    return []


_NON_DELIVERING_EMAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security, deploy=True)
def email_is_delivered(app_configs, **kwargs):
    """Confirmation and reset links carry tokens; a console backend would print them to the logs."""
    if settings.EMAIL_BACKEND in _NON_DELIVERING_EMAIL:
        return [
            Warning(
                "EMAIL_BACKEND does not deliver mail, so sign-up confirmations, password resets and certificates "
                "never reach learners.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the EMAIL_HOST settings.",
                id="cme.W002",
            )
        ]
    return []


@register(Tags.database, deploy=True)
def database_suits_production(app_configs, **kwargs):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return [
            Warning(
                "The database is SQLite; production runs on PostgreSQL (several workers, row locks, backups).",
                hint="Set DATABASE_URL=postgres://…",
                id="cme.W003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def staff_two_factor_enforced(app_configs, **kwargs):
    if not settings.STAFF_REQUIRE_2FA:
        return [
            Warning(
                "STAFF_REQUIRE_2FA is off, so staff can open the admin with a password alone.",
                hint="Unset STAFF_REQUIRE_2FA (it defaults to true) so staff must enrol an authenticator app.",
                id="cme.W004",
            )
        ]
    return []


@register()
def print_fonts_installed(app_configs, **kwargs):
    """Certificates print names in every script only with every printed face in place; never by the system's chance."""
    missing = print_fonts.missing()
    if missing:
        return [
            Error(
                f"The fonts PDFs are printed in are missing: {', '.join(path.name for path in missing)}.",
                hint=f"Install Debian's {print_fonts.DEBIAN_PACKAGES} and run `python -m cme.print_fonts` "
                "(make does both checks).",
                id="cme.E001",
            )
        ]
    changed = print_fonts.changed()
    if changed:
        return [
            Warning(
                f"The printed fonts {', '.join(path.name for path in changed)} are not the versions certificates "
                "were issued with: new certificates print, but a lost file issued before cannot be rebuilt "
                "byte for byte.",
                hint="Install the Debian 12 versions named in cme/print_fonts.py, or accept that older lost files "
                "are served as unavailable (they are kept in storage, and only a lost one needs rebuilding).",
                id="cme.W005",
            )
        ]
    return []
