"""Django's Redis cache, with one redis client kept per connection pool.

Django's RedisCacheClient wraps its pool in a new redis.Redis for every cache call.
With redis-py 8 that costs about 65 µs, as the client builds its table of response
callbacks anew, and every API request makes such a call (the throttle counts in Redis):
about a twelfth of what the bare API view costs in-process. A redis.Redis is safe to
share between threads (each command takes a connection from the pool), so one per
pool serves them all.
"""

from typing import Any

from django.core.cache.backends import redis as django_redis


class _KeptClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own attributes, which django-stubs does not describe.
        django_client: Any = self
        pool = django_client._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = django_client._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _KeptClient
