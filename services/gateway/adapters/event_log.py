"""Every event of every service, once each: the platform's history.

Kept by the gateway: its own events by its outbox relay, once the broker has confirmed
them (``handlers/service_levels.keep_confirmed``), the domain services' by its consumers. ``_id`` is the
event id, so an event published or delivered again is stored once. Read models (the
metrics) are rebuilt from it.
"""



from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from ...common.mongo import BACKGROUND_BATCH, insert_new


class EventLog:
    def __init__(self, collection: Collection[Any], clock: Callable[[], datetime]) -> None:
        self.collection = collection
        self.clock = clock  # when an event was logged

    def ensure_indexes(self) -> None:
        self.collection.create_index("request_code")
        self.collection.create_index("occurred_at")

    def record(self, envelope: dict[str, Any]) -> bool:
        """Store the envelope; False if it was already there."""
        try:
            self.collection.insert_one(_entry(envelope, self.clock().isoformat()))
            return True
        except DuplicateKeyError:
            return False

    def record_all(self, envelopes: list[dict[str, Any]]) -> None:
        """Store many envelopes, a few dozen a write (``BACKGROUND_BATCH``, so that intake's
        inserts are not held up behind one long write); those already there are left as
        they are."""
        logged_at = self.clock().isoformat()
        insert_new(self.collection, [_entry(envelope, logged_at) for envelope in envelopes], batch=BACKGROUND_BATCH)

    def for_request(self, request_code: str) -> list[dict[str, Any]]:
        return list(self.collection.find({"request_code": request_code}, {"_id": 0}).sort("occurred_at", 1))

    def of_source_since(self, source: str, since: datetime) -> Iterator[dict[str, Any]]:
        """The envelopes ``source`` published from ``since`` on, oldest first, read a
        batch at a time."""
        found = self.collection.find({"source": source, "occurred_at": {"$gte": since.astimezone(UTC).isoformat()}},
                                     {"_id": 0, "logged_at": 0}).sort("occurred_at", 1).batch_size(500)
        yield from found


def _entry(envelope: dict[str, Any], logged_at: str) -> dict[str, Any]:
    return {"_id": envelope["event_id"], **envelope, "logged_at": logged_at}
