"""An in-memory document store with the contract of ``services.common.store.MongoDocumentStore``
(tests/integration/test_store_contract.py runs one suite against both), for unit tests of
use cases: no broker, no database."""

import copy
import threading
import uuid

from services.common.outbox import add_to_outbox
from services.common.repository import AlreadyExists, VersionConflict
from services.common.store import without_bookkeeping


def _with_outbox(document, envelopes):
    return add_to_outbox(copy.deepcopy(document), envelopes)


class InMemoryDocumentStore:
    """The same contract in a dict, for unit tests of handlers (no broker, no database)."""

    def __init__(self):
        self.documents = {}
        self.sequences = {}
        self.sequence_space = uuid.uuid4().hex  # each fake keeps sequences of its own
        self._lock = threading.Lock()
        self.unique = set()  # fields no two documents share (ensure_unique)

    def ensure_indexes(self, *indexes):
        pass

    def ensure_unique(self, field):
        self.unique.add(field)

    def insert(self, document, envelopes=()):
        with self._lock:
            if document["_id"] in self.documents:
                raise AlreadyExists(document["_id"])
            for unique in self.unique:
                value = _field(document, unique)
                if value is not None and any(_field(other, unique) == value for other in self.documents.values()):
                    raise AlreadyExists(document["_id"])
            stored = _with_outbox(document, envelopes)
            stored["version"] = 1
            self.documents[document["_id"]] = stored
            return 1

    def load(self, key):
        return copy.deepcopy(without_bookkeeping(self.documents.get(key)))

    def replace(self, document, envelopes=()):
        with self._lock:
            stored = self.documents.get(document["_id"])
            if stored is None or stored["version"] != document["version"]:
                raise VersionConflict(document["_id"], copy.deepcopy(without_bookkeeping(stored)))
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

    def delete(self, key):
        with self._lock:
            return self.documents.pop(key, None) is not None

    def insert_new(self, documents):
        taken = []
        for document in documents:
            try:
                self.insert(document)
            except AlreadyExists:
                taken.append(document["_id"])
        return taken

    def find(self, query=None, sort=None, limit=0, skip=0):
        matches = [
            copy.deepcopy(without_bookkeeping(document))
            for document in self.documents.values()
            if _satisfies(document, query or {})
        ]
        for name, direction in reversed(sort or []):
            matches.sort(key=lambda document: _field(document, name), reverse=direction < 0)
        matches = matches[skip:]
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


def _satisfies(document, query):
    """Every condition of the query holds; ``$or`` is any of its queries."""
    return all(any(_satisfies(document, each) for each in condition) if name == "$or"
               else _matches(_field(document, name), condition) for name, condition in query.items())


def _field(document, dotted_name):
    """A (dotted) field's value; through a list of documents, the list of their values
    (MongoDB matches such a path when any of them matches)."""
    value = document
    for part in dotted_name.split("."):
        if isinstance(value, list):
            value = [each.get(part) for each in value if isinstance(each, dict)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _matches(value, condition):
    if isinstance(value, list) and not isinstance(condition, list):
        return any(_matches(each, condition) for each in value)
    if not (isinstance(condition, dict) and condition and all(key in _RANGES or key in _SETS for key in condition)):
        return value == condition
    for operator, operand in condition.items():
        if operator in _RANGES and (value is None or not _RANGES[operator](value, operand)):
            return False
        if operator in _SETS and not _SETS[operator](value, operand):
            return False
    return True
