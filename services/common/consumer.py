"""The event entrypoint every service uses: ``@consume_event(source, type, route=...)``.

It is nameko's ``@event_handler`` with the delivery rules of DESIGN §6:

* the handler receives a validated envelope (:mod:`services.common.envelope`); a message
  that is not one is dead-lettered at once, since no retry can fix it;
* the queue is a durable quorum queue, so a message survives a broker restart;
* a handler that raises gets the message back after a short backoff; the broker counts
  deliveries and, past ``DELIVERY_LIMIT``, moves the message to the dead-letter queue
  ``qi.dead-letters`` (``x-delivery-limit`` is enforced by RabbitMQ 3.10+ for quorum
  queues), where it can be listed and replayed;
* ``route`` binds only ``<type>.<route>``, so e.g. metrology receives only the
  dispatches meant for metrology; ``event_type="#"`` receives every event of the source.

Handlers must be idempotent on ``event_id``: delivery is at least once.
"""

import logging

import eventlet
from amqp.exceptions import AMQPError
from kombu import Connection, Exchange, Queue
from kombu.exceptions import KombuError
from nameko.events import SERVICE_POOL, EventHandler
from nameko.messaging import Consumer
from nameko.standalone.events import get_event_exchange

from . import metrics
from .config import setting
from .contracts.schemas import BrokenContract
from .envelope import InvalidEnvelope, validate_envelope

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "qi.dead-letter"
DEAD_LETTER_QUEUE = "qi.dead-letters"
DELIVERY_LIMIT = 5
# What a broker going away looks like from a publish or an ack: py-amqp's errors,
# kombu's (a publish that ran out of retries) and the socket's own (ECONNRESET, EPIPE).
BROKER_FAILURES = (AMQPError, KombuError, OSError)


class PermanentFailure(Exception):
    """Raised by a handler when retrying the same message can never succeed."""


def dead_letter_exchange():
    return Exchange(DEAD_LETTER_EXCHANGE, type="topic", durable=True)


def dead_letter_queue():
    # Keeps every dead letter whatever queue it came from; the routing key of a dead
    # letter is the name of the queue it left, so a replay knows where it belongs.
    return Queue(
        DEAD_LETTER_QUEUE,
        exchange=dead_letter_exchange(),
        routing_key="#",
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )


def declare_dead_letters(amqp_uri):
    with Connection(amqp_uri) as connection:
        dead_letter_queue()(connection.default_channel).declare()


def backoff_seconds(delivery_count):
    """0.2 s, 0.4 s, 0.8 s … capped at 5 s: slow enough for a store restart to finish."""
    return min(0.2 * 2 ** max(delivery_count, 0), 5.0)


class EventConsumer(EventHandler):
    def __init__(self, source_service, event_type, route=None, **kwargs):
        super().__init__(
            source_service,
            event_type,
            handler_type=SERVICE_POOL,
            reliable_delivery=True,
            requeue_on_error=True,
            **kwargs,
        )
        self.route = route

    @property
    def binding_key(self):
        return f"{self.event_type}.{self.route}" if self.route else self.event_type

    def queue_name(self):
        binding = self.binding_key.replace("#", "all")
        return f"evt-{self.source_service}-{binding}--{self.container.service_name}.{self.method_name}"

    def setup(self):
        name = self.queue_name()
        self.queue = Queue(
            name,
            exchange=get_event_exchange(self.source_service),
            routing_key=self.binding_key,
            durable=True,
            queue_arguments={
                "x-queue-type": "quorum",
                "x-delivery-limit": DELIVERY_LIMIT,
                "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                "x-dead-letter-routing-key": name,
            },
        )
        declare_dead_letters(setting("AMQP_URI"))
        # Skip EventHandler.setup, which would build nameko's classic queue instead.
        Consumer.setup(self)

    def handle_message(self, body, message):
        try:
            envelope = validate_envelope(body)
        except InvalidEnvelope as exc:
            log.error("dead-lettering a message that is not an envelope: %s", exc)
            metrics.event_consumed(self.method_name, "invalid", "dead_lettered")
            _settle(_dead_letter, message)
            return
        super().handle_message(envelope, message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        # Runs in the worker's green thread, so these log lines carry its request code
        # and trace id (logs.py).
        event_type = _event_type(message)
        if exc_info is None:
            _settle(self.consumer.ack_message, message)
            log.info("%s handled %s", self.method_name, event_type)
            metrics.event_consumed(self.method_name, event_type, "handled")
            return
        if isinstance(exc_info[1], PermanentFailure | BrokenContract):
            log.error("dead-lettering after a permanent failure: %s", exc_info[1])
            metrics.event_consumed(self.method_name, event_type, "dead_lettered")
            _settle(_dead_letter, message)
            return
        deliveries = int((message.headers or {}).get("x-delivery-count", 0))
        log.warning("%s failed on %s (delivery %d); retrying", self.method_name, event_type, deliveries + 1)
        metrics.event_consumed(self.method_name, event_type, "retried")
        eventlet.sleep(backoff_seconds(deliveries))
        _settle(self.consumer.requeue_message, message)


def _event_type(message):
    payload = message.payload
    return payload.get("type", "?") if isinstance(payload, dict) else "?"


def _settle(action, message):
    """Ack, requeue or dead-letter ``message``, surviving a connection that died under it.

    nameko guards only against py-amqp's ConnectionError, but a broker restart can also
    surface as a socket error (ECONNRESET, EPIPE) from the same call. This runs in the
    worker's thread, where any exception kills the whole service container, so nothing
    may escape: an unsettled message goes back to its queue with the dead connection and
    is delivered again, which handlers idempotent on ``event_id`` take in their stride.
    """
    try:
        action(message)
    except BROKER_FAILURES as exc:
        log.warning("could not settle a message (%s); the broker will deliver it again", exc)


def _dead_letter(message):
    # Like nameko's ack/requeue: if the channel is gone the broker already took it back.
    if message.channel.connection:
        message.reject(requeue=False)


consume_event = EventConsumer.decorator
