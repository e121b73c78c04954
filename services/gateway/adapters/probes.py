"""Is a part the gateway needs answering? Each probe answers yes or no and never raises:
for ``GET /health`` and the metrics scrape."""

from typing import Any

from kombu import Connection
from pymongo.errors import PyMongoError

from ...common.mongo import ping

# What a store that does not answer raises, for the entrypoints that carry on without it.
STORE_DOWN = (PyMongoError,)


def store_answers(database: Any) -> bool:
    return ping(database)


def broker_answers(amqp_uri: str, timeout: float) -> bool:
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.connect()
        return True
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False
