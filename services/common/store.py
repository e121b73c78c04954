"""Document stores: where a service keeps its aggregates, with their outbox.

The in-memory fake in tests/fakes/store.py keeps the same contract
(tests/integration/test_store_contract.py runs one suite against both) for fast unit
tests of the use cases. Repositories in each service translate aggregates to documents
and back; they never talk to pymongo themselves.

Every write is to one document, so it is atomic on any MongoDB-wire server:

* ``insert`` creates a document (``AlreadyExists`` if its ``_id``, or the value of a
  field made unique with ``ensure_unique``, is taken);
* ``replace`` writes a new state only if the stored version is the one that was read
  (``VersionConflict`` otherwise: optimistic concurrency);
* both take the envelopes announcing the change and put them in the same document's
  outbox (:mod:`services.common.outbox`);
* ``increment_once`` adds counts to a document and remembers who added them, in one
  write with no read, unless that mark is there already (counters fed by events);
  ``increment_all_once`` adds several events' counts in one such write, or none of them;
* ``insert_new`` inserts several documents in one round trip, leaving any already there;
* ``delete`` removes a document that carries no events (a mark, such as a follow);
* ``next_sequence`` draws the next number of a named sequence (or reserves several).
"""


from collections.abc import Iterable
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from . import mongo
from .outbox import CLAIM_FIELD, CLAIMED_BY_FIELD, PENDING_FIELD, add_to_outbox
from .repository import AlreadyExists, Document, VersionConflict

# What the store keeps in a document for the outbox relay, not for the repository.
BOOKKEEPING = ("outbox", PENDING_FIELD, CLAIM_FIELD, CLAIMED_BY_FIELD)


def without_bookkeeping(document: Document | None) -> Document | None:
    if document is None:
        return None
    document = dict(document)
    for field in ("outbox", PENDING_FIELD, CLAIM_FIELD, CLAIMED_BY_FIELD):
        document.pop(field, None)
    return document


