"""Two app servers behind one address: a learner whose requests alternate between them finishes the journey.

Two gunicorn instances on two ports share PostgreSQL, Redis (cache, sessions,
allauth's rate limits) and the certificate storage, as stateless servers behind
a load balancer do. A round-robin proxy in front plays the load balancer: each
request goes to the other server than the one before, so a form drawn by one
is posted to the other, and every step of the journey crosses servers.
"""

import contextlib
import http.client
import itertools
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from conftest import SEED_SLUG
from credits.models import Certificate
from notifications.models import EmailStatus, OutboundEmail
from tests.browser.conftest import sign_in
from tests.browser.test_pre_and_post_test import answer_every_question

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 9
REDIS_CLI = shutil.which("redis-cli") or "redis-cli"

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="two servers need a shared PostgreSQL")


def redis_is_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    if not redis_is_up():
        message = "Redis is not running on 127.0.0.1:6379 (redis-server --daemonize yes --bind 127.0.0.1)"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    flush_redis()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_shared_stack",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),  # the same key on both, as a deployment has
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://cme.example.org",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",  # plain http on loopback
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_URL": f"postgres://{database['USER']}@127.0.0.1:{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "TASK_QUEUE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",  # the task queue in Redis, as at scale
        "MEDIA_ROOT": str(tmp_path / "shared-media"),  # one storage for both, as S3 would be
    }
    servers, urls, logs = [], [], []
    worker_log = (tmp_path / "task-worker.log").open("w")
    logs.append(worker_log)
    servers.append(subprocess.Popen(
        [sys.executable, "manage.py", "task_worker"], cwd=settings.BASE_DIR, env=env, stdout=worker_log,
        stderr=subprocess.STDOUT,
    ))  # fmt: skip
    for name in ("a", "b"):
        port = free_port()
        log = (tmp_path / f"server-{name}.log").open("w")
        servers.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cme.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--timeout", "60"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        ))  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
        logs.append(log)
    try:
        for url in urls:
            for _ in range(150):
                try:
                    urllib.request.urlopen(f"{url}/activities/?ready", timeout=2)  # noqa: S310 (loopback)
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"a server did not start: {[path.read_text() for path in tmp_path.glob('*.log')]}")
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        for log in logs:
            log.close()
        flush_redis()


class RoundRobin(ThreadingHTTPServer):
    """The load balancer: one address, each request to the next server in turn; it notes who served what."""

    daemon_threads = True

    def __init__(self, backends: list[str]):
        self.backends = [urlsplit(url) for url in backends]
        self.served: list[tuple[int, str, str]] = []
        self.turn = itertools.count()
        self.lock = threading.Lock()
        self.pinned: int | None = None  # set to send every request to one server
        super().__init__(("127.0.0.1", 0), _Relay)

    def pick(self, path: str) -> int:
        """The server for a request: pinned, or the next in turn; a static file does not take a turn."""
        with self.lock:
            if self.pinned is not None:
                index = self.pinned
            elif path.startswith("/static/") or path == "/favicon.ico":
                index = 0
            else:
                index = next(self.turn) % len(self.backends)
            if not path.startswith("/static/"):
                self.served.append((index, self.command_seen, path))
            return index

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Relay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}

    def _relay(self):
        self.server.command_seen = self.command
        backend = self.server.backends[self.server.pick(self.path)]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {key: value for key, value in self.headers.items() if key.lower() not in self.HOP_BY_HOP}
        upstream = http.client.HTTPConnection(backend.hostname, backend.port, timeout=60)
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        response = upstream.getresponse()
        content = response.read()
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in self.HOP_BY_HOP | {"content-length"}:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        # The browser may leave the page (a download, a navigation) before reading it all.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(content)
        upstream.close()

    do_GET = do_POST = do_HEAD = _relay

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def balancer(two_servers):
    proxy = RoundRobin(two_servers)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def flush_redis() -> None:
    subprocess.run([REDIS_CLI, "-n", str(REDIS_DB), "FLUSHDB"], check=True, capture_output=True)


def test_a_learner_alternating_between_two_servers_finishes_the_journey(browser, balancer, seed_questions,
                                                                         alice, password, tmp_path):  # fmt: skip
    media_root = tmp_path / "shared-media"
    context = browser.new_context(base_url=balancer.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    activity = f"/activities/{SEED_SLUG}/"

    # allauth's rate limits count in Redis: three failed sign-ins on one server and two on the
    # other lock the sixth attempt, which neither server alone would have refused.
    for attempt in range(6):
        balancer.pinned = 0 if attempt < 3 else 1
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(alice.email)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign In").click()
        # Wait for the answer: the next goto would otherwise cancel a sign-in still in flight.
        answer = "Too many failed login attempts" if attempt == 5 else "are not correct"
        expect(page.get_by_text(answer)).to_be_visible()
    balancer.pinned = None
    flush_redis()
    balancer.served.clear()

    # The session is in Redis: signed in through one server, known to the other.
    sign_in(page, alice.email, password)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))  # signed in before going on
    page.goto(activity)
    # Known on this server too. (Not the header's Sign out: without collected static files the
    # servers send no stylesheet, and the header's menu stays folded.)
    expect(page.get_by_text("Your status:")).to_be_visible()
    page.get_by_role("button", name="Start the activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-test")
    answer_every_question(page, "pre", correctly=True)
    page.get_by_role("button", name="Submit pre-test").click()
    expect(page.locator(".result__score")).to_have_text("5 of 5 correct")

    page.goto(f"{activity}post-test/")
    page.get_by_role("button", name="Start the post-test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post-test")
    answer_every_question(page, "post", correctly=True)
    page.get_by_role("button", name="Submit post-test").click()
    expect(page.get_by_text("Passed.")).to_be_visible()

    page.goto(f"{activity}evaluation/")
    for group in page.locator('fieldset fieldset:has(input[value="5"])').all():
        group.locator('input[value="5"]').check()
    page.locator('input[name="practice_change"][value="already"]').check()
    page.locator('input[name="free_of_commercial_bias"][value="yes"]').check()
    page.get_by_role("button", name="Submit evaluation").click()

    page.get_by_label("Credit to claim").select_option("0.50")
    page.get_by_label(re.compile("I attest that the amount I have chosen")).check()
    page.get_by_role("button", name="Claim credit and issue my certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of Completion")

    # The PDF is in the storage both servers share, whichever wrote it, and comes from either.
    certificate = Certificate.objects.get(claim__user=alice)
    assert (media_root / certificate.pdf.name).is_file()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    assert Path(download.value.path()).read_bytes() == (media_root / certificate.pdf.name).read_bytes()
    context.close()

    # The certificate email went through the Redis queue to the task worker, which sent it.
    for _ in range(100):
        email = OutboundEmail.objects.filter(kind="certificate").first()
        if email and email.status == EmailStatus.SENT:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the task worker did not send the certificate email: {(tmp_path / 'task-worker.log').read_text()}")

    # Each form was drawn by one server and posted to the other: the journey crossed at every step.
    served = balancer.served
    posts = [(index, served[number - 1][0]) for number, (index, method, _path) in enumerate(served)
             if method == "POST" and number]  # fmt: skip
    assert len(posts) >= 6 and all(posted != drawn for posted, drawn in posts), served
