"""The project's Redis cache backend behaves as Django's, and builds one Redis client per connection pool."""

import os
import socket

import pytest

from cme.cache import RedisCache


@pytest.fixture
def redis_cache():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        message = "Redis is not running on 127.0.0.1:6379 (redis-server --daemonize yes --bind 127.0.0.1)"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    cache = RedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": "cache-test"})
    cache.clear()
    yield cache
    cache.clear()


def test_it_stores_reads_counts_and_forgets_like_djangos(redis_cache):
    redis_cache.set("page", b"<html>", 60)
    assert redis_cache.get("page") == b"<html>"
    assert redis_cache.get_many(["page", "missing"]) == {"page": b"<html>"}
    assert redis_cache.add("page", b"other", 60) is False
    redis_cache.set("count", 1, 60)
    assert redis_cache.incr("count") == 2
    redis_cache.delete("page")
    assert redis_cache.get("page") is None


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.set("key", "value", 60)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client  # a single server: one pool, one client
