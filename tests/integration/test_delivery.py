"""Delivery rules of DESIGN §6 on the real broker: outbox relay, retries, dead letters."""

import subprocess
import time
from urllib.parse import urlparse

import pytest
from kombu import Connection
from nameko import config as nameko_config

from services.common.consumer import (
    DELIVERY_LIMIT,
    PermanentFailure,
    consume_event,
    dead_letter_queue,
)
from services.common.dead_letters import list_dead_letters, replay_dead_letters
from services.common.envelope import new_envelope
from services.common.mongo import MongoDatabase
from services.common.outbox import OutboxRelay
from services.common.store import MongoDocumentStore

from .broker import EventWatcher, publish, wait_until

pytestmark = pytest.mark.integration

attempts = {}


class FlakyService:
    """Fails a given number of times per event, then succeeds."""

    name = "flaky"

    @consume_event("sender", "thing_happened")
    def handle(self, envelope):
        seen = attempts.setdefault(envelope["event_id"], [])
        seen.append(time.monotonic())
        if len(seen) <= envelope["data"]["failures"]:
            raise RuntimeError("not yet")

    @consume_event("sender", "doomed")
    def handle_doomed(self, envelope):
        raise PermanentFailure("this can never work")

    @consume_event("sender", "slow_thing")
    def handle_slowly(self, envelope):
        seen = attempts.setdefault(envelope["event_id"], [])
        seen.append(time.monotonic())
        if len(seen) == 1:
            time.sleep(envelope["data"]["seconds"])  # the broker goes away meanwhile


class PublisherService:
    name = "sender"
    db = MongoDatabase()
    relay = OutboxRelay(["things"], interval=0.2)


def dead_letters(amqp_uri):
    return [(letter["queue"], letter["envelope"]) for letter in list_dead_letters(amqp_uri)]


def discard_dead_letters(amqp_uri):
    with Connection(amqp_uri) as connection:
        queue = dead_letter_queue()(connection.default_channel)
        queue.declare()
        queue.purge()


@pytest.fixture
def flaky(container_factory, service_config, amqp_uri):
    attempts.clear()
    discard_dead_letters(amqp_uri)  # the vhost is shared by the session's tests
    container = container_factory(FlakyService)
    container.start()
    return container


def test_a_failing_handler_is_retried_with_growing_pauses_until_it_succeeds(flaky, amqp_uri):
    envelope = new_envelope("sender", "thing_happened", {"failures": 2})
    publish(amqp_uri, "sender", envelope)
    assert wait_until(lambda: len(attempts.get(envelope["event_id"], [])) == 3, timeout=15)
    first, second, third = attempts[envelope["event_id"]]
    assert third - second > second - first  # backoff grows
    assert dead_letters(amqp_uri) == []


def test_a_handler_that_keeps_failing_is_dead_lettered_after_the_delivery_limit(flaky, amqp_uri):
    envelope = new_envelope("sender", "thing_happened", {"failures": 1000})
    publish(amqp_uri, "sender", envelope)
    letters = wait_until(lambda: dead_letters(amqp_uri), timeout=30)
    assert [body["event_id"] for _, body in letters] == [envelope["event_id"]]
    assert letters[0][0] == "evt-sender-thing_happened--flaky.handle"  # where to replay it
    assert len(attempts[envelope["event_id"]]) == DELIVERY_LIMIT + 1


def test_a_permanent_failure_and_a_malformed_message_go_straight_to_the_dead_letters(flaky, amqp_uri):
    doomed = new_envelope("sender", "doomed", {})
    publish(amqp_uri, "sender", doomed)
    publish(amqp_uri, "sender", {**new_envelope("sender", "thing_happened", {"failures": 0}), "version": 99})
    assert wait_until(lambda: len(dead_letters(amqp_uri)) == 2, timeout=10)
    assert attempts == {}  # the malformed one never reached the handler


def test_a_dead_letter_replayed_after_the_fix_is_handled(flaky, amqp_uri):
    envelope = new_envelope("sender", "thing_happened", {"failures": DELIVERY_LIMIT + 1})
    publish(amqp_uri, "sender", envelope)
    assert wait_until(lambda: dead_letters(amqp_uri), timeout=30)
    # The handler now succeeds (its failures are used up): replay the letter.
    assert replay_dead_letters(amqp_uri) == [
        {"queue": "evt-sender-thing_happened--flaky.handle", "event_id": envelope["event_id"]}
    ]
    assert wait_until(lambda: len(attempts[envelope["event_id"]]) == DELIVERY_LIMIT + 2, timeout=10)
    assert dead_letters(amqp_uri) == []


