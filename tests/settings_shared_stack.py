"""The test settings, but with the cache and the sessions in Redis (REDIS_URL), as production has them.

For tests that start real servers sharing one Redis (tests/browser/test_two_instances.py);
tests.settings keeps a per-process cache so tests cannot see each other's counters.
"""

import os
from pathlib import Path

from cme import settings as production_settings
from tests.settings import *  # noqa: F403

CACHES = {
    "default": {"BACKEND": "cme.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"]},
    "pages": {
        "BACKEND": "cme.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "pages",
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
# The tasks go where the production settings send them: through Redis when the test gives
# TASK_QUEUE_URL, for the task worker it starts beside the servers.
TASKS = production_settings.TASKS
# Both servers write certificates to the one folder the test gives them, as they would to S3.
MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
