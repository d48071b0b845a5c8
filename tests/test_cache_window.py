"""Counting in fixed windows (join limits, pairing guesses): one Redis round trip per count,
the same counts as Django's add-then-incr, the window's expiry set on the first count."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches

from informaction.cache import SharedPoolRedisCache, count_in_window


@pytest.fixture(params=["memory", "redis"])
def default_cache(request, settings) -> Iterator[None]:
    if request.param == "redis":
        request.getfixturevalue("own_redis_cache")
        yield caches["default"]
        return
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    yield caches["default"]


def test_counts_go_up_per_key_and_read_back_as_numbers(default_cache):
    counts = [count_in_window("guess:10.0.0.1:7", 600) for _ in range(3)]
    other = count_in_window("guess:10.0.0.2:7", 600)

    assert counts == [1, 2, 3]
    assert other == 1
    assert caches["default"].get("guess:10.0.0.1:7") == 3


def test_on_redis_the_window_expires_and_one_pipeline_does_the_count(own_redis_cache):
    store = caches["default"]
    assert isinstance(store, SharedPoolRedisCache)
    name = store.make_and_validate_key("join:1")
    client = store._cache.get_client(name, write=True)
    before = client.info("stats")["total_commands_processed"]
    count_in_window("join:1", 600)
    count_in_window("join:1", 600)
    after = client.info("stats")["total_commands_processed"]

    assert 0 < client.ttl(name) <= 600
    # SET NX EX and INCR, twice, and this INFO (Django's add then incr: SET NX, EXISTS, INCRBY).
    assert after - before == 5
