"""The gateway's event log and notifier on the real store and broker: its own events go in
a batch at a time from its relay, and the queues they used to come through are drained
and retired."""

from datetime import timedelta

import pytest
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from services.common.envelope import new_envelope
from services.common.retired import retire_queue
from services.gateway import bootstrap
from services.gateway.adapters.event_log import EventLog
from services.gateway.cli import notifications as notifications_cli
from services.gateway.domain.model import ServiceRequest
from services.gateway.service import GatewayService

from ..support.data import JL02_BODY, NOW
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


def test_what_waited_in_the_notifiers_old_queue_is_told_when_a_new_release_retires_it(amqp_uri, database):
    """The notifier took the gateway's events through a consumer of its own before the
    relay handed them on to it: an event still waiting in that queue at the upgrade is
    told, once."""
    name = "evt-gateway-all--gateway.notify_of_gateway_event"
    source, binding, drain = GatewayService.retired.queues[name]
    code = "321322-20261126-00001-8"
    requests = bootstrap.build(database).requests
    requests.add(ServiceRequest.submit(code, bootstrap.reference_data()[0].item("JL02"), "321322",
                                       JL02_BODY["enterprise"], JL02_BODY["contact"], JL02_BODY["details"], NOW))
    waiting = new_envelope("gateway", "request_submitted", {"code": code}, request_code=code)
    with Connection(amqp_uri) as connection:
        Queue(name, exchange=get_event_exchange(source), routing_key=binding, durable=True,
              queue_arguments={"x-queue-type": "quorum"})(connection.default_channel).declare()
        publish(amqp_uri, "gateway", waiting)
        assert retire_queue(connection, name, "gateway.events", binding,
                            lambda envelope: drain(database, envelope)) == 1

    told = list(database.notifications.find({"event_id": waiting["event_id"]}))
    assert [(notice["recipient"], notice["channel"], notice["kind"]) for notice in told] == [
        ("station:321322", "in_app", "new_request")]


def test_a_fixed_notifier_tells_again_from_the_event_log_what_it_had_not_told(monkeypatch, mongo_uri, db_prefix,
                                                                              database, capsys):
    """``cli/notifications.py tell-again --since DAY``: the gateway's events from that day
    on are read again; an event none was told of gets its notices, one told already
    gets nothing more, and an event of an earlier day is not read."""
    gateway = bootstrap.build(database)
    item = bootstrap.reference_data()[0].item("JL02")
    events = {}
    for number, moment in ((1, NOW), (2, NOW), (3, NOW - timedelta(days=2))):
        code = f"321322-{moment:%Y%m%d}-{number:05d}-0"
        gateway.requests.add(ServiceRequest.submit(code, item, "321322", JL02_BODY["enterprise"],
                                                   JL02_BODY["contact"], JL02_BODY["details"], moment))
        events[number] = new_envelope("gateway", "request_submitted", {"code": code}, request_code=code,
                                      occurred_at=moment)
    gateway.event_log.record_all(list(events.values()))
    bootstrap.tell_of_gateway_events(gateway, [events[2]])  # told at the time; 1 and 3 were not
    monkeypatch.setenv("MONGO_URI", mongo_uri)
    monkeypatch.setenv("MONGO_DB_PREFIX", db_prefix)

    assert notifications_cli.main(["tell-again", "--since", NOW.date().isoformat()]) == 0
    assert "2 events read again from 2026-11-26: 1 deliveries new, 0 events still without notices" in (
        capsys.readouterr().out)
    told = {notice["event_id"] for notice in database.notifications.find({"recipient": "station:321322"})}
    assert told == {events[1]["event_id"], events[2]["event_id"]}
    assert notifications_cli.tell_again(database, NOW.date()).new == 0  # read again: nothing twice
