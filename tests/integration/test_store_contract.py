"""One contract, two stores: the in-memory fake behaves like the Mongo store it stands for."""

import threading

import pytest

from services.common.envelope import new_envelope
from services.common.repository import AlreadyExists, VersionConflict
from services.common.store import MongoDocumentStore
from tests.fakes.store import InMemoryDocumentStore

pytestmark = pytest.mark.integration


@pytest.fixture(params=["in_memory", "mongo"])
def store(request):
    if request.param == "in_memory":
        return InMemoryDocumentStore()
    client = request.getfixturevalue("mongo_client")
    database = client[f"{request.getfixturevalue('db_prefix')}contract"]
    mongo = MongoDocumentStore(database.things, database.counters)
    mongo.ensure_indexes([("status", 1)])
    return mongo


def envelope(event_type="thing_happened"):
    return new_envelope("gateway", event_type, {"n": 1}, request_code="K1")


def test_an_inserted_document_loads_back_at_version_one(store):
    assert store.insert({"_id": "K1", "status": "new", "nested": {"list": [1, {"a": "b"}]}}) == 1
    assert store.load("K1") == {"_id": "K1", "status": "new", "nested": {"list": [1, {"a": "b"}]}, "version": 1}


def test_a_key_is_inserted_once(store):
    store.insert({"_id": "K1"})
    with pytest.raises(AlreadyExists):
        store.insert({"_id": "K1"})


def test_a_value_made_unique_is_taken_once_and_documents_without_it_are_many(store):
    store.ensure_unique("submission_key.key")
    store.insert({"_id": "K1", "submission_key": {"key": "abc", "fingerprint": "1"}})
    with pytest.raises(AlreadyExists):
        store.insert({"_id": "K2", "submission_key": {"key": "abc", "fingerprint": "2"}})
    store.insert({"_id": "K3", "submission_key": {"key": "def", "fingerprint": "1"}})
    store.insert({"_id": "K4"})
    store.insert({"_id": "K5", "submission_key": None})
    store.insert({"_id": "K6"})
    store.insert({"_id": "K7", "submission_key": None})
    assert store.load("K2") is None
    assert [document["_id"] for document in store.find({"submission_key.key": "abc"})] == ["K1"]


def test_an_unknown_key_loads_as_none(store):
    assert store.load("nope") is None


def test_a_replace_from_the_current_version_wins_and_bumps_it(store):
    store.insert({"_id": "K1", "status": "new"})
    current = store.load("K1")
    assert store.replace({**current, "status": "done"}) == 2
    assert store.load("K1")["status"] == "done"


def test_a_replace_from_a_stale_version_is_a_conflict_carrying_the_current_state(store):
    store.insert({"_id": "K1", "status": "new"})
    stale = store.load("K1")
    store.replace({**stale, "status": "first"})
    with pytest.raises(VersionConflict) as caught:
        store.replace({**stale, "status": "second"})
    assert caught.value.current["status"] == "first"
    assert store.load("K1")["status"] == "first"


def test_events_written_with_the_state_wait_in_the_outbox_in_order(store):
    first, second = envelope("created"), envelope("changed")
    store.insert({"_id": "K1"}, [first])
    store.replace(store.load("K1"), [second])
    if isinstance(store, MongoDocumentStore):
        outbox = store.collection.find_one({"_id": "K1"})["outbox"]
        pending = [entry["envelope"] for entry in outbox if not entry["sent"]]
        assert store.collection.find_one({"_id": "K1"})["outbox_pending"] == 2
    else:
        pending = store.pending_envelopes()
    assert [e["event_id"] for e in pending] == [first["event_id"], second["event_id"]]


def test_the_outbox_is_not_part_of_the_loaded_state(store):
    store.insert({"_id": "K1"}, [envelope()])
    assert set(store.load("K1")) == {"_id", "version"}


def test_find_filters_sorts_and_limits(store):
    for key, status in [("a", "open"), ("c", "open"), ("b", "open"), ("d", "closed")]:
        store.insert({"_id": key, "status": status})
    found = store.find({"status": "open"}, sort=[("_id", -1)], limit=2)
    assert [document["_id"] for document in found] == ["c", "b"]


def test_find_skips_to_a_page(store):
    for key in "abcde":
        store.insert({"_id": key, "status": "open"})
    found = store.find({"status": "open"}, sort=[("_id", -1)], limit=2, skip=2)
    assert [document["_id"] for document in found] == ["c", "b"]
    assert store.find({"status": "open"}, sort=[("_id", 1)], skip=4)[0]["_id"] == "e"


def test_find_matches_any_of_or_and_fields_inside_lists(store):
    store.insert({"_id": "R1", "owner": "A", "rows": [{"serial": "S1"}, {"serial": "S2"}]})
    store.insert({"_id": "R2", "owner": "A", "parent": "G1", "rows": []})
    store.insert({"_id": "R3", "owner": "B", "rows": [{"serial": "S2"}]})

    def ids(query):
        return sorted(document["_id"] for document in store.find(query))

    assert ids({"rows.serial": "S2"}) == ["R1", "R3"]
    assert ids({"owner": "A", "$or": [{"_id": "G1"}, {"parent": "G1"}]}) == ["R2"]
    assert ids({"owner": "A", "$or": [{"_id": "R1"}, {"rows.serial": "S2"}]}) == ["R1"]


def test_a_deleted_document_is_gone_once(store):
    store.insert({"_id": "a", "status": "open"})
    assert store.delete("a") is True
    assert store.load("a") is None and store.delete("a") is False


def test_sequences_count_from_one_per_name(store):
    assert [store.next_sequence("a"), store.next_sequence("a"), store.next_sequence("b")] == [1, 2, 1]


