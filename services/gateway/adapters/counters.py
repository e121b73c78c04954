"""Counters over fixed windows of time, shared by every gateway replica.

One document per key and window (``_id`` = ``<key>|<window number>``), changed only by
single-document atomic updates (``$inc`` with upsert), so replicas counting the same
client at once never lose a count. ``add_if_unchanged`` adds only over the value the
caller read (the update's filter names it): of several callers that read the same
count, one adds and the others read again, so a decision taken on a count (may this
sign-in attempt go ahead?) is taken once per count. ``expires_at`` (a date) lets MongoDB's TTL monitor
delete a window once it is over; nx-27017 keeps them (it has no TTL monitor, and stores
the date as text), which costs a few small documents per client and hour in dev.
"""

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pymongo
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from ..domain.throttle import Count


def window_of(window: int, now: float) -> tuple[int, float]:
    number = int(now // window)
    return number, (number + 1) * window


class MongoCounters:
    def __init__(self, collection: Collection[Any]) -> None:
        self.collection = collection

    def ensure_indexes(self) -> None:
        self.collection.create_index("expires_at", expireAfterSeconds=0)

    def add(self, key: str, amount: int, window: int, now: float) -> Count:
        number, ends = window_of(window, now)
        update: dict[str, Any] = {
            "$inc": {"value": amount},
            "$set": {"last_at": now, "expires_at": datetime.fromtimestamp(ends, UTC) + timedelta(seconds=60)},
        }
        try:
            found = self._increment(f"{key}|{number}", update)
        except DuplicateKeyError:
            # Two replicas created the window's document at once and the other insert
            # won: now it exists, and the retry is a plain increment.
            found = self._increment(f"{key}|{number}", update)
        return Count(int(found["value"]), found.get("last_at"), ends)

    def add_if_unchanged(self, key: str, amount: int, window: int, now: float, seen: int) -> bool:
        """Add ``amount`` if the window's value is still ``seen`` (0: also if it has no
        document yet); False if another writer changed it first."""
        number, ends = window_of(window, now)
        document_id = f"{key}|{number}"
        expires_at = datetime.fromtimestamp(ends, UTC) + timedelta(seconds=60)
        update: dict[str, Any] = {"$inc": {"value": amount}, "$set": {"last_at": now, "expires_at": expires_at}}
        if self.collection.update_one({"_id": document_id, "value": seen}, update).matched_count:
            return True
        if seen != 0:
            return False
        try:
            self.collection.insert_one({"_id": document_id, "value": amount, "last_at": now, "expires_at": expires_at})
        except DuplicateKeyError:
            return False  # another writer made the window's document first
        return True

    def _increment(self, document_id: str, update: dict[str, Any]) -> dict[str, Any]:
        found = self.collection.find_one_and_update(
            {"_id": document_id}, update, upsert=True, return_document=pymongo.ReturnDocument.AFTER,
        )
        return cast(dict[str, Any], found)  # an upsert answers the document after the write

    def read(self, key: str, window: int, now: float) -> Count:
        number, ends = window_of(window, now)
        found = self.collection.find_one({"_id": f"{key}|{number}"})
        if found is None:
            return Count(0, None, ends)
        return Count(int(found["value"]), found.get("last_at"), ends)

    def clear(self, key: str, window: int, now: float) -> None:
        number, _ = window_of(window, now)
        self.collection.delete_one({"_id": f"{key}|{number}"})
