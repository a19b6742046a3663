"""The test settings, but with the cache and the sessions in Redis (REDIS_URL), as production has them.

For tests that start real servers sharing one Redis (tests/browser/test_two_instances.py);
tests.settings keeps a per-process cache so tests cannot see each other's counters.
"""

import os
from pathlib import Path

from tests.settings import *  # noqa: F403

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]},
    "pages": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "pages",
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
# Both servers write certificates to the one folder the test gives them, as they would to S3.
MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
