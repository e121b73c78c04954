"""Delivery records and the enterprises' notification settings, in MongoDB.

``notifications``: one document per delivery, ``_id`` its key (event × recipient ×
channel). A consumer writes with ``$setOnInsert`` under that ``_id`` (an upsert), so an
event delivered again writes nothing new and never resets a delivery already sent.

The sender claims a due delivery with one ``find_one_and_update`` (single-document
atomicity is all nx-27017 promises: its transactions are not isolated): the filter names
the state and time it saw, the update moves it to ``sending`` with a lease
(``next_at`` = now + lease), so two senders never hold one delivery, and one whose sender
died while holding it is claimed again when the lease ends. Times the store compares are
epoch seconds (nx-27017 reads ISO-looking strings in range queries as dates).
"""

import time
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument, UpdateOne
from pymongo.errors import PyMongoError

from ..domain.notifications import FAILED, OPTED_OUT, QUEUED, SENDING, SENT, Delivery

# Seconds a sent delivery waits for the store to be back to say so (under the lease).
MARK_SENT_PATIENCE = 45.0


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


class MongoDeliveries:
    def __init__(self, collection: Any) -> None:
        self.collection = collection

    def ensure_indexes(self) -> None:
        self.collection.create_index([("status", ASCENDING), ("next_at", ASCENDING)])
        self.collection.create_index([("request_code", ASCENDING)])
        self.collection.create_index([("recipient", ASCENDING)])

    # -- written by the consumers ----------------------------------------------------------------
    def record(self, deliveries: list[Delivery]) -> int:
        """Write each delivery unless its key is there already; how many were new. One
        command for an event's deliveries (two to five), not one each: every gateway event
        comes here, and nx-27017 runs one command at a time."""
        if not deliveries:
            return 0
        upserts = []
        for delivery in deliveries:
            document = _document(delivery)
            key = document.pop("_id")
            upserts.append(UpdateOne({"_id": key}, {"$setOnInsert": document}, upsert=True))
        return int(self.collection.bulk_write(upserts, ordered=False).upserted_count)

    # -- the sender ----------------------------------------------------------------------------
    def claim_due(self, now: datetime, lease_seconds: float) -> Delivery | None:
        """One delivery whose time has come (queued, or sending with its lease run out),
        now ``sending`` with a lease and one more attempt; None if none is due."""
        found = self.collection.find_one_and_update(
            {"status": {"$in": [QUEUED, SENDING]}, "next_at": {"$lte": _epoch(now)}},
            {"$set": {"status": SENDING, "next_at": _epoch(now) + lease_seconds, "claimed_at": now.isoformat()},
             "$inc": {"attempts": 1}},
            sort=[("next_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )
        return None if found is None else _delivery(found)

    def mark_sent(self, key: str, attempts: int, now: datetime) -> bool:
        """Sent; False if the claim was no longer this sender's (its lease ran out and
        another sender took it: that one's send carries the same key).

        The provider has the message by now: a store that is away for a moment (a
        restart) is waited for, up to a lease, rather than leaving the delivery to be
        claimed and sent again."""
        deadline = time.monotonic() + MARK_SENT_PATIENCE
        while True:
            try:
                result = self.collection.update_one(
                    {"_id": key, "status": SENDING, "attempts": attempts},
                    {"$set": {"status": SENT, "sent_at": now.isoformat(), "last_error": None},
                     "$unset": {"next_at": ""}})
                return result.modified_count == 1
            except PyMongoError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def mark_retry(self, key: str, attempts: int, error: str, at: datetime) -> None:
        self.collection.update_one(
            {"_id": key, "status": SENDING, "attempts": attempts},
            {"$set": {"status": QUEUED, "next_at": _epoch(at), "last_error": error[:500]}})

    def mark_opted_out(self, key: str, attempts: int, now: datetime) -> None:
        self.collection.update_one(
            {"_id": key, "status": SENDING, "attempts": attempts},
            {"$set": {"status": OPTED_OUT, "opted_out_at": now.isoformat()}, "$unset": {"next_at": ""}})

    def mark_failed(self, key: str, attempts: int, error: str, now: datetime) -> None:
        self.collection.update_one(
            {"_id": key, "status": SENDING, "attempts": attempts},
            {"$set": {"status": FAILED, "failed_at": now.isoformat(), "last_error": error[:500]},
             "$unset": {"next_at": ""}})

    # -- read ----------------------------------------------------------------------------------
    def get(self, key: str) -> Delivery | None:
        found = self.collection.find_one({"_id": key})
        return None if found is None else _delivery(found)

    def of_request(self, code: str) -> list[Delivery]:
        return self._sorted({"request_code": code})

    def to_recipient(self, who: str, limit: int = 100) -> list[Delivery]:
        """The newest first."""
        documents = self.collection.find({"recipient": who}).sort([("created_at", -1)]).limit(limit)
        return [_delivery(document) for document in documents]

    def _sorted(self, query: dict[str, Any]) -> list[Delivery]:
        return [_delivery(document) for document in self.collection.find(query).sort([("created_at", 1)])]


def _document(delivery: Delivery) -> dict[str, Any]:
    waiting = delivery.status == QUEUED
    return {
        "_id": delivery.key, "event_id": delivery.event_id, "kind": delivery.kind, "channel": delivery.channel,
        "recipient": delivery.recipient, "address": delivery.address, "request_code": delivery.request_code,
        "subject": delivery.subject, "text": delivery.text, "text_en": delivery.text_en,
        "created_at": delivery.created_at.isoformat(), "not_before": delivery.not_before.isoformat(),
        **({"next_at": _epoch(delivery.not_before)} if waiting else {}),
        "status": delivery.status, "attempts": delivery.attempts, "uscc": delivery.uscc,
        "station": delivery.station, "domain": delivery.domain,
        "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None, "last_error": None,
        "extra": delivery.extra,
    }


def _delivery(document: dict[str, Any]) -> Delivery:
    return Delivery(
        key=document["_id"], event_id=document["event_id"], kind=document["kind"], channel=document["channel"],
        recipient=document["recipient"], address=document["address"], request_code=document.get("request_code"),
        subject=document.get("subject", ""), text=document.get("text", ""), text_en=document.get("text_en", ""),
        created_at=datetime.fromisoformat(document["created_at"]),
        not_before=datetime.fromisoformat(document["not_before"]),
        status=document["status"], attempts=int(document.get("attempts", 0)), uscc=document.get("uscc"),
        station=document.get("station"), domain=document.get("domain"),
        sent_at=datetime.fromisoformat(document["sent_at"]) if document.get("sent_at") else None,
        last_error=document.get("last_error"), extra=document.get("extra") or {},
    )


class MongoNotificationSettings:
    """Which kinds each enterprise turned off: ``{_id: uscc, off: [kind], updated_at}``."""

    def __init__(self, collection: Any) -> None:
        self.collection = collection

    def off(self, uscc: str) -> list[str]:
        found = self.collection.find_one({"_id": uscc})
        return list(found.get("off", [])) if found else []

    def set_off(self, uscc: str, off: list[str], now: datetime) -> None:
        self.collection.update_one({"_id": uscc}, {"$set": {"off": sorted(off), "updated_at": now.isoformat()}},
                                   upsert=True)

