"""Load test: learners through the whole journey, then an announcement's burst of visitors (Locust, headless).

Run from the repository root with the project's venv (PostgreSQL and Redis running on 127.0.0.1):

    .venv/bin/python bench/load.py [--learners 100] [--minutes 5] [--visitors 500] [--burst-seconds 10]

It creates a throw-away PostgreSQL database (cme_bench_load) and uses Redis
databases 12 (cache, sessions, rate limits), 13 (the task queue) and 14 (pages), migrates,
collects static files, loads the demo activity and starts the production stack:
gunicorn with the README's 3 sync workers and the task worker on the Redis
queue (TASK_QUEUE_URL), DEBUG off, email written to files (the learners read
their confirmation links there). allauth's limits for sign-up and confirmation
mail are raised through ACCOUNT_RATE_LIMITS, as the README describes for a load
test from one address; nothing else changes.

Then Locust runs, headless, against 127.0.0.1 only:
1. `--learners` LearnerUsers for `--minutes` (bench/locustfile.py): sign-up,
   email confirmation, profile, pre-test, article, post-test, evaluation, claim,
   certificate download, then again as a new learner;
2. `--visitors` VisitorUsers started within `--burst-seconds`, each opening the
   activity page (and its stylesheet) once.

For each it prints every step's requests, failures, requests/s and p50/p95/p99
in milliseconds, then what the database holds (accounts, certificates, email
sent). It exits non-zero if any request failed.
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "cme_bench_load"
PORT = 8766
SLUG = "her2-positive-mbc-frontline-and-maintenance"
RATE_LIMITS = "signup=10000/m/ip;confirm_email=off;login=10000/m/ip"

ANSWER_KEY = f"""
import json
from quizzes.models import VersionChoice
print("ANSWERS", json.dumps(sorted(set(
    VersionChoice.objects.filter(
        version__question__quizzes__activity__slug="{SLUG}", version__question__quizzes__kind="post",
        is_correct=True,
    ).values_list("text", flat=True)
))))
"""

REPORT = """
from accounts.models import User
from credits.models import Certificate, Evaluation
from notifications.models import OutboundEmail
from quizzes.models import Attempt
learners = User.objects.filter(email__startswith="learner-")
print(f"accounts created            {learners.count()}")
print(f"  with a confirmed address  {learners.filter(emailaddress__verified=True).count()}")
print(f"attempts submitted          {Attempt.objects.filter(user__in=learners, state='graded').count()}")
print(f"evaluations                 {Evaluation.objects.filter(user__in=learners).count()}")
print(f"certificates issued         {Certificate.objects.filter(claim__user__in=learners).count()}")
print(f"  with their PDF stored     {Certificate.objects.filter(claim__user__in=learners).exclude(pdf='').count()}")
emails = OutboundEmail.objects.all()
print(f"email queued / sent         {emails.count()} / {emails.filter(status='sent').count()}")
"""


def run(*args, env, check=True, capture=False, timeout=600):
    return subprocess.run(args, cwd=ROOT, env=env, check=check, text=True, capture_output=capture, timeout=timeout)


def start(args, *, env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def locust(user_class: str, *, users: int, spawn_rate: float, seconds: int, env, prefix: Path) -> list[dict]:
    command = [
        str(BIN / "locust"), "-f", "bench/locustfile.py", user_class, "--headless", "--host", f"http://127.0.0.1:{PORT}",
        "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s", "--stop-timeout", "60",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    with open(f"{prefix}.log", "w") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 300)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def report(title: str, rows: list[dict], failures_csv: Path) -> int:
    print(f"\n{title}")
    print(f"{'step':<40}{'requests':>9}{'failures':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    failed = 0
    for row in sorted(
        rows,
        key=lambda row: (
            row["Name"] == "Aggregated",
            int(row["Name"].split()[0]) if row["Name"][0].isdigit() else 0,
            row["Name"],
            row["Type"],
        ),
    ):
        name = f"{row['Type']:<6}{row['Name']}" if row["Name"] != "Aggregated" else "all requests"
        print(f"{name:<40}{row['Request Count']:>9}{row['Failure Count']:>9}{float(row['Requests/s']):>8.1f}"
              f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}")  # fmt: skip
        if row["Name"] == "Aggregated":
            failed = int(row["Failure Count"])
    if failed:
        with open(failures_csv, newline="") as failures:
            for row in csv.DictReader(failures):
                print(f"  FAILED {row['Occurrences']}× {row['Name']}: {row['Error']}")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--spawn-rate", type=float, default=2, help="learners started per second")
    parser.add_argument("--visitors", type=int, default=500)
    parser.add_argument("--burst-seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the README's count)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cme-load-"))
    maildir = work / "mail"
    maildir.mkdir()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://cme.example.org",  # production demands https; the learners follow links' paths
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": "redis://127.0.0.1:6379/12",
        "TASK_QUEUE_URL": "redis://127.0.0.1:6379/13",
        "PAGE_CACHE_URL": "redis://127.0.0.1:6379/14",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",  # plain http on loopback
        "CSRF_COOKIE_SECURE": "false",
        "MEDIA_ROOT": str(work / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(maildir),
        "ACCOUNT_RATE_LIMITS": RATE_LIMITS,
        "LOAD_ACTIVITY": SLUG,
        "LOAD_MAILDIR": str(maildir),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
    run(*psql, f"DROP DATABASE IF EXISTS {DATABASE}", env=env)
    run(*psql, f"CREATE DATABASE {DATABASE}", env=env)
    for database in ("12", "13", "14"):
        run("redis-cli", "-n", database, "FLUSHDB", env=env, capture=True)
    server = worker = None
    failed = 0
    try:
        run(str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0", env=env)
        run(str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0", env=env)
        run(str(BIN / "python"), "manage.py", "load_demo", "-v0", env=env, capture=True)
        answers = run(str(BIN / "python"), "manage.py", "shell", "-c", ANSWER_KEY, env=env, capture=True).stdout
        key = work / "answers.json"
        key.write_text(answers.split("ANSWERS ", 1)[1])
        env["LOAD_ANSWERS"] = str(key)
        print(f"post-test answer key: {len(json.loads(key.read_text()))} correct choices", file=sys.stderr)

        server = start([str(BIN / "gunicorn"), "cme.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}",
                        "--access-logfile", "/dev/null"], env=env, log=work / "gunicorn.log")  # fmt: skip
        worker = start([str(BIN / "python"), "manage.py", "task_worker"], env=env, log=work / "worker.log")
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/activities/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit(f"gunicorn did not start: {(work / 'gunicorn.log').read_text()}")

        print(f"gunicorn {args.workers} sync workers + task worker (RQ on Redis), PostgreSQL, DEBUG off; "
              f"Locust headless on 127.0.0.1", flush=True)  # fmt: skip
        seconds = int(args.minutes * 60)
        rows = locust("LearnerUser", users=args.learners, spawn_rate=args.spawn_rate, seconds=seconds, env=env,
                      prefix=work / "learners")  # fmt: skip
        failed += report(f"{args.learners} learners for {args.minutes:g} min (started {args.spawn_rate:g}/s, "
                         "think time 1-3 s between steps)", rows, work / "learners_failures.csv")  # fmt: skip
        print()
        counts = run(str(BIN / "python"), "manage.py", "shell", "-c", REPORT, env=env, capture=True).stdout
        print("".join(line for line in counts.splitlines(keepends=True) if "objects imported" not in line), end="")

        rows = locust("VisitorUser", users=args.visitors, spawn_rate=args.visitors / args.burst_seconds,
                      seconds=args.burst_seconds + 20, env=env, prefix=work / "visitors")  # fmt: skip
        failed += report(f"{args.visitors} visitors opening the activity page within {args.burst_seconds} s",
                         rows, work / "visitors_failures.csv")  # fmt: skip
    finally:
        stop(server)
        stop(worker)
        run(*psql, f"DROP DATABASE IF EXISTS {DATABASE}", env=env, check=False)
        for database in ("12", "13", "14"):
            run("redis-cli", "-n", database, "FLUSHDB", env=env, check=False, capture=True)
        if failed:
            print(f"\nlogs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
