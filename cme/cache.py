"""Django's Redis cache backend, reusing one Redis client per connection pool.

django.core.cache.backends.redis builds a new redis.Redis for every cache call,
and building one copies redis-py's table of response callbacks (some 170
entries). A learner's cached page takes three cache reads (session, content
version, page), so that copying was about a sixth of serving it. A redis.Redis
holds no connection of its own (it borrows one from the pool per command) and is
safe to share between threads, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
