"""The outbox lag the gateway reports to Prometheus: events stored but not yet confirmed."""

import time
from datetime import UTC, datetime

import pytest

from services.common.envelope import new_envelope
from services.common.outbox import OutboxRelay
from services.common.store import MongoDocumentStore

pytestmark = pytest.mark.integration


@pytest.fixture
def relay(mongo_client, db_prefix):
    """A relay over two collections of a fresh database, not started: nothing is sent."""
    relay = OutboxRelay(["requests", "request_groups"])
    relay.database = mongo_client[f"{db_prefix}lag"]
    return relay


def store(relay, name):
    return MongoDocumentStore(relay.database[name], relay.database.counters, relay)


def event_from(seconds_ago):
    envelope = new_envelope("gateway", "request_submitted", {}, request_code="K")
    envelope["occurred_at"] = datetime.fromtimestamp(time.time() - seconds_ago, UTC).isoformat()
    return envelope


def test_nothing_waiting_is_no_lag(relay):
    store(relay, "requests").insert({"_id": "A"})
    assert relay.backlog() == (0, 0.0)


def test_every_unsent_event_counts_and_the_oldest_one_gives_the_lag(relay):
    store(relay, "requests").insert({"_id": "A"}, [event_from(5), event_from(90)])
    store(relay, "request_groups").insert({"_id": "G"}, [event_from(30)])

    pending, oldest = relay.backlog()

    assert pending == 3
    assert 89 <= oldest < 120


def test_events_the_broker_confirmed_are_not_lag(relay):
    confirmed = event_from(300)
    store(relay, "requests").insert({"_id": "A"}, [confirmed])
    relay._mark_sent(relay.database.requests, "A", {confirmed["event_id"]})  # as after a confirm
    store(relay, "requests").insert({"_id": "B"}, [event_from(10)])

    pending, oldest = relay.backlog()

    assert pending == 1
    assert 9 <= oldest < 60
