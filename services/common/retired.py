"""Queues a release stopped consuming from.

A durable queue outlives the consumer that declared it: still bound to its exchange, it
would take a copy of every event for ever and fill the broker. A service names the
queues it retired (``retired = RetiredQueues(...)``); once no consumer is left on one
(during a rolling upgrade the old release's replicas still take from it, so nothing
they publish is missed), it is unbound, emptied through ``drain`` (so no event that was
waiting in it is lost) and deleted.
"""

import json
import logging

import eventlet
from amqp.exceptions import NotFound
from kombu import Connection
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange

from .config import database_name, setting
from .envelope import InvalidEnvelope, validate_envelope
from .mongo import connect

log = logging.getLogger(__name__)


def retire_queue(connection, name, exchange, routing_key, drain):
    """Unbind queue ``name`` from ``exchange`` so nothing more arrives, hand every envelope
    left in it to ``drain(envelope)``, then delete it. How many were drained; 0 if there
    was no such queue; None, leaving it alone, while a consumer still takes from it.
    (Unbound first: a quorum queue cannot be deleted "if empty".)"""
    channel = connection.channel()
    try:
        try:
            _, _, consumers = channel.queue_declare(name, passive=True)
        except NotFound:
            return 0  # never declared here, or retired already
        if consumers:
            return None
        channel.queue_unbind(name, exchange, routing_key)
        drained = 0
        while (message := channel.basic_get(name)) is not None:
            try:
                drain(validate_envelope(json.loads(message.body)))
                drained += 1
            except (InvalidEnvelope, ValueError) as exc:
                log.error("dropping a message of retired queue %s that is not an envelope: %s", name, exc)
            channel.basic_ack(message.delivery_tag)
        channel.queue_delete(name)
        log.info("retired queue %s deleted after draining %d events", name, drained)
        return drained
    finally:
        if channel.is_open:
            channel.close()


class RetiredQueues(DependencyProvider):
    """``RetiredQueues({queue name: (source service, binding key, drain(database, envelope))})``:
    each is retired as soon as no consumer is left on it, looked at every ``interval``
    seconds from the service's start."""

    def __init__(self, queues, interval=30.0):
        self.queues = dict(queues)
        self.interval = interval

    def start(self):
        self.container.spawn_managed_thread(self._retire_all, identifier="retired_queues")

    def retire_unused(self):
        """Retire those of the queues left that nobody consumes; the names still consumed."""
        client = connect()
        try:
            database = client[database_name(self.container.service_name)]
            with Connection(setting("AMQP_URI")) as connection:
                for name, (source, binding, drain) in list(self.queues.items()):
                    drained = retire_queue(connection, name, get_event_exchange(source).name, binding,
                                           lambda envelope, drain=drain: drain(database, envelope))
                    if drained is not None:
                        del self.queues[name]
        finally:
            client.close()
        return list(self.queues)

    def _retire_all(self):
        while self.queues:
            try:
                if self.retire_unused():
                    log.info("retired queues still consumed by an older release: %s", ", ".join(self.queues))
            except Exception:  # noqa: BLE001 - broker or store away: try again later
                log.warning("could not retire queues yet; trying again", exc_info=True)
            if self.queues:
                eventlet.sleep(self.interval)

    def get_dependency(self, worker_ctx):
        return None
