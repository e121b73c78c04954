"""Rate-limit counters: the in-memory fake behaves like the Mongo counters every gateway
replica shares, and concurrent increments from several clients are never lost."""

import threading

import pymongo
import pytest

from services.gateway.adapters.counters import MongoCounters
from tests.fakes.counters import InMemoryCounters

pytestmark = pytest.mark.integration

NOW = 1_800_000_123.5
WINDOW = 600


@pytest.fixture(params=["in_memory", "mongo"])
def counters(request):
    if request.param == "in_memory":
        return InMemoryCounters()
    database = request.getfixturevalue("mongo_client")[f"{request.getfixturevalue('db_prefix')}gateway"]
    mongo = MongoCounters(database.throttle)
    mongo.ensure_indexes()
    return mongo


def test_an_unknown_key_counts_zero_until_its_window_ends(counters):
    count = counters.read("k", WINDOW, NOW)
    assert (count.value, count.last_at) == (0, None)
    assert count.window_ends == (NOW // WINDOW + 1) * WINDOW


def test_additions_add_up_and_remember_when_they_happened(counters):
    counters.add("k", 1, WINDOW, NOW)
    count = counters.add("k", 10, WINDOW, NOW + 1)
    assert (count.value, count.last_at) == (11, NOW + 1)
    assert counters.read("k", WINDOW, NOW + 2).value == 11


def test_keys_and_windows_are_counted_apart(counters):
    counters.add("k", 5, WINDOW, NOW)
    assert counters.read("other", WINDOW, NOW).value == 0
    assert counters.read("k", WINDOW, NOW + WINDOW).value == 0


def test_clearing_forgets_the_current_window(counters):
    counters.add("k", 5, WINDOW, NOW)
    counters.clear("k", WINDOW, NOW)
    assert counters.read("k", WINDOW, NOW).value == 0


def test_mongo_windows_expire_by_a_ttl_index(mongo_client, db_prefix):
    collection = mongo_client[f"{db_prefix}gateway"].throttle
    MongoCounters(collection).ensure_indexes()
    ttl = [index for index in collection.index_information().values() if index["key"] == [("expires_at", 1)]]
    assert ttl and ttl[0]["expireAfterSeconds"] == 0


def test_concurrent_increments_from_separate_connections_are_never_lost(mongo_uri, db_prefix):
    """Like several gateway replicas counting one client at once."""
    clients = [pymongo.MongoClient(mongo_uri) for _ in range(4)]
    try:
        replicas = [MongoCounters(client[f"{db_prefix}gateway"].throttle) for client in clients]

        def count_fifty(counters):
            for _ in range(50):
                counters.add("busy", 1, WINDOW, NOW)

        threads = [threading.Thread(target=count_fifty, args=(each,)) for each in replicas]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert replicas[0].read("busy", WINDOW, NOW).value == 200
    finally:
        for client in clients:
            client.close()


def test_a_conditional_addition_goes_through_only_over_the_value_it_saw(counters):
    assert counters.add_if_unchanged("k", 1, WINDOW, NOW, 0)  # no document yet: seen as 0
    assert not counters.add_if_unchanged("k", 1, WINDOW, NOW, 0)  # someone added first
    assert counters.add_if_unchanged("k", 1, WINDOW, NOW + 1, 1)
    count = counters.read("k", WINDOW, NOW + 2)
    assert (count.value, count.last_at) == (2, NOW + 1)
    counters.add("k", -2, WINDOW, NOW + 2)  # given back to zero: still "seen as 0"
    assert counters.add_if_unchanged("k", 1, WINDOW, NOW + 3, 0)


def test_of_conditional_additions_racing_over_one_value_exactly_one_wins(mongo_uri, db_prefix):
    """Like gateway replicas deciding sign-in attempts on the same count at once (issue 26 §6)."""
    clients = [pymongo.MongoClient(mongo_uri) for _ in range(8)]
    try:
        replicas = [MongoCounters(client[f"{db_prefix}gateway"].throttle) for client in clients]
        wins = []
        start = threading.Barrier(len(replicas))

        def race(counters, seen):
            start.wait()
            wins.append(counters.add_if_unchanged("race", 1, WINDOW, NOW, seen))

        for seen in (0, 1):
            wins.clear()
            threads = [threading.Thread(target=race, args=(each, seen)) for each in replicas]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert wins.count(True) == 1, (seen, wins)
        assert replicas[0].read("race", WINDOW, NOW).value == 2
    finally:
        for client in clients:
            client.close()
