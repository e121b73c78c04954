"""The relay's sweep on the real broker and store: a batch is claimed, published and marked
in a few round trips, and still never loses a state change or takes another sweep's claim."""

import time

import eventlet
import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import get_event_exchange

from services.common.envelope import new_envelope
from services.common.mongo import BACKGROUND_BATCH
from services.common.outbox import (
    AS_CLAIMED,
    CLAIM_FIELD,
    CLAIMED_BY_FIELD,
    PENDING_FIELD,
    OutboxRelay,
)
from services.common.store import MongoDocumentStore

from .broker import EventWatcher

pytestmark = pytest.mark.integration


@pytest.fixture
def relay(mongo_client, db_prefix, amqp_uri):
    """A relay over one collection, swept by hand (not started in a container)."""
    relay = OutboxRelay(["things"], batch_size=50)
    relay.database = mongo_client[f"{db_prefix}relay"]
    relay.exchange = get_event_exchange("sweeper")
    relay.publisher = Publisher(amqp_uri, use_confirms=True, mandatory=True, serializer="json",
                                declare=[relay.exchange])
    return relay


@pytest.fixture
def watcher(relay, amqp_uri):
    watcher = EventWatcher(amqp_uri, "sweeper")
    yield watcher
    watcher.close()


def things(relay):
    return MongoDocumentStore(relay.database.things, relay.database.counters, relay)


def event(code):
    return new_envelope("sweeper", "thing_happened", {}, request_code=code)


