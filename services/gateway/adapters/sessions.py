"""Refresh token families (``domain/session.py``), one document each in ``sessions``.

Every change is one single-document atomic update whose filter carries the condition
it depends on (nx-27017's transactions are not isolated): a rotation matches only while
the presented token is still the family's latest and the family is active, so of two
refreshes with the same token exactly one rotates and the other finds it reused.
``expires_at`` (a date) lets MongoDB's TTL monitor delete a family once it is over.
"""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo.collection import Collection

from ..domain.session import ACTIVE, SessionFamily

FIELDS = ("username", "current", "started_at", "expires_at", "state", "rotations")


class MongoSessions:
    def __init__(self, collection: Collection[Any]) -> None:
        self.collection = collection

    def ensure_indexes(self) -> None:
        self.collection.create_index("expires_on", expireAfterSeconds=0)

    def start(self, family: SessionFamily) -> None:
        document = {key: value for key, value in asdict(family).items() if key != "id"}
        self.collection.insert_one({"_id": family.id, **document, "expires_on": _date(family.expires_at)})

    def get(self, family_id: str) -> SessionFamily | None:
        found = self.collection.find_one({"_id": family_id})
        if found is None:
            return None
        return SessionFamily(id=found["_id"], **{key: found[key] for key in FIELDS})

    def rotate(self, family: SessionFamily, presented: str, rotated: SessionFamily) -> bool:
        """Make ``rotated`` the family's state if ``presented`` is still its latest token
        of an active family; False if another refresh (or a sign-out) came first."""
        changed = self.collection.update_one(
            {"_id": family.id, "current": presented, "state": ACTIVE},
            {"$set": {"current": rotated.current, "expires_at": rotated.expires_at,
                      "expires_on": _date(rotated.expires_at)},
             "$inc": {"rotations": 1}},
        )
        return changed.matched_count == 1

    def end(self, family_id: str, state: str) -> None:
        """End the family (if it is still active: the first reason to end it stays)."""
        self.collection.update_one({"_id": family_id, "state": ACTIVE}, {"$set": {"state": state}})


def _date(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
