"""Is a part the gateway needs answering? Each probe answers yes or no and never raises:
for ``GET /health`` and the metrics scrape."""

from typing import Any

from pymongo.errors import PyMongoError

from ...common.mongo import ping
from ...common.probe import broker_answers  # noqa: F401 - the gateway's probe of the broker

# What a store that does not answer raises, for the entrypoints that carry on without it.
STORE_DOWN = (PyMongoError,)


def store_answers(database: Any) -> bool:
    return ping(database)
