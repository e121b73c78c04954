"""Refresh token families: the in-memory fake behaves like the Mongo store every gateway
replica shares, and of two refreshes racing with one token exactly one rotates."""

import threading

import pymongo
import pytest

from services.gateway.adapters.sessions import MongoSessions
from services.gateway.domain.session import ACTIVE, REUSE_DETECTED, SIGNED_OUT, SessionFamily
from tests.fakes.sessions import InMemorySessions

pytestmark = pytest.mark.integration

NOW = 1_800_000_000.0
DAY = 86400.0


@pytest.fixture(params=["in_memory", "mongo"])
def sessions(request):
    if request.param == "in_memory":
        return InMemorySessions()
    database = request.getfixturevalue("mongo_client")[f"{request.getfixturevalue('db_prefix')}gateway"]
    store = MongoSessions(database.sessions)
    store.ensure_indexes()
    return store


def test_a_started_family_is_read_back_as_it_was(sessions):
    family = SessionFamily.start("fam-1", "wang", "t1", NOW, DAY)
    sessions.start(family)
    assert sessions.get("fam-1") == family
    assert sessions.get("nobody") is None


def test_a_rotation_goes_through_only_over_the_latest_token_of_an_active_family(sessions):
    family = SessionFamily.start("fam-2", "wang", "t1", NOW, DAY)
    sessions.start(family)
    assert sessions.rotate(family, "t1", family.rotated("t2", NOW + 5, DAY))
    assert not sessions.rotate(family, "t1", family.rotated("t3", NOW + 6, DAY))  # spent already
    stored = sessions.get("fam-2")
    assert (stored.current, stored.expires_at, stored.rotations, stored.state) == ("t2", NOW + 5 + DAY, 1, ACTIVE)
    sessions.end("fam-2", SIGNED_OUT)
    assert not sessions.rotate(stored, "t2", stored.rotated("t4", NOW + 7, DAY))


def test_the_first_reason_a_family_ended_stays(sessions):
    sessions.start(SessionFamily.start("fam-3", "wang", "t1", NOW, DAY))
    sessions.end("fam-3", REUSE_DETECTED)
    sessions.end("fam-3", SIGNED_OUT)
    assert sessions.get("fam-3").state == REUSE_DETECTED


def test_mongo_families_expire_by_a_ttl_index(mongo_client, db_prefix):
    collection = mongo_client[f"{db_prefix}gateway"].sessions
    MongoSessions(collection).ensure_indexes()
    ttl = [index for index in collection.index_information().values() if index["key"] == [("expires_on", 1)]]
    assert ttl and ttl[0]["expireAfterSeconds"] == 0


def test_of_refreshes_racing_with_one_token_on_several_replicas_exactly_one_rotates(mongo_uri, db_prefix):
    clients = [pymongo.MongoClient(mongo_uri) for _ in range(8)]
    try:
        replicas = [MongoSessions(client[f"{db_prefix}gateway"].sessions) for client in clients]
        family = SessionFamily.start("fam-race", "wang", "t1", NOW, DAY)
        replicas[0].start(family)
        start = threading.Barrier(len(replicas))
        rotated = []

        def refresh(store, number):
            start.wait()
            rotated.append(store.rotate(family, "t1", family.rotated(f"t2-{number}", NOW, DAY)))

        threads = [threading.Thread(target=refresh, args=(store, n)) for n, store in enumerate(replicas)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert rotated.count(True) == 1
        assert replicas[0].get("fam-race").rotations == 1
    finally:
        for client in clients:
            client.close()
