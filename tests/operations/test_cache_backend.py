"""kidal's Redis cache keeps one redis-py client per server instead of building one for
each call (kidal/cache.py). Making a client connects to nothing, so no server is needed
here; the stack check (tools/check_stack.py) serves pages through it from a real Redis."""

from kidal.cache import RedisCache


def test_every_call_to_one_server_shares_one_client():
    cache = RedisCache("redis://127.0.0.1:1/0", {})._cache
    client = cache.get_client()
    assert cache.get_client() is client
    assert cache.get_client(write=True) is client


def test_reads_and_writes_keep_their_own_servers_with_a_replica():
    cache = RedisCache("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0", {})._cache
    writer, reader = cache.get_client(write=True), cache.get_client()
    assert writer is not reader
    assert cache.get_client(write=True) is writer and cache.get_client() is reader
    assert writer.connection_pool.connection_kwargs["port"] == 1
    assert reader.connection_pool.connection_kwargs["port"] == 2
