"""Helpers to watch and send events on the real broker in integration tests."""

import time
import uuid

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from services.common.envelope import routing_key


class EventWatcher:
    """A private queue bound to one service's events; ``wait_for`` collects what arrives."""

    def __init__(self, amqp_uri, source, binding="#"):
        self.connection = Connection(amqp_uri)
        self.queue = Queue(
            f"test-watch-{uuid.uuid4().hex[:8]}",
            exchange=get_event_exchange(source),
            routing_key=binding,
            exclusive=True,
            auto_delete=True,
        )
        self.bound = self.queue(self.connection.default_channel)
        self.bound.declare()
        self.seen = []

    def drain(self):
        while (message := self.bound.get(no_ack=True)) is not None:
            self.seen.append(message.decode())
        return self.seen

    def wait_for(self, predicate, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matching = [event for event in self.drain() if predicate(event)]
            if matching:
                return matching
            time.sleep(0.05)
        return []

    def close(self):
        self.connection.release()


def publish(amqp_uri, source, envelope):
    """Publish an envelope as ``source`` would (confirmed, persistent)."""
    with Connection(amqp_uri) as connection:
        producer = connection.Producer(serializer="json")
        producer.publish(
            envelope,
            exchange=get_event_exchange(source),
            routing_key=routing_key(envelope),
            declare=[get_event_exchange(source)],
            delivery_mode=2,
        )


def wait_until(predicate, timeout=10, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()
