"""Document stores: where a service keeps its aggregates, with their outbox.

Both stores keep the same contract (tests/integration/test_store_contract.py runs one
suite against each): the in-memory one backs fast unit tests of the handlers, the Mongo
one runs in production. Repositories in each service translate aggregates to documents
and back; they never talk to pymongo themselves.

Every write is to one document, so it is atomic on any MongoDB-wire server:

* ``insert`` creates a document (``AlreadyExists`` if its ``_id`` is taken);
* ``replace`` writes a new state only if the stored version is the one that was read
  (``VersionConflict`` otherwise: optimistic concurrency);
* both take the envelopes announcing the change and put them in the same document's
  outbox (:mod:`services.common.outbox`);
* ``increment_once`` adds counts to a document and remembers who added them, in one
  write with no read, unless that mark is there already (counters fed by events);
  ``increment_all_once`` adds several events' counts in one such write, or none of them;
* ``insert_new`` inserts several documents in one round trip, leaving any already there;
* ``next_sequence`` draws the next number of a named sequence (or reserves several).
"""

import copy
import threading
import uuid

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from . import mongo
from .outbox import (
    CLAIM_FIELD,
    CLAIMED_BY_FIELD,
    PENDING_FIELD,
    add_to_outbox,
    hand_over,
    settled_events,
)


class AlreadyExists(Exception):
    pass


class VersionConflict(Exception):
    """The document changed since it was read. ``current`` is the stored document."""

    def __init__(self, key, current=None):
        super().__init__(f"{key} was changed by someone else")
        self.key = key
        self.current = current


def _with_outbox(document, envelopes):
    return add_to_outbox(copy.deepcopy(document), envelopes)


def _without_bookkeeping(document):
    if document is None:
        return None
    document = dict(document)
    for field in ("outbox", PENDING_FIELD, CLAIM_FIELD, CLAIMED_BY_FIELD):
        document.pop(field, None)
    return document


class MongoDocumentStore:
    def __init__(self, collection, counters):
        self.collection = collection
        self.counters = counters
        # What load() saw of each document's outbox: replace() carries it over from
        # there instead of reading it again, as long as nothing has changed it since.
        self._loaded_outboxes = {}

    @property
    def sequence_space(self):
        """Names where this store's sequences are kept (stores sharing it share them)."""
        return self.counters.full_name

    def ensure_indexes(self, *indexes):
        self.collection.create_index(PENDING_FIELD)
        for keys in indexes:
            self.collection.create_index(keys)

    def insert(self, document, envelopes=()):
        # A shallow copy is enough: the document is serialised at once.
        document = add_to_outbox(dict(document), envelopes)
        document["version"] = 1
        try:
            self.collection.insert_one(document)
        except DuplicateKeyError as exc:
            raise AlreadyExists(document["_id"]) from exc
        self._written(document)
        return document["version"]

    def load(self, key):
        stored = self.collection.find_one({"_id": key})
        if stored is not None:
            self._loaded_outboxes[key] = (stored.get("version"), stored.get("outbox", []), stored.get(PENDING_FIELD))
        return _without_bookkeeping(stored)

    def replace(self, document, envelopes=()):
        """Write ``document`` over the stored one whose version is ``document['version']``."""
        key, expected = document["_id"], document["version"]
        loaded = self._loaded_outboxes.pop(key, None)
        if loaded is not None and loaded[0] == expected:
            # The outbox as loaded, if the relay has taken nothing out of it since (its
            # marks leave the version alone but lower the pending count): one round trip.
            new = self._next(document, loaded[1], envelopes, settled_events(self.collection))
            if self.collection.replace_one({"_id": key, "version": expected, PENDING_FIELD: loaded[2]},
                                           new).matched_count:
                self._written(new)
                return new["version"]
        stored = self.collection.find_one({"_id": key}, {"outbox": 1})
        if stored is None:
            raise VersionConflict(key)
        new = self._next(document, stored.get("outbox", []), envelopes, settled_events(self.collection))
        result = self.collection.replace_one({"_id": key, "version": expected}, new)
        if result.matched_count == 0:
            raise VersionConflict(key, self.load(key))
        self._written(new)
        return new["version"]

    def _written(self, document):
        # Every write, even one with nothing to publish: it may have taken out events the
        # relay was waiting to mark sent.
        hand_over(self.collection, document)

    @staticmethod
    def _next(document, outbox, envelopes, settled):
        new = add_to_outbox({**document, "outbox": outbox}, envelopes, settled)
        new["version"] = document["version"] + 1
        return new

    def increment_once(self, key, mark, increments, maxima=None, on_insert=None, marks="events"):
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

    def increment_all_once(self, key, marks_added, increments, maxima=None, marks="events"):
        """Add ``increments`` (the sum of several events') to existing document ``key`` and
        append every one of ``marks_added`` (distinct) to its ``marks``, in one write, if
        none of them is there yet. False, changing nothing, if one is or the document is
        missing: then count them one by one with :meth:`increment_once`."""
        update = _counting(increments, maxima, marks, marks_added)
        return self.collection.update_one({"_id": key, marks: {"$nin": list(marks_added)}}, update).matched_count == 1

    def insert_new(self, documents):
        """Insert documents (without events) in one round trip; the ids already taken,
        whose stored documents are left as they are."""
        return mongo.insert_new(self.collection, [{**document, "version": 1} for document in documents])

    def find(self, query=None, sort=None, limit=0):
        cursor = self.collection.find(query or {}, {"outbox": 0}, limit=limit)
        if sort:
            cursor = cursor.sort(sort)
        return [_without_bookkeeping(document) for document in cursor]

    def count(self, query=None):
        return self.collection.count_documents(query or {})

    def next_sequence(self, name, count=1):
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


