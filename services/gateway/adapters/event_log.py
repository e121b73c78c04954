"""Every event of every service, once each: the platform's history.

Kept by the gateway from its consumers. ``_id`` is the event id, so a redelivered
event is stored once. Read models (the metrics of a later issue) are rebuilt from it.
"""

from datetime import UTC, datetime

from pymongo.errors import DuplicateKeyError


class EventLog:
    def __init__(self, collection):
        self.collection = collection

    def ensure_indexes(self):
        self.collection.create_index("request_code")
        self.collection.create_index("occurred_at")

    def record(self, envelope):
        """Store the envelope; False if it was already there."""
        try:
            self.collection.insert_one(
                {"_id": envelope["event_id"], **envelope, "logged_at": datetime.now(UTC).isoformat()}
            )
            return True
        except DuplicateKeyError:
            return False

    def for_request(self, request_code):
        return list(self.collection.find({"request_code": request_code}, {"_id": 0}).sort("occurred_at", 1))