class MongoDocumentStore:
    """``relay``: the outbox relay of this process (``OutboxRelay``), if it publishes this
    collection. Every write is handed to it, so the events go out at once without the
    relay reading the document back. Without one (a command-line tool), a write's claim
    runs out and a service's sweep publishes it."""

    def __init__(self, collection: Any, counters: Any, relay: Any = None) -> None:
        self.collection = collection
        self.counters = counters
        self.relay = relay if relay is not None and relay.publishes(collection) else None
        # What load() saw of each document's outbox: replace() carries it over from
        # there instead of reading it again, as long as nothing has changed it since.
        self._loaded_outboxes: dict[Any, tuple[Any, Any, Any]] = {}

    @property
    def sequence_space(self) -> str:
        """Names where this store's sequences are kept (stores sharing it share them)."""
        return self.counters.full_name

    def ensure_indexes(self, *indexes: Any) -> None:
        self.collection.create_index(PENDING_FIELD)
        for keys in indexes:
            self.collection.create_index(keys)

    def ensure_unique(self, field: str) -> None:
        """No two documents with the same value of ``field`` (dotted names allowed); any
        number without it. ``insert`` then raises AlreadyExists for a taken value too."""
        self.collection.create_index(field, unique=True, sparse=True)

    def insert(self, document: Document, envelopes: Iterable[Document] = ()) -> int:
        # A shallow copy is enough: the document is serialised at once.
        document = add_to_outbox(dict(document), envelopes)
        document["version"] = 1
        try:
            self.collection.insert_one(document)
        except DuplicateKeyError as exc:
            raise AlreadyExists(document["_id"]) from exc
        self._written(document)
        return document["version"]

    def load(self, key: Any) -> Document | None:
        stored = self.collection.find_one({"_id": key})
        if stored is not None:
            self._loaded_outboxes[key] = (stored.get("version"), stored.get("outbox", []), stored.get(PENDING_FIELD))
        return without_bookkeeping(stored)

    def replace(self, document: Document, envelopes: Iterable[Document] = ()) -> int:
        """Write ``document`` over the stored one whose version is ``document['version']``."""
        key, expected = document["_id"], document["version"]
        loaded = self._loaded_outboxes.pop(key, None)
        if loaded is not None and loaded[0] == expected:
            # The outbox as loaded, if the relay has taken nothing out of it since (its
            # marks leave the version alone but lower the pending count): one round trip.
            new = self._next(document, loaded[1], envelopes, self._settled())
            if self.collection.replace_one({"_id": key, "version": expected, PENDING_FIELD: loaded[2]},
                                           new).matched_count:
                self._written(new)
                return new["version"]
        stored = self.collection.find_one({"_id": key}, {"outbox": 1})
        if stored is None:
            raise VersionConflict(key)
        new = self._next(document, stored.get("outbox", []), envelopes, self._settled())
        result = self.collection.replace_one({"_id": key, "version": expected}, new)
        if result.matched_count == 0:
            raise VersionConflict(key, self.load(key))
        self._written(new)
        return new["version"]

    def _written(self, document: Document) -> None:
        # Every write, even one with nothing to publish: it may have taken out events the
        # relay was waiting to mark sent.
        if self.relay is not None:
            self.relay.take(self.collection.name, document)

    def _settled(self) -> Any:
        """Ids of events the relay has confirmed and handed on but not yet taken out of
        their outbox: a write leaves them out, which marks them sent for free."""
        return self.relay.settled if self.relay is not None and self.relay.taking_writes else frozenset()

    @staticmethod
    def _next(document: Document, outbox: Any, envelopes: Iterable[Document], settled: Any) -> Document:
        new = add_to_outbox({**document, "outbox": outbox}, envelopes, settled)
        new["version"] = document["version"] + 1
        return new

    def increment_once(self, key: Any, mark: str, increments: dict[str, Any], maxima: dict[str, Any] | None = None,
                       on_insert: Document | None = None, marks: str = "events") -> bool:
        """Add ``increments`` (dotted names allowed) to document ``key``, raise its
        ``maxima`` and append ``mark`` to its ``marks``, unless ``marks`` holds ``mark``
        already; a missing document is created with ``on_insert``. True if it changed.

        One atomic write and no read: a load-and-replace moves the whole document twice,
        and a counter's list of marks grows with every event it counts."""
        update = _counting(increments, maxima, marks, [mark])
        # $nin, not $ne: nx-27017 applies $ne to an array field as a whole in updates.
        unmarked = {"_id": key, marks: {"$nin": [mark]}}
        if self.collection.update_one(unmarked, update).matched_count:
            return True
        # Missing, or holding the mark. Not an upsert: nx-27017 would store an upsert's
        # dotted names ("turnaround.3") as literal keys.
        try:
            self.collection.insert_one({"_id": key, **(on_insert or {}), marks: [], "version": 0})
        except DuplicateKeyError:
            pass  # it exists: it holds the mark, or another first write created it meanwhile
        return self.collection.update_one(unmarked, update).matched_count == 1

    def increment_all_once(self, key: Any, marks_added: list[str], increments: dict[str, Any],
                           maxima: dict[str, Any] | None = None, marks: str = "events") -> bool:
        """Add ``increments`` (the sum of several events') to existing document ``key`` and
        append every one of ``marks_added`` (distinct) to its ``marks``, in one write, if
        none of them is there yet. False, changing nothing, if one is or the document is
        missing: then count them one by one with :meth:`increment_once`."""
        update = _counting(increments, maxima, marks, marks_added)
        return self.collection.update_one({"_id": key, marks: {"$nin": list(marks_added)}}, update).matched_count == 1

    def delete(self, key: Any) -> bool:
        """Remove a document that carries no events (a mark, a link); False if there was none."""
        return bool(self.collection.delete_one({"_id": key}).deleted_count)

    def insert_new(self, documents: Iterable[Document]) -> list[Any]:
        """Insert documents (without events) in one round trip; the ids already taken,
        whose stored documents are left as they are."""
        return mongo.insert_new(self.collection, [{**document, "version": 1} for document in documents])

    def find(self, query: Document | None = None, sort: Any = None, limit: int = 0, skip: int = 0) -> list[Document]:
        """The matching documents in ``sort`` order, the first ``skip`` left out (a page)."""
        cursor = self.collection.find(query or {}, {"outbox": 0}, limit=limit, skip=skip)
        if sort:
            cursor = cursor.sort(sort)
        return [{key: value for key, value in document.items() if key not in BOOKKEEPING} for document in cursor]

    def count(self, query: Document | None = None) -> int:
        return self.collection.count_documents(query or {})

    def next_sequence(self, name: str, count: int = 1) -> int:
        """1, 2, 3 … for each ``name``; atomic across processes. ``count`` reserves that
        many at once: the last of them is returned."""
        for _ in range(3):
            try:
                counter = self.counters.find_one_and_update(
                    {"_id": name},
                    {"$inc": {"value": count}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
                return counter["value"]
            except DuplicateKeyError:
                continue  # two first-ever upserts raced; the loser increments the winner's
        raise RuntimeError(f"could not draw from sequence {name}")


def _counting(increments: dict[str, Any], maxima: dict[str, Any] | None, marks: str,
              marks_added: list[str]) -> dict[str, Any]:
    """The update of increment_once and increment_all_once: add the counts, raise the
    maxima, append the marks, move the version."""
    update = {"$inc": {**increments, "version": 1}, "$push": {marks: {"$each": list(marks_added)}}}
    if maxima:
        update["$max"] = maxima
    return update