def test_a_sequence_reserves_several_numbers_at_once(store):
    assert store.next_sequence("a", count=5) == 5  # 1 … 5 are the caller's
    assert store.next_sequence("a") == 6


def test_sequences_never_repeat_under_concurrency(store):
    drawn = []
    lock = threading.Lock()

    def draw():
        for _ in range(20):
            value = store.next_sequence("busy")
            with lock:
                drawn.append(value)

    threads = [threading.Thread(target=draw) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(drawn) == list(range(1, 201))


def test_find_selects_by_comparison_membership_and_nested_fields(store):
    store.insert({"_id": "K1", "status": "valid", "next_check_at": 100, "holder": {"uscc": "A"}})
    store.insert({"_id": "K2", "status": "suspended", "next_check_at": 200, "holder": {"uscc": "B"}})
    store.insert({"_id": "K3", "status": "withdrawn", "next_check_at": None, "holder": {"uscc": "A"}})

    def ids(query):
        return sorted(document["_id"] for document in store.find(query))

    assert ids({"next_check_at": {"$lte": 150}}) == ["K1"]
    assert ids({"next_check_at": {"$gt": 100, "$lt": 300}}) == ["K2"]
    assert ids({"status": {"$in": ["valid", "suspended"]}}) == ["K1", "K2"]
    assert ids({"status": {"$nin": ["valid", "suspended"]}}) == ["K3"]
    assert ids({"holder.uscc": "A"}) == ["K1", "K3"]
    assert ids({"holder.uscc": "A", "status": {"$ne": "withdrawn"}}) == ["K1"]


def test_increments_are_counted_once_per_mark_and_create_the_document(store):
    key_fields = {"day": 20261127, "station": "321322"}
    assert store.increment_once("B1", "e1", {"submitted": 1}, on_insert=key_fields)
    assert store.increment_once("B1", "e2", {"completed": 1, "turnaround.3": 1}, maxima={"turnaround_max": 3})
    assert not store.increment_once("B1", "e1", {"submitted": 1})  # a redelivery
    assert store.increment_once("B1", "e3", {"completed": 1, "turnaround.1": 1}, maxima={"turnaround_max": 1})
    assert store.load("B1") == {"_id": "B1", **key_fields, "submitted": 1, "completed": 2,
                                "turnaround": {"3": 1, "1": 1}, "turnaround_max": 3,
                                "events": ["e1", "e2", "e3"], "version": 3}


def test_an_incremented_document_can_still_be_replaced_from_its_version(store):
    store.increment_once("B1", "e1", {"submitted": 1})
    current = store.load("B1")
    store.replace({**current, "submitted": 5})
    assert store.load("B1")["submitted"] == 5
    assert store.increment_once("B1", "e2", {"submitted": 1}) and store.load("B1")["submitted"] == 6


def in_parallel(action, times=8):
    results = []
    threads = [threading.Thread(target=lambda n=n: results.append(action(n))) for n in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_concurrent_increments_of_one_mark_count_once(store):
    assert in_parallel(lambda _: store.increment_once("B1", "same-event", {"submitted": 1})) == [False] * 7 + [True]
    assert store.load("B1")["submitted"] == 1


def test_concurrent_first_increments_of_different_marks_all_count(store):
    assert in_parallel(lambda n: store.increment_once("B1", f"event-{n}", {"submitted": 1})) == [True] * 8
    assert store.load("B1")["submitted"] == 8


def test_a_write_keeps_only_the_events_still_waiting(store):
    """An outbox written before sent events were taken out of it loses them at the next write."""
    store.insert({"_id": "K1"}, [envelope("created")])
    collection = store.collection if isinstance(store, MongoDocumentStore) else None
    if collection is not None:
        sent = [{**entry, "sent": True} for entry in collection.find_one({"_id": "K1"})["outbox"]]
        collection.update_one({"_id": "K1"}, {"$set": {"outbox": sent, "outbox_pending": 0}})
    else:
        store.documents["K1"]["outbox"][0]["sent"] = True
    later = envelope("changed")
    store.replace(store.load("K1"), [later])
    outbox = (collection.find_one({"_id": "K1"}) if collection is not None else store.documents["K1"])["outbox"]
    assert [entry["envelope"]["event_id"] for entry in outbox] == [later["event_id"]]


def test_several_events_are_counted_in_one_write_or_not_at_all(store):
    assert not store.increment_all_once("B1", ["e1", "e2"], {"submitted": 2})  # no such document yet
    store.increment_once("B1", "e0", {"submitted": 1}, on_insert={"day": 20261204})
    assert store.increment_all_once("B1", ["e1", "e2"], {"submitted": 2, "turnaround.3": 1},
                                    maxima={"turnaround_max": 3})
    assert not store.increment_all_once("B1", ["e3", "e2"], {"submitted": 2})  # e2 was counted
    bucket = store.load("B1")
    assert (bucket["submitted"], bucket["turnaround"], bucket["turnaround_max"]) == (3, {"3": 1}, 3)
    assert bucket["events"] == ["e0", "e1", "e2"] and bucket["day"] == 20261204


def test_insert_new_leaves_taken_ids_as_they_are(store):
    store.insert({"_id": "K2", "n": "first"})
    assert store.insert_new([{"_id": "K1", "n": 1}, {"_id": "K2", "n": 2}, {"_id": "K3", "n": 3}]) == ["K2"]
    assert [(found["_id"], found["n"], found["version"]) for found in store.find(sort=[("_id", 1)])] == \
        [("K1", 1, 1), ("K2", "first", 1), ("K3", 3, 1)]
    assert store.insert_new([]) == []
