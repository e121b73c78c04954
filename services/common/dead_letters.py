"""List and replay dead letters: ``python -m services.common.dead_letters list|replay``.

A message lands in ``qi.dead-letters`` when a consumer gave up on it (too many failed
deliveries, a permanent failure, or not an envelope). Its routing key is the name of
the queue it left, so a replay sends it straight back to that queue once the cause is
fixed; the consumer is idempotent, so replaying something already handled is harmless.
"""

import argparse
import json
import sys

from kombu import Connection, Exchange

from .config import setting
from .consumer import dead_letter_queue


def _drain(amqp_uri, handle):
    """Call ``handle(queue_name, body, message)`` for each dead letter; it acks or not."""
    with Connection(amqp_uri) as connection:
        queue = dead_letter_queue()(connection.default_channel)
        queue.declare()
        taken = []
        while (message := queue.get(no_ack=False)) is not None:
            taken.append(message)
            handle(message.delivery_info["routing_key"], message.decode(), message)
        # Anything not acknowledged goes back, in order, for the next look.
        for message in taken:
            if not message.acknowledged:
                message.requeue()


def count_dead_letters(amqp_uri, timeout=3):
    """How many dead letters wait (for the ``qi_dead_letters`` gauge), without taking any."""
    with Connection(amqp_uri, connect_timeout=timeout) as connection:
        return dead_letter_queue()(connection.default_channel).queue_declare(passive=True).message_count


def list_dead_letters(amqp_uri):
    letters = []
    _drain(amqp_uri, lambda queue, body, message: letters.append({"queue": queue, "envelope": body}))
    return letters


def replay_dead_letters(amqp_uri, event_ids=None):
    """Send dead letters back to their queues (all, or those with the given event ids).

    Each is published with a confirm and ``mandatory``: a letter whose queue no longer
    exists (its consumer was renamed or retired) comes back unroutable and stays a dead
    letter, listed with ``"kept": "no such queue"``, instead of being dropped."""
    replayed = []
    returned = []
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer(
            serializer="json", on_return=lambda exc, exchange, routing_key, message: returned.append(routing_key))

        def replay(queue, body, message):
            event_id = body.get("event_id") if isinstance(body, dict) else None
            if event_ids is not None and event_id not in event_ids:
                return
            returned.clear()
            producer.publish(body, exchange=Exchange(""), routing_key=queue, delivery_mode=2, mandatory=True)
            if queue in returned:
                replayed.append({"queue": queue, "event_id": event_id, "kept": "no such queue"})
                return
            message.ack()
            replayed.append({"queue": queue, "event_id": event_id})

        _drain(amqp_uri, replay)
    return replayed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("event_ids", nargs="*", help="replay only these events (default: all)")
    args = parser.parse_args(argv)
    uri = setting("AMQP_URI")
    if args.action == "list":
        result = list_dead_letters(uri)
    else:
        result = replay_dead_letters(uri, set(args.event_ids) or None)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
