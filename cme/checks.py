from django.conf import settings
from django.core.checks import Tags, Warning, register

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
