"""Benchmark: each page's requests per second on the production stack, as a share of a trivial view's.

Run from the repository root with the project's venv (PostgreSQL and Redis running on 127.0.0.1):

    .venv/bin/python bench/pages.py [--rounds 5] [--seconds 5] [--connections 16]

It creates a throw-away PostgreSQL database (cme_bench_pages) and uses Redis
databases 5 (cache, sessions) and 4 (pages, PAGE_CACHE_URL), migrates, collects
static files, loads the demo activity, makes a learner with an open post-test
attempt and a graded pre-test, and starts gunicorn with 2 sync workers under
production settings (DEBUG off). Then, for several interleaved rounds,
`wrk -t2 -cN -dS` loads each page in turn, each right after a run of
/favicon.ico (a redirect, the cheapest view); the page's requests/s is divided
by that run's, and the median ratio over the rounds is printed with the
requests/s. Machine speed cancels out of the ratio. The learner's pages are
read again and again, as a reload or the back button does: served from the
learner's own cache; the "rendered" rows add a query string, which keeps a page
out of the cache, for what the first view of a new state costs. Everything
talks to 127.0.0.1 only and stops at the end.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "cme_bench_pages"
PORT = 8765
SLUG = "her2-positive-mbc-frontline-and-maintenance"

LEARNER_SETUP = f"""
from django.test import Client
from accounts.models import User
from allauth.account.models import EmailAddress
from activities.models import Activity
from journey import services
from quizzes.models import QuizKind
from quizzes.services import attempt_answers, attempt_submit
from quizzes.models import AttemptItem

user = User.objects.create_user(
    email="bench-learner@example.org", password="{secrets.token_urlsafe(12)}", first_name="Bench", last_name="Learner",
    degree="MD", profession="physician", country="US", npi="1234567893", license_region="NY",
)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
activity = Activity.objects.get(slug="{SLUG}")
services.activity_start(user=user, activity=activity)
pre = services.quiz_start(user=user, activity=activity, kind=QuizKind.PRE)
items = AttemptItem.objects.filter(attempt=pre).select_related("version")
first_choices = {{item.position: item.version.choices.order_by("position")[0].pk for item in items}}
attempt_answers(attempt=pre, answers=first_choices)
attempt_submit(attempt=pre)
post = services.quiz_start(user=user, activity=activity, kind=QuizKind.POST)
client = Client()
client.force_login(user)
print("SESSION", client.cookies["sessionid"].value, pre.pk, post.pk)
"""


def run(*args, env, check=True, capture=False):
    return subprocess.run(args, cwd=ROOT, env=env, check=check, text=True, capture_output=capture, timeout=600)


def wrk(url: str, *, seconds: int, connections: int, cookie: str | None) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, check=True, text=True, capture_output=True, timeout=seconds + 30).stdout
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output:
        raise SystemExit(f"{url} answered with errors or timeouts under load:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: sudo apt-get install -y wrk")

    media_root = tempfile.mkdtemp(prefix="cme-bench-media-")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SITE_URL": "https://cme.example.org",  # production demands https; links in pages only
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        "PAGE_CACHE_URL": "redis://127.0.0.1:6379/4",  # a Redis for pages: learners' pages are cached too
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": media_root,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]
    run(*psql, f"DROP DATABASE IF EXISTS {DATABASE}", env=env)
    run(*psql, f"CREATE DATABASE {DATABASE}", env=env)
    for database in ("4", "5"):
        run("redis-cli", "-n", database, "FLUSHDB", env=env, capture=True)
    server = None
    try:
        run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", env=env)
        run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=env)
        run(PYTHON, "manage.py", "load_demo", "-v0", env=env, capture=True)
        setup = run(PYTHON, "manage.py", "shell", "-c", LEARNER_SETUP, env=env, capture=True).stdout
        session, pre_id, post_id = re.search(r"SESSION (\S+) (\d+) (\d+)", setup).groups()
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "cme.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}",
             "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/activities/", timeout=2)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.2)
        # A browser sends back the CSRF cookie its first page set; each page then masks that secret
        # instead of making a new one and setting it again.
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{base}/activities/{SLUG}/?first", headers={"Cookie": f"sessionid={session}"}
        )
        first = urllib.request.urlopen(request, timeout=10)  # noqa: S310 (loopback)
        csrf = re.search(r"csrftoken=([A-Za-z0-9]+)", " ".join(first.headers.get_all("Set-Cookie") or [])).group(1)
        cookie = f"sessionid={session}; csrftoken={csrf}"
        pages = [
            ("trivial view (/favicon.ico)", "/favicon.ico", None),
            ("activity page, visitor", f"/activities/{SLUG}/", None),
            ("catalog, visitor", "/activities/", None),
            ("home, visitor", "/", None),
            ("activity page, learner", f"/activities/{SLUG}/", cookie),
            ("question page, learner", f"/attempts/{post_id}/page/1/", cookie),
            ("result page, learner", f"/attempts/{pre_id}/", cookie),
            # A query string keeps a page out of the cache: what the first view of a new state costs.
            ("activity page, learner, rendered", f"/activities/{SLUG}/?rendered", cookie),
            ("question page, learner, rendered", f"/attempts/{post_id}/page/1/?rendered", cookie),
            ("result page, learner, rendered", f"/attempts/{pre_id}/?rendered", cookie),
        ]
        for label, path, page_cookie in pages:  # every page answers before it is loaded
            headers = {"Cookie": page_cookie} if page_cookie else {}
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 (loopback)
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
                if page_cookie and b"Sign out" not in response.read():
                    sys.exit(f"{label}: the learner is not signed in")
        rates: dict[str, list[float]] = {label: [] for label, _path, _cookie in pages}
        ratios: dict[str, list[float]] = {label: [] for label, _path, _cookie in pages}
        trivial_label, trivial_path, _ = pages[0]
        for round_number in range(1, args.rounds + 1):
            print(f"round {round_number}/{args.rounds}…", file=sys.stderr, flush=True)
            for label, path, page_cookie in pages[1:]:
                # Each page right after its own trivial run: a slow spell on a shared machine
                # then slows both sides of the ratio, not one page's.
                trivial = wrk(base + trivial_path, seconds=args.seconds, connections=args.connections, cookie=None)
                rate = wrk(base + path, seconds=args.seconds, connections=args.connections, cookie=page_cookie)
                rates[trivial_label].append(trivial)
                ratios[trivial_label].append(1.0)
                rates[label].append(rate)
                ratios[label].append(rate / trivial)
        print(f"gunicorn {args.workers} sync workers, wrk -t2 -c{args.connections} -d{args.seconds}s, "
              f"{args.rounds} rounds; PostgreSQL + Redis, DEBUG off\n")  # fmt: skip
        print(f"{'page':<36}{'requests/s':>12}{'share of trivial':>18}")
        for label, _path, _cookie in pages:
            print(f"{label:<36}{statistics.median(rates[label]):>12.0f}{statistics.median(ratios[label]):>17.1%}")
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        run(*psql, f"DROP DATABASE IF EXISTS {DATABASE}", env=env, check=False)
        for database in ("4", "5"):
            run("redis-cli", "-n", database, "FLUSHDB", env=env, check=False, capture=True)
        shutil.rmtree(media_root, ignore_errors=True)


if __name__ == "__main__":
    main()
