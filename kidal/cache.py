"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's own backend builds a new ``redis.Redis`` for every cache call, and building one
sets up some 170 response callbacks: measured here, 0.19 of the 0.31 ms a read took, a fifth
of the time of a page served from the cache. A ``redis.Redis`` is safe to share between
threads, and its pool reconnects after a fork.
"""

from django.core.cache.backends import redis


class ReusedClientRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        try:
            return self._clients[pool]
        except KeyError:
            client = self._clients[pool] = self._client(connection_pool=pool)
            return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
