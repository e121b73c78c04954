"""The gateway's event log on the real store and broker: its own events go in a batch at
a time from its relay, and the queue they used to come through is drained and retired."""

import pytest
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from services.common.envelope import new_envelope
from services.common.retired import retire_queue
from services.gateway.adapters.event_log import EventLog

from ..support.data import NOW
from .broker import publish, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def database(mongo_client, db_prefix):
    return mongo_client[f"{db_prefix}gateway"]


def event_log(database):
    return EventLog(database.event_log, lambda: NOW)


def submitted(code):
    return new_envelope("gateway", "request_submitted", {"station": "321322"}, request_code=code)


def test_a_confirmed_batch_is_logged_once_even_when_it_is_published_again(database):
    first, second = submitted("A"), submitted("B")
    event_log(database).record_all([first])
    event_log(database).record_all([first, second])  # a relay that died before marking them sent

    logged = list(database.event_log.find({}, {"request_code": 1, "type": 1}).sort("request_code", 1))
    assert [(entry["_id"], entry["request_code"]) for entry in logged] == [
        (first["event_id"], "A"), (second["event_id"], "B")]
    assert [entry["type"] for entry in event_log(database).for_request("A")] == ["request_submitted"]


RETIRED = "evt-gateway-all--gateway.test_retired_consumer"


def declare_old_queue(connection):
    queue = Queue(RETIRED, exchange=get_event_exchange("gateway"), routing_key="#", durable=True,
                  queue_arguments={"x-queue-type": "quorum"})
    queue(connection.default_channel).declare()


def test_a_retired_queue_hands_over_what_waited_in_it_and_is_deleted(amqp_uri, database):
    log = event_log(database)
    waiting = [submitted("A"), submitted("B")]
    with Connection(amqp_uri) as connection:
        declare_old_queue(connection)
        for envelope in waiting:
            publish(amqp_uri, "gateway", envelope)

        assert retire_queue(connection, RETIRED, "gateway.events", "#", log.record) == 2
        assert retire_queue(connection, RETIRED, "gateway.events", "#", log.record) == 0  # gone already
        with pytest.raises(Exception, match="NOT_FOUND"):
            connection.channel().queue_declare(RETIRED, passive=True)

    assert {entry["_id"] for entry in database.event_log.find()} == {envelope["event_id"] for envelope in waiting}


def test_a_retired_queue_an_older_release_still_consumes_is_left_to_it_until_it_goes(amqp_uri, database):
    log = event_log(database)
    waiting = submitted("A")
    with Connection(amqp_uri) as connection, Connection(amqp_uri) as older_release:
        declare_old_queue(connection)
        consuming = older_release.channel()
        tag = consuming.basic_consume(RETIRED, callback=lambda message: None, no_ack=False)
        publish(amqp_uri, "gateway", waiting)

        assert retire_queue(connection, RETIRED, "gateway.events", "#", log.record) is None
        assert connection.channel().queue_declare(RETIRED, passive=True).queue == RETIRED  # still there

        consuming.basic_cancel(tag)
        older_release.release()  # the older replica is gone; what it held unacked goes back
        retired = []
        assert wait_until(lambda: retired.append(
            retire_queue(connection, RETIRED, "gateway.events", "#", log.record)) or retired[-1] is not None)
        assert retired[-1] == 1
    assert [entry["_id"] for entry in database.event_log.find()] == [waiting["event_id"]]
