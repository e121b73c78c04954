"""MongoDB access for nameko services: one client per container, made in ``setup()``.

Each service owns one database (``<MONGO_DB_PREFIX><service name>``) and never reads
another service's. The code speaks only pymongo to ``MONGO_URI``, so it runs unchanged
on MongoDB and on the nx-27017 wire-protocol server used on dev machines. nx-27017's
transactions are not isolated, so every state change is one single-document write.
"""

from typing import Any

import pymongo
from nameko.extensions import DependencyProvider
from pymongo.database import Database
from pymongo.errors import BulkWriteError

from . import tracing
from .config import database_name, setting

# Fail fast instead of hanging a worker when the store is down: health answers 503 and
# event handlers raise (the message is redelivered) rather than block.
CLIENT_OPTIONS = {
    "serverSelectionTimeoutMS": 3000,
    "connectTimeoutMS": 3000,
    "socketTimeoutMS": 10000,
    "tz_aware": False,
}


def connect(uri: str | None = None) -> pymongo.MongoClient[Any]:
    return pymongo.MongoClient(uri or setting("MONGO_URI"), **{**CLIENT_OPTIONS, **store_wait()})


def store_wait() -> dict[str, int]:
    """A service gives up on its store in half the time the gateway waits for the service
    (RPC_TIMEOUT), so the gateway hears "store down" and says which store, instead of
    giving up first and saying only that the service did not answer."""
    half_the_gateway_wait = int(float(setting("RPC_TIMEOUT")) * 1000 / 2)
    return {"serverSelectionTimeoutMS": min(CLIENT_OPTIONS["serverSelectionTimeoutMS"], half_the_gateway_wait)}


class SharedCollections(Database):  # type: ignore[type-arg]
    """A database whose collection objects are made once and shared by every worker.

    pymongo makes a new ``Collection`` (its options copied, a few namedtuples) each time a
    collection is named, and a worker's ports name some twenty: that was a tenth of the
    gateway's CPU under an intake load (issue 30). A collection object holds no state of a
    request and pymongo's are safe to share between threads."""

    def __init__(self, client: Any, name: str) -> None:
        super().__init__(client, name)
        self._shared_collections: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        found = self._shared_collections.get(name)
        if found is None:
            found = self._shared_collections[name] = super().__getitem__(name)
        return found


def database_of(client: Any, name: str) -> SharedCollections:
    """The database ``name`` on ``client``, its collections made once (:class:`SharedCollections`)."""
    return SharedCollections(client, name)


DUPLICATE_KEY = 11000
# Documents per command in the background's bulk writes (the relay's marks, the event
# log): nx-27017 runs one command at a time, so a submission's insert that arrives during
# one waits for all of it; 150 event-log entries in one insert_many held intake's answers
# up by some 20 ms, the tail of its p99 (issue 30). A few more round trips cost less.
BACKGROUND_BATCH = 25


def insert_new(collection: Any, documents: Any, batch: int = 1000) -> list[Any]:
    """Insert documents ``batch`` at a time, leaving any whose ``_id`` is taken as it is
    (every batch is written, whatever an earlier one met); the ids that were taken."""
    documents, taken = list(documents), []
    for start in range(0, len(documents), batch):
        try:
            collection.insert_many(documents[start:start + batch], ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                raise
            taken += [error["op"]["_id"] for error in errors]
    return taken


def ping(database: Any) -> bool:
    """True when the server answers; never raises."""
    try:
        database.client.admin.command("ping")
        return True
    except pymongo.errors.PyMongoError:
        return False


class MongoDatabase(DependencyProvider):
    """Injects the service's own ``pymongo.database.Database``.

    ``on_ready(database)``, if given, runs once after connecting: services use it to
    create their indexes, so a fresh database is usable at once.
    """

    def __init__(self, on_ready=None):
        self.on_ready = on_ready
        self.client = None
        self.database = None

    def setup(self):
        self.client = connect()
        self.database = database_of(self.client, database_name(self.container.service_name))
        self.database._prepared = self.on_ready is None  # read by health_report

    def start(self):
        if self.on_ready is not None:
            # Indexes and seed data are no request's work: no trace per command.
            with tracing.untraced():
                self.on_ready(self.database)
            self.database._prepared = True

    def stop(self):
        if self.client is not None:
            self.client.close()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.database
