"""The database stops under a running production server: a clean 503, then recovery without a restart."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.tcp_proxy import TcpRelay

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server to lose"),
]
BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (a local test server)
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture
def server_behind_relay(transactional_db, tmp_path):
    settings = connection.settings_dict
    relay = TcpRelay((settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))).start()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DEBUG": "false",  # production error handling: handler500, no technical page
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://cme.example.org",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://{settings['USER']}@127.0.0.1:{relay.port}/{settings['NAME']}",
    }
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cme.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "30"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    # With a query string the catalog is never served from the shared page cache (journey.page_cache):
    # this request must read the database.
    url = f"http://127.0.0.1:{port}/activities/?from=outage-test"
    try:
        for _ in range(100):
            try:
                if fetch(url)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail(f"the server did not start: {(tmp_path / 'server.log').read_text()}")
        yield url, relay
    finally:
        server.terminate()
        server.wait(timeout=10)
        relay.cut()
        log.close()


def test_a_lost_database_is_a_503_page_and_the_server_recovers_on_its_own(server_behind_relay):
    url, relay = server_behind_relay
    assert fetch(url)[0] == 200

    relay.cut()
    for _ in range(3):
        started = time.monotonic()
        status, body, headers = fetch(url)
        assert status == 503
        assert "We are briefly unavailable" in body
        assert headers["Retry-After"] == "30"
        assert time.monotonic() - started < 5  # refused at once, not hanging

    relay.restore()
    status, body, _headers = fetch(url)
    assert status == 200, body
    assert "Activities" in body
