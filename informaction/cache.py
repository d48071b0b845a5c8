"""The Redis cache with one connection pool per server process.

Django keeps a cache object per async context, and its Redis cache makes a connection pool per
cache object: under ASGI every page request (a context of its own) opened a new TCP connection
to Redis, with its handshake, to count a joining phone against its network address. Here every
cache object of a process draws from the same pool per server URL (redis-py's pools are
thread-safe), as the page threads and the room's database thread keep their connections.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_POOLS: dict[str, Any] = {}  # server URL -> its redis.ConnectionPool, for the whole process
_POOLS_LOCK = threading.Lock()


class SharedPoolClient(RedisCacheClient):
    """Django's Redis cache client, its pools shared by every client of the process."""

    def _get_connection_pool(self, write: bool) -> Any:
        url = self._servers[self._get_connection_pool_index(write)]
        pool = _POOLS.get(url)
        if pool is None:
            with _POOLS_LOCK:
                pool = _POOLS.get(url)
                if pool is None:
                    pool = _POOLS[url] = self._pool_class.from_url(url, **self._pool_options)
        return pool


class SharedPoolRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` drawing on the process's shared pools."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolClient

    def count_in_window(self, key: str, seconds: int) -> int:
        """`count_in_window` in one round trip: SET NX EX and INCR in one pipeline."""
        name = self.make_and_validate_key(key)
        pipe = self._cache.get_client(name, write=True).pipeline(transaction=False)
        pipe.set(name, 0, ex=seconds, nx=True)
        pipe.incr(name)
        return int(pipe.execute()[1])


def count_in_window(key: str, seconds: int) -> int:
    """Add one to the count kept under `key` in the default cache for `seconds` from its first
    count (a fixed window: put the window's number in the key); return the new count."""
    store = caches["default"]
    if isinstance(store, SharedPoolRedisCache):
        return store.count_in_window(key, seconds)
    store.add(key, 0, seconds)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr
        store.set(key, 1, seconds)
        return 1
