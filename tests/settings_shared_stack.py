"""The test settings, but with the cache and the sessions in Redis (REDIS_URL), as production has them.

For tests that start real servers sharing one Redis (tests/browser/test_two_instances.py);
tests.settings keeps a per-process cache so tests cannot see each other's counters.
"""

import os

from tests.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
