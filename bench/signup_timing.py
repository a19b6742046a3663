"""Benchmark: sign-up for a new email against sign-up for one that already has an account.

Run with the project's venv from the repository root:

    .venv/bin/python bench/signup_timing.py [--runs 30]

With ACCOUNT_PREVENT_ENUMERATION both paths answer with the same redirect and
page; this measures whether they also take the same time, so that timing
cannot tell an attacker which addresses have accounts. Each request goes
through Django's test client in this process, against a throw-away SQLite
database, with the production settings' password hasher (PBKDF2) and task
backend (the mail is queued in the database, as in production; no worker runs,
so nothing is sent). The two paths alternate after a warm-up, so drift on a
shared machine hits both alike; rate-limit counters are cleared before each
request, so every request takes the full path.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
os.environ.setdefault("DEBUG", "true")
# Never the developer's own database: the benchmark creates accounts.
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='cme-bench-signup-')}/bench.sqlite3"

import django

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import get_hasher  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402

PASSWORD = "a-long-benchmark-passphrase"  # noqa: S105  (throw-away accounts in a throw-away database)
TAKEN = "taken@example.org"


def sign_up(email: str) -> tuple[float, float]:
    """(wall ms, CPU ms) of one sign-up POST; on a shared VM the CPU time shows what steal time hides."""
    cache.clear()
    client = Client()
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.post(reverse("account_signup"), data)
    elapsed = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    setup_test_environment()
    call_command("migrate", verbosity=0)
    user = User.objects.create_user(email=TAKEN, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=TAKEN, verified=True, primary=True)

    for number in range(args.warmup):
        sign_up(f"warmup{number}@example.org")
        sign_up(TAKEN)

    new, taken = [], []
    for number in range(args.runs):
        new.append(sign_up(f"new{number}@example.org"))
        taken.append(sign_up(TAKEN))
    assert User.objects.count() == 1 + args.warmup + args.runs

    new_median, taken_median = statistics.median(w for w, _ in new), statistics.median(w for w, _ in taken)
    new_cpu, taken_cpu = statistics.median(c for _, c in new), statistics.median(c for _, c in taken)
    hasher = get_hasher()
    print(f"runs {args.runs} after {args.warmup} warm-up; hasher {hasher.algorithm} ({hasher.iterations} iterations)")
    print(f"tasks backend {settings.TASKS['default']['BACKEND']}")
    print(f"CPU time median: new email {new_cpu:.1f} ms; taken email {taken_cpu:.1f} ms")
    print(
        f"new email median {new_median:.1f} ms; taken email median {taken_median:.1f} ms; "
        f"ratio taken/new {taken_median / new_median:.2f}"
    )


if __name__ == "__main__":
    main()
