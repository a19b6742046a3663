"""A fixed-window request limit kept in the shared cache (the same cache allauth uses)."""

import time

from django.core.cache import cache


def over_limit(request, *, scope: str, limit: int, period: int = 60) -> bool:
    """Count this request against the client's window; True once the window's limit is exceeded."""
    window = int(time.time() // period)
    key = f"rl:{scope}:{request.META.get('REMOTE_ADDR', '')}:{window}"
    if cache.add(key, 1, timeout=period):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=period)
        return False