@pytest.fixture
def lonely_broker(broker_vhosts, service_config):
    """A vhost of this test's own: it closes every connection in it, which would break
    the pooled connections of the tests sharing the session's vhost."""
    uri = broker_vhosts("connection-loss")
    with nameko_config.patch({**service_config, "AMQP_URI": uri}):
        yield uri


def test_a_connection_lost_under_a_running_handler_costs_a_redelivery_not_the_service(
    container_factory, lonely_broker
):
    """A broker restart while a handler works: its ack has no connection left to go on.
    The service must live on and take the redelivered message, not die of the ack."""
    attempts.clear()
    container = container_factory(FlakyService)
    container.start()
    envelope = new_envelope("sender", "slow_thing", {"seconds": 1.0})
    publish(lonely_broker, "sender", envelope)
    assert wait_until(lambda: attempts.get(envelope["event_id"]), timeout=10)
    vhost = urlparse(lonely_broker).path.lstrip("/")
    subprocess.run(["rabbitmqctl", "close_all_connections", "-p", vhost, "test: broker restart"],
                   check=True, capture_output=True, timeout=60)
    assert wait_until(lambda: len(attempts[envelope["event_id"]]) == 2, timeout=30)
    assert not container._died.ready()  # the container is still running its entrypoints
    assert dead_letters(lonely_broker) == []


@pytest.fixture
def things(mongo_client, db_prefix):
    """The store a worker of the running PublisherService writes with: its relay is
    given the writes, as the service's composition root gives them to it."""
    database = mongo_client[f"{db_prefix}sender"]

    def of(container):
        relay = next(each for each in container.extensions if isinstance(each, OutboxRelay))
        return MongoDocumentStore(database.things, database.counters, relay)

    return of


def test_the_relay_publishes_what_a_write_put_in_the_outbox_and_marks_it_sent(
    container_factory, service_config, things, amqp_uri
):
    watcher = EventWatcher(amqp_uri, "sender", "thing_happened")
    container = container_factory(PublisherService)
    container.start()
    things = things(container)
    envelope = new_envelope("sender", "thing_happened", {"failures": 0}, request_code="K1")
    things.insert({"_id": "K1"}, [envelope])
    assert watcher.wait_for(lambda e: e["event_id"] == envelope["event_id"])
    assert wait_until(lambda: things.collection.find_one({"_id": "K1"})["outbox_pending"] == 0)
    watcher.close()


def test_an_event_nobody_listens_to_yet_waits_in_the_outbox_until_someone_does(
    container_factory, service_config, things, amqp_uri
):
    container = container_factory(PublisherService)
    container.start()
    things = things(container)
    envelope = new_envelope("sender", "nobody_listens_yet", {}, request_code="K2")
    things.insert({"_id": "K2"}, [envelope])
    time.sleep(1.0)  # several relay sweeps
    assert things.collection.find_one({"_id": "K2"})["outbox_pending"] == 1
    watcher = EventWatcher(amqp_uri, "sender", "nobody_listens_yet")
    assert watcher.wait_for(lambda e: e["event_id"] == envelope["event_id"])
    watcher.close()


def test_a_dead_letter_whose_queue_is_gone_stays_a_dead_letter(flaky, amqp_uri):
    envelope = new_envelope("sender", "thing_happened", {"failures": 0})
    with Connection(amqp_uri) as connection:  # as a consumer since retired left it
        producer = connection.Producer(serializer="json")
        producer.publish(envelope, exchange=dead_letter_queue().exchange, routing_key="evt-sender-all--gone.handle",
                         declare=[dead_letter_queue()], delivery_mode=2)
    assert wait_until(lambda: dead_letters(amqp_uri), timeout=10)

    assert replay_dead_letters(amqp_uri) == [
        {"queue": "evt-sender-all--gone.handle", "event_id": envelope["event_id"], "kept": "no such queue"}]
    assert dead_letters(amqp_uri) == [("evt-sender-all--gone.handle", envelope)]


def test_a_relay_that_stops_marks_sent_what_the_broker_confirmed(container_factory, service_config, things, amqp_uri):
    watcher = EventWatcher(amqp_uri, "sender", "thing_happened")
    container = container_factory(PublisherService)
    container.start()
    things = things(container)
    envelope = new_envelope("sender", "thing_happened", {"failures": 0}, request_code="K3")
    things.insert({"_id": "K3"}, [envelope])
    assert watcher.wait_for(lambda e: e["event_id"] == envelope["event_id"])
    container.stop()  # well within the delay before settled events are marked sent
    assert things.collection.find_one({"_id": "K3"})["outbox_pending"] == 0
    watcher.close()