def _counting(increments, maxima, marks, marks_added):
    """The update of increment_once and increment_all_once: add the counts, raise the
    maxima, append the marks, move the version."""
    update = {"$inc": {**increments, "version": 1}, "$push": {marks: {"$each": list(marks_added)}}}
    if maxima:
        update["$max"] = maxima
    return update


class InMemoryDocumentStore:
    """The same contract in a dict, for unit tests of handlers (no broker, no database)."""

    def __init__(self):
        self.documents = {}
        self.sequences = {}
        self.sequence_space = uuid.uuid4().hex  # each fake keeps sequences of its own
        self._lock = threading.Lock()

    def ensure_indexes(self, *indexes):
        pass

    def insert(self, document, envelopes=()):
        with self._lock:
            if document["_id"] in self.documents:
                raise AlreadyExists(document["_id"])
            stored = _with_outbox(document, envelopes)
            stored["version"] = 1
            self.documents[document["_id"]] = stored
            return 1

    def load(self, key):
        return copy.deepcopy(_without_bookkeeping(self.documents.get(key)))

    def replace(self, document, envelopes=()):
        with self._lock:
            stored = self.documents.get(document["_id"])
            if stored is None or stored["version"] != document["version"]:
                raise VersionConflict(document["_id"], copy.deepcopy(_without_bookkeeping(stored)))
            new = _with_outbox({**document, "outbox": stored.get("outbox", [])}, envelopes)
            new["version"] = document["version"] + 1
            self.documents[document["_id"]] = new
            return new["version"]

    def increment_once(self, key, mark, increments, maxima=None, on_insert=None, marks="events"):
        with self._lock:
            document = self.documents.get(key)
            if document is None:
                document = {"_id": key, **copy.deepcopy(on_insert or {}), "version": 0}
            elif mark in document.get(marks, []):
                return False
            self._increment(document, [mark], increments, maxima, marks)
            self.documents[key] = document
            return True

    def increment_all_once(self, key, marks_added, increments, maxima=None, marks="events"):
        with self._lock:
            document = self.documents.get(key)
            if document is None or set(marks_added) & set(document.get(marks, [])):
                return False
            self._increment(document, marks_added, increments, maxima, marks)
            return True

    @staticmethod
    def _increment(document, marks_added, increments, maxima, marks):
        for name, amount in increments.items():
            *path, last = name.split(".")
            _parent(document, path)[last] = _parent(document, path).get(last, 0) + amount
        for name, value in (maxima or {}).items():
            *path, last = name.split(".")
            current = _parent(document, path).get(last)
            _parent(document, path)[last] = value if current is None else max(current, value)
        document.setdefault(marks, []).extend(marks_added)
        document["version"] += 1

    def insert_new(self, documents):
        taken = []
        for document in documents:
            try:
                self.insert(document)
            except AlreadyExists:
                taken.append(document["_id"])
        return taken

    def find(self, query=None, sort=None, limit=0):
        matches = [
            copy.deepcopy(_without_bookkeeping(document))
            for document in self.documents.values()
            if all(_matches(_field(document, name), condition) for name, condition in (query or {}).items())
        ]
        for name, direction in reversed(sort or []):
            matches.sort(key=lambda document: _field(document, name), reverse=direction < 0)
        return matches[:limit] if limit else matches

    def count(self, query=None):
        return len(self.find(query))

    def next_sequence(self, name, count=1):
        with self._lock:
            self.sequences[name] = self.sequences.get(name, 0) + count
            return self.sequences[name]

    # What a relay would publish next; unit tests read it to see the events announced.
    def pending_envelopes(self):
        return [
            entry["envelope"]
            for document in self.documents.values()
            for entry in document.get("outbox", [])
            if not entry["sent"]
        ]


# The part of MongoDB's query language the services use, for the in-memory store:
# equality on (dotted) fields, the range operators and set membership. Like MongoDB,
# a range never matches a missing or null field.
_RANGES = {
    "$lt": lambda value, bound: value < bound,
    "$lte": lambda value, bound: value <= bound,
    "$gt": lambda value, bound: value > bound,
    "$gte": lambda value, bound: value >= bound,
}
_SETS = {
    "$in": lambda value, options: value in options,
    "$nin": lambda value, options: value not in options,
    "$ne": lambda value, other: value != other,
}


def _parent(document, path):
    for part in path:
        document = document.setdefault(part, {})
    return document


def _field(document, dotted_name):
    value = document
    for part in dotted_name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _matches(value, condition):
    if not (isinstance(condition, dict) and condition and all(key in _RANGES or key in _SETS for key in condition)):
        return value == condition
    for operator, operand in condition.items():
        if operator in _RANGES and (value is None or not _RANGES[operator](value, operand)):
            return False
        if operator in _SETS and not _SETS[operator](value, operand):
            return False
    return True
