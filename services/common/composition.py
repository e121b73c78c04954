"""``Composition``: each worker gets the ports its use cases take, made by the service's
composition root (its ``bootstrap.build``), never by the entrypoints themselves.

A nameko service declares its database (``MongoDatabase``), its outbox relay
(``OutboxRelay``) and one ``Composition(bootstrap.build)``; every worker then finds the
repositories, reference data and clock built for it in that attribute.
``build(database, relay)`` runs once per worker, so a repository's store keeps what it
loaded for the write that follows (its outbox), and every store of a published
collection hands its writes to the relay of this process.

Two options, for a service that needs them:

* ``shared(database)`` makes what every worker of the process shares (a cache, a block
  of sequence numbers) once, when the container starts; ``build`` then takes it as a
  third argument;
* ``on_confirmed(ports, envelopes)`` is given the events the relay has had confirmed by
  the broker, with ports of their own (the relay runs outside any worker).
"""

import functools
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any, Protocol, TypeVar

from nameko.extensions import DependencyProvider

from .clock import Clock, utc_now
from .mongo import MongoDatabase
from .outbox import OutboxRelay
from .store import MongoDocumentStore

StoreFor = Callable[[str], Any]  # a collection's name -> its document store
Ports = TypeVar("Ports", covariant=True)


def stores_on(database: Any, relay: Any = None) -> StoreFor:
    """Document stores on a service's database, one per collection asked for; each hands
    its writes to the process's outbox ``relay`` (if it publishes that collection)."""
    def store_for(collection: str) -> MongoDocumentStore:
        return MongoDocumentStore(database[collection], database.counters, relay)

    return store_for


class Build(Protocol[Ports]):
    def __call__(self, database: Any, relay: Any = None, clock: Clock = ...) -> Ports: ...


def on_database(compose: Callable[..., Ports], **made_on_database: Callable[[Any], Any]) -> Build[Ports]:
    """A service's ``build(database, relay=None, clock=utc_now)``: the ports its
    ``compose(store_for, clock, **ports)`` makes on document stores on the service's
    database (unit tests call ``compose`` with in-memory stores instead), every store
    handing its writes to the process's outbox ``relay``. ``made_on_database`` names the
    ports that are made from the database itself (``issuing=wiring.issuing``: GridFS)."""
    def build(database: Any, relay: Any = None, clock: Clock = utc_now) -> Ports:
        made = {name: make(database) for name, make in made_on_database.items()}
        return compose(stores_on(database, relay), clock, **made)

    build.__annotations__["return"] = compose.__annotations__.get("return", Any)
    return build


def ensure_indexes(ports: Any) -> None:
    """Every index the repositories among a service's ports look by (each knows its own)."""
    for port in vars(ports).values():
        if callable(getattr(port, "ensure_indexes", None)):
            port.ensure_indexes()


def laboratory_of(package: str) -> dict[str, Any]:
    """The laboratory a service names on what it issues (its ``data/laboratory.json``):
    name, address, authorization; a dict of its own for each worker."""
    lab = shipped_data(package, "laboratory.json")
    return {key: lab[key] for key in ("name", "address", "authorization")}


@cache
def shipped_data(package: str, name: str) -> Any:
    """A data file a service ships (``services/<service>/data/<name>``), read once."""
    return json.loads((resources.files(package) / "data" / name).read_text(encoding="utf-8"))


class Composition(DependencyProvider):
    def __init__(self, build, shared=None, on_confirmed=None):
        self.build = build  # build(database, relay[, shared]) -> the service's ports
        self.make_shared = shared
        self.on_confirmed = on_confirmed
        self.shared = None

    def setup(self):
        relays = [each for each in self.container.extensions if isinstance(each, OutboxRelay)]
        self.relay = relays[0] if relays else None
        if self.on_confirmed is not None and self.relay is not None:
            # Before any extension starts: the relay may confirm leftovers at once. (Named
            # after the use case: the relay's span says what it hands its batches to.)
            self.relay.on_confirmed = functools.wraps(self.on_confirmed)(
                lambda database, envelopes: self._hand_on(database, envelopes))

    def start(self):
        # Every extension is set up by now (nameko sets them all up before starting any).
        self.database = _only(self.container, MongoDatabase).database
        self._shared(self.database)

    def get_dependency(self, worker_ctx):
        return self._ports(self.database, self.relay)

    def _shared(self, database):
        if self.make_shared is not None and self.shared is None:
            self.shared = self.make_shared(database)
        return self.shared

    def _ports(self, database, relay):
        if self.make_shared is None:
            return self.build(database, relay)
        return self.build(database, relay, self._shared(database))

    def _hand_on(self, database, envelopes):
        # The relay's own connection, in its own green thread: no relay for these ports,
        # they write no outbox.
        self.on_confirmed(self._ports(database, None), envelopes)


def _only(container, kind):
    found = [extension for extension in container.extensions if isinstance(extension, kind)]
    if len(found) != 1:
        raise RuntimeError(f"{container.service_name} declares {len(found)} {kind.__name__}, not one")
    return found[0]
