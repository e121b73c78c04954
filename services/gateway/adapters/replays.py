"""The answers to POSTs sent with an ``Idempotency-Key`` (``domain/idempotency.py``),
kept 24 h in collection ``replayed_answers`` for every gateway replica.

One document per key (``_id`` = the key, scoped to who sent it): claimed by the first
request before it runs (an insert, so of two at once one wins and the other hears the
key is in use), then holding its answer; a request that earned no answer worth keeping
gives its claim back. ``expires_at`` lets MongoDB's TTL monitor delete it a day later
(nx-27017 keeps them, as it keeps the throttle's windows).
"""

from datetime import datetime
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from ..domain.idempotency import KEY_LIFETIME, RequestKey


class MongoReplays:
    def __init__(self, collection: Collection[Any]) -> None:
        self.collection = collection

    def ensure_indexes(self) -> None:
        self.collection.create_index("expires_at", expireAfterSeconds=0)

    def claim(self, key: RequestKey, now: datetime) -> dict[str, Any] | None:
        """Claim ``key`` for a request about to run: None if it is claimed now, else what
        the key holds (an answer, or a claim still running) as ``{key, fingerprint,
        first_at, answer}``."""
        try:
            self.collection.insert_one({"_id": key.key, "fingerprint": key.fingerprint, "first_at": now.isoformat(),
                                        "answer": None, "expires_at": now + KEY_LIFETIME})
            return None
        except DuplicateKeyError:
            found = self.collection.find_one({"_id": key.key})
        if found is None:  # given back between the insert and the read: claim it again
            return self.claim(key, now)
        return {"key": found["_id"], "fingerprint": found["fingerprint"], "first_at": found["first_at"],
                "answer": found.get("answer")}

    def keep(self, key: RequestKey, answer: dict[str, Any]) -> None:
        """The answer to the request that claimed ``key``: ``{status, body, content_type}``."""
        self.collection.update_one({"_id": key.key}, {"$set": {"answer": answer}})

    def give_back(self, key: RequestKey) -> None:
        self.collection.delete_one({"_id": key.key, "answer": None})
