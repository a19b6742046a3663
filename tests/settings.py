"""Settings for the test suite: local-development settings plus test speed-ups.

DATABASE_URL still comes from the environment, so the same suite runs on SQLite
and on PostgreSQL.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "true")

from cme.settings import *  # noqa: F403

# Transactional tests end with a flush, which must empty the action log too.
AUDIT_LOG_FLUSHABLE = True

# A fast hasher: the suite creates many users and would spend seconds in PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each test starts from an empty cache (see conftest.py); allauth's rate limits live here.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}

# Tests render templates without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Certificates are written to storage; each test run gets its own throw-away folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="cme-test-media-"))

# Tasks run as soon as they are enqueued, in the process that enqueued them; email_queue
# enqueues on commit, so a test that reads mail.outbox wraps the request in
# django_capture_on_commit_callbacks(execute=True). Retries (run_after) wait for the test.
TASKS = {"default": {"BACKEND": "tests.tasks.ImmediateBackend"}}
CACHE_LEARNER_PAGES = True  # the suite checks what a learner's cached page shows
# A fixed key for the suite, so no test makes a development key file.
CREDENTIAL_SIGNING_KEY = "z3u2TxKHpigSrbszSutXMZsY9DX7Nvb8nvwNzhjoiWGe5JGR"
# A fixed self-signed document-signing pair for the suite (made by `manage.py pdf_signing_certificate`).
PDF_SIGNING_KEY_FILE = str(Path(__file__).parent / "data" / "pdf-signing" / "key.pem")
PDF_SIGNING_CERTIFICATE_FILE = str(Path(__file__).parent / "data" / "pdf-signing" / "certificate.pem")