def published(watcher, count):
    deadline = time.monotonic() + 5
    while len(watcher.drain()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # and nothing more
    return [envelope["request_code"] for envelope in watcher.drain()]


def test_a_batch_is_published_once_and_marked_sent(relay, watcher):
    for code in ("A", "B", "C"):
        things(relay).insert({"_id": code}, [event(code), event(code)])
    assert relay.relay_pending() == 6
    assert sorted(published(watcher, 6)) == ["A", "A", "B", "B", "C", "C"]
    assert relay.database.things.count_documents({PENDING_FIELD: {"$gt": 0}}) == 0
    assert relay.relay_pending() == 0


def test_a_batch_larger_than_one_write_is_marked_sent_in_several_and_one_changed_meanwhile_keeps_its_change(
        relay, watcher, monkeypatch):
    """Marks go out a few dozen documents a write (so that no insert waits behind a long
    one, issue 30); a document written between the publish and the marks is still safe."""
    store = things(relay)
    codes = [f"K{index:02d}" for index in range(BACKGROUND_BATCH + 10)]  # two writes of marks
    for code in codes:
        store.insert({"_id": code, "status": "new"}, [event(code)])
    publish = relay._publish

    def publish_while_someone_writes(envelope):
        publish(envelope)
        if envelope["request_code"] == codes[-1]:  # in the last, shorter write of marks
            store.replace({**store.load(codes[-1]), "status": "changed"})

    monkeypatch.setattr(relay, "_publish", publish_while_someone_writes)
    assert relay.relay_pending() == len(codes)
    assert sorted(published(watcher, len(codes))) == codes
    assert relay.database.things.count_documents({PENDING_FIELD: {"$gt": 0}}) == 0
    assert relay.database.things.find_one({"_id": codes[-1]})["status"] == "changed"


def test_a_document_changed_while_its_events_were_published_keeps_the_change(relay, watcher, monkeypatch):
    store = things(relay)
    store.insert({"_id": "A", "status": "new"}, [event("A")])
    publish = relay._publish

    def publish_while_someone_writes(envelope):
        publish(envelope)
        current = store.load("A")
        store.replace({**current, "status": "changed"}, [event("A")])  # a new event too

    monkeypatch.setattr(relay, "_publish", publish_while_someone_writes)
    assert relay.relay_pending() == 1
    document = relay.database.things.find_one({"_id": "A"})
    assert document["status"] == "changed"
    assert len(document["outbox"]) == 1 and document[PENDING_FIELD] == 1  # the new one waits
    monkeypatch.setattr(relay, "_publish", publish)
    assert relay.relay_pending() == 1
    assert published(watcher, 2) == ["A", "A"]


def test_a_document_another_sweep_claimed_is_left_to_it(relay, watcher):
    for code in ("A", "B"):
        things(relay).insert({"_id": code}, [event(code)])
    relay.database.things.update_one({"_id": "B"}, {"$set": {CLAIM_FIELD: time.time() + 60,
                                                             CLAIMED_BY_FIELD: "another-sweep"}})
    assert relay.relay_pending() == 1
    assert published(watcher, 1) == ["A"]
    assert relay.database.things.find_one({"_id": "B"})[PENDING_FIELD] == 1


def test_what_the_broker_confirmed_is_handed_on_before_it_is_marked_sent(relay, watcher):
    handed = []

    def on_confirmed(database, envelopes):
        # the batch is not marked sent yet: a failure here would publish it again
        assert database.things.count_documents({PENDING_FIELD: {"$gt": 0}}) == 2
        handed.extend(envelope["request_code"] for envelope in envelopes)

    relay.on_confirmed = on_confirmed
    for code in ("A", "B"):
        things(relay).insert({"_id": code}, [event(code)])
    assert relay.relay_pending() == 2
    assert sorted(handed) == ["A", "B"]


def test_a_failure_after_the_confirm_leaves_the_batch_to_be_published_again(relay, watcher):
    def on_confirmed(database, envelopes):
        raise RuntimeError("the event log is down")

    relay.on_confirmed = on_confirmed
    things(relay).insert({"_id": "A"}, [event("A")])
    with pytest.raises(RuntimeError):
        relay.relay_pending()
    assert published(watcher, 1) == ["A"]
    relay.on_confirmed = None
    relay.database.things.update_one({"_id": "A"}, {"$set": {CLAIM_FIELD: 0}})  # its claim ran out
    assert relay.relay_pending() == 1
    assert published(watcher, 2) == ["A", "A"]  # once before the failure, once after


def test_what_this_process_wrote_goes_out_without_a_sweep_and_leaves_the_outbox(relay, watcher):
    things(relay).insert({"_id": "A"}, [event("A"), event("A")])
    assert relay.relay_pending(sweep=False) == 2
    assert published(watcher, 2) == ["A", "A"]
    document = relay.database.things.find_one({"_id": "A"})
    assert (document["outbox"], document[PENDING_FIELD], document[CLAIMED_BY_FIELD]) == ([], 0, None)


def test_what_a_writer_that_died_left_waits_for_its_claim_to_run_out_then_any_sweep_sends_it(relay, watcher):
    things(relay).insert({"_id": "A"}, [event("A")])
    claim = {CLAIMED_BY_FIELD: "writer-that-died", CLAIM_FIELD: time.time() + 60}
    relay.database.things.update_one({"_id": "A"}, {"$set": claim})  # as another process wrote it
    assert relay.relay_pending() == 0  # not ours, and its writer may still publish it

    relay.database.things.update_one({"_id": "A"}, {"$set": {CLAIM_FIELD: time.time() - 1}})
    assert relay.relay_pending(sweep=False) == 0
    assert relay.relay_pending() == 1
    assert published(watcher, 1) == ["A"]


def test_a_state_read_before_the_relay_sent_its_events_does_not_bring_them_back(relay, watcher):
    store = things(relay)
    store.insert({"_id": "A", "status": "new"}, [event("A")])
    seen = store.load("A")  # the first event still waits
    assert relay.relay_pending() == 1
    store.replace({**seen, "status": "changed"}, [event("A")])

    document = relay.database.things.find_one({"_id": "A"})
    assert (document["status"], document[PENDING_FIELD], len(document["outbox"])) == ("changed", 1, 1)
    assert relay.relay_pending() == 1
    assert published(watcher, 2) == ["A", "A"]  # each event once


def test_a_write_hands_its_document_to_the_relay_of_its_process(relay, watcher):
    relay.register()
    try:
        things(relay).insert({"_id": "A"}, [event("A")])
        store = things(relay)
        store.replace({**store.load("A"), "status": "changed"}, [event("A")])  # the later write holds both
        # written by hand, as another process would: nothing hands it over
        relay.database.things.insert_one({"_id": "B", "outbox": [{"envelope": event("B"), "sent": False}],
                                          PENDING_FIELD: 1, CLAIM_FIELD: time.time() + 60})
        assert relay.relay_handed() == 2
        assert published(watcher, 2) == ["A", "A"]
        assert relay.relay_handed() == 0
        assert relay.database.things.find_one({"_id": "A"})[PENDING_FIELD] == 0
    finally:
        relay.unregister()
    things(relay).insert({"_id": "C"}, [event("C")])
    assert relay.relay_handed() == 0  # no longer this process's relay


def test_an_event_nobody_has_a_queue_for_waits_in_the_outbox(relay):
    things(relay).insert({"_id": "A"}, [event("A")])  # no watcher: nothing is bound
    assert relay.relay_pending() == 0
    assert relay.database.things.find_one({"_id": "A"})[PENDING_FIELD] == 1


def test_a_broadcast_the_relay_itself_takes_in_is_delivered_without_a_queue_but_a_routed_one_waits(relay):
    handed = []
    relay.on_confirmed = lambda database, envelopes: handed.extend(envelope["request_code"] for envelope in envelopes)
    things(relay).insert({"_id": "A"}, [event("A")])
    things(relay).insert({"_id": "B"}, [new_envelope("sweeper", "thing_sent", {}, request_code="B", route="nowhere")])
    assert relay.relay_pending() == 1
    assert handed == ["A"]
    assert relay.database.things.find_one({"_id": "A"})[PENDING_FIELD] == 0
    assert relay.database.things.find_one({"_id": "B"})[PENDING_FIELD] == 1  # waits for its service's queue


def test_marking_from_an_older_copy_never_brings_back_an_event_taken_out(relay):
    first, second = event("A"), event("A")
    things(relay).insert({"_id": "A"}, [first, second])
    copy = relay.database.things.find_one({"_id": "A"}, AS_CLAIMED)
    relay._mark_all_sent(relay.database.things, [(copy, {first["event_id"]}, True)])
    relay._mark_all_sent(relay.database.things, [(copy, {second["event_id"]}, True)])  # from the same copy
    stored = relay.database.things.find_one({"_id": "A"})
    assert (stored[PENDING_FIELD], stored["outbox"]) == (0, [])


def test_a_batch_still_being_handed_on_is_not_published_again_from_a_later_write(relay, watcher):
    handed = []

    def slow_fold(database, envelopes):
        eventlet.sleep(0.3)
        handed.extend(envelope["type"] for envelope in envelopes)

    relay.on_confirmed = slow_fold
    relay.register()
    try:
        store = things(relay)
        store.insert({"_id": "A"}, [event("A")])
        relay.relay_handed(wait=False)
        # This write's copy of the outbox still holds the first event, not yet marked sent.
        store.replace(store.load("A"), [new_envelope("sweeper", "thing_changed", {}, request_code="A")])
        relay.relay_handed(wait=False)
        relay.settle(flush=True)
    finally:
        relay.unregister()
    assert sorted(handed) == ["thing_changed", "thing_happened"]
    assert published(watcher, 2) == ["A", "A"]
    assert relay.database.things.find_one({"_id": "A"})[PENDING_FIELD] == 0


# -- settling: what the broker confirmed is handed on in batches, then taken out of the outbox


def pending(relay, code):
    return relay.database.things.find_one({"_id": code})[PENDING_FIELD]


def test_a_later_write_of_this_process_takes_settled_events_out_of_the_outbox_itself(relay, watcher):
    relay.mark_delay = 60  # no mark: the write does it
    relay.register()
    try:
        store = things(relay)
        store.insert({"_id": "A", "status": "new"}, [event("A")])
        relay.relay_handed(wait=False)
        relay.settle()
        assert pending(relay, "A") == 1  # confirmed and handed on, not yet out of the outbox

        store.replace({**store.load("A"), "status": "accepted"}, [event("A")])
        stored = relay.database.things.find_one({"_id": "A"})
        assert (stored["status"], stored[PENDING_FIELD]) == ("accepted", 1)  # only the new event waits
        relay.relay_handed(wait=False)
        relay.settle(flush=True)
    finally:
        relay.unregister()
    assert published(watcher, 2) == ["A", "A"]  # each event once
    assert pending(relay, "A") == 0
    assert relay.settled == set() and relay.backlog() == (0, 0.0)


def test_what_no_write_takes_out_is_marked_sent_after_the_delay_in_one_bulk_write(relay, watcher, monkeypatch):
    relay.mark_delay = 0.3
    relay.register()
    bulk_writes = []
    mark_all_sent = relay._mark_all_sent
    monkeypatch.setattr(relay, "_mark_all_sent",
                        lambda collection, marks: bulk_writes.append(len(marks)) or mark_all_sent(collection, marks))
    try:
        for code in ("A", "B", "C"):
            things(relay).insert({"_id": code}, [event(code)])
            relay.relay_handed(wait=False)
        relay.settle()
        assert [pending(relay, code) for code in "ABC"] == [1, 1, 1]
        time.sleep(0.35)
        relay.settle()
    finally:
        relay.unregister()
    assert [pending(relay, code) for code in "ABC"] == [0, 0, 0]
    assert bulk_writes == [3]
    assert sorted(published(watcher, 3)) == ["A", "B", "C"]


def test_events_confirmed_between_two_settles_are_handed_on_in_one_batch(relay, watcher):
    batches = []
    relay.on_confirmed = lambda database, envelopes: batches.append(sorted(e["request_code"] for e in envelopes))
    relay.register()
    try:
        for code in ("A", "B"):
            things(relay).insert({"_id": code}, [event(code)])
            relay.relay_handed(wait=False)
        relay.settle(flush=True)
    finally:
        relay.unregister()
    assert batches == [["A", "B"]]
    assert [pending(relay, code) for code in "AB"] == [0, 0]


def test_a_batch_that_could_not_be_handed_on_is_published_again_and_never_marked_before(relay, watcher):
    failures = ["the event log is down"]
    handed = []

    def on_confirmed(database, envelopes):
        if failures:
            raise RuntimeError(failures.pop())
        handed.extend(envelope["request_code"] for envelope in envelopes)

    relay.on_confirmed = on_confirmed
    relay.register()
    try:
        things(relay).insert({"_id": "A"}, [event("A")])
        relay.relay_handed(wait=False)
        relay.settle(flush=True)
        assert pending(relay, "A") == 1 and relay._hand_on_failed
        assert relay.relay_pending(sweep=False) == 1  # what the relay does after a failure
        assert handed == ["A"]
    finally:
        relay.unregister()
    assert pending(relay, "A") == 0
    assert published(watcher, 2) == ["A", "A"]  # once before the failure, once after


def test_a_document_marked_elsewhere_meanwhile_is_read_again_not_marked_from_an_old_copy(relay, watcher):
    first, second = event("A"), event("A")
    relay.register()
    try:
        things(relay).insert({"_id": "A"}, [first, second])
        relay.relay_handed(wait=False)
        relay.settle()
        # Another relay (its claim ran out here) took the second event out meanwhile.
        stored = relay.database.things.find_one({"_id": "A"})
        relay.database.things.update_one({"_id": "A"}, {"$set": {"outbox": stored["outbox"][:1], PENDING_FIELD: 1}})
        relay.settle(flush=True)
    finally:
        relay.unregister()
    stored = relay.database.things.find_one({"_id": "A"})
    assert (stored[PENDING_FIELD], stored["outbox"]) == (0, [])


def test_events_confirmed_and_not_yet_marked_are_no_lag(relay, watcher):
    relay.mark_delay = 60
    relay.register()
    try:
        things(relay).insert({"_id": "A"}, [event("A")])
        relay.relay_handed(wait=False)
        relay.settle()
        things(relay).insert({"_id": "B"}, [event("B")])  # not published yet
        assert pending(relay, "A") == 1
        assert relay.backlog()[0] == 1
    finally:
        relay.unregister()
